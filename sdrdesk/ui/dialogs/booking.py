"""The small booking form "Meeting booked" opens: when (in the prospect's or the rep's zone, both
shown), how long, which AE, who else attends.

`BookingDialog` is the form (tests fill it without opening it modally); `DialogBooker.ask` opens
it for the Call pane and hands back a `BookingRequest`, or None when the rep cancels. A test
injects another `Booker` as `ctx.booker`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.timezones import city_of, is_valid_zone
from sdrdesk.services.meetings import BookingInfo, BookingRequest

DEFAULT_DURATION = 30


def rep_zone_name() -> str:
    """The rep's IANA zone (the invite needs a name, not just an offset)."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
    except Exception:  # no zone configured on this machine
        name = None
    return name if name and is_valid_zone(name) else "UTC"


def _zone_label(zone: str) -> str:
    return f"{city_of(zone)} ({zone})" if "/" in zone else zone


class BookingDialog(QDialog):
    def __init__(self, info: BookingInfo, now: datetime, rep_zone: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.booking")
        self.setWindowTitle(f"Book a meeting with {info.contact_name}")
        self.info = info
        self.rep_zone = rep_zone or rep_zone_name()
        self.prospect_zone = info.prospect_zones[0] if info.prospect_zones else None

        self.zone_box = QComboBox(self)
        self.zone_box.setObjectName("booking.zone")
        if self.prospect_zone:
            self.zone_box.addItem(f"Prospect's time: {_zone_label(self.prospect_zone)}", self.prospect_zone)
        for zone in info.prospect_zones[1:]:
            self.zone_box.addItem(f"Prospect's time (maybe): {_zone_label(zone)}", zone)
        self.zone_box.addItem(f"My time: {_zone_label(self.rep_zone)}", self.rep_zone)
        start = (now.astimezone(ZoneInfo(self.entry_zone())) + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0)
        self.date_edit = QDateEdit(QDate(start.year, start.month, start.day), self)
        self.date_edit.setObjectName("booking.date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.time_edit = QTimeEdit(QTime(start.hour, start.minute), self)
        self.time_edit.setObjectName("booking.time")
        self.time_edit.setDisplayFormat("HH:mm")
        self.both_label = QLabel(self)
        self.both_label.setObjectName("booking.both")
        self.both_label.setWordWrap(True)
        self.duration = QSpinBox(self)
        self.duration.setObjectName("booking.duration")
        self.duration.setRange(5, 480)
        self.duration.setSingleStep(15)
        self.duration.setValue(DEFAULT_DURATION)
        self.duration.setSuffix(" min")
        self.ae_box = QComboBox(self)
        self.ae_box.setObjectName("booking.ae")
        self.ae_box.setEditable(True)
        self.ae_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.ae_box.lineEdit().setPlaceholderText("Pick an AE, or type “Name <e-mail>”")
        for ae in info.aes:
            self.ae_box.addItem(ae.display, ae.id)
        if not info.aes:
            self.ae_box.setEditText("")
        self.people = QListWidget(self)
        self.people.setObjectName("booking.attendees")
        for person in info.people:
            item = QListWidgetItem(f"{person.name}, {person.title}" if person.title else person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.contact_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.people.addItem(item)
        self.people.setMaximumHeight(max(40, min(120, 22 * len(info.people) + 8)))
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        ok, cancel = QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel
        buttons = QDialogButtonBox(ok | cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Book and go to handoff")
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Time entered in", self.zone_box)
        form.addRow("Date", self.date_edit)
        form.addRow("Time", self.time_edit)
        form.addRow("", self.both_label)
        form.addRow("Duration", self.duration)
        form.addRow("AE", self.ae_box)
        if info.people:
            form.addRow("Also invite", self.people)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{_html(info.contact_name)}</b>"
                         + (f" · {_html(info.account_name)}" if info.account_name else ""), self)
        layout.addWidget(heading)
        if not info.prospect_zones:
            layout.addWidget(QLabel("The prospect's time zone is unknown: times are in yours.", self))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        for signal in (self.zone_box.currentIndexChanged, self.date_edit.dateChanged,
                       self.time_edit.timeChanged):
            signal.connect(lambda *_: self._update_both())
        self._update_both()

    def entry_zone(self) -> str:
        return self.zone_box.currentData() or self.rep_zone

    def starts_at(self) -> datetime:
        d, t = self.date_edit.date(), self.time_edit.time()
        zone = ZoneInfo(self.entry_zone())
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=zone)

    def _update_both(self) -> None:
        when = self.starts_at()
        parts = []
        for label, zone in (("prospect", self.prospect_zone), ("you", self.rep_zone)):
            if zone:
                local = when.astimezone(ZoneInfo(zone))
                parts.append(f"{local:%a %d %b %H:%M} {local:%Z} for {label} ({city_of(zone)})")
        self.both_label.setText(" = ".join(dict.fromkeys(parts)))

    def set_when(self, when: datetime, zone: str) -> None:
        self.zone_box.setCurrentIndex(max(0, self.zone_box.findData(zone)))
        local = when.astimezone(ZoneInfo(zone))
        self.date_edit.setDate(QDate(local.year, local.month, local.day))
        self.time_edit.setTime(QTime(local.hour, local.minute))

    def set_attendees(self, contact_ids: set[object]) -> None:
        for row in range(self.people.count()):
            item = self.people.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in contact_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def request(self) -> BookingRequest:
        ae_id = self.ae_box.currentData() if self.ae_box.currentIndex() >= 0 and \
            self.ae_box.currentText() == self.ae_box.itemText(self.ae_box.currentIndex()) else None
        name = email = ""
        typed = self.ae_box.currentText().strip()
        if ae_id is None and typed:
            name, _, rest = typed.partition("<")
            email = rest.rstrip(">").strip()
            name = name.strip() or email
        items = [self.people.item(r) for r in range(self.people.count())]
        attendees = tuple(i.data(Qt.ItemDataRole.UserRole) for i in items
                          if i.checkState() == Qt.CheckState.Checked)
        return BookingRequest(
            contact_id=self.info.contact_id, starts_at=self.starts_at(),
            duration_minutes=self.duration.value(),
            ae_id=ae_id, attendee_ids=attendees, prospect_timezone=self.prospect_zone,
            ae_name=name, ae_email=email, ae_timezone=self.rep_zone if name else "")

    def _accept_if_valid(self) -> None:
        if not self.ae_box.currentText().strip():
            self.error.setText("Pick the AE who takes the meeting (or type “Name <e-mail>”).")
            self.error.show()
            self.ae_box.setFocus()
            return
        self.accept()


class Booker(Protocol):
    def ask(self, parent: QWidget, info: BookingInfo, now: datetime,
            done: Callable[[BookingRequest], None]) -> None: ...


class DialogBooker:
    """Opens the booking form (window-modal); `done(request)` runs only when the rep books."""

    def ask(self, parent: QWidget, info: BookingInfo, now: datetime,
            done: Callable[[BookingRequest], None]) -> None:
        dialog = BookingDialog(info, now, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: done(dialog.request()))
        dialog.open()


class ScriptedBooker:
    """For tests: fills the real form with `fill(dialog)` and books (or cancels when None)."""

    def __init__(self, fill: Callable[[BookingDialog], None] | None, rep_zone: str = "UTC") -> None:
        self.fill = fill
        self.rep_zone = rep_zone
        self.dialogs: list[BookingDialog] = []

    def ask(self, parent: QWidget, info: BookingInfo, now: datetime,
            done: Callable[[BookingRequest], None]) -> None:
        dialog = BookingDialog(info, now, self.rep_zone, parent)
        self.dialogs.append(dialog)
        if self.fill is not None:
            self.fill(dialog)
            done(dialog.request())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
