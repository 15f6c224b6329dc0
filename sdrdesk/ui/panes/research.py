"""The Account research pane: facts, ICP fit, triggers, pain, buyer roles, notes, first lines and
the account's contacts with each prospect's live local time. Every field edits in place.

Each edit is one transaction through `services.research.apply_edit` and one undoable
command on the shared `QUndoStack`; typing in one text area coalesces into one undo step.
The pane follows `sig_focus_changed` and loads off the GUI thread (latest wins).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.domain.focus import Focus
from sdrdesk.services import research as rs
from sdrdesk.services.research import AccountResearch, FieldEdit
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.models.research_contacts import ResearchContactsModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import EmptyState
from sdrdesk.ui.undo import Landed, push_edit
from sdrdesk.ui.widgets import research_text
from sdrdesk.ui.widgets.research_people import ResearchPeople

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

TEXT_SAVE_IDLE_MS = 1200  # a text area saves when typing pauses this long, and on leaving it

_LINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"), ("domain", "Domain"), ("industry", "Industry"), ("employee_count", "Employees"),
    ("city", "City"), ("region", "Region"), ("country", "Country"),
)
_TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("likely_pain", "Likely pain"), ("buyer_roles", "Buyer roles"),
    ("research_notes", "Research notes"), ("first_line_ideas", "First-line ideas"), ("notes", "Notes"),
)


def _text_of(value: object) -> str:
    return "" if value is None else str(value)


class ResearchPane(Pane):
    OBJECT_NAME = "pane.research"
    TITLE = "Account research"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._account_id: uuid.UUID | None = None
        self._research: AccountResearch | None = None
        self._generation = 0
        self._loading = False
        self._dirty: set[str] = set()
        self._last_minute = -1
        self._focused_contact: uuid.UUID | None = None
        self._build_widgets()
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        ctx.bus.sig_open_research_requested.connect(self._on_bus_open_research_requested)
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._on_clock_tick)
        self._clock_timer.start()
        self._show(None)

    # -- construction -----------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("research.title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("research.subtitle")
        self.subtitle.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("research.error")
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        # Facts
        facts = QGroupBox("Company", self)
        facts.setObjectName("research.facts")
        form = QFormLayout(facts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.line_edits: dict[str, QLineEdit] = {}
        for key, label in _LINE_FIELDS:
            edit = QLineEdit(facts)
            edit.setObjectName(f"research.{key}")
            edit.editingFinished.connect(lambda k=key: self._on_line_edit_finished(k))
            edit.textEdited.connect(lambda _t, k=key: self._dirty.add(k))
            self.line_edits[key] = edit
            form.addRow(label, edit)
        self.tier_combo = QComboBox(facts)
        self.tier_combo.setObjectName("research.icp_tier")
        self.tier_combo.addItem("Not tiered", None)
        for tier in rs.ICP_TIERS:
            self.tier_combo.addItem(f"Tier {tier}", tier)
        self.tier_combo.activated.connect(self._on_tier_combo_activated)
        form.addRow("ICP tier", self.tier_combo)
        self.source_label = QLabel(facts)
        self.source_label.setObjectName("research.source")
        form.addRow("Source", self.source_label)

        # ICP fit and triggers
        fit_box = QGroupBox("ICP fit", self)
        fit_box.setObjectName("research.icp")
        self.icp_label = QLabel(fit_box)
        self.icp_label.setObjectName("research.icp_fit")
        self.icp_label.setWordWrap(True)
        self.icp_label.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(fit_box).addWidget(self.icp_label)
        trig_box = QGroupBox("Triggers", self)
        trig_box.setObjectName("research.triggers_box")
        self.triggers_label = QLabel(trig_box)
        self.triggers_label.setObjectName("research.triggers")
        self.triggers_label.setWordWrap(True)
        self.triggers_label.setTextFormat(Qt.TextFormat.RichText)
        QVBoxLayout(trig_box).addWidget(self.triggers_label)

        # Long texts
        texts = QGroupBox("Research", self)
        texts.setObjectName("research.texts")
        text_form = QFormLayout(texts)
        self.text_edits: dict[str, QPlainTextEdit] = {}
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_SAVE_IDLE_MS)
        self._text_timer.timeout.connect(self.save_dirty_texts)
        for key, label in _TEXT_FIELDS:
            edit = QPlainTextEdit(texts)
            edit.setObjectName(f"research.{key}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(58)
            edit.textChanged.connect(lambda k=key: self._on_text_changed(k))
            edit.installEventFilter(self)
            self.text_edits[key] = edit
            text_form.addRow(label, edit)

        # Contacts and their time zones
        self.people = ResearchPeople(self.ctx.clock.now, self._edit_contact, self)
        self.people.sig_contact_chosen.connect(self._on_people_contact_chosen)
        people = self.people

        body = QWidget(self)
        body.setObjectName("research.body")
        column = QVBoxLayout(body)
        column.setContentsMargins(6, 6, 6, 6)
        column.addWidget(self.title)
        column.addWidget(self.subtitle)
        column.addWidget(self.error_label)
        top = QHBoxLayout()
        top.addWidget(facts, 1)
        right = QVBoxLayout()
        right.addWidget(fit_box)
        right.addWidget(trig_box)
        right.addStretch(1)
        top.addLayout(right, 1)
        column.addLayout(top)
        column.addWidget(people)
        column.addWidget(texts)
        column.addStretch(1)
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("research.scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        self.empty = EmptyState("Select an account or contact to see its research here.", self)
        self.empty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        layout.addWidget(self.empty)

    # -- the Pane contract ------------------------------------------------------------
    @property
    def account_id(self) -> uuid.UUID | None:
        return self._account_id

    @property
    def research(self) -> AccountResearch | None:
        return self._research

    def wants(self, changes: Changes) -> bool:
        if self._research is None:
            return False
        shown = {c.id for c in self._research.contacts}
        return self._research.id in changes.accounts or bool(shown & changes.contacts)

    def refresh(self) -> None:
        ws = self.ctx.workspace
        self._generation += 1
        if ws is None or self._account_id is None:
            self._show(None)
            return
        generation, account_id = self._generation, self._account_id
        region = self.ctx.settings.get(S.DEFAULT_REGION)

        def done(result: AccountResearch | None) -> None:
            if generation == self._generation:
                self._show(result)

        self.read(lambda ws: ws.research.load(account_id, region), done, self._on_load_failed)

    def show_account(self, account_id: uuid.UUID | None) -> None:
        if account_id == self._account_id and self._research is not None:
            return
        self.save_dirty_texts()
        self._account_id = account_id
        self._refresh_or_mark_stale()

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        self.show_account(focus.account_id)
        self._focused_contact = focus.contact_id
        if focus.contact_id is not None:
            self.people.select_contact(focus.contact_id, quiet=True)  # not re-announced

    @Slot(object)
    def _on_bus_open_research_requested(self, account_id: object) -> None:
        if isinstance(account_id, uuid.UUID):
            self.show_account(account_id)

    @Slot(object)
    def _on_bus_book_opened(self, workspace: Workspace) -> None:
        self._account_id = None
        self._research = None
        super()._on_bus_book_opened(workspace)

    def _on_load_failed(self, exc: BaseException) -> None:
        self.ctx.bus.sig_error.emit(exc)

    # -- showing ----------------------------------------------------------------------
    def _show(self, research: AccountResearch | None) -> None:
        previous = self._research
        self._research = research
        self.scroll.setVisible(research is not None)
        self.empty.setVisible(research is None)
        if research is None:
            self.contacts_model.set_cards([])
            return
        if previous is None or previous.id != research.id:
            self._dirty.clear()
            self.error_label.hide()
        self._loading = True
        try:
            self.title.setText(research.name)
            self.subtitle.setText(research_text.subtitle(research))
            for key, edit in self.line_edits.items():
                value = _text_of(research.value_of(key))
                if key not in self._dirty and edit.text() != value:
                    edit.setText(value)
                    edit.setCursorPosition(0)
            tier_index = self.tier_combo.findData(research.icp_tier or None)
            self.tier_combo.setCurrentIndex(max(tier_index, 0))
            self.source_label.setText(research.source_label or "—")
            for key, text_edit in self.text_edits.items():
                value = _text_of(research.value_of(key))
                if key not in self._dirty and text_edit.toPlainText() != value:
                    text_edit.setPlainText(value)
            self.icp_label.setText(research_text.icp_html(research))
            self.triggers_label.setText(research_text.triggers_html(research))
        finally:
            self._loading = False
        # Prefer the contact the rep is working on (from any pane); selecting it here is
        # programmatic, so it is not re-announced on the bus.
        self.people.show_cards(research.contacts, self._focused_contact or self.selected_contact_id(),
                               research.extra_fields)

    # -- editing ----------------------------------------------------------------------
    def _submit(self, edit: FieldEdit, landed: Landed, on_error: Callable[[BaseException], None]) -> None:
        ws = self.ctx.workspace
        if ws is None or ws.read_only:
            on_error(SdrdeskError("This book is open read-only; edits are not saved."
                                  if ws else "No book is open."))
            return
        # Published as from the undo stack, not this pane: the pane reloads too (ICP fit, titles).
        self.write(lambda w: w.research.apply_edit(edit), landed, on_error, initiator=self.ctx.undo_stack)

    def _on_edit_error(self, exc: BaseException) -> None:
        message = exc.user_message if isinstance(exc, SdrdeskError) else f"Could not save: {exc}"
        self.error_label.setText(message)
        self.error_label.show()
        self.ctx.bus.sig_status_message.emit(message)

    def edit_field(self, table: str, record_id: uuid.UUID, field: str, value: object, label: str,
                   on_rejected: Callable[[], None] | None = None) -> None:
        """Save one field on the serial writer and put it on the undo stack once it landed.

        A refused value (validation) shows its message; `on_rejected` keeps the text for fixing.
        """
        self.error_label.hide()
        edit = FieldEdit(table, record_id, field, value)  # type: ignore[arg-type]

        def rejected(exc: BaseException) -> None:
            self._on_edit_error(exc)
            if on_rejected is not None:
                on_rejected()

        push_edit(self.ctx.undo_stack, f"Edit {label}", edit,
                  lambda e, landed: self._submit(e, landed, rejected), mergeable=True)

    def _on_line_edit_finished(self, key: str) -> None:
        research = self._research
        if research is None or self._loading:
            return
        self._dirty.discard(key)
        text = self.line_edits[key].text()
        if text.strip() == _text_of(research.value_of(key)).strip():
            return
        label = dict(_LINE_FIELDS)[key].lower()
        # A rejected value stays visible (and dirty) for fixing.
        self.edit_field("account", research.id, key, text, label, lambda: self._dirty.add(key))

    @Slot(int)
    def _on_tier_combo_activated(self, _index: int) -> None:
        research = self._research
        if research is None or self._loading:
            return
        tier = self.tier_combo.currentData()
        if (tier or "") != research.icp_tier:
            self.edit_field("account", research.id, "icp_tier", tier, "ICP tier")

    def _on_text_changed(self, key: str) -> None:
        if self._loading or self._research is None:
            return
        self._dirty.add(key)
        self._text_timer.start()

    def save_dirty_texts(self) -> None:
        """Save every text area changed since its last save (idle timer, focus out, switching)."""
        self._text_timer.stop()
        research = self._research
        if research is None:
            return
        for key, label in _TEXT_FIELDS:
            if key not in self._dirty:
                continue
            self._dirty.discard(key)
            text = self.text_edits[key].toPlainText()
            if text.strip() != _text_of(research.value_of(key)).strip():
                self.edit_field("account", research.id, key, text, label.lower())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched in self.text_edits.values():
            self.save_dirty_texts()
        return super().eventFilter(watched, event)

    # -- contacts and zones -----------------------------------------------------------
    @property
    def contacts_model(self) -> ResearchContactsModel:
        return self.people.contacts_model

    def selected_contact_id(self) -> uuid.UUID | None:
        return self.people.selected_contact_id()

    @Slot(object)
    def _on_people_contact_chosen(self, contact_id: uuid.UUID) -> None:
        if contact_id != self._focused_contact:
            self.ctx.bus.set_focus(Focus(self._account_id, contact_id))

    def _edit_contact(self, contact_id: uuid.UUID, field: str, value: object, label: str) -> None:
        # A refused value shows its message and the table reloads from the book.
        self.edit_field("contact", contact_id, field, value, label, self.refresh)

    @Slot()
    def _on_clock_tick(self) -> None:
        minute = self.ctx.clock.now().minute
        if minute == self._last_minute or not self.isVisible():
            return
        self._last_minute = minute
        self.tick_clock()

    def tick_clock(self) -> None:
        """Repaint the local-time column (the timer does this each minute)."""
        self.people.tick_clock()
