"""CSV export of accounts and contacts in the column conventions the importer reads back.

Cells that a spreadsheet would run as a formula (starting with =, +, -, @, their full-width
forms, tab or CR; see services/csv_safe.py) get a
leading apostrophe, the OWASP "CSV injection" defence; the importer removes exactly that
apostrophe again, so an export round-trips. Files are written to a temporary name and moved
into place, so a failed export never leaves half a file. No Qt.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.services.csv_safe import neutralise
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

CONTACT_COLUMNS = ("First Name", "Last Name", "Email", "Title", "Company", "Website", "LinkedIn URL",
                   "Country", "State", "City", "Notes", "Other Emails", "External ID", "Company ID")
ACCOUNT_COLUMNS = ("Company Name", "Website", "Industry", "Number of Employees", "Annual Revenue",
                   "Company Phone", "Company Country", "Company State", "Company City", "Description",
                   "External ID")
_PAGE = 1000


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _write(path: Path, header: list[str], rows: Iterator[list[Any]], cancel: CancelToken | None,
           progress: Callable[[int, int], None] | None, total: int) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".csv.tmp", dir=path.parent)
    count = 0
    try:
        # UTF-8 with BOM and CRLF: what Excel expects to open without a wizard.
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            for row in rows:
                if cancel is not None and cancel.cancelled:
                    raise OperationCancelled()
                writer.writerow([neutralise(cell) for cell in row])
                count += 1
                if progress is not None and count % _PAGE == 0:
                    progress(count, total)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    if progress is not None:
        progress(count, total)
    return count


def _extra_keys(session: Any, column: Any, live: Any, taken: tuple[str, ...]) -> list[str]:
    """Every extra-field name the records carry, in first-seen order (one column each)."""
    keys: dict[str, None] = {}
    for (text,) in session.execute(select(column).where(live, column.is_not(None)).distinct()):
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            keys.update(dict.fromkeys(json.loads(text)))
    return [k for k in keys if k not in taken]


def _extra_cells(text: str | None, keys: list[str]) -> list[str]:
    if not keys:
        return []
    data: dict[str, Any] = {}
    if text:
        with contextlib.suppress(ValueError, TypeError):
            data = json.loads(text) or {}
    return [data.get(k, "") for k in keys]


def export_contacts(uow_factory: UowFactory, path: Path, *, cancel: CancelToken | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ExportResult:
    """Every live contact with its company and phones ("Phone 1".."Phone N", raw as entered)."""
    with uow_factory() as uow:
        s = uow.session
        live = m.Contact.deleted_at.is_(None)
        total = s.scalar(select(func.count()).select_from(m.Contact).where(live)) or 0
        per_contact = (select(func.count().label("n")).where(m.ContactPhone.deleted_at.is_(None))
                       .group_by(m.ContactPhone.contact_id).subquery())
        most = s.scalar(select(func.max(per_contact.c.n))) or 0
        phone_columns = max(1, int(most))
        extras = _extra_keys(s, m.Contact.extra_fields, live, CONTACT_COLUMNS)
        header = [*CONTACT_COLUMNS, *(f"Phone {i + 1}" for i in range(phone_columns)), *extras]

        def rows() -> Iterator[list[Any]]:
            # Plain columns, not entities: nothing accumulates in the identity map on big books.
            c = m.Contact
            stmt = (select(c.id, c.first_name, c.last_name, c.email, c.title, m.Account.name,
                           m.Account.website, c.linkedin_url, c.country, c.region, c.city, c.notes,
                           c.other_emails, c.external_id, m.Account.external_id, c.extra_fields)
                    .outerjoin(m.Account, m.Account.id == c.account_id)
                    .where(c.deleted_at.is_(None)).order_by(c.created_at, c.id))
            for page in s.execute(stmt).yield_per(_PAGE).partitions():
                ids = [row[0] for row in page]
                phones: dict[Any, list[str]] = {}
                for contact_id, raw, extension in s.execute(
                        select(m.ContactPhone.contact_id, m.ContactPhone.raw, m.ContactPhone.extension)
                        .where(m.ContactPhone.contact_id.in_(ids), m.ContactPhone.deleted_at.is_(None))
                        .order_by(m.ContactPhone.contact_id, m.ContactPhone.position)):
                    if extension and extension not in raw:
                        raw = f"{raw} ext. {extension}"  # it came from its own column: keep it
                    phones.setdefault(contact_id, []).append(raw)
                for row in page:
                    numbers = phones.get(row[0], [])
                    yield [*row[1:-1], *(numbers + [""] * phone_columns)[:phone_columns],
                           *_extra_cells(row[-1], extras)]

        count = _write(path, header, rows(), cancel, progress, total)
    return ExportResult(Path(path), count)


def export_accounts(uow_factory: UowFactory, path: Path, *, cancel: CancelToken | None = None,
                    progress: Callable[[int, int], None] | None = None) -> ExportResult:
    with uow_factory() as uow:
        s = uow.session
        live = m.Account.deleted_at.is_(None)
        total = s.scalar(select(func.count()).select_from(m.Account).where(live)) or 0
        extras = _extra_keys(s, m.Account.extra_fields, live, ACCOUNT_COLUMNS)

        def rows() -> Iterator[list[Any]]:
            a = m.Account
            stmt = (select(a.name, func.coalesce(a.website, a.domain), a.industry, a.employee_count,
                           a.annual_revenue, a.phone_raw, a.country, a.region, a.city, a.notes,
                           a.external_id, a.extra_fields)
                    .where(a.deleted_at.is_(None)).order_by(a.created_at, a.id))
            for page in s.execute(stmt).yield_per(_PAGE).partitions():
                yield from ([*row[:-1], *_extra_cells(row[-1], extras)] for row in page)

        count = _write(path, [*ACCOUNT_COLUMNS, *extras], rows(), cancel, progress, total)
    return ExportResult(Path(path), count)
