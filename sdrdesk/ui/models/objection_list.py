"""The objection search results as a list model: one row per objection, with its track record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence

from sdrdesk.services.objections import ObjectionRow

Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def row_text(row: ObjectionRow) -> str:
    record = f"used {row.uses}×, {row.meetings} meeting{'s' if row.meetings != 1 else ''}" \
        if row.uses else "not used yet"
    key = ""
    if row.hotkey:
        key = QKeySequence(row.hotkey).toString(QKeySequence.SequenceFormat.NativeText) + " · "
    return f"“{row.prompt}”\n{row.category_label} · {key}{record}"


class ObjectionListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ObjectionRow] = []
        self._pos: dict[uuid.UUID, int] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.answer
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == ROW_ROLE:
            return row
        return None

    def set_rows(self, rows: Sequence[ObjectionRow]) -> None:
        new = list(rows)
        if new == self._rows:
            return  # identical results: keep the selection, no flicker
        self.beginResetModel()
        self._rows = new
        self._pos = {r.id: i for i, r in enumerate(new)}
        self.endResetModel()

    def row_at(self, row: int) -> ObjectionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, objection_id: uuid.UUID) -> int | None:
        return self._pos.get(objection_id)

    @property
    def rows(self) -> list[ObjectionRow]:
        return list(self._rows)
