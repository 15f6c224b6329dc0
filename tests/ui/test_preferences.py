from __future__ import annotations

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QApplication

from sdrdesk.ui import settings as S


def test_preferences_are_saved_and_applied(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    dialog = parts.window.show_preferences()
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and not dialog.isModal()
    dialog.rep_name.setText("  Sam Rivera ")
    dialog.rep_company.setText("Acme Dialers")
    dialog.region.setCurrentIndex(dialog.region.findData("CA"))
    dialog.window_start.setTime(QTime(9, 30))
    dialog.window_end.setTime(QTime(20, 0))
    dialog.policy.setCurrentIndex(dialog.policy.findData("block"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    with qtbot.waitSignal(dialog.sig_preferences_saved):
        dialog.save()
    settings = parts.ctx.settings
    assert settings.get(S.REP_NAME) == "Sam Rivera"
    assert settings.get(S.REP_COMPANY) == "Acme Dialers"
    assert settings.get(S.DEFAULT_REGION) == "CA"
    assert (settings.get(S.CALLING_WINDOW_START), settings.get(S.CALLING_WINDOW_END)) == ("09:30", "20:00")
    assert settings.get(S.OUTSIDE_WINDOW_POLICY) == "block"
    app = QApplication.instance()
    assert app.property("sdrdesk_scheme") == "dark"
    parts.window.set_theme("light")


def test_region_list_names_countries(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = make_app().window.show_preferences()
    qtbot.addWidget(dialog)
    labels = [dialog.region.itemText(i) for i in range(dialog.region.count())]
    assert "Germany (DE)" in labels and "Canada (CA)" in labels
    assert dialog.region.currentData() == "US"  # the declared default


def test_daily_caps_per_channel_are_saved_and_shown_again(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    settings = parts.ctx.settings
    assert settings.daily_caps() == {"call": 60, "email": 80, "linkedin": 25, "other": 40}
    dialog = parts.window.show_preferences()
    qtbot.addWidget(dialog)
    assert dialog.daily_caps["linkedin"].value() == 25
    dialog.daily_caps["call"].setValue(12)
    dialog.daily_caps["email"].setValue(30)
    with qtbot.waitSignal(dialog.sig_preferences_saved):
        dialog.save()
    assert settings.daily_caps() == {"call": 12, "email": 30, "linkedin": 25, "other": 40}
    again = parts.window.show_preferences()
    qtbot.addWidget(again)
    assert again.daily_caps["call"].value() == 12 and again.daily_caps["email"].value() == 30
    assert again.holiday_country.currentData() == "" and not again.holiday_region.isEnabled()
    again.holiday_country.setCurrentIndex(again.holiday_country.findData("CA"))
    assert again.holiday_region.isEnabled() and again.holiday_region.findData("ON") > 0
    again.holiday_region.setCurrentIndex(again.holiday_region.findData("ON"))
    with qtbot.waitSignal(again.sig_preferences_saved):
        again.save()
    assert (settings.get(S.REP_HOLIDAY_COUNTRY), settings.get(S.REP_HOLIDAY_REGION)) == ("CA", "ON")
    third = parts.window.show_preferences()
    qtbot.addWidget(third)
    assert third.holiday_country.currentText() == "Canada (CA)" and third.holiday_region.currentData() == "ON"
    settings.set(S.DAILY_CAPS["call"], 0)  # a hand-edited 0 still lets one task a day through
    assert settings.daily_caps()["call"] == 1
