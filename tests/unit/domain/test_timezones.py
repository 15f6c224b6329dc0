from __future__ import annotations

from datetime import UTC, datetime

from sdrdesk.domain.timezones import local_time_label, merge_equivalent_zones, resolve_zones

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def test_pinned_zone_wins_over_phone_and_place() -> None:
    res = resolve_zones("America/Vancouver", ["+14165550199"], "CA", "ON")
    assert (res.zones, res.source) == (("America/Vancouver",), "pinned")
    assert local_time_label(res, NOW) == "08:00 Vancouver"


def test_phone_then_place_then_unknown() -> None:
    assert resolve_zones(None, ["+14165550199"]).zones == ("America/Toronto",)
    assert resolve_zones("Not/AZone", [None, "garbage"], "CA", "QC").source == "region"
    unknown = resolve_zones(None, [], "ZZ", None)
    assert not unknown.known and local_time_label(unknown, NOW) == "unknown"


def test_same_clock_zones_merge_but_real_ambiguity_stays() -> None:
    # A UK number lists London, Guernsey, Jersey and the Isle of Man: one clock, one answer.
    uk = resolve_zones(None, ["+441311603955"])
    assert uk.zones == ("Europe/London",) and local_time_label(uk, NOW) == "15:00 London"
    # An Australian mobile could be anywhere from Perth to Lord Howe: never guess.
    au = resolve_zones(None, ["+61412345678"])
    assert au.ambiguous and local_time_label(au, NOW) == f"{len(au.zones)} possible zones"
    assert {"Australia/Perth", "Australia/Sydney"} <= set(au.zones)


def test_merge_keeps_zones_whose_dst_rules_differ() -> None:
    # Phoenix keeps standard time all year; Denver does not: they differ half the year.
    assert merge_equivalent_zones(["America/Denver", "America/Phoenix"]) == (
        "America/Denver", "America/Phoenix")
    assert merge_equivalent_zones(["Europe/Jersey", "Europe/London"]) == ("Europe/London",)
