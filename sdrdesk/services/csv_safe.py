"""Cells a spreadsheet would run as a formula, made literal text (OWASP "CSV injection"), no Qt.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return, or with the full-width
`＝＋－＠` that spreadsheet programs (Excel with East Asian input, LibreOffice) also read as a
formula, gets a leading apostrophe. Used by the CSV export and by the import's rejected-rows
file; the importer removes exactly that apostrophe again, so files round-trip.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet: text that would be a formula becomes literal text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return "" if value is None else value
