"""Export for CRM: preview counts, write the files, remember "since last export" per target.

`CrmService` is the facade's `workspace.crm`. A window is `since` (exclusive) on each
record's `updated_at`: "last" means where the previous export of that record type for that
target stopped (kept in the book's `export_marks`), a date means from that day on, None means
everything. After writing, the mark moves to the newest `updated_at` exported, so new work is
exported next time and nothing twice; the same export of the same book gives the same bytes
(no export time in the file, fixed ordering). No Qt.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import ValidationError
from sdrdesk.domain.qualification import Catalog
from sdrdesk.services.crm_export import push as push_mod
from sdrdesk.services.crm_export.formats import FORMATS, FORMATS_AVAILABLE, Sheet
from sdrdesk.services.crm_export.hubspot import (
    DEFAULT_BASE_URL,
    TOKEN_SECRET_NAME,
    HubSpotClient,
    RetryPolicy,
)
from sdrdesk.services.crm_export.push import OutboxItem, OutboxSummary, PushResult
from sdrdesk.services.crm_export.records import LOADERS, RECORD_TYPES, count_changed
from sdrdesk.services.csv_export import neutralise
from sdrdesk.services.secrets import SecretStore
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

SINCE_LAST = "last"
SINCE_ALL = "all"
_EPSILON = timedelta(microseconds=1)


@dataclass(frozen=True)
class Window:
    """Which records an export takes: `updated_at > since` (None: all of them)."""

    since: datetime | None
    label: str  # "everything", "since the last export (2026-12-07 14:03 UTC)", "since 2026-12-01"


@dataclass(frozen=True)
class SheetCount:
    key: str
    rows: int


@dataclass(frozen=True)
class ExportPreview:
    target: str
    record_type: str
    window: Window
    sheets: tuple[SheetCount, ...]

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.sheets)


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    sheet: str
    rows: int


@dataclass(frozen=True)
class CrmExportResult:
    target: str
    record_type: str
    window: Window
    files: tuple[WrittenFile, ...]
    exported_through: datetime | None
    changes: Changes = field(default_factory=Changes)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)


@dataclass(frozen=True)
class ExportMarkInfo:
    target: str
    record_type: str
    exported_through: datetime | None
    last_export_at: datetime
    last_rows: int


def parse_since(text: str | None) -> str | date | None:
    """`--since` as given: "last", a date (YYYY-MM-DD), or None/"all" for everything."""
    if text is None or text.strip().lower() in ("", SINCE_ALL):
        return None
    value = text.strip().lower()
    if value == SINCE_LAST:
        return SINCE_LAST
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"--since takes 'last', 'all' or a date like 2026-12-01, not {text!r}.") from None


def sheet_path(out: Path, sheets: tuple[Sheet, ...], sheet: Sheet) -> Path:
    """The first sheet is OUT itself; the others sit beside it as OUT-<key>.csv."""
    if sheet is sheets[0]:
        return out
    return out.with_name(f"{out.stem}-{sheet.key}{out.suffix or '.csv'}")


def _check(target: str, record_type: str) -> tuple[Sheet, ...]:
    if target not in FORMATS_AVAILABLE:
        raise ValidationError(f"Unknown format {target!r}: choose {', '.join(FORMATS_AVAILABLE)}.")
    if record_type not in RECORD_TYPES:
        raise ValidationError(f"Unknown record type {record_type!r}: choose {', '.join(RECORD_TYPES)}.")
    return FORMATS[target][record_type]


class _SheetFiles:
    """One temporary file per sheet, opened on its first row (the first sheet always), streamed.

    UTF-8 with BOM, CRLF, formula-safe cells; `commit` moves every file into place, `abort`
    removes them, so a failed or cancelled export never leaves half a file.
    """

    def __init__(self, out: Path, sheets: tuple[Sheet, ...]) -> None:
        self._out, self._sheets = out, sheets
        self._open: dict[str, tuple[Any, Any, str, Path]] = {}  # key -> (handle, writer, tmp, path)
        self.counts: dict[str, int] = {s.key: 0 for s in sheets}
        out.parent.mkdir(parents=True, exist_ok=True)
        self._start(sheets[0])

    def _start(self, sheet: Sheet) -> tuple[Any, Any, str, Path]:
        path = sheet_path(self._out, self._sheets, sheet)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv.tmp", dir=path.parent)
        handle = os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(sheet.header)
        self._open[sheet.key] = (handle, writer, tmp, path)
        return self._open[sheet.key]

    def write(self, sheet: Sheet, row: list[Any]) -> None:
        entry = self._open.get(sheet.key) or self._start(sheet)
        entry[1].writerow([neutralise(cell) for cell in row])
        self.counts[sheet.key] += 1

    def commit(self) -> list[WrittenFile]:
        written = []
        for sheet in self._sheets:  # in the format's order, so the result lists files stably
            if sheet.key not in self._open:
                continue
            handle, _writer, tmp, path = self._open[sheet.key]
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(tmp, path)
            written.append(WrittenFile(path, sheet.key, self.counts[sheet.key]))
        self._open.clear()
        return written

    def abort(self) -> None:
        for handle, _writer, tmp, _path in self._open.values():
            with contextlib.suppress(OSError):
                handle.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._open.clear()


class CrmService:
    def __init__(self, uow_factory: UowFactory, clock: Clock, secrets: SecretStore | None = None,
                 frameworks: Callable[[], Catalog] | None = None) -> None:
        self._uow = uow_factory
        self._frameworks = frameworks  # the book's qualification frameworks (labels for answers)
        self._clock = clock
        self._secrets = secrets or SecretStore()
        self._token_known: bool | None = None
        self.hubspot_base_url = os.environ.get("SDRDESK_HUBSPOT_URL", DEFAULT_BASE_URL)

    # -- HubSpot push: token in the OS keychain only, outbox in the book ----------------------
    def hubspot_token_set(self) -> bool:
        """Whether a token is in the keychain (asked once per session: a keychain may prompt)."""
        if self._token_known is None:
            self._token_known = bool(self._secrets.get(TOKEN_SECRET_NAME))
        return self._token_known

    def push_configured(self) -> bool:
        """True once this book has been pushed to HubSpot (no keychain access needed)."""
        with self._uow() as uow:
            return uow.session.scalar(select(m.ExportMark.id).where(
                m.ExportMark.target == push_mod.MARK_TARGET).limit(1)) is not None

    def set_hubspot_token(self, token: str) -> None:
        """Remember the private-app token in the OS keychain (raises KeychainUnavailable)."""
        token = token.strip()
        if not token:
            raise ValidationError("Paste the private-app token first.")
        self._secrets.set(TOKEN_SECRET_NAME, token)
        self._token_known = True

    def test_hubspot_connection(self, token: str | None = None, *, timeout: float = 10.0) -> str:
        """Ask HubSpot (at the configured base URL) whether the token works; network: run on a reader.

        Tests the token typed (not saved yet) when given, else the saved one. Returns a readable
        confirmation; raises ValidationError (no token) or HubSpotError (refused, unreachable)
        whose message says what to do. Reads nothing from and writes nothing to the book.
        """
        token = (token or "").strip() or self._secrets.get(TOKEN_SECRET_NAME) or ""
        if not token:
            raise ValidationError("Paste the private-app token first (or save one).")
        client = HubSpotClient(token, base_url=self.hubspot_base_url, timeout=timeout,
                               retry=RetryPolicy(attempts=1))
        client.check_access()
        where = urlsplit(self.hubspot_base_url).netloc or self.hubspot_base_url
        return f"Connected: HubSpot ({where}) accepted the token."

    def forget_hubspot_token(self) -> None:
        self._secrets.delete(TOKEN_SECRET_NAME)
        self._token_known = False

    def queue_outbox(self) -> OutboxSummary:
        """Add what changed since last time to the outbox (offline) and return its counts."""
        push_mod.queue_new(self._uow, self._clock)
        return push_mod.summary(self._uow)

    def outbox_summary(self) -> OutboxSummary:
        return push_mod.summary(self._uow)

    def outbox_items(self, statuses: tuple[str, ...] = ("failed", "queued"),
                     limit: int = 200) -> list[OutboxItem]:
        return push_mod.items(self._uow, statuses, limit)

    def retry_failed(self, ids: list[uuid.UUID] | None = None) -> int:
        return push_mod.retry_failed(self._uow, self._clock, ids)

    def push_hubspot(self, *, client: HubSpotClient | None = None, cancel: CancelToken | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     write: push_mod.Write[Any] = push_mod.write_inline) -> PushResult:
        """Queue what is new, then send the outbox to HubSpot.

        Run it on a reader thread (network waits) and pass the serial writer as `write` (the
        window: `runner.write_and_wait`): the queueing and every outbox/link update are small
        jobs run there; this thread only reads and talks to HubSpot.
        """
        if client is None:
            token = self._secrets.get(TOKEN_SECRET_NAME)
            if not token:
                raise ValidationError("Set the HubSpot private-app token first (Export for CRM).")
            client = HubSpotClient(token, base_url=self.hubspot_base_url)
        write(lambda: push_mod.queue_new(self._uow, self._clock))
        catalog = self._frameworks() if self._frameworks is not None else None
        return push_mod.push(self._uow, self._clock, client, write=write, catalog=catalog, cancel=cancel,
                             progress=progress)

    # -- windows and marks ----------------------------------------------------------------
    def mark(self, target: str, record_type: str) -> ExportMarkInfo | None:
        with self._uow() as uow:
            row = self._mark_row(uow, target, record_type)
            if row is None:
                return None
            return ExportMarkInfo(row.target, row.record_type, row.exported_through,
                                  row.last_export_at, row.last_rows)

    @staticmethod
    def _mark_row(uow: SqlUnitOfWork, target: str, record_type: str) -> m.ExportMark | None:
        return uow.session.scalars(select(m.ExportMark).where(
            m.ExportMark.target == target, m.ExportMark.record_type == record_type,
            m.ExportMark.deleted_at.is_(None))).first()

    def _window(self, uow: SqlUnitOfWork, target: str, record_type: str,
                since: str | date | datetime | None) -> Window:
        if since is None or since == SINCE_ALL:
            return Window(None, "everything")
        if since == SINCE_LAST:
            row = self._mark_row(uow, target, record_type)
            if row is None or row.exported_through is None:
                return Window(None, "everything (no earlier export)")
            return Window(row.exported_through,
                          f"since the last export ({row.exported_through:%Y-%m-%d %H:%M} UTC)")
        if isinstance(since, datetime):
            moment = since.astimezone(UTC)
            return Window(moment, f"since {moment:%Y-%m-%d %H:%M} UTC")
        if isinstance(since, date):
            # "since 2026-12-01" includes that day: everything updated from its midnight (UTC) on.
            moment = datetime.combine(since, time.min, UTC).replace(microsecond=0)
            return Window(moment - _EPSILON, f"since {since.isoformat()}")
        raise ValidationError(f"Cannot read the start {since!r}.")

    # -- preview and export ---------------------------------------------------------------
    def preview(self, target: str, record_type: str,
                since: str | date | datetime | None = SINCE_LAST) -> ExportPreview:
        sheets = _check(target, record_type)
        with self._uow() as uow:
            window = self._window(uow, target, record_type, since)
            counts = dict.fromkeys((s.key for s in sheets), 0)
            for kind, n in count_changed(uow.session, record_type, window.since).items():
                sheet = next((s for s in sheets if s.accepts_kind(kind)), None)
                if sheet is not None:
                    counts[sheet.key] += n
        return ExportPreview(target, record_type, window,
                             tuple(SheetCount(k, v) for k, v in counts.items()))

    def preview_all(self, target: str, since: str | date | datetime | None = SINCE_LAST,
                    record_types: Iterable[str] = RECORD_TYPES) -> tuple[ExportPreview, ...]:
        return tuple(self.preview(target, t, since) for t in record_types)

    def export(self, target: str, record_type: str, out: Path,
               since: str | date | datetime | None = SINCE_LAST, *,
               cancel: CancelToken | None = None,
               progress: Callable[[int], None] | None = None,
               remember: bool = True) -> CrmExportResult:
        """Write the file(s); with `remember`, also move the "since last export" mark.

        The dialog writes the files on a reader (`remember=False`, so the book's one writer is
        never held by a long export) and then calls `remember(result)` through the writer.
        """
        sheets = _check(target, record_type)
        out = Path(out)
        with self._uow() as uow:
            window = self._window(uow, target, record_type, since)
            files = _SheetFiles(out, sheets)
            newest: datetime | None = None
            try:
                loader: Any = LOADERS[record_type]
                extra = ({"catalog": self._frameworks()} if self._frameworks is not None
                         and record_type in ("meetings", "contacts") else {})
                for n, record in enumerate(loader(uow.session, window.since, **extra), start=1):
                    if cancel is not None and cancel.cancelled:
                        raise OperationCancelled()
                    sheet = next((s for s in sheets if s.accepts(record)), None)
                    if sheet is None:
                        continue
                    files.write(sheet, sheet.row(record))
                    newest = record.updated_at if newest is None else max(newest, record.updated_at)
                    if progress is not None and n % 500 == 0:
                        progress(n)
                written = files.commit()
            except BaseException:
                files.abort()
                raise
        result = CrmExportResult(target, record_type, window, tuple(written), newest)
        if remember:
            self.remember(result)
        return result

    def remember(self, result: CrmExportResult) -> ExportMarkInfo:
        """Record how far `result` exported, so the next "since last" starts after it (a write)."""
        with self._uow() as uow:
            mark = self._mark_row(uow, result.target, result.record_type)
            if mark is None:
                mark = m.ExportMark(target=result.target, record_type=result.record_type)
                uow.session.add(mark)
            if result.exported_through is not None:
                previous = mark.exported_through
                mark.exported_through = (result.exported_through if previous is None
                                         else max(previous, result.exported_through))
            elif mark.exported_through is None and result.window.since is not None:
                mark.exported_through = result.window.since
            mark.last_export_at = self._clock.now()
            mark.last_rows = result.rows
            uow.commit()
            return ExportMarkInfo(mark.target, mark.record_type, mark.exported_through,
                                  mark.last_export_at, mark.last_rows)
