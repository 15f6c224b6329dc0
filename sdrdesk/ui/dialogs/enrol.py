""""Enrol in sequence…": pick a sequence for the chosen contacts, see who is already in one and
who is refused (do not contact) and why, set the daily cap per channel (starting from the caps
saved in Preferences; a change here applies to this enrolment only), enrol.

Not modal (`open()`): the reads and the write go through the owner's `read`/`write` (the
serial writer), and the result is published on the bus by the owner.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cadence import CHANNELS, DEFAULT_DAILY_CAPS
from sdrdesk.domain.changes import Changes
from sdrdesk.ui.context import PaneContext

ReadFn = Callable[[Callable[[Any], Any], Callable[[Any], None]], None]
WriteFn = Callable[..., None]
_SHOWN_NAMES = 200


class EnrolDialog(QDialog):
    sig_enrolled = Signal(object)  # the EnrolReport

    def __init__(self, contact_ids: Sequence[uuid.UUID], read: ReadFn, write: WriteFn,
                 parent: QWidget | None = None, caps: Mapping[str, int] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.enrol")
        self.setWindowTitle("Enrol in sequence")
        self.contact_ids = list(dict.fromkeys(contact_ids))
        self._read, self._write = read, write
        self.check: Any = None
        self.report: Any = None

        count = len(self.contact_ids)
        self.heading = QLabel(f"Enrol {count} contact{'s' * (count != 1)} in:", self)
        self.sequence = QComboBox(self)
        self.sequence.setObjectName("enrol.sequence")
        self.sequence.currentIndexChanged.connect(lambda _i: self._check())
        self.names = QListWidget(self)
        self.names.setObjectName("enrol.names")
        self.warnings = QLabel(self)
        self.warnings.setObjectName("enrol.warnings")
        self.warnings.setWordWrap(True)
        self.caps: dict[str, QSpinBox] = {}
        caps_row = QHBoxLayout()
        caps_row.addWidget(QLabel("New tasks per day at most:", self))
        for channel in CHANNELS:
            box = QSpinBox(self)
            box.setObjectName(f"enrol.cap.{channel}")
            box.setRange(1, 1000)
            box.setValue((caps or DEFAULT_DAILY_CAPS).get(channel, DEFAULT_DAILY_CAPS[channel]))
            box.setPrefix(f"{channel.capitalize()} ")
            self.caps[channel] = box
            caps_row.addWidget(box)
        caps_row.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.enrol_button = self.buttons.addButton("Enrol", QDialogButtonBox.ButtonRole.AcceptRole)
        self.enrol_button.setObjectName("enrol.ok")
        self.enrol_button.setEnabled(False)
        self.buttons.accepted.connect(self.enrol)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.heading, self.sequence)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.names, 1)
        layout.addWidget(self.warnings)
        layout.addLayout(caps_row)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self._read(lambda ws: [(s.name, s.id.hex, len(s.steps)) for s in ws.sequences.list()],
                   self._on_sequences)

    def _on_sequences(self, items: list[tuple[str, str, int]]) -> None:
        self.sequence.blockSignals(True)
        for name, seq_hex, steps in items:
            self.sequence.addItem(f"{name} ({steps} steps)", seq_hex)
        self.sequence.blockSignals(False)
        if not items:
            self.warnings.setText("There is no sequence yet: create one in Sequences first.")
        self._check()

    def select_sequence(self, sequence_id: uuid.UUID) -> None:
        self.sequence.setCurrentIndex(max(0, self.sequence.findData(sequence_id.hex)))

    def sequence_id(self) -> uuid.UUID | None:
        data = self.sequence.currentData()
        return uuid.UUID(data) if data else None

    def _check(self) -> None:
        seq = self.sequence_id()
        self.enrol_button.setEnabled(False)
        if seq is None:
            return
        ids = self.contact_ids
        self._read(lambda ws: ws.sequences.check_enrol(ids, seq), self._on_check)

    def _on_check(self, check: Any) -> None:
        if check is None:
            return
        self.check = check
        self.names.clear()
        refused = {cid: reason for cid, _n, reason in check.refused}
        active = {cid: seq for cid, _n, seq in check.already_active}
        for cid in self.contact_ids[:_SHOWN_NAMES]:
            name = check.names.get(cid, "(deleted)")
            if cid in refused:
                self.names.addItem(f"✕ {name}: refused, {refused[cid]}")
            elif cid in active:
                self.names.addItem(f"! {name}: already in “{active[cid]}” (left as is)")
            else:
                self.names.addItem(f"✓ {name}")
        if len(self.contact_ids) > _SHOWN_NAMES:
            self.names.addItem(f"… and {len(self.contact_ids) - _SHOWN_NAMES} more")
        parts = [f"{len(check.ready)} will be enrolled."]
        if check.already_active:
            parts.append(f"{len(check.already_active)} already in an active sequence: left as they are.")
        if check.refused:
            parts.append(f"{len(check.refused)} refused: do not contact.")
        self.warnings.setText(" ".join(parts))
        self.enrol_button.setEnabled(bool(check.ready))

    @Slot()
    def enrol(self) -> None:
        seq = self.sequence_id()
        if seq is None or self.check is None or not self.check.ready:
            return
        ids = list(self.check.ready)
        caps = {channel: box.value() for channel, box in self.caps.items()}
        self.enrol_button.setEnabled(False)
        self._write(lambda ws: ws.sequences.enrol(ids, seq, caps=caps), self._on_enrolled)

    def _on_enrolled(self, result: Any) -> None:
        self.report = result.value if hasattr(result, "value") else result
        self.sig_enrolled.emit(self.report)
        self.accept()


class EnrolLauncher(QObject):
    """Opens the enrol dialog for an import's contacts, outside any pane (the import wizard):
    reads and writes go through the context's runner, and the changes are published."""

    def __init__(self, ctx: PaneContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.parent_widget = parent
        self.dialog: EnrolDialog | None = None

    def read(self, op: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        workspace = self.ctx.workspace
        if workspace is not None:
            self.ctx.runner.run(lambda: op(workspace), on_done, self.ctx.bus.sig_error.emit, serial_db=False)

    def write(self, op: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None,
              on_error: Callable[[BaseException], None] | None = None) -> None:
        workspace = self.ctx.workspace
        if workspace is None:
            return

        def landed(result: Any) -> None:
            changes = getattr(result, "changes", None)
            if isinstance(changes, Changes) and not changes.empty:
                self.ctx.bus.sig_changes_applied.emit(changes, self)
            if on_done is not None:
                on_done(result)

        self.ctx.runner.run(lambda: op(workspace), landed, on_error or self.ctx.bus.sig_error.emit,
                            serial_db=True)

    def open_for_import(self, import_run_id: uuid.UUID) -> None:
        self.read(lambda ws: ws.sequences.contacts_of_import(import_run_id), self._open)

    def _open(self, contact_ids: list[uuid.UUID]) -> None:
        if not contact_ids:
            self.ctx.bus.sig_status_message.emit("This import brought in no contacts to enrol.")
            return
        dialog = EnrolDialog(contact_ids, self.read, self.write, self.parent_widget,
                             caps=self.ctx.settings.daily_caps())
        dialog.sig_enrolled.connect(lambda report: self.ctx.bus.sig_status_message.emit(report.summary()))
        self.dialog = dialog
        dialog.open()


def open_enrol_for_import(ctx: PaneContext, parent: QWidget, import_run_id: object) -> EnrolLauncher:
    launcher = EnrolLauncher(ctx, parent)
    if isinstance(import_run_id, uuid.UUID):
        launcher.open_for_import(import_run_id)
    return launcher
