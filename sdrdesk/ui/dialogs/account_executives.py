"""The AE list the booking form offers: name, e-mail and time zone of each Account Executive.

A small non-modal dialog; the pane that opens it does the reading and writing (through the
facade) and calls `set_aes` with the fresh list. Add with the three fields, remove the selected.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.services.meetings import AeView


def _zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


class AeListDialog(QDialog):
    add_requested = Signal(str, str, str)  # name, e-mail, time zone
    remove_requested = Signal(object)  # AE id

    def __init__(self, aes: tuple[AeView, ...], rep_zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.aes")
        self.setWindowTitle("Account Executives")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.list = QListWidget(self)
        self.list.setObjectName("aes.list")
        self.name = QLineEdit(self)
        self.name.setObjectName("aes.name")
        self.name.setPlaceholderText("Kim Alvarez")
        self.email = QLineEdit(self)
        self.email.setObjectName("aes.email")
        self.email.setPlaceholderText("kim@yourcompany.com")
        self.zone = QLineEdit(rep_zone, self)
        self.zone.setObjectName("aes.zone")
        completer = QCompleter(_zones(), self.zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone.setCompleter(completer)
        self.error = QLabel(self)
        self.error.setObjectName("aes.error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        add = QPushButton("Add", self)
        add.setObjectName("aes.add")
        remove = QPushButton("Remove selected", self)
        remove.setObjectName("aes.remove")
        close = QPushButton("Close", self)
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        close.clicked.connect(self.close)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("E-mail", self.email)
        form.addRow("Time zone", self.zone)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The AEs you book meetings for (the invite's organizer, the handoff's "
                                "second time zone).", self))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(460, 380)
        self.set_aes(aes)

    def set_aes(self, aes: tuple[AeView, ...]) -> None:
        self.list.clear()
        for ae in aes:
            item = QListWidgetItem(f"{ae.display} · {ae.timezone or 'zone unknown'}")
            item.setData(Qt.ItemDataRole.UserRole, ae.id)
            self.list.addItem(item)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def added(self) -> None:
        self.name.clear()
        self.email.clear()
        self.show_error("")

    def _add(self) -> None:
        self.add_requested.emit(self.name.text(), self.email.text(), self.zone.text())

    def _remove(self) -> None:
        item = self.list.currentItem()
        if item is not None and isinstance(item.data(Qt.ItemDataRole.UserRole), uuid.UUID):
            self.remove_requested.emit(item.data(Qt.ItemDataRole.UserRole))
