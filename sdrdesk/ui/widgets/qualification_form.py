"""The form of one qualification framework: one input per field, built from the definition.

Keyboard-first: Tab goes through the fields in the framework's order (a text box passes Tab on),
a choice is picked by typing its first letter or with the arrow keys, a 1-5 scale takes a digit.
The form knows nothing about saving: it emits `answer_changed(key, value)` when the rep changes
something (text after a short pause, choices at once) and `set_value` shows a stored answer.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from sdrdesk.domain.qualification import FieldDef, FieldKind, Framework
from sdrdesk.services.qualification import DISQUALIFY_KEY, PersonOption

TYPING_PAUSE_MS = 500  # text is saved this long after the last keystroke (and on leaving)


class _MultiChoice(QWidget):
    changed = Signal()

    def __init__(self, fdef: FieldDef, parent: QWidget) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for choice in fdef.choices:
            box = QCheckBox(choice.label, self)
            box.toggled.connect(lambda _on: self.changed.emit())
            row.addWidget(box)
            self.boxes[choice.value] = box
        row.addStretch(1)

    def value(self) -> list[str]:
        return [v for v, box in self.boxes.items() if box.isChecked()]

    def set_value(self, values: list[str] | None) -> None:
        for v, box in self.boxes.items():
            with QSignalBlocker(box):
                box.setChecked(v in (values or ()))


class _ScaleBox(QSpinBox):
    """1-5 (0 shows "—"): a digit key sets the value at once, whatever the text shows."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isdigit() and int(text) <= self.maximum():
            self.setValue(int(text))
            self.selectAll()
            return
        if event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.setValue(0)
            return
        super().keyPressEvent(event)


class QualificationForm(QWidget):
    answer_changed = Signal(str, object)  # field key (or DISQUALIFY_KEY), cleaned-by-service value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("qualification.form")
        self.framework: Framework | None = None
        self.inputs: dict[str, QWidget] = {}
        self._timers: dict[str, QTimer] = {}
        self._layout = QFormLayout(self)
        self._layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._layout.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.disqualify: QComboBox | None = None

    # -- building -------------------------------------------------------------------------
    def build(self, framework: Framework, people: tuple[PersonOption, ...]) -> None:
        while self._layout.rowCount():
            self._layout.removeRow(0)
        for timer in self._timers.values():
            timer.stop()
        self.inputs, self._timers = {}, {}
        self.framework = framework
        for fdef in framework.fields:
            widget = self._input_for(fdef, people)
            widget.setObjectName(f"qualification.field.{fdef.key}")
            if fdef.help:
                widget.setToolTip(fdef.help)
            label = QLabel(f"{fdef.label}{' *' if fdef.required else ''}", self)
            label.setBuddy(widget)
            label.setToolTip(fdef.help or ("Required to qualify" if fdef.required else ""))
            self._layout.addRow(label, widget)
            self.inputs[fdef.key] = widget
        reasons = QComboBox(self)
        reasons.setObjectName("qualification.disqualify")
        reasons.addItem("— not disqualified —", None)
        for reason in framework.rules.disqualify_reasons:
            reasons.addItem(reason, reason)
        reasons.currentIndexChanged.connect(lambda _i: self.answer_changed.emit(
            DISQUALIFY_KEY, reasons.currentData()))
        self._layout.addRow(QLabel("Disqualify", self), reasons)
        self.disqualify = reasons
        chain = [*self.inputs.values(), reasons]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(self._focus_target(first), self._focus_target(second))

    @staticmethod
    def _focus_target(widget: QWidget) -> QWidget:
        if isinstance(widget, _MultiChoice):
            return next(iter(widget.boxes.values()))
        return widget

    def _debounced(self, key: str, read: Any) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(TYPING_PAUSE_MS)
        timer.timeout.connect(lambda: self.answer_changed.emit(key, read()))
        self._timers[key] = timer
        return timer

    def _input_for(self, fdef: FieldDef, people: tuple[PersonOption, ...]) -> QWidget:
        key = fdef.key
        if fdef.kind is FieldKind.TEXT:
            edit = QPlainTextEdit(self)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
            edit.setPlaceholderText(fdef.help or fdef.label)
            timer = self._debounced(key, edit.toPlainText)
            edit.textChanged.connect(lambda: self._typed(edit, timer))
            return edit
        if fdef.kind in (FieldKind.SINGLE, FieldKind.PERSON):
            combo = QComboBox(self)
            combo.addItem("—", None)
            if fdef.kind is FieldKind.SINGLE:
                for choice in fdef.choices:
                    combo.addItem(choice.label, choice.value)
            else:
                for person in people:
                    text = f"{person.name}, {person.title}" if person.title else person.name
                    combo.addItem(text, person.id)
            combo.currentIndexChanged.connect(lambda _i: self._emit_now(key, combo.currentData()))
            return combo
        if fdef.kind is FieldKind.MULTI:
            multi = _MultiChoice(fdef, self)
            multi.changed.connect(lambda: self._emit_now(key, multi.value()))
            return multi
        if fdef.kind is FieldKind.SCALE:
            spin = _ScaleBox(self)
            spin.setRange(0, 5)
            spin.setSpecialValueText("—")
            spin.setSuffix(" / 5")
            spin.valueChanged.connect(lambda v: self._emit_now(key, v or None))
            return spin
        line = QLineEdit(self)
        line.setPlaceholderText("YYYY-MM-DD" if fdef.kind is FieldKind.DATE else "e.g. 50000 USD")
        timer = self._debounced(key, line.text)
        line.textEdited.connect(lambda _t: timer.start())
        line.editingFinished.connect(lambda: self._flush(key))
        return line

    def _typed(self, edit: QPlainTextEdit, timer: QTimer) -> None:
        if edit.property("loading"):
            return
        timer.start()

    def _emit_now(self, key: str, value: object) -> None:
        if self.property("loading"):
            return
        self.answer_changed.emit(key, value)

    def _flush(self, key: str) -> None:
        timer = self._timers.get(key)
        if timer is not None and timer.isActive():
            timer.stop()
            timer.timeout.emit()

    def flush(self) -> None:
        """Emit every pending typed answer now (leaving the contact, closing)."""
        for key in list(self._timers):
            self._flush(key)

    def pending(self) -> set[str]:
        return {key for key, timer in self._timers.items() if timer.isActive()}

    # -- showing stored answers -----------------------------------------------------------
    def set_value(self, key: str, value: Any, display: str = "") -> None:
        widget = self.inputs.get(key) if key != DISQUALIFY_KEY else self.disqualify
        if widget is None or key in self.pending():
            return
        self.setProperty("loading", True)
        widget.setProperty("loading", True)
        try:
            if isinstance(widget, QPlainTextEdit):
                if widget.toPlainText().strip() != (value or ""):
                    widget.setPlainText(value or "")
            elif isinstance(widget, QComboBox):
                index = widget.findData(value) if value is not None else 0
                with QSignalBlocker(widget):
                    widget.setCurrentIndex(max(index, 0))
            elif isinstance(widget, _MultiChoice):
                widget.set_value(value)
            elif isinstance(widget, QSpinBox):
                with QSignalBlocker(widget):
                    widget.setValue(int(value or 0))
            elif isinstance(widget, QLineEdit) and not widget.hasFocus():
                widget.setText(display if value is not None else "")
        finally:
            widget.setProperty("loading", False)
            self.setProperty("loading", False)

    def first_input(self) -> QWidget | None:
        return self._focus_target(next(iter(self.inputs.values()))) if self.inputs else None
