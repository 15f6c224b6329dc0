"""The timeline as a lazy list: ordered ids from SQL, shown in batches, rows loaded a page at a time.

`canFetchMore`/`fetchMore` grow the visible rows as the view scrolls; a row's data is read
from the database the first time it is painted, one page of ids per query.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sdrdesk.services.timeline import TimelineRow

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
BATCH = 100

FetchFn = Callable[[Sequence[uuid.UUID]], dict[uuid.UUID, TimelineRow]]

_KIND_LABELS = {"call": "Call", "email": "E-mail", "linkedin": "LinkedIn", "note": "Note",
                "meeting": "Meeting", "sequence": "Sequence"}


def row_text(row: TimelineRow) -> str:
    when = row.occurred_at.astimezone()
    head = [f"{when:%a %d %b %Y %H:%M}", _KIND_LABELS.get(row.kind, row.kind.capitalize())]
    if row.disposition_label:
        head.append(row.disposition_label)
    if row.duration_text:
        head.append(row.duration_text)
    if row.other_contact and row.contact_name:
        head.append(f"with {row.contact_name}")
    lines = [" · ".join(head)]
    if row.callback_at is not None:
        lines.append(f"Callback at {row.callback_at.astimezone():%a %d %b %H:%M}")
    body = row.notes or (row.subject if row.kind != "call" else "")
    if body:
        text = " ".join(body.split())
        lines.append(text if len(text) <= 220 else text[:219] + "…")
    if row.objections:
        lines.append("Objections: " + "; ".join(row.objections))
    return "\n".join(lines)


class TimelineListModel(QAbstractListModel):
    PLACEHOLDER = "…"

    def __init__(self, fetch: FetchFn, parent: QObject | None = None, batch: int = BATCH) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._batch = batch
        self._ids: list[uuid.UUID] = []
        self._shown = 0
        self._rows: dict[uuid.UUID, TimelineRow] = {}

    # -- lazy growth ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        more = min(self._batch, len(self._ids) - self._shown)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    # -- data ----------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE):
            return None
        row = self.row_at(index.row())
        if row is None:
            return self.PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.notes or None
        return row_text(row)

    def row_at(self, row: int) -> TimelineRow | None:
        record_id = self._ids[row]
        if record_id not in self._rows:
            start = (row // self._batch) * self._batch
            self._rows.update(self._fetch(self._ids[start:start + self._batch]))
        return self._rows.get(record_id)

    def set_ids(self, ids: Sequence[uuid.UUID]) -> None:
        """New ordered ids (another contact, or new touches); identical ids keep everything."""
        new = list(ids)
        if new == self._ids:
            return
        self.beginResetModel()
        self._ids = new
        self._shown = min(self._batch, len(new))
        keep = set(new)
        self._rows = {k: v for k, v in self._rows.items() if k in keep}
        self.endResetModel()

    @property
    def total(self) -> int:
        return len(self._ids)
