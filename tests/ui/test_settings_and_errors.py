"""Typed settings, theme choice and the one-dialog-per-error reporter."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from sdrdesk.domain.errors import ImportFileRejected
from sdrdesk.ui import settings as S
from sdrdesk.ui.errors import ErrorReporter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.theme import apply_theme


def test_settings_round_trip_with_types(tmp_path: Path, qapp: QApplication) -> None:
    ini = tmp_path / "s.ini"
    first = Settings(ini)
    assert first.get(S.DEFAULT_REGION) == "US"  # the declared default
    first.set(S.DEFAULT_REGION, "CA")
    first.set(S.WINDOW_GEOMETRY, b"\x00\x01binary")
    first.set(S.SAVED_LAYOUTS, {"Mine": {"version": 1}})
    first.sync()
    second = Settings(ini)
    assert second.get(S.DEFAULT_REGION) == "CA"
    assert second.get(S.WINDOW_GEOMETRY) == b"\x00\x01binary"
    assert second.get(S.SAVED_LAYOUTS) == {"Mine": {"version": 1}}
    assert "[prefs]\ndefault_region=CA" in ini.read_text()


def test_a_hand_broken_value_falls_back_to_the_default(tmp_path: Path, qapp: QApplication) -> None:
    ini = tmp_path / "s.ini"
    ini.write_text("[persist]\nsaved_layouts=[1, 2\n")
    assert Settings(ini).get(S.SAVED_LAYOUTS) == {}


def test_every_setting_is_declared_once() -> None:
    keys = [v.key for v in vars(S).values() if isinstance(v, S.Setting)]
    assert len(keys) == len(set(keys))
    assert all(k.startswith(("prefs/", "persist/")) for k in keys)


@pytest.mark.parametrize("choice", ["light", "dark"])
def test_theme_override_gives_readable_contrast(qapp: QApplication, choice: str) -> None:
    assert apply_theme(qapp, choice) == choice
    palette = qapp.palette()
    base, text = palette.base().color(), palette.text().color()
    assert abs(base.lightness() - text.lightness()) > 150
    assert (choice == "dark") == (base.lightness() < 128)
    apply_theme(qapp, "light")


def _raise(exc: Exception) -> Exception:
    try:
        raise exc
    except Exception as caught:
        return caught


def test_one_dialog_per_distinct_error_with_copy_details(qtbot) -> None:  # type: ignore[no-untyped-def]
    copied: list[str] = []
    reporter = ErrorReporter(clipboard_set=copied.append)
    errors = [_raise(ValueError("boom")) for _ in range(3)]  # same place, same traceback
    shown = [reporter.report(exc) for exc in errors]
    assert isinstance(shown[0], QMessageBox) and shown[1] is None and shown[2] is None
    box = shown[0]
    qtbot.addWidget(box)
    assert box.windowTitle() == "Something went wrong"
    assert "ValueError: boom" in box.detailedText()
    copy = next(b for b in box.findChildren(QPushButton) if b.text() == "Copy details")
    copy.click()
    assert "ValueError: boom" in copied[0]
    assert box.isVisible()  # copying does not close it


def test_expected_errors_show_their_human_message(qtbot) -> None:  # type: ignore[no-untyped-def]
    reporter = ErrorReporter(clipboard_set=lambda _t: None)
    box = reporter.report(_raise(ImportFileRejected("The file is empty.")))
    qtbot.addWidget(box)
    assert box.windowTitle() == "File not imported"
    assert box.text() == "The file is empty."
