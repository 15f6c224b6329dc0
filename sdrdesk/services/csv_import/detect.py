"""Work out how a CSV file is written (encoding, delimiter, header row) from its first bytes.

Only a bounded sample is read, so detection costs the same for a 1 KB and a 1 GB file.
Files that are not text tables (empty, header-only, binary, zip, XLSX/XLS saved as .csv)
are refused here with an `ImportFileRejected` that says what the file really is.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sdrdesk.domain.errors import ImportFileRejected

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SAMPLE_RECORDS = 60


@dataclass(frozen=True)
class Detection:
    """What the file looks like; every field can be overridden by the user and re-checked."""

    encoding: str  # a Python codec name: utf-8, utf-8-sig, utf-16-le, utf-16-be, cp1252, latin-1
    delimiter: str
    header_row: int  # 0-based record index of the header row (records above it are skipped)
    headers: tuple[str, ...]
    line_ending: str  # "CRLF", "LF", "CR"
    has_bom: bool
    sample_rows: tuple[tuple[str, ...], ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    @property
    def encoding_label(self) -> str:
        return {
            "utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "utf-16-le": "UTF-16 LE",
            "utf-16-be": "UTF-16 BE", "utf-16": "UTF-16", "cp1252": "Windows-1252",
            "latin-1": "Latin-1",
        }.get(self.encoding, self.encoding)


def _refuse_non_text(head: bytes, name: str) -> None:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if b"[Content_Types].xml" in head or b"xl/" in head:
            raise ImportFileRejected(
                f"{name} is an Excel workbook (XLSX) with a .csv name, not a CSV file. Open it in "
                "your spreadsheet program and use File > Save As > CSV, then import that file.")
        raise ImportFileRejected(
            f"{name} is a zip archive, not a CSV file. Unzip it first and import the CSV inside.")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ImportFileRejected(
            f"{name} is an old-style Excel (.xls) workbook, not a CSV file. Save it as CSV first.")
    if head.startswith(b"\x1f\x8b"):
        raise ImportFileRejected(f"{name} is gzip-compressed. Decompress it, then import the CSV.")
    if head.startswith(b"%PDF"):
        raise ImportFileRejected(f"{name} is a PDF document, not a CSV file.")


def _guess_encoding(head: bytes) -> tuple[str, bool]:
    """(codec, has_bom). UTF-16 is recognised with or without a BOM by its NUL pattern."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", True
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", True
    probe = head[:4096]
    if len(probe) >= 4:
        even_nuls = probe[0::2].count(0)
        odd_nuls = probe[1::2].count(0)
        half = len(probe) / 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le", False
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be", False
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", False
    except UnicodeDecodeError:
        pass
    # Bytes cp1252 leaves undefined mean the file is really Latin-1 (ISO-8859-1).
    if any(b in head for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")):
        return "latin-1", False
    return "cp1252", False


def _decode_sample(head: bytes, encoding: str, complete: bool) -> str:
    codec = encoding[:-4] if encoding.endswith("-sig") else encoding
    data = head
    if encoding in ("utf-16-le", "utf-16-be") and head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        data = head[2:]
    elif encoding == "utf-8-sig":
        data = head[len(codecs.BOM_UTF8):]
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    return decoder.decode(data, final=complete)


def _line_ending(text: str) -> str:
    crlf, lf, cr = text.count("\r\n"), text.count("\n"), text.count("\r")
    if crlf and crlf >= lf - crlf:
        return "CRLF"
    if cr > lf:
        return "CR"
    return "LF"


class _Unreadable(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _records(text: str, delimiter: str, limit: int = _SAMPLE_RECORDS, *,
             raise_errors: bool = False) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            start = reader.line_num + 1
            if len(rows) >= limit:
                break
    except csv.Error as exc:
        if raise_errors:
            raise _Unreadable(start) from exc
    return rows


def _score(rows: list[list[str]]) -> float:
    """Higher when records agree on a field count above one (the table shape)."""
    widths = [len(r) for r in rows if any(c.strip() for c in r)]
    if not widths:
        return 0.0
    width, agree = Counter(widths).most_common(1)[0]
    if width <= 1:
        return 0.0
    return (agree / len(widths)) * (1 + min(width, 40) / 40)


def _complete_sample(text: str, complete: bool) -> str:
    """Drop the last, possibly cut, line of a partial sample."""
    if complete:
        return text
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return text[:cut + 1] if cut > 0 else text


def detect_text(text: str, *, delimiter: str | None = None,
                header_row: int | None = None) -> tuple[str, int, list[list[str]]]:
    """Pick the delimiter and header row of already-decoded sample text."""
    if delimiter is None:
        best, best_score = ",", -1.0
        for candidate in DELIMITERS:
            score = _score(_records(text, candidate))
            if score > best_score + 1e-9:
                best, best_score = candidate, score
        delimiter = best
    rows = _records(text, delimiter, raise_errors=True)
    if header_row is None:
        header_row = 0
        widths = [len(r) for r in rows if any(c.strip() for c in r)]
        modal = Counter(widths).most_common(1)[0][0] if widths else 0
        # Skip blank and preamble lines ("Exported 2024-05-01") above the real header.
        for index, row in enumerate(rows):
            if any(c.strip() for c in row) and (len(row) >= max(2, modal // 2) or modal <= 1):
                header_row = index
                break
    return delimiter, header_row, rows


def detect(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
           header_row: int | None = None) -> Detection:
    """Inspect `path`; overrides replace what would have been guessed."""
    path = Path(path)
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES)
            complete = len(head) < SAMPLE_BYTES or handle.read(1) == b""
    except FileNotFoundError as exc:
        raise ImportFileRejected(f"{name} was not found. Was it moved or deleted?") from exc
    except IsADirectoryError as exc:
        raise ImportFileRejected(f"{name} is a folder, not a CSV file.") from exc
    except OSError as exc:
        raise ImportFileRejected(f"{name} could not be read: {exc.strerror or exc}.") from exc
    if not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileRejected(f"{name} is empty: there is nothing to import.")
    _refuse_non_text(head, name)
    guessed, has_bom = _guess_encoding(head)
    chosen = encoding or guessed
    try:
        codecs.lookup(chosen)
    except LookupError as exc:
        raise ImportFileRejected(f"'{chosen}' is not an encoding sdrdesk knows.") from exc
    if encoding is None and not guessed.startswith("utf-16"):
        # A stray NUL or control character in a field is data; many of them is a binary file.
        nuls = head.count(0)
        control = sum(1 for b in head[:8192] if b < 32 and b not in (9, 10, 13))
        if nuls > max(16, 0.01 * len(head)) or control > max(32, 0.1 * min(len(head), 8192)):
            raise ImportFileRejected(
                f"{name} looks like a binary file, not a text CSV export. Check that you chose "
                "the right file, or export it again as CSV.")
    text = _complete_sample(_decode_sample(head, chosen, complete), complete)
    # Excel's "sep=;" first line names the delimiter and is not part of the table.
    excel_hint = re.match(r"\A[ \t]*sep=(.)[ \t]*\r?\n", text)
    if excel_hint:
        delimiter = delimiter or excel_hint.group(1)
        if header_row is None:
            header_row = 1
    probe = text[:8192]
    controls = sum(1 for ch in probe if ch < " " and ch not in "\t\n\r")
    if encoding is None and controls > max(32, 0.1 * len(probe)):
        raise ImportFileRejected(
            f"{name} looks like a binary file, not a text CSV export. Check that you chose "
            "the right file, or export it again as CSV.")
    try:
        delim, header_index, rows = detect_text(text, delimiter=delimiter, header_row=header_row)
    except _Unreadable as exc:
        raise ImportFileRejected(
            f"{name} has a quote (\") that is never closed, from about line {exc.line}, so the rest of "
            "the file reads as one huge value. Fix that line (or remove the stray quote) and import "
            "again.") from exc
    if header_index >= len(rows):
        raise ImportFileRejected(f"{name} has no header row at line {header_index + 1}.")
    headers = tuple(h.replace("\x00", "").strip() for h in rows[header_index])
    data_rows = [r for r in rows[header_index + 1:] if any(c.strip() for c in r)]
    warnings: list[str] = []
    if not data_rows:
        if complete:
            raise ImportFileRejected(
                f"{name} has a header row but no data rows under it: there is nothing to import.")
        # A huge first record (an unclosed quote?) fills the sample: the import will report it.
        warnings.append("The first rows could not be previewed; check the rejected rows after importing.")
    seen: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = header.casefold()
        if not key:
            continue
        if key in seen:
            raise ImportFileRejected(
                f'{name} has two columns named "{header}" (columns {seen[key] + 1} and {index + 1}). '
                "Rename one of them so each column says what it holds, then import again.")
        seen[key] = index
    if header_index:
        warnings.append(f"Skipped {header_index} line(s) above the header row.")
    return Detection(
        encoding=chosen, delimiter=delim, header_row=header_index, headers=headers,
        line_ending=_line_ending(text), has_bom=has_bom,
        sample_rows=tuple(tuple(r) for r in data_rows[:20]), warnings=tuple(warnings),
    )
