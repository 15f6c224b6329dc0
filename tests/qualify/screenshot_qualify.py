"""The issue's "Done means" pictures: qualify a demo contact on the call, press the meeting key,
book, and look at the Qualification and the Handoff panes.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.qualify.screenshot_qualify OUT_PREFIX DATA_DIR
Writes OUT_PREFIX-qualification.png and OUT_PREFIX-handoff.png. Not collected by pytest.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sdrdesk.ui import settings as S
from sdrdesk.ui.clipboard import RecordingClipboard
from sdrdesk.ui.dialer import RecordingDialer
from sdrdesk.ui.dialogs.booking import BookingDialog, ScriptedBooker
from tests.screenshot_app import open_app, spin

CTRL = Qt.KeyboardModifier.ControlModifier


def fill(dialog: BookingDialog) -> None:
    when = dialog.starts_at() + timedelta(days=1)
    dialog.set_when(when.replace(hour=11), dialog.entry_zone())
    dialog.duration.setValue(45)
    dialog.ae_box.setEditText("Kim Alvarez <kim.alvarez@rampwise.example>")
    if dialog.info.people:
        dialog.set_attendees({dialog.info.people[0].contact_id})


def main(prefix: str, data: Path) -> int:
    parts = open_app(data, size=(1600, 1000), settings={S.REP_NAME: "Sam Carter"})
    window = parts.window
    today, call = window.panes["pane.today"], window.panes["pane.call"]
    qual, handoff = window.panes["pane.qualification"], window.panes["pane.handoff"]
    call.dialer = RecordingDialer()  # type: ignore[attr-defined]
    call.booker = ScriptedBooker(fill, rep_zone="Europe/Paris")  # type: ignore[attr-defined]
    handoff.clipboard = RecordingClipboard()  # type: ignore[attr-defined]
    for row in range(today.model.rowCount()):  # type: ignore[attr-defined]
        task = today.model.row_at(row)  # type: ignore[attr-defined]
        if task is None or task.task.channel != "call":
            continue
        today.select_row(row)  # type: ignore[attr-defined]
        spin(50)
        target = call.target  # type: ignore[attr-defined]
        if target and target.persona != "gatekeeper":
            break
    window.docks["pane.qualification"].raise_()
    spin(300)
    form = qual.form  # type: ignore[attr-defined]
    QTest.keyClicks(form.inputs["why_replied"], "Saw our ramp-time benchmark on LinkedIn")
    QTest.keyClick(form.inputs["icp_fit"], Qt.Key.Key_4)
    QTest.keyClicks(form.inputs["pain"], "New SDRs take 5 months to ramp; 2 of 6 left last quarter")
    QTest.keyClicks(form.inputs["authority"], "D")
    QTest.keyClicks(form.inputs["timeline"], "T")
    QTest.keyClick(form.inputs["impact"], Qt.Key.Key_4)
    QTest.keyClicks(form.inputs["budget"], "60000 USD")
    QTest.keyClicks(form.inputs["next_step"], "Demo with the AE; she brings her RevOps lead")
    form.flush()
    spin(800)
    ok = window.grab().save(f"{prefix}-qualification.png")
    QTest.keyClicks(call.notes, "Agreed to a demo; ramp time is the CFO's top issue.")  # type: ignore[attr-defined]
    QTest.keyClick(window, Qt.Key.Key_8, CTRL)  # meeting booked -> booking form -> handoff
    spin(800)
    handoff.copy_handoff()  # type: ignore[attr-defined]
    spin(800)
    ok = window.grab().save(f"{prefix}-handoff.png") and ok
    print("status:", window.statusBar().currentMessage(), "| missing:", handoff.draft.missing)  # type: ignore[attr-defined]
    parts.app.quit()
    parts.runner.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
