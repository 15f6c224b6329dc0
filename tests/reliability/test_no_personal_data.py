"""A failed write puts no record content in the log or in the error dialog's details: the
engine hides SQL parameters, and the writer logs the error's class and traceback only."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from sdrdesk.domain.focus import Focus
from sdrdesk.services.logging_setup import setup_logging
from sdrdesk.services.workspace import Workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.errors import ErrorReporter
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.call import CallPane
from tests.reliability.conftest import Seeded

NOTE = "Budget is 48k, signs after Globex renewal"
NUMBER_E164 = "+14165550199"  # Jane's number
NUMBER_DIGITS = "4165550199"
NEW_ADDRESS = "jane.private@example.org"


def _fail_writes(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        for table in ("activities", "contacts"):
            for when in ("INSERT", "UPDATE"):
                conn.execute(f"CREATE TRIGGER refuse_{table}_{when.lower()} BEFORE {when} ON {table} "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")


def test_a_session_with_failing_writes_logs_no_note_number_or_address(
        qtbot, tmp_path: Path, threaded_ctx: PaneContext, workspace: Workspace, seeded: Seeded) -> None:  # type: ignore[no-untyped-def]
    log_file = setup_logging(tmp_path / "logs", level=logging.DEBUG)
    assert log_file is not None
    reporter = ErrorReporter(clipboard_set=lambda _t: None)
    boxes: list[QMessageBox] = []
    threaded_ctx.bus.sig_error.connect(lambda exc: boxes.append(reporter.report(exc)))
    _fail_writes(seeded.path)

    call = CallPane(threaded_ctx)
    qtbot.addWidget(call)
    call.show()
    threaded_ctx.bus.set_focus(Focus(seeded.northwind, seeded.jane))
    qtbot.waitUntil(lambda: call.target is not None, timeout=5000)
    assert call.number.currentData() == NUMBER_E164
    call.notes.setPlainText(NOTE)
    call.log_disposition("no_answer")  # the activity insert fails: note and number are parameters
    pane = Pane(threaded_ctx)
    qtbot.addWidget(pane)

    def change_email(ws: Workspace) -> None:
        with ws.uow_factory() as uow:
            uow.session.get(m.Contact, seeded.jane).email = NEW_ADDRESS
            uow.commit()

    pane.write(change_email)  # fails too, with the address as a parameter
    qtbot.waitUntil(lambda: len([b for b in boxes if b is not None]) >= 2, timeout=8000)
    qtbot.waitUntil(lambda: threaded_ctx.runner.pending == 0, timeout=8000)
    assert call.notes.toPlainText() == NOTE  # nothing typed was lost

    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_file.read_text(encoding="utf-8")
    assert "background job failed" in logged and "IntegrityError" in logged  # the failure is there
    shown = [b for b in boxes if b is not None]
    details = "\n".join(b.detailedText() + "\n" + b.text() for b in shown)
    assert "refused by the test" in details
    for secret in (NOTE, "48k", "Globex", NUMBER_E164, NUMBER_DIGITS, NEW_ADDRESS, "jane.doe@northwind.io"):
        assert secret not in logged, f"{secret!r} reached the log"
        assert secret not in details, f"{secret!r} reached the error dialog's details"
    for box in shown:
        qtbot.addWidget(box)
