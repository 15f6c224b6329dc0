"""The Coaching pane: in coaching mode, notes and scorecards on the focused record or on the
rep as a whole (saved in the manager's own book); otherwise the rep's coaching inbox, with
the notes about the selected record listed first, beside it."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.focus import Focus
from sdrdesk.services.repfile.coaching import CoachingItem, Rubric, Subject
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane

WHOLE_REP = "The rep as a whole"


def _hex(value: uuid.UUID | None) -> str | None:
    return value.hex if value is not None else None


class CoachingPane(Pane):
    OBJECT_NAME = "pane.coaching"
    TITLE = "Coaching"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.focus: Focus = ctx.bus.focus
        self.subjects: list[Subject] = []
        self.items: list[CoachingItem] = []
        self.rubrics: tuple[Rubric, ...] = ()
        self.answer_widgets: dict[str, QWidget] = {}
        self.header = QLabel(self)
        self.header.setObjectName("coaching.header")
        self.header.setWordWrap(True)
        self.subject_box = QComboBox(self)
        self.subject_box.setObjectName("coaching.subject")
        self.subject_box.currentIndexChanged.connect(self._on_subject_changed)
        self.editor = QGroupBox("Write", self)
        self.note_edit = QPlainTextEdit(self.editor)
        self.note_edit.setObjectName("coaching.note")
        self.note_edit.setPlaceholderText("A coaching note on the chosen record, or on the rep as a whole")
        self.note_edit.setMaximumHeight(90)
        self.add_note_button = QPushButton("Add note", self.editor)
        self.add_note_button.setObjectName("coaching.add_note")
        self.add_note_button.clicked.connect(self.add_note)
        self.rubric_box = QComboBox(self.editor)
        self.rubric_box.setObjectName("coaching.rubric")
        self.rubric_box.currentIndexChanged.connect(self._build_form)
        self.form_host = QWidget(self.editor)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.save_card_button = QPushButton("Save scorecard", self.editor)
        self.save_card_button.setObjectName("coaching.save_scorecard")
        self.save_card_button.clicked.connect(self.save_scorecard)
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.addWidget(self.note_edit)
        editor_layout.addWidget(self.add_note_button)
        row = QHBoxLayout()
        row.addWidget(QLabel("Scorecard:", self.editor))
        row.addWidget(self.rubric_box, 1)
        editor_layout.addLayout(row)
        editor_layout.addWidget(self.form_host)
        editor_layout.addWidget(self.save_card_button)
        self.only_selected = QCheckBox("Only about the selected record", self)
        self.only_selected.setObjectName("coaching.only_selected")
        self.only_selected.toggled.connect(lambda _on: self._show_items())
        self.list = QListWidget(self)
        self.list.setObjectName("coaching.items")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        about = QHBoxLayout()
        about.addWidget(QLabel("About:", self))
        about.addWidget(self.subject_box, 1)
        layout.addLayout(about)
        scroller = QScrollArea(self)
        scroller.setObjectName("coaching.editor.scroll")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.editor)
        self.scroller = scroller
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.only_selected)
        lower_layout.addWidget(self.list, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("coaching.splitter")
        self.splitter.addWidget(scroller)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)

    def wants(self, changes: Changes) -> bool:
        return changes.activities or changes.book_reloaded

    @property
    def coaching(self) -> bool:
        ws = self.workspace
        return ws is not None and ws.coaching_of is not None

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        self.focus = focus
        self._refresh_or_mark_stale()

    def refresh(self) -> None:
        ws = self.workspace
        if ws is None:
            return
        self.scroller.setVisible(self.coaching)
        if self.coaching:
            info = ws.coaching_of
            self.header.setText(f"Coaching {info.rep_name}: notes and scorecards are saved in your own "
                                "book; File > Rep file > Export coaching notes sends them.")
        else:
            self.header.setText("Coaching inbox: notes and scorecards from your manager. Import the "
                                "file they send with File > Rep file > Import rep file.")
        account, contact = _hex(self.focus.account_id), _hex(self.focus.contact_id)
        self.read(lambda w: (w.coaching.subjects(account, contact), w.coaching.items(), w.coaching.rubrics()),
                  self._loaded)

    def _loaded(self, result: tuple[list[Subject], list[CoachingItem], tuple[Rubric, ...]]) -> None:
        self.subjects, self.items, self.rubrics = result
        chosen = self.subject_box.currentData()
        self.subject_box.blockSignals(True)
        self.subject_box.clear()
        self.subject_box.addItem(WHOLE_REP, None)
        for subject in self.subjects:
            self.subject_box.addItem(subject.label, subject.id)
        index = self.subject_box.findData(chosen) if chosen else -1
        if index < 0:  # a call first, else the person, else the company, else the rep
            for kind in ("activity", "contact", "account"):
                first = next((s for s in self.subjects if s.type == kind), None)
                if first is not None:
                    index = self.subject_box.findData(first.id)
                    break
        self.subject_box.setCurrentIndex(max(index, 0))
        self.subject_box.blockSignals(False)
        self._on_subject_changed()
        self._show_items()

    def current_subject(self) -> Subject | None:
        chosen = self.subject_box.currentData()
        return next((s for s in self.subjects if s.id == chosen), None)

    def _on_subject_changed(self, *_args: Any) -> None:
        subject = self.current_subject()
        fitting = [r for r in self.rubrics if subject is not None and subject.type in r.applies_to]
        self.rubric_box.blockSignals(True)
        self.rubric_box.clear()
        for rubric in fitting:
            self.rubric_box.addItem(rubric.name, rubric.id)
        self.rubric_box.blockSignals(False)
        self.rubric_box.setEnabled(bool(fitting))
        self.save_card_button.setEnabled(bool(fitting))
        self._build_form()

    def _rubric(self) -> Rubric | None:
        return next((r for r in self.rubrics if r.id == self.rubric_box.currentData()), None)

    def _build_form(self, *_args: Any) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.answer_widgets = {}
        rubric = self._rubric()
        if rubric is None:
            self.form_host.hide()
            return
        self.form_host.show()
        for q in rubric.questions:
            if q.type == "text":
                widget: QWidget = QLineEdit(self.form_host)
            else:
                box = QComboBox(self.form_host)
                options = {"scale": ["", "1", "2", "3", "4", "5"], "yes_no": ["", "yes", "no"]}.get(
                    q.type, ["", *q.choices])
                box.addItems(options)
                widget = box
            widget.setObjectName(f"coaching.q.{q.id}")
            label = QLabel(q.text, self.form_host)
            self.form.addRow(label, widget)
            self.answer_widgets[q.id] = widget

    def answers(self) -> dict[str, Any]:
        rubric = self._rubric()
        found: dict[str, Any] = {}
        if rubric is None:
            return found
        for q in rubric.questions:
            widget = self.answer_widgets[q.id]
            text = widget.text() if isinstance(widget, QLineEdit) else widget.currentText()  # type: ignore[attr-defined]
            if not text:
                continue
            found[q.id] = int(text) if q.type == "scale" else (text == "yes") if q.type == "yes_no" else text
        return found

    def _show_items(self) -> None:
        self.list.clear()
        near = {s.id for s in self.subjects}
        ordered = sorted(self.items, key=lambda i: i.subject_id not in near)  # about the selection first
        for item in ordered:
            if self.only_selected.isChecked() and item.subject_id not in near:
                continue
            about = item.subject_label or f"{item.rep_name or 'the rep'} as a whole"
            marker = "● " if item.subject_id in near else ""
            kind = "Scorecard" if item.kind == "scorecard" else "Note"
            text = f"{marker}{kind} on {about} — {item.author}, {item.created_at[:16]}\n{item.text}"
            entry = QListWidgetItem(text)
            entry.setToolTip(text)
            self.list.addItem(entry)
        if self.list.count() == 0:
            self.list.addItem("No coaching notes yet.")

    def add_note(self) -> None:
        body, subject = self.note_edit.toPlainText(), self.current_subject()

        def done(_result: Any) -> None:
            self.note_edit.clear()
            self.refresh()

        self.write(lambda ws: ws.coaching.add_note(body, subject), done)

    def save_scorecard(self) -> None:
        rubric, subject, answers = self._rubric(), self.current_subject(), self.answers()
        if rubric is None or subject is None:
            return

        def done(_result: Any) -> None:
            self._build_form()
            self.refresh()

        self.write(lambda ws: ws.coaching.add_scorecard(rubric.id, subject, answers), done)
