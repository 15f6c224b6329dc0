"""The Contacts box of the research pane: the account's people with their local time, in-place
edits of their fields, and pinning a person's time zone when the number says too little."""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable
from datetime import datetime
from html import escape
from urllib.parse import quote

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.services.research import ContactCard
from sdrdesk.ui.models.research_contacts import ResearchContactsModel, zone_explanation

EditFn = Callable[[uuid.UUID, str, object, str], None]
"""`edit(contact_id, field, value, label)`: save one contact field through the pane (undoable)."""


class ResearchPeople(QGroupBox):
    sig_contact_chosen = Signal(object)
    """The rep selected a person here (UUID); programmatic selection does not emit it."""

    def __init__(self, now: Callable[[], datetime], edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__("Contacts", parent)
        self.setObjectName("research.contacts_box")
        self._edit = edit
        self._quiet = False
        self.contacts_model = ResearchContactsModel(now, self, on_edit=self._on_contact_edited)
        self.contacts_view = QTableView(self)
        self.contacts_view.setObjectName("research.contacts")
        self.contacts_view.setModel(self.contacts_model)
        self.contacts_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.contacts_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contacts_view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.contacts_view.verticalHeader().hide()
        self.contacts_view.verticalHeader().setDefaultSectionSize(24)
        header = self.contacts_view.horizontalHeader()
        header.setObjectName("research.contacts.header")
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, width in enumerate(self.contacts_model.column_widths()):
            self.contacts_view.setColumnWidth(i, width)
        self.contacts_view.setMinimumHeight(130)
        self.contacts_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.zone_info = QLabel(self)
        self.zone_info.setObjectName("research.zone_info")
        self.zone_info.setWordWrap(True)
        self.zone_combo = QComboBox(self)
        self.zone_combo.setObjectName("research.zone_combo")
        self.zone_combo.setEditable(True)
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.setMinimumContentsLength(22)
        self._all_zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z)
        self.pin_button = QPushButton("Pin zone", self)
        self.pin_button.setObjectName("research.pin")
        self.pin_button.clicked.connect(self.pin_selected_zone)
        self.unpin_button = QPushButton("Unpin", self)
        self.unpin_button.setObjectName("research.unpin")
        self.unpin_button.clicked.connect(self.unpin_selected_zone)
        zone_row = QHBoxLayout()
        zone_row.addWidget(QLabel("Time zone:", self))
        zone_row.addWidget(self.zone_combo, 1)
        zone_row.addWidget(self.pin_button)
        zone_row.addWidget(self.unpin_button)
        # Read-only: what an import kept that has no field of its own (other e-mails, extra columns).
        self.details = QLabel(self)
        self.details.setObjectName("research.contact_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.details.setOpenExternalLinks(True)  # mailto: opens the rep's mail program
        self._account_extras: tuple[tuple[str, str], ...] = ()
        layout = QVBoxLayout(self)
        layout.addWidget(self.contacts_view)
        layout.addWidget(self.zone_info)
        layout.addWidget(self.details)
        layout.addLayout(zone_row)

    def show_cards(self, cards: tuple[ContactCard, ...], prefer: uuid.UUID | None,
                   account_extras: tuple[tuple[str, str], ...] = ()) -> None:
        """Show the account's people, selecting `prefer` (else the first) without announcing it;
        `account_extras`: the company's extra fields from an import, shown read-only."""
        self._account_extras = account_extras
        self._quiet = True
        try:
            self.contacts_model.set_cards(cards)
            row = self.contacts_model.row_of(prefer) if prefer is not None else None
            if row is None and cards:
                row = 0
            if row is not None:
                self.contacts_view.selectRow(row)
        finally:
            self._quiet = False
        self._update_zone_row()

    def selected_contact_id(self) -> uuid.UUID | None:
        index = self.contacts_view.currentIndex()
        card = self.contacts_model.card_at(index.row()) if index.isValid() else None
        return card.id if card is not None else None

    def select_contact(self, contact_id: uuid.UUID, *, quiet: bool = False) -> None:
        row = self.contacts_model.row_of(contact_id)
        if row is None or self.selected_contact_id() == contact_id:
            return
        self._quiet = quiet
        try:
            self.contacts_view.selectRow(row)
        finally:
            self._quiet = False

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._update_zone_row()
        contact_id = self.selected_contact_id()
        if contact_id is not None and not self._quiet:
            self.sig_contact_chosen.emit(contact_id)

    def _update_zone_row(self) -> None:
        index = self.contacts_view.currentIndex()
        card = self.contacts_model.card_at(index.row()) if index.isValid() else None
        for widget in (self.zone_combo, self.pin_button):
            widget.setEnabled(card is not None)
        self.unpin_button.setEnabled(bool(card and card.pinned_timezone))
        self._show_details(card)
        if card is None:
            self.zone_info.setText("")
            return
        self.zone_info.setText(f"{card.name}: {zone_explanation(card)}")
        candidates = [z for z in card.zones.zones if z]
        self.zone_combo.blockSignals(True)
        try:
            self.zone_combo.clear()
            self.zone_combo.addItems(candidates + [z for z in self._all_zones if z not in candidates])
            self.zone_combo.setCurrentIndex(0 if candidates else -1)
            if not candidates:
                self.zone_combo.setEditText("")
        finally:
            self.zone_combo.blockSignals(False)

    def _show_details(self, card: ContactCard | None) -> None:
        lines = []
        if card is not None and card.other_emails:
            links = (f'<a href="mailto:{quote(e, safe="@")}">{escape(e)}</a>' for e in card.other_emails)
            lines.append("Other e-mails: " + ", ".join(links))
        if card is not None and card.extra_fields:
            lines.append(escape(" · ".join(f"{k}: {v}" for k, v in card.extra_fields)))
        if self._account_extras:
            lines.append(escape("Company: " + " · ".join(f"{k}: {v}" for k, v in self._account_extras)))
        self.details.setText("<br>".join(lines))
        self.details.setVisible(bool(lines))

    def _on_contact_edited(self, contact_id: object, field: str, text: str) -> bool:
        if not isinstance(contact_id, uuid.UUID):
            return False
        # Accepted for saving: the write lands on the serial runner (a refusal is reported).
        self._edit(contact_id, field, text, field.replace("_", " "))
        return True

    def pin_selected_zone(self) -> None:
        contact_id = self.selected_contact_id()
        zone = self.zone_combo.currentText().strip()
        if contact_id is not None and zone:
            self._edit(contact_id, "pinned_timezone", zone, "pinned time zone")

    def unpin_selected_zone(self) -> None:
        contact_id = self.selected_contact_id()
        if contact_id is not None:
            self._edit(contact_id, "pinned_timezone", None, "pinned time zone")

    def tick_clock(self) -> None:
        """Repaint the local-time column (the pane's timer does this each minute)."""
        rows = self.contacts_model.rowCount()
        if rows:
            column = self.contacts_model.local_column()
            self.contacts_model.dataChanged.emit(self.contacts_model.index(0, column),
                                                 self.contacts_model.index(rows - 1, column))
