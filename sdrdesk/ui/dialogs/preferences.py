"""Preferences: who the rep is, how phone numbers are read, when calling is allowed, the theme,
and the HubSpot push's private-app token (kept only in the OS keychain) with a connection test.

Non-modal: it never blocks the event loop, and tests drive it directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import available_timezones

import phonenumbers

from PySide6.QtCore import QLocale, QTime, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.cadence import CHANNELS, holiday_countries
from sdrdesk.ui import settings as S
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.theme import THEMES

if TYPE_CHECKING:
    from sdrdesk.ui.context import PaneContext

_TIME_FORMAT = "HH:mm"
_CHANNEL_LABELS = {"call": "Calls", "email": "E-mails", "linkedin": "LinkedIn", "other": "Other"}


def region_choices(codes: object = None) -> list[tuple[str, str]]:
    """(label, ISO code) for every region phonenumbers knows (or the codes given), named in the
    user's language."""
    choices = []
    for code in sorted(phonenumbers.SUPPORTED_REGIONS if codes is None else codes):  # type: ignore[call-overload]
        territory = QLocale.codeToTerritory(code)
        name = QLocale.territoryToString(territory) if territory != QLocale.Country.AnyTerritory else code
        choices.append((f"{name} ({code})", code))
    return sorted(choices)


class PreferencesDialog(QDialog):
    sig_preferences_saved = Signal()
    """The user saved new preferences; panes read settings at use time."""
    sig_crm_setup_requested = Signal()
    """"Outbox…" was pressed: the window opens Export for CRM (outbox, failed records)."""
    sig_token_state_shown = Signal(bool)
    """Whether a HubSpot token is in the keychain, once asked (after opening, saving, forgetting)."""
    sig_connection_tested = Signal(bool, str)
    """(worked, message) of "Test connection"."""

    def __init__(self, settings: Settings, parent: QWidget | None = None,
                 ctx: PaneContext | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.ctx = ctx
        self.setObjectName("dialog.preferences")
        self.setWindowTitle("Preferences")

        self.rep_name = QLineEdit(settings.get(S.REP_NAME))
        self.rep_name.setPlaceholderText("Used for {my_name} in scripts")
        self.rep_company = QLineEdit(settings.get(S.REP_COMPANY))
        self.rep_company.setPlaceholderText("Used for {my_company} in scripts")
        self.region = QComboBox()
        for label, code in region_choices():
            self.region.addItem(label, code)
        self.region.setCurrentIndex(max(0, self.region.findData(settings.get(S.DEFAULT_REGION))))
        self.window_start = QTimeEdit(self._time(settings.get(S.CALLING_WINDOW_START), "08:00"))
        self.window_end = QTimeEdit(self._time(settings.get(S.CALLING_WINDOW_END), "21:00"))
        for edit in (self.window_start, self.window_end):
            edit.setDisplayFormat(_TIME_FORMAT)
        self.policy = QComboBox()
        self.policy.addItem("Ask me to confirm", "confirm")
        self.policy.addItem("Block the call", "block")
        self.policy.setCurrentIndex(max(0, self.policy.findData(settings.get(S.OUTSIDE_WINDOW_POLICY))))
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem("Follow the system" if name == "system" else name.capitalize(), name)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.get(S.THEME))))

        # issue 17 (metrics): the rep's zone for periods, the monthly goal, the onboarding ramp
        self.rep_zone = QComboBox()
        self.rep_zone.setEditable(True)
        self.rep_zone.addItem("Follow the system", "")
        for zone in sorted(available_timezones()):
            if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/")):
                self.rep_zone.addItem(zone, zone)
        self.rep_zone.setCurrentIndex(max(0, self.rep_zone.findData(settings.get(S.REP_TIMEZONE))))
        self.meeting_goal = QSpinBox()
        self.meeting_goal.setRange(0, 1000)
        self.meeting_goal.setValue(int(settings.get(S.MONTHLY_MEETING_GOAL)))
        self.ramp_calls = QLineEdit(settings.get(S.RAMP_CALLS_GOALS))
        self.ramp_calls.setPlaceholderText("Calls per week, week 1 first: 150, 200, 250, ...")
        self.ramp_meetings = QLineEdit(settings.get(S.RAMP_MEETINGS_GOALS))
        self.ramp_meetings.setPlaceholderText("Meetings per week, week 1 first: 0, 1, 2, ...")

        form = QFormLayout()
        form.addRow("Your name:", self.rep_name)
        form.addRow("Your company:", self.rep_company)
        form.addRow("Default phone region:", self.region)
        form.addRow("Calling window starts:", self.window_start)
        form.addRow("Calling window ends:", self.window_end)
        form.addRow("Outside the window:", self.policy)
        form.addRow("Theme:", self.theme)
        form.addRow("Your time zone (metrics):", self.rep_zone)
        form.addRow("Meetings goal per month:", self.meeting_goal)
        form.addRow("Ramp goal, calls per week:", self.ramp_calls)
        form.addRow("Ramp goal, meetings per week:", self.ramp_meetings)
        hint = QLabel("Times are the prospect's local time. A window that ends before it starts "
                      "runs past midnight.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self._build_sequences_box())
        layout.addWidget(self._build_crm_box())
        layout.addWidget(buttons)
        self.refresh_token_state()

    # -- sequences (issue 13): daily caps used when enrolling ------------------------------------
    def _build_sequences_box(self) -> QGroupBox:
        box = QGroupBox("Sequences: new tasks per day at most, when enrolling", self)
        box.setObjectName("preferences.sequences_box")
        self.daily_caps: dict[str, QSpinBox] = {}
        row = QHBoxLayout()
        for channel in CHANNELS:
            spin = QSpinBox(box)
            spin.setObjectName(f"preferences.daily_cap.{channel}")
            spin.setRange(1, 1000)
            spin.setValue(self.settings.daily_caps()[channel])
            spin.setPrefix(f"{_CHANNEL_LABELS.get(channel, channel.capitalize())} ")
            spin.setToolTip("The enrol dialog starts from these; 300 imported contacts then spread "
                            "over several days instead of all falling due at 9:00")
            self.daily_caps[channel] = spin
            row.addWidget(spin)
        row.addStretch(1)
        # The rep's own public holidays: "Out of office" counts working days on this calendar.
        self._holiday_places = holiday_countries()
        self.holiday_country = QComboBox(box)
        self.holiday_country.setObjectName("preferences.holiday_country")
        self.holiday_country.addItem("Weekends only", "")
        for label, code in region_choices(self._holiday_places):
            self.holiday_country.addItem(label, code)
        self.holiday_region = QComboBox(box)
        self.holiday_region.setObjectName("preferences.holiday_region")
        self.holiday_country.currentIndexChanged.connect(lambda _i: self._fill_holiday_regions())
        self.holiday_country.setCurrentIndex(
            max(0, self.holiday_country.findData(self.settings.get(S.REP_HOLIDAY_COUNTRY))))
        self._fill_holiday_regions(self.settings.get(S.REP_HOLIDAY_REGION))
        places = QHBoxLayout()
        places.addWidget(QLabel("Your public holidays (out of office):", box))
        places.addWidget(self.holiday_country, 2)
        places.addWidget(self.holiday_region, 1)
        inner = QVBoxLayout(box)
        inner.addLayout(row)
        inner.addLayout(places)
        return box

    def _fill_holiday_regions(self, chosen: str | None = None) -> None:
        code = str(self.holiday_country.currentData() or "")
        current = chosen if chosen is not None else str(self.holiday_region.currentData() or "")
        self.holiday_region.clear()
        self.holiday_region.addItem("Whole country", "")
        for sub in self._holiday_places.get(code, ()):
            self.holiday_region.addItem(sub, sub)
        self.holiday_region.setCurrentIndex(max(0, self.holiday_region.findData(current)))
        self.holiday_region.setEnabled(bool(code) and self.holiday_region.count() > 1)

    # -- CRM hand-back (issue 18): the HubSpot private-app token ---------------------------------
    def _build_crm_box(self) -> QGroupBox:
        box = QGroupBox("HubSpot push (optional)", self)
        box.setObjectName("preferences.crm_box")
        self.crm_token = QLineEdit(box)
        self.crm_token.setObjectName("preferences.hubspot_token")
        self.crm_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.crm_token.setPlaceholderText("Paste a private-app token (pat-…)")
        self.crm_token.setToolTip("Kept only in the OS keychain: never in the book, the settings or logs")
        self.crm_token_state = QLabel("", box)
        self.crm_token_state.setObjectName("preferences.hubspot_token_state")
        self.crm_token_state.setWordWrap(True)
        self.crm_save_token = QPushButton("Save token", box)
        self.crm_save_token.setObjectName("preferences.hubspot_save_token")
        self.crm_save_token.clicked.connect(self.save_token)
        self.crm_test = QPushButton("Test connection", box)
        self.crm_test.setObjectName("preferences.hubspot_test")
        self.crm_test.setToolTip("Asks HubSpot whether the token works (the typed one, else the saved one)")
        self.crm_test.clicked.connect(self.test_connection)
        self.crm_forget = QPushButton("Forget token", box)
        self.crm_forget.setObjectName("preferences.hubspot_forget")
        self.crm_forget.clicked.connect(self.forget_token)
        self.crm_button = QPushButton("Outbox…", box)
        self.crm_button.setObjectName("preferences.crm")
        self.crm_button.setToolTip("Export for CRM: files, the HubSpot outbox and refused records")
        self.crm_button.clicked.connect(self.sig_crm_setup_requested.emit)
        self.crm_test_result = QLabel("", box)
        self.crm_test_result.setObjectName("preferences.hubspot_test_result")
        self.crm_test_result.setWordWrap(True)
        self.crm_test_result.setVisible(False)
        workspace = self.ctx.workspace if self.ctx is not None else None
        self.crm_server = QLabel(f"Server: {workspace.crm.hubspot_base_url}" if workspace is not None
                                 else "Open a book to set up the HubSpot push.", box)
        self.crm_server.setObjectName("preferences.hubspot_server")
        self.crm_server.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.crm_token, 1)
        row.addWidget(self.crm_save_token)
        actions = QHBoxLayout()
        actions.addWidget(self.crm_test)
        actions.addWidget(self.crm_forget)
        actions.addStretch(1)
        actions.addWidget(self.crm_button)
        inner = QVBoxLayout(box)
        inner.addWidget(self.crm_server)
        inner.addWidget(self.crm_token_state)
        inner.addLayout(row)
        inner.addLayout(actions)
        inner.addWidget(self.crm_test_result)
        for widget in (self.crm_token, self.crm_save_token, self.crm_test, self.crm_forget):
            widget.setEnabled(workspace is not None)
        return box

    def show_test_result(self, message: str) -> None:
        """Show what the connection test said; the dialog grows so a long message is never cut off."""
        self.crm_test_result.setText(message)
        self.crm_test_result.setVisible(True)
        self.layout().activate()
        hint = self.sizeHint()
        if hint.height() > self.height() or hint.width() > self.width():
            self.resize(max(hint.width(), self.width()), max(hint.height(), self.height()))

    @Slot()
    def refresh_token_state(self) -> None:
        workspace = self.ctx.workspace if self.ctx is not None else None
        if workspace is None or self.ctx is None:
            self.crm_token_state.setText("")
            return

        def shown(has_token: bool) -> None:
            try:
                self.crm_token_state.setText("A token is saved in the keychain." if has_token
                                             else "No token saved yet.")
                self.crm_forget.setEnabled(has_token)
            except RuntimeError:  # the dialog was closed meanwhile
                return
            self.sig_token_state_shown.emit(has_token)

        # The keychain may prompt or be slow: never on the GUI thread, never on the writer.
        self.ctx.runner.run(lambda: workspace.crm.hubspot_token_set(), shown, self._crm_failed,
                            serial_db=False)

    def _crm_failed(self, exc: BaseException) -> None:
        message = getattr(exc, "user_message", None) or getattr(exc, "message", None) or (
            f"That did not work ({type(exc).__name__}).")
        try:
            self.crm_test.setEnabled(True)
            self.show_test_result(str(message))
        except RuntimeError:  # the dialog was closed meanwhile
            return
        self.sig_connection_tested.emit(False, str(message))

    def _store_token(self, then: Callable[[], None] | None = None) -> bool:
        """Hand a typed token to the keychain (on a reader); False when nothing was typed."""
        workspace = self.ctx.workspace if self.ctx is not None else None
        token = self.crm_token.text()
        if workspace is None or self.ctx is None or not token.strip():
            return False
        self.crm_token.clear()  # never kept in a widget longer than needed
        bus = self.ctx.bus

        def failed(exc: BaseException) -> None:
            message = getattr(exc, "user_message", None) or f"The token was not saved ({type(exc).__name__})."
            bus.sig_status_message.emit(str(message))
            self._crm_failed(exc)

        self.ctx.runner.run(lambda: workspace.crm.set_hubspot_token(token),
                            lambda _none: then() if then is not None else None, failed, serial_db=False)
        return True

    @Slot()
    def save_token(self) -> None:
        self._store_token(self.refresh_token_state)

    @Slot()
    def forget_token(self) -> None:
        workspace = self.ctx.workspace if self.ctx is not None else None
        if workspace is None or self.ctx is None:
            return
        self.ctx.runner.run(lambda: workspace.crm.forget_hubspot_token(),
                            lambda _none: self.refresh_token_state(), self._crm_failed, serial_db=False)

    @Slot()
    def test_connection(self) -> None:
        workspace = self.ctx.workspace if self.ctx is not None else None
        if workspace is None or self.ctx is None:
            return
        token = self.crm_token.text().strip() or None

        def worked(message: str) -> None:
            try:
                self.crm_test.setEnabled(True)
                self.show_test_result(message)
            except RuntimeError:  # the dialog was closed meanwhile
                return
            self.sig_connection_tested.emit(True, message)

        self.crm_test.setEnabled(False)
        self.show_test_result("Asking HubSpot…")
        # Network only (no book access): a reader, so the writer is never held by HubSpot.
        self.ctx.runner.run(lambda: workspace.crm.test_hubspot_connection(token), worked, self._crm_failed,
                            serial_db=False)

    @staticmethod
    def _time(text: str, fallback: str) -> QTime:
        parsed = QTime.fromString(text, _TIME_FORMAT)
        return parsed if parsed.isValid() else QTime.fromString(fallback, _TIME_FORMAT)

    def save(self) -> None:
        self.settings.set(S.REP_NAME, self.rep_name.text().strip())
        self.settings.set(S.REP_COMPANY, self.rep_company.text().strip())
        self.settings.set(S.DEFAULT_REGION, str(self.region.currentData()))
        self.settings.set(S.CALLING_WINDOW_START, self.window_start.time().toString(_TIME_FORMAT))
        self.settings.set(S.CALLING_WINDOW_END, self.window_end.time().toString(_TIME_FORMAT))
        self.settings.set(S.OUTSIDE_WINDOW_POLICY, str(self.policy.currentData()))
        self.settings.set(S.THEME, str(self.theme.currentData()))
        zone = self.rep_zone.currentText().strip()  # typed or picked; anything else: the system's
        self.settings.set(S.REP_TIMEZONE, zone if zone in available_timezones() else "")
        self.settings.set(S.MONTHLY_MEETING_GOAL, self.meeting_goal.value())
        self.settings.set(S.RAMP_CALLS_GOALS, self.ramp_calls.text().strip())
        self.settings.set(S.RAMP_MEETINGS_GOALS, self.ramp_meetings.text().strip())
        for channel, spin in self.daily_caps.items():
            self.settings.set(S.DAILY_CAPS[channel], spin.value())
        self.settings.set(S.REP_HOLIDAY_COUNTRY, str(self.holiday_country.currentData() or ""))
        self.settings.set(S.REP_HOLIDAY_REGION, str(self.holiday_region.currentData() or ""))
        self.settings.sync()
        self._store_token()  # a token typed but not saved yet is saved with the rest
        self.sig_preferences_saved.emit()
        self.accept()
