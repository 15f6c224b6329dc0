"""Stream the records of a CSV file with bounded memory, never converting a cell's type.

Every cell stays text (leading zeros survive). Bytes that are not valid in the chosen
encoding do not stop the import: they mark the record they are in, which is then rejected
with a reason, so the user sees exactly which rows need fixing.
"""

from __future__ import annotations

import codecs
import csv
import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sdrdesk.services.csv_import.detect import Detection

# csv's own default (128 KiB) caps one cell, so one unclosed quote cannot eat the memory.
FIELD_SIZE_LIMIT = 131072
_ERROR_HANDLER = "sdrdesk-import-mark"
_marks = threading.local()


def _mark_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    _marks.count = getattr(_marks, "count", 0) + 1
    end = getattr(error, "end", 0)
    return "\ufffd", end


codecs.register_error(_ERROR_HANDLER, _mark_bad_bytes)


class _CountingRaw(io.RawIOBase):
    """A raw reader that counts the bytes read, for progress without `tell()`."""

    def __init__(self, raw: io.RawIOBase | io.BufferedIOBase) -> None:
        super().__init__()
        self._raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer) or 0
        self.bytes_read += n
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


@dataclass(frozen=True)
class Record:
    number: int  # 1-based data row number (the header is row 0)
    line: int  # physical line where the record ends, for messages
    cells: list[str]
    error: str | None = None  # set when the record could not be read cleanly


class CsvRecordReader:
    """Iterates the data records under the detected header row."""

    def __init__(self, path: Path, detection: Detection, *, opener=None) -> None:  # type: ignore[no-untyped-def]
        self.path = Path(path)
        self.detection = detection
        self._opener = opener or (lambda p: open(p, "rb"))  # noqa: SIM115 - closed in __iter__
        self.bytes_read = 0
        self._counter: _CountingRaw | None = None

    @property
    def progress_bytes(self) -> int:
        return self._counter.bytes_read if self._counter else 0

    def __iter__(self) -> Iterator[Record]:
        csv.field_size_limit(FIELD_SIZE_LIMIT)
        raw = self._opener(self.path)
        self._counter = counting = _CountingRaw(raw)
        buffered = io.BufferedReader(counting, buffer_size=1 << 16)
        text = io.TextIOWrapper(buffered, encoding=self.detection.encoding, errors=_ERROR_HANDLER,
                                newline="")
        try:
            reader = csv.reader(text, delimiter=self.detection.delimiter, strict=False)
            index = -1
            number = 0
            while True:
                before = getattr(_marks, "count", 0)
                try:
                    cells = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    index += 1
                    if index > self.detection.header_row:
                        number += 1
                        yield Record(number, reader.line_num, [], f"could not be read as CSV: {exc}")
                    continue
                index += 1
                if index < self.detection.header_row:
                    continue
                if index == self.detection.header_row:
                    continue
                if not any(c.strip() for c in cells):
                    continue  # blank lines are not data rows
                number += 1
                error = None
                if getattr(_marks, "count", 0) != before:
                    error = (f"contains bytes that are not valid {self.detection.encoding_label}; "
                             "re-save the file in UTF-8 or choose the right encoding")
                if any("\x00" in c for c in cells):
                    cells = [c.replace("\x00", "") for c in cells]
                yield Record(number, reader.line_num, cells, error)
        finally:
            self.bytes_read = counting.bytes_read
            text.close()


def count_data_rows(path: Path, detection: Detection) -> int:
    """How many data records the file holds (a full streaming pass; used by previews and tests)."""
    return sum(1 for _ in CsvRecordReader(path, detection))
