"""Enrolling from the book: a multi-selection of contacts or accounts -> "Enrol in sequence…"."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from PySide6.QtCore import QItemSelectionModel

from sdrdesk.services.sequences import SequenceDraft, StepDraft
from sdrdesk.services.workspace import open_workspace
from sdrdesk.storage import models as m
from sdrdesk.ui.panes.accounts import ACCOUNTS_TAB, CONTACTS_TAB
from tests.ui.conftest import open_and_wait


def _seed(path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    workspace = open_workspace(path, clock)
    try:
        with workspace.uow_factory() as uow:
            for company, people in (("Acme", ("Ada", "Ben")), ("Birch", ("Cleo",))):
                account = uow.accounts.add(m.Account(name=company, country="US", region="NY"))
                uow.session.flush()
                for first in people:
                    contact = uow.contacts.add(m.Contact(first_name=first, last_name="X",
                                                         account_id=account.id))
                    uow.session.flush()
                    if first == "Ben":
                        uow.do_not_contact.add(m.DoNotContact(contact_id=contact.id, channel="all",
                                                              reason="unsubscribed", recorded_at=clock.now()))
            uow.commit()
        workspace.sequences.create(SequenceDraft("Solo", steps=(StepDraft(0, "call"), StepDraft(2, "email"))))
    finally:
        workspace.close()


def _select_all(view, model) -> None:  # type: ignore[no-untyped-def]
    for row in range(model.rowCount()):
        view.selectionModel().select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                     | QItemSelectionModel.SelectionFlag.Rows)


def _enrolled(parts) -> list[str]:  # type: ignore[no-untyped-def]
    with parts.ctx.workspace.uow_factory() as uow:
        return sorted(uow.session.scalars(select(m.Contact.first_name).join(
            m.Enrollment, m.Enrollment.contact_id == m.Contact.id)))


def test_enrol_selected_accounts_names_contacts_and_refuses_do_not_contact(
        make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    book = tmp_path / "book.db"
    _seed(book, fake_clock)
    parts = make_app()
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    parts.window.docks["pane.accounts"].raise_()  # tabbed behind Today in the default layout
    pane = parts.window.panes["pane.accounts"]
    pane.show_tab(ACCOUNTS_TAB)
    qtbot.waitUntil(lambda: pane.accounts_model.rowCount() == 2, timeout=10_000)
    _select_all(pane.accounts_view, pane.accounts_model)
    assert len(pane.selected_rowids()) == 2
    pane.enrol_selected()
    qtbot.waitUntil(lambda: getattr(pane, "enrol_dialog", None) is not None, timeout=5_000)
    dialog = pane.enrol_dialog
    qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=5_000)
    lines = [dialog.names.item(i).text() for i in range(dialog.names.count())]
    assert "✓ Ada X" in lines and "✓ Cleo X" in lines
    assert "✕ Ben X: refused, do not contact (any channel): unsubscribed" in lines
    assert dialog.heading.text() == "Enrol 3 contacts in:"
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and parts.runner.pending == 0, timeout=5_000)
    assert _enrolled(parts) == ["Ada", "Cleo"]
    with parts.ctx.workspace.uow_factory() as uow:
        assert len(uow.session.scalars(select(m.Task).where(m.Task.status == "open")).all()) == 2
    # Again from the contacts tab: both are already active and nobody new is enrolled.
    pane.show_tab(CONTACTS_TAB)
    qtbot.waitUntil(lambda: pane.contacts_model.rowCount() == 3 and parts.runner.pending == 0, timeout=5_000)
    _select_all(pane.contacts_view, pane.contacts_model)
    pane.enrol_selected()
    qtbot.waitUntil(lambda: pane.enrol_dialog is not dialog and pane.enrol_dialog.check is not None,
                    timeout=5_000)
    again = pane.enrol_dialog
    assert "2 already in an active sequence" in again.warnings.text()
    assert not again.enrol_button.isEnabled()
    again.reject()


def test_enrol_the_imported_contacts_from_the_end_of_the_import_wizard(
        make_app, qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.services.csv_import import ImportOptions, import_csv

    src = tmp_path / "people.csv"
    src.write_text("First Name,Last Name,Company,Email,Country\nAna,Lima,Maple,ana@maple.example,CA\n"
                   "Bo,Berg,Maple,bo@maple.example,CA\n", encoding="utf-8")
    book = tmp_path / "book.db"
    workspace = open_workspace(book, fake_clock)
    try:
        report = import_csv(src, workspace.uow_factory, ImportOptions(report_dir=tmp_path / "imports"))
    finally:
        workspace.close()
    parts = make_app()
    parts.window.show()
    open_and_wait(qtbot, parts, book)
    wizard = parts.window.show_import_wizard()
    wizard.report = report
    wizard.report_page.initializePage()
    assert not wizard.report_page.enrol.isHidden()
    wizard.report_page.enrol.click()
    qtbot.waitUntil(lambda: getattr(parts.window, "enrol_dialog", None) is not None
                    and parts.window.enrol_dialog.dialog is not None, timeout=5_000)
    dialog = parts.window.enrol_dialog.dialog
    qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled(), timeout=5_000)
    assert dialog.heading.text() == "Enrol 2 contacts in:"
    dialog.enrol_button.click()
    qtbot.waitUntil(lambda: dialog.report is not None and parts.runner.pending == 0, timeout=5_000)
    assert _enrolled(parts) == ["Ana", "Bo"]
    wizard.close()
