"""The sequence editor: the book's sequences, and each one's steps (offset in business days,
channel, step kind that picks the call script, e-mail subject and template, instructions).

Also import and export of a sequence file, to share a cadence with the team. Not modal: reads
and writes go through the owner's `read`/`write` (the serial writer).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cadence import CHANNELS
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.services.sequences import SequenceDraft, SequenceInfo, StepDraft
from sdrdesk.ui.prompter import Prompter

ReadFn = Callable[[Callable[[Any], Any], Callable[[Any], None]], None]
WriteFn = Callable[..., None]
FILE_FILTER = "Sequence files (*.sdrseq *.json)"
COLUMNS = ("Day +", "Channel", "Step kind", "Subject", "Instructions")


class SequenceEditor(QDialog):
    def __init__(self, read: ReadFn, write: WriteFn, prompter: Prompter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.sequences")
        self.setWindowTitle("Sequences")
        self._read, self._write, self._prompter = read, write, prompter
        self.current_id: uuid.UUID | None = None
        self.templates: list[str] = []  # per step row, edited in the box below the table

        self.list = QListWidget(self)
        self.list.setObjectName("sequences.list")
        self.list.currentItemChanged.connect(self._on_current_changed)
        new_button = QPushButton("New", self)
        new_button.clicked.connect(lambda _=False: self.new_sequence())
        import_button = QPushButton("Import…", self)
        import_button.setObjectName("sequences.import")
        import_button.clicked.connect(lambda _=False: self.import_file())
        self.export_button = QPushButton("Export…", self)
        self.export_button.setObjectName("sequences.export")
        self.export_button.clicked.connect(lambda _=False: self.export_file())
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (new_button, import_button, self.export_button):
            row.addWidget(button)
        left_layout.addLayout(row)

        self.name = QLineEdit(self)
        self.name.setObjectName("sequences.name")
        self.description = QLineEdit(self)
        self.description.setObjectName("sequences.description")
        self.steps = QTableWidget(0, len(COLUMNS), self)
        self.steps.setObjectName("sequences.steps")
        self.steps.setHorizontalHeaderLabels(COLUMNS)
        self.steps.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.steps.horizontalHeader().setStretchLastSection(True)
        self.steps.verticalHeader().setDefaultSectionSize(26)
        for column, width in enumerate((60, 100, 130, 180)):
            self.steps.setColumnWidth(column, width)
        self.steps.currentCellChanged.connect(self._on_step_changed)
        self.template = QPlainTextEdit(self)
        self.template.setObjectName("sequences.template")
        self.template.setPlaceholderText("E-mail or LinkedIn text with {first_name}, {company}, {trigger}, "
                                         "{pain}, {my_name}…")
        self.template.textChanged.connect(self._on_template_edited)
        add = QPushButton("Add step", self)
        add.setObjectName("sequences.add_step")
        add.clicked.connect(lambda _=False: self.add_step(StepDraft(2, "call")))
        remove = QPushButton("Remove step", self)
        remove.clicked.connect(lambda _=False: self.remove_step())
        up = QPushButton("Up", self)
        up.clicked.connect(lambda _=False: self.move_step(-1))
        down = QPushButton("Down", self)
        down.clicked.connect(lambda _=False: self.move_step(1))
        self.status = QLabel(self)
        self.status.setObjectName("sequences.status")
        self.status.setWordWrap(True)
        self.save_button = QPushButton("Save", self)
        self.save_button.setObjectName("sequences.save")
        self.save_button.clicked.connect(lambda _=False: self.save())

        right = QWidget(self)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Description", self.description)
        step_buttons = QHBoxLayout()
        for button in (add, remove, up, down):
            step_buttons.addWidget(button)
        step_buttons.addStretch(1)
        step_buttons.addWidget(self.save_button)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(form)
        right_layout.addWidget(QLabel("Steps: “Day +” counts business days after the previous step "
                                      "(the first step: after enrolment), skipping the prospect's holidays.",
                                      self))
        right_layout.addWidget(self.steps, 2)
        right_layout.addWidget(QLabel("Template of the selected step:", self))
        right_layout.addWidget(self.template, 1)
        right_layout.addLayout(step_buttons)
        right_layout.addWidget(self.status)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(1000, 620)
        self.reload()

    # -- the list --------------------------------------------------------------------------------
    def reload(self, select: uuid.UUID | None = None) -> None:
        self._read(lambda ws: ws.sequences.list(include_inactive=True),
                   lambda items: self._listed(items, select))

    def _listed(self, items: list[SequenceInfo], select: uuid.UUID | None) -> None:
        wanted = select or self.current_id
        self.list.blockSignals(True)
        self.list.clear()
        for info in items:
            label = f"{info.name} · {len(info.steps)} steps · {info.active_enrollments} active"
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, info)
            self.list.addItem(item)
        self.list.blockSignals(False)
        index = next((i for i, info in enumerate(items) if info.id == wanted), 0 if items else -1)
        if index >= 0:
            self.list.setCurrentRow(index)
            self._show(items[index])

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(self, item: QListWidgetItem | None, _old: QListWidgetItem | None) -> None:
        if item is not None:
            self._show(item.data(Qt.ItemDataRole.UserRole))

    def _show(self, info: SequenceInfo) -> None:
        self.current_id = info.id
        self.name.setText(info.name)
        self.description.setText(info.description)
        self._set_steps(info.draft.steps)
        self.export_button.setEnabled(True)

    def new_sequence(self) -> None:
        self.current_id = None
        self.list.clearSelection()
        self.name.setText("New sequence")
        self.description.setText("")
        self._set_steps((StepDraft(0, "call", "cold_call"), StepDraft(2, "email", "follow_up_email")))
        self.export_button.setEnabled(False)

    # -- steps -----------------------------------------------------------------------------------
    def _set_steps(self, steps: tuple[StepDraft, ...]) -> None:
        self.steps.setRowCount(0)
        self.templates = []
        for step in steps:
            self.add_step(step)
        if steps:
            self.steps.setCurrentCell(0, 0)

    def add_step(self, step: StepDraft) -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        offset = QSpinBox(self.steps)
        offset.setRange(0, 365)
        offset.setValue(step.day_offset)
        self.steps.setCellWidget(row, 0, offset)
        channel = QComboBox(self.steps)
        for name in CHANNELS:
            channel.addItem(name.capitalize() if name != "linkedin" else "LinkedIn", name)
        channel.setCurrentIndex(max(0, channel.findData(step.channel)))
        self.steps.setCellWidget(row, 1, channel)
        for column, text in ((2, step.step_kind), (3, step.subject), (4, step.instructions)):
            self.steps.setItem(row, column, _item(text))
        self.templates.append(step.template)

    def remove_step(self) -> None:
        row = self.steps.currentRow()
        if row >= 0:
            self.steps.removeRow(row)
            del self.templates[row]

    def move_step(self, delta: int) -> None:
        drafts = list(self.drafts())
        row = self.steps.currentRow()
        target = row + delta
        if not 0 <= row < len(drafts) or not 0 <= target < len(drafts):
            return
        drafts[row], drafts[target] = drafts[target], drafts[row]
        self._set_steps(tuple(drafts))
        self.steps.setCurrentCell(target, 0)

    @Slot(int, int, int, int)
    def _on_step_changed(self, row: int, _column: int, _old_row: int, _old_column: int) -> None:
        self.template.blockSignals(True)
        self.template.setPlainText(self.templates[row] if 0 <= row < len(self.templates) else "")
        self.template.blockSignals(False)

    @Slot()
    def _on_template_edited(self) -> None:
        row = self.steps.currentRow()
        if 0 <= row < len(self.templates):
            self.templates[row] = self.template.toPlainText()

    def drafts(self) -> tuple[StepDraft, ...]:
        result = []
        for row in range(self.steps.rowCount()):
            offset = self.steps.cellWidget(row, 0)
            channel = self.steps.cellWidget(row, 1)
            text = [_text(self.steps.item(row, c)) for c in (2, 3, 4)]
            result.append(StepDraft(offset.value(), channel.currentData(),  # type: ignore[union-attr]
                                    text[0], text[1], self.templates[row], text[2]))
        return tuple(result)

    def draft(self) -> SequenceDraft:
        return SequenceDraft(self.name.text().strip(), self.description.text().strip(), self.drafts())

    # -- saving, files -----------------------------------------------------------------------------
    def save(self) -> None:
        draft, current = self.draft(), self.current_id
        if current is None:
            self._write(lambda ws: ws.sequences.create(draft), lambda r: self._saved(r.value), self._failed)
        else:
            self._write(lambda ws: ws.sequences.update(current, draft), lambda _r: self._saved(current),
                        self._failed)

    def _saved(self, sequence_id: uuid.UUID) -> None:
        self.status.setText("Saved. Contacts already enrolled continue with these steps.")
        self.reload(select=sequence_id)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(exc.user_message if isinstance(exc, SdrdeskError) else f"Not saved: {exc}")

    def export_file(self) -> None:
        current = self.current_id
        if current is None:
            return
        path = self._prompter.save_file("Export sequence", f"{self.name.text().strip() or 'sequence'}.sdrseq",
                                        FILE_FILTER)
        if path is None:
            return
        target = Path(path)
        self._read(lambda ws: ws.sequences.export_file(current, target),
                   lambda _none: self.status.setText(f"Exported to {target.name}."))

    def import_file(self) -> None:
        path = self._prompter.open_file("Import sequence", str(Path.home()), FILE_FILTER)
        if path is None:
            return
        source = Path(path)
        self._write(lambda ws: ws.sequences.import_file(source),
                    lambda r: (self.status.setText(f"Imported {len(r.value)} sequence(s)."),
                               self.reload(select=r.value[0])), self._failed)


def _text(item: Any) -> str:
    return item.text().strip() if item is not None else ""


def _item(text: str) -> Any:
    from PySide6.QtWidgets import QTableWidgetItem

    return QTableWidgetItem(text)
