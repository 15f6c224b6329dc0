"""The contacts of one account in the research pane, with each prospect's local time.

An account has a handful of contacts (dozens at most), so the cards come in one DTO; the
"Local time" column reads the injected clock at paint time and the pane ticks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from sdrdesk.domain.timezones import local_time_label
from sdrdesk.services.research import ContactCard

Index = QModelIndex | QPersistentModelIndex
EditFn = Callable[[object, str, str], bool]  # (contact id, field, text) -> saved?
EDITABLE = frozenset({"title", "persona", "email"})

# Local time sits next to the name: it is what the rep checks before dialling.
_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("name", "Name", 140), ("title", "Title", 160), ("local", "Local time", 130),
    ("phone", "Phone", 175), ("persona", "Persona", 110), ("email", "E-mail", 200),
)


def zone_explanation(card: ContactCard) -> str:
    res = card.zones
    if not res.known:
        return "Time zone unknown (no valid number and no known place). Pin one if you know it."
    if res.source == "pinned":
        return f"Pinned by you: {res.zones[0]}"
    where = "the phone number" if res.source == "phone" else "the account's country/region"
    if res.ambiguous:
        return f"From {where}, {len(res.zones)} possible zones: {', '.join(res.zones)}. Pin the right one."
    return f"From {where}: {res.zones[0]}"


class ResearchContactsModel(QAbstractTableModel):
    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None,
                 on_edit: EditFn | None = None) -> None:
        super().__init__(parent)
        self._now = now
        self._on_edit = on_edit
        self._cards: list[ContactCard] = []

    def set_cards(self, cards: Sequence[ContactCard]) -> None:
        new = list(cards)
        if new == self._cards:
            return
        if [c.id for c in new] == [c.id for c in self._cards] and new:
            self._cards = new  # same people, new details: repaint, keep the selection
            self.dataChanged.emit(self.index(0, 0), self.index(len(new) - 1, len(_COLUMNS) - 1))
            return
        self.beginResetModel()
        self._cards = new
        self.endResetModel()

    def card_at(self, row: int) -> ContactCard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None

    def row_of(self, contact_id: object) -> int | None:
        return next((i for i, c in enumerate(self._cards) if c.id == contact_id), None)

    def local_column(self) -> int:
        return next(i for i, (key, _t, _w) in enumerate(_COLUMNS) if key == "local")

    @staticmethod
    def column_widths() -> list[int]:
        return [w for _k, _t, w in _COLUMNS]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(_COLUMNS)):
            return _COLUMNS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if (self._on_edit is not None and index.isValid() and 0 <= index.column() < len(_COLUMNS)
                and _COLUMNS[index.column()][0] in EDITABLE):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """In-place edit of title, persona or e-mail: saved (and undoable) by the pane's callback."""
        card = self.card_at(index.row()) if index.isValid() else None
        if (card is None or role != Qt.ItemDataRole.EditRole or self._on_edit is None
                or not (0 <= index.column() < len(_COLUMNS))):
            return False
        key = _COLUMNS[index.column()][0]
        if key not in EDITABLE or str(value) == getattr(card, key):
            return False
        return self._on_edit(card.id, key, str(value))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        card = self.card_at(index.row()) if index.isValid() else None
        if card is None or not (0 <= index.column() < len(_COLUMNS)):
            return None
        key = _COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.EditRole and key in EDITABLE:
            return getattr(card, key)
        if role == Qt.ItemDataRole.DisplayRole:
            if key == "local":
                return local_time_label(card.zones, self._now())
            if key == "phone":
                return card.primary_phone + (" (invalid)" if card.phones and not card.phones[0].valid else "")
            return getattr(card, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            if key == "local":
                return zone_explanation(card)
            if key == "phone" and len(card.phones) > 1:
                return "\n".join(f"{p.label or 'phone'}: {p.display}" for p in card.phones)
        if role == Qt.ItemDataRole.UserRole:
            return card.id
        return None
