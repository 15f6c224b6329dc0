"""The import's one-parse phone classification (`csv_import/phones.py`) gives exactly what the
domain's `parse_phone` + `search_tokens` give, on real numbers from many countries."""

from __future__ import annotations

import csv
import json

import pytest

from sdrdesk.domain.phones import parse_phone, search_tokens
from sdrdesk.services.csv_import.countries import to_iso2
from sdrdesk.services.csv_import.phones import _parse_row, parse_for_import
from tests.conftest import shared_file


def _embassy_numbers() -> list[tuple[str, str | None]]:
    with shared_file("embassies/database_of_embassies.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["phone"], to_iso2(r["country"])) for r in csv.DictReader(handle, delimiter=";")
                if r["phone"]]
    assert len(rows) == 885
    return rows


def _example_numbers() -> list[tuple[str, str | None]]:
    path = shared_file("phones-libphonenumber-js/examples.mobile.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data) == 245
    return [(number, region) for region, number in sorted(data.items())]


def _expected(raw: str, region: str | None) -> dict[str, object]:
    info = parse_phone(raw, region)
    return {"raw": raw, "e164": info.e164, "extension": info.extension, "is_valid": info.valid,
            "number_type": info.number_type, "region": info.region,
            "search_digits": search_tokens(info.e164, raw) or None}


@pytest.mark.parametrize("source", [_embassy_numbers, _example_numbers])
def test_import_parsing_agrees_with_the_domain(source) -> None:  # type: ignore[no-untyped-def]
    numbers = source()
    checked = valid = 0
    for raw, region in numbers:
        # The number's own country, the importer's default region and no region at all.
        for guess in (region, "US", None):
            assert _parse_row(raw, guess) == _expected(raw, guess), (raw, guess)
            assert parse_for_import(raw, guess) == _expected(raw, guess)  # the cached path too
            checked += 1
            valid += _expected(raw, guess)["is_valid"] is True
    assert checked == 3 * len(numbers) and valid > len(numbers)  # most numbers are valid somewhere
