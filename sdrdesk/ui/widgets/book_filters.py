"""The book pane's filter row: source label, country, ICP tier and "has open tasks".

It only knows combos and their choices: the pane reads `filters()`, fills the choices from
`FilterOptions` it got through the facade, and searches again on `sig_changed`.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QWidget

from sdrdesk.services.book_queries import NO_TIER, BookFilters, FilterOptions


def index_of(combo: QComboBox, value: Any) -> int:
    """The item holding `value` (0, "everything", for None), or -1. Not `findData`: a combo compares
    Python objects such as UUIDs by identity, and a reloaded list holds new copies."""
    if value is None:
        return 0
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


class BookFilterBar(QWidget):
    sig_changed = Signal()
    """The rep changed a filter (not emitted when choices are refilled or set by code)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending_source: uuid.UUID | None = None  # "show this import" before its label is listed
        self.label_filter = self._combo("book.filter.label", "All sources")
        self.country_filter = self._combo("book.filter.country", "All countries")
        self.tier_filter = self._combo("book.filter.tier", "Any ICP tier")
        self.open_tasks_filter = QCheckBox("Has open tasks", self)
        self.open_tasks_filter.setObjectName("book.filter.open_tasks")
        self.open_tasks_filter.toggled.connect(lambda _on: self.sig_changed.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for widget in (self.label_filter, self.country_filter, self.tier_filter, self.open_tasks_filter):
            row.addWidget(widget)
        row.addStretch(1)

    def _combo(self, name: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.addItem(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(lambda _i: self.sig_changed.emit())
        return combo

    def filters(self) -> BookFilters:
        return BookFilters(source_label_id=self.label_filter.currentData(),
                           country=self.country_filter.currentData(),
                           icp_tier=self.tier_filter.currentData(),
                           has_open_tasks=self.open_tasks_filter.isChecked())

    def set_options(self, options: FilterOptions) -> bool:
        """Refill the choices, keeping what was chosen. True when a pending source got applied."""
        _refill(self.label_filter, [(name, label_id) for label_id, name in options.labels])
        _refill(self.country_filter, [(code, code) for code in options.countries])
        _refill(self.tier_filter, [(f"Tier {t}", t) for t in options.tiers] + [("Not tiered", NO_TIER)])
        if self._pending_source is not None and self.only_source(self._pending_source):
            self._pending_source = None
            return True
        return False

    def only_source(self, label_id: uuid.UUID) -> bool:
        """Filter on exactly this source label, every other filter off. False (and remembered for
        the next `set_options`) while the label is not listed yet."""
        index = index_of(self.label_filter, label_id)
        if index < 0:
            self._pending_source = label_id
            return False
        for combo, value in ((self.label_filter, index), (self.country_filter, 0), (self.tier_filter, 0)):
            combo.blockSignals(True)
            combo.setCurrentIndex(value)
            combo.blockSignals(False)
        self.open_tasks_filter.blockSignals(True)
        self.open_tasks_filter.setChecked(False)
        self.open_tasks_filter.blockSignals(False)
        return True


def _refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    try:
        while combo.count() > 1:
            combo.removeItem(1)
        for text, data in items:
            combo.addItem(text, data)
        combo.setCurrentIndex(max(index_of(combo, current), 0))
    finally:
        combo.blockSignals(False)
