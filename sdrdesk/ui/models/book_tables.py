"""The book's account and contact tables: paged models over rowids from `services.book_queries`.

Rows are fetched 200 at a time the first time they are painted, on a worker when a runner
is given (the pane gives one: scrolling never waits for SQLite). The contact table's
"Local time" column reads the injected clock at paint time; the pane ticks it once a minute.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from sdrdesk.domain.timezones import ZoneResolution, is_valid_zone, local_time_label, zones_for_place
from sdrdesk.services.book_queries import AccountRow, ContactRow
from sdrdesk.ui.models.paged_table import ColumnSpec, PagedTableModel
from sdrdesk.ui.workers import Runner

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

WorkspaceFn = Callable[[], "Workspace | None"]


def _employees(row: AccountRow) -> str:
    return f"{row.employee_count:,}" if row.employee_count is not None else ""


ACCOUNT_COLUMNS: list[ColumnSpec[AccountRow]] = [
    ColumnSpec("name", "Account", lambda r: r.name, width=220, sortable=True),
    ColumnSpec("domain", "Domain", lambda r: r.domain, width=160, sortable=True),
    ColumnSpec("industry", "Industry", lambda r: r.industry, width=130, sortable=True),
    ColumnSpec("employees", "Employees", _employees, width=80, align_right=True, sortable=True),
    ColumnSpec("place", "Location", lambda r: r.place, width=170, sortable=True),
    ColumnSpec("icp", "ICP", lambda r: r.icp_tier, width=44, sortable=True),
    ColumnSpec("label", "Source", lambda r: r.source_label, width=150, sortable=True),
    ColumnSpec("contacts", "Contacts", lambda r: str(r.contact_count), width=70, align_right=True),
    ColumnSpec("open", "Open tasks", lambda r: str(r.open_tasks) if r.open_tasks else "",
               width=76, align_right=True),
]


def contact_zones(row: ContactRow) -> ZoneResolution:
    """Pinned zone wins; then the primary number's zones; then the contact's country."""
    if is_valid_zone(row.pinned_timezone):
        return ZoneResolution((row.pinned_timezone,), "pinned")  # type: ignore[arg-type]
    if row.phone_zones:
        return ZoneResolution(row.phone_zones, "phone")
    place = zones_for_place(row.country, None)
    return ZoneResolution(place, "region") if place else ZoneResolution((), "unknown")


def _zone_tip(row: ContactRow) -> str:
    res = contact_zones(row)
    if not res.known:
        return "No time zone: the number is invalid or unknown. Pin one in the research pane."
    return f"{', '.join(res.zones)} (from {res.source})"


def contact_columns(now: Callable[[], datetime],
                    rep_region: Callable[[], str]) -> list[ColumnSpec[ContactRow]]:
    return [
        ColumnSpec("name", "Name", lambda r: r.name, width=170, sortable=True),
        ColumnSpec("title", "Title", lambda r: r.title, width=190, sortable=True),
        ColumnSpec("account", "Account", lambda r: r.account_name, width=190, sortable=True),
        ColumnSpec("phone", "Phone", lambda r: r.phone(rep_region()), width=150),
        ColumnSpec("local", "Local time", lambda r: local_time_label(contact_zones(r), now()),
                   width=130, tooltip=_zone_tip),
        ColumnSpec("email", "E-mail", lambda r: r.email, width=220, sortable=True),
        ColumnSpec("persona", "Persona", lambda r: r.persona, width=110, sortable=True),
        ColumnSpec("country", "Country", lambda r: r.country, width=60, sortable=True),
    ]


class AccountTableModel(PagedTableModel[AccountRow]):
    def __init__(self, workspace: WorkspaceFn, parent: QObject | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(ACCOUNT_COLUMNS, self._fetch_rows, parent, runner=runner)
        self._workspace = workspace

    def _fetch_rows(self, ids: Sequence[Hashable]) -> dict[Hashable, AccountRow]:
        ws = self._workspace()
        if ws is None:
            return {}
        return dict(ws.browse.account_rows([i for i in ids if isinstance(i, int)]))

    def invalidate_records(self, record_ids: Iterable[uuid.UUID]) -> None:
        _invalidate_by_uuid(self, record_ids)


class ContactTableModel(PagedTableModel[ContactRow]):
    def __init__(self, workspace: WorkspaceFn, now: Callable[[], datetime],
                 rep_region: Callable[[], str], parent: QObject | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(contact_columns(now, rep_region), self._fetch_rows, parent, runner=runner)
        self._workspace = workspace

    def _fetch_rows(self, ids: Sequence[Hashable]) -> dict[Hashable, ContactRow]:
        ws = self._workspace()
        if ws is None:
            return {}
        return dict(ws.browse.contact_rows([i for i in ids if isinstance(i, int)]))

    def invalidate_records(self, record_ids: Iterable[uuid.UUID]) -> None:
        _invalidate_by_uuid(self, record_ids)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


def _invalidate_by_uuid(model: PagedTableModel, record_ids: Iterable[uuid.UUID]) -> None:
    wanted = set(record_ids)
    if not wanted:
        return
    # Only painted rows are cached, so this walks at most a few pages, never the whole book.
    stale = [rowid for rowid, row in model.cached_rows().items() if row.id in wanted]
    if stale:
        model.invalidate(stale)
