"""How the book pane's big tables are set up: rows of fixed height, interactive column widths
(never ResizeToContents on 100k rows), sorting asked of SQL, one row selected at a time."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QSizePolicy, QTableView, QWidget

from sdrdesk.services.book_queries import SHORT_LIMIT, BookIds, QueryKind
from sdrdesk.ui.models.paged_table import PagedTableModel


def book_table_view(parent: QWidget, name: str, model: PagedTableModel) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(24)
    header = view.horizontalHeader()
    header.setObjectName(f"{name}.header")  # its state is saved by this name (ui/widget_state.py)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    for i, column in enumerate(model.columns):
        view.setColumnWidth(i, column.width)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)
    return view


def search_status(result: BookIds) -> str:
    """The line beside the tabs after a search ("No matches", "Phone number search"...)."""
    kind = result.query.kind
    if kind is QueryKind.NOTHING:
        return "Nothing to search for: type a name, company, e-mail or number"
    if kind is QueryKind.ALL:
        return ""
    if not result.accounts and not result.contacts and result.contacts is not None:
        return f"No matches. {did_you_mean(result.suggestions)}" if result.suggestions else "No matches"
    if result.suggestions:
        return did_you_mean(result.suggestions)
    if kind is QueryKind.SHORT:
        typed = " ".join(result.query.terms)
        if result.truncated:
            return f"Names starting with “{typed}”, first {SHORT_LIMIT:,}: keep typing"
        return f"Names starting with “{typed}”"
    if kind is QueryKind.PHONE:
        if result.query.international:
            return f"Numbers starting +{result.query.terms[0]}"
        return "Phone number search"
    return ""


def did_you_mean(suggestions: tuple[str, ...]) -> str:
    return f"Did you mean {', '.join(suggestions)}?"


class StatusLabel(QLabel):
    """The search status beside the tabs: never squeezes the tabs; a long line ("Did you mean
    ...") ends in "…" and shows whole in its tooltip. `text()` is always the whole line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text if self.fontMetrics().horizontalAdvance(text) > self.width() else "")

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(self.alignment()), shown)
