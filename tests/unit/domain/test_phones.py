from __future__ import annotations

import pytest

from sdrdesk.domain.phones import format_for_display, parse_phone, search_tokens, timezones_for_e164


@pytest.mark.parametrize(("raw", "region", "e164", "kind", "ext"), [
    ("+1 (416) 555-0199", "US", "+14165550199", "fixed_line_or_mobile", None),
    ("(212) 555-0100 x123", "US", "+12125550100", "fixed_line_or_mobile", "123"),
    ("030 1234567", "DE", "+49301234567", "fixed_line", None),
    ("0412 345 678", "AU", "+61412345678", "mobile", None),
    ("'+61 8 9256 5304", "US", "+61892565304", "fixed_line", None),  # Apollo's apostrophe
    ("001-541-754-3010x123", "US", "+15417543010", "fixed_line_or_mobile", "123"),
    ("01 42 34 22 66", "FR", "+33142342266", "fixed_line", None),
])
def test_parses_real_world_formats(raw: str, region: str, e164: str, kind: str, ext: str | None) -> None:
    info = parse_phone(raw, region)
    assert info.raw == raw  # kept exactly as entered
    assert info.valid
    assert info.e164 == e164
    assert info.number_type == kind
    assert info.extension == ext


@pytest.mark.parametrize("raw", ["", "n/a", "12", "+", "((((", "0000000000000000000000"])
def test_bad_numbers_are_flagged_not_raised(raw: str) -> None:
    info = parse_phone(raw, "US")
    assert info.raw == raw
    assert not info.valid
    assert info.timezones == ()


def test_time_zones_are_all_candidates_not_the_first() -> None:
    assert parse_phone("+1 416 555 0199").timezones == ("America/Toronto",)
    assert len(parse_phone("0412 345 678", "AU").timezones) > 1


def test_search_tokens_cover_national_and_international_digits() -> None:
    tokens = search_tokens("+4930123456", "030 123456").split()
    assert {"030123456", "30123456", "4930123456"} <= set(tokens)


def test_display_is_national_at_home_and_international_abroad() -> None:
    assert format_for_display("+14165550199", "x", rep_region="CA") == "(416) 555-0199"
    assert format_for_display("+14165550199", "x", rep_region="DE") == "+1 416-555-0199"
    assert format_for_display(None, "garbage 12", rep_region="US") == "garbage 12"
    assert format_for_display("+12125550100", "x", "US", extension="12") == "(212) 555-0100 ext. 12"


@pytest.mark.parametrize(("e164", "zones"), [
    ("+4930123456", ("Europe/Berlin",)),
    ("+442079460958", ("Europe/London",)),
    # Parseable but not valid (too short; NANP 555-01xx): no zone rather than a guess.
    ("+4420123", ()), ("+15550100", ()),
    ("+999123", ()), ("garbage", ()), ("", ()), (None, ()),
])
def test_zones_of_stored_numbers_only_for_valid_ones(e164: str | None, zones: tuple[str, ...]) -> None:
    assert timezones_for_e164(e164) == zones
