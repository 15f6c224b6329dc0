"""Editing the handoff template: a plain text editor with Save, Default and Cancel.

The template is Jinja2 (run sandboxed) writing Markdown; a template that does not compile is
refused with its line number and stays open for fixing. Non-modal: the rep can look at the
preview while editing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class TemplateEditor(QDialog):
    saved = Signal(object)  # the new template text, or None for "back to the default"

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.handoff_template")
        self.setWindowTitle("Handoff template")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("template.text")
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setPlainText(text)
        self.error = QLabel(self)
        self.error.setObjectName("template.error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        help_label = QLabel("Jinja2 writing Markdown. Sections: section.why_replied, section.pain, "
                            "section.involved, section.timeline, section.next_step, section.ae_questions "
                            "(lists of lines); contact, account, meeting, qualification, call_notes.", self)
        help_label.setWordWrap(True)
        save = QPushButton("Save", self)
        save.setObjectName("template.save")
        default = QPushButton("Use the default", self)
        default.setObjectName("template.default")
        cancel = QPushButton("Cancel", self)
        save.clicked.connect(lambda: self.saved.emit(self.edit.toPlainText()))
        default.clicked.connect(lambda: self.saved.emit(None))
        cancel.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (default, cancel, save):
            row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(help_label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error)
        layout.addLayout(row)
        self.resize(720, 520)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
