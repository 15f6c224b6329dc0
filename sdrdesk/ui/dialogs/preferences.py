"""Preferences: who the rep is, how phone numbers are read, when calling is allowed, the theme.

Non-modal: it never blocks the event loop, and tests drive it directly.
"""

from __future__ import annotations

import phonenumbers

from PySide6.QtCore import QLocale, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.ui import settings as S
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.theme import THEMES

_TIME_FORMAT = "HH:mm"


def region_choices() -> list[tuple[str, str]]:
    """(label, ISO code) for every region phonenumbers knows, named in the user's language."""
    choices = []
    for code in sorted(phonenumbers.SUPPORTED_REGIONS):
        territory = QLocale.codeToTerritory(code)
        name = QLocale.territoryToString(territory) if territory != QLocale.Country.AnyTerritory else code
        choices.append((f"{name} ({code})", code))
    return sorted(choices)


class PreferencesDialog(QDialog):
    sig_preferences_saved = Signal()
    """The user saved new preferences; panes read settings at use time."""
    sig_crm_setup_requested = Signal()
    """"HubSpot push…" was pressed: the window opens Export for CRM (token, outbox)."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
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

        form = QFormLayout()
        form.addRow("Your name:", self.rep_name)
        form.addRow("Your company:", self.rep_company)
        form.addRow("Default phone region:", self.region)
        form.addRow("Calling window starts:", self.window_start)
        form.addRow("Calling window ends:", self.window_end)
        form.addRow("Outside the window:", self.policy)
        form.addRow("Theme:", self.theme)
        # CRM hand-back (issue 18): the token lives in the keychain, set where the outbox is shown.
        self.crm_button = QPushButton("HubSpot push…")
        self.crm_button.setObjectName("preferences.crm")
        self.crm_button.setToolTip("Private-app token (kept only in the OS keychain) and the outbox")
        self.crm_button.clicked.connect(self.sig_crm_setup_requested.emit)
        form.addRow("CRM:", self.crm_button)
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
        layout.addWidget(buttons)

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
        self.settings.sync()
        self.sig_preferences_saved.emit()
        self.accept()
