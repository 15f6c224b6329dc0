"""Small read-only tables for the Metrics pane (tens of rows: the review, days, weeks).

Rows arrive in one DTO, so a plain table model over tuples of text is enough; numbers are
right-aligned, flagged rows are tinted, and each header carries its definition as a tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

Index = QModelIndex | QPersistentModelIndex


class TextTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._headers: tuple[str, ...] = ()
        self._header_tips: tuple[str, ...] = ()
        self._rows: tuple[tuple[str, ...], ...] = ()
        self._row_tips: tuple[str, ...] = ()
        self._flagged: frozenset[int] = frozenset()
        self._bold: frozenset[int] = frozenset()
        self._text_columns: frozenset[int] = frozenset({0})

    def set_table(self, headers: Sequence[str], rows: Sequence[Sequence[str]], *,
                  header_tips: Sequence[str] = (), row_tips: Sequence[str] = (),
                  flagged: Sequence[int] = (), bold: Sequence[int] = (),
                  text_columns: Sequence[int] = (0,)) -> None:
        self.beginResetModel()
        self._headers = tuple(headers)
        self._header_tips = tuple(header_tips)
        self._rows = tuple(tuple(r) for r in rows)
        self._row_tips = tuple(row_tips)
        self._flagged = frozenset(flagged)
        self._bold = frozenset(bold)
        self._text_columns = frozenset(text_columns)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def cell(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[r][c]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if c in self._text_columns:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and r < len(self._row_tips) and self._row_tips[r]:
            return self._row_tips[r]
        if role == Qt.ItemDataRole.BackgroundRole and r in self._flagged:
            dark = QApplication.palette().color(QPalette.ColorRole.Base).lightness() < 128
            return QBrush(QColor("#5c2b29" if dark else "#fdecea"))
        if role == Qt.ItemDataRole.FontRole and r in self._bold:
            font = QApplication.font()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or section >= len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self._header_tips):
            return self._header_tips[section] or None
        return None
