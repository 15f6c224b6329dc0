"""From the call to the AE: "Meeting booked" opens the booking form, books, leads to the handoff;
the handoff copies as one QMimeData (text, Markdown, HTML), exports the .ics, mails the AE,
and the lifecycle buttons step the meeting."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from PySide6.QtWidgets import QApplication, QLineEdit, QTextEdit

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.meetings import MeetingAction
from sdrdesk.services.qualification import AnswerEdit
from sdrdesk.storage import models as m
from sdrdesk.ui.clipboard import MARKDOWN_MIME, RecordingClipboard, RecordingUrlOpener, SystemClipboard
from sdrdesk.ui.dialogs.booking import BookingDialog, ScriptedBooker
from sdrdesk.ui.panes.call import CallPane
from sdrdesk.ui.panes.handoff import HandoffPane
from sdrdesk.ui.panes.qualification import QualificationPane
from sdrdesk.ui.prompter import ScriptedPrompter
from tests.calls.helpers import NOW
from tests.qualify.helpers import Desk, build_desk

NY = ZoneInfo("America/New_York")
PARIS = "Europe/Paris"


def fill(dialog: BookingDialog) -> None:
    dialog.set_when(datetime(2026, 3, 17, 11, 0, tzinfo=NY), "America/New_York")
    dialog.duration.setValue(45)
    dialog.ae_box.setEditText("Kim Ae <kim@seller.example>")
    dialog.set_attendees({dialog.info.people[0].contact_id})


@pytest.fixture
def desk(qtbot, tmp_path: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    built = build_desk(qtbot, tmp_path, FakeClock(NOW), [CallPane, QualificationPane, HandoffPane],
                       prompter=ScriptedPrompter())
    built.booker = ScriptedBooker(fill, rep_zone=PARIS)  # type: ignore[attr-defined]
    call: CallPane = built.panes["pane.call"]  # type: ignore[assignment]
    call.booker = built.booker  # type: ignore[attr-defined]
    handoff: HandoffPane = built.panes["pane.handoff"]  # type: ignore[assignment]
    handoff.clipboard = RecordingClipboard()
    handoff.url_opener = RecordingUrlOpener()
    yield built
    built.workspace.close()


def handoff(desk: Desk) -> HandoffPane:
    return desk.panes["pane.handoff"]  # type: ignore[return-value]


def qualify(desk: Desk) -> None:
    for key, value in [("why_replied", "Read our ramp benchmark"), ("icp_fit", 5), ("pain", "4-month ramp"),
                       ("authority", "decision_maker"), ("timeline", "this_quarter"),
                       ("next_step", "Demo, Bo joins"), ("ae_questions", "Who owns onboarding budget?")]:
        desk.workspace.qualification.apply(AnswerEdit(desk.book.contact_id, "default", key, value))


def test_booking_form_shows_both_zones_and_builds_the_request(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    info = desk.workspace.meetings.booking_info(desk.book.contact_id)
    assert info is not None and info.prospect_zones == ("America/New_York",)
    assert [p.name for p in info.people] == ["Bo Berg"]
    dialog = BookingDialog(info, NOW, rep_zone=PARIS)
    qtbot.addWidget(dialog)
    assert dialog.zone_box.count() == 2 and dialog.entry_zone() == "America/New_York"
    fill(dialog)
    assert dialog.both_label.text() == ("Tue 17 Mar 11:00 EDT for prospect (New York) = "
                                        "Tue 17 Mar 16:00 CET for you (Paris)")
    # Entered in the rep's zone instead: the same instant, the other way round.
    dialog.set_when(datetime(2026, 3, 17, 16, 0, tzinfo=ZoneInfo(PARIS)), PARIS)
    request = dialog.request()
    assert request.starts_at.astimezone(UTC) == datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
    assert (request.ae_name, request.ae_email, request.ae_id) == ("Kim Ae", "kim@seller.example", None)
    assert request.attendee_ids == (desk.book.colleague_id,) and request.duration_minutes == 45
    assert request.prospect_timezone == "America/New_York"


def test_meeting_key_books_with_the_call_and_leads_to_the_handoff(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    qualify(desk)
    desk.focus()
    call: CallPane = desk.panes["pane.call"]  # type: ignore[assignment]
    call.notes.setPlainText("Wants a demo next week")
    call.disposition_actions["meeting_booked"].trigger()
    with desk.workspace.uow_factory() as uow:
        meeting = uow.session.scalars(select(m.Meeting)).one()
        activity = uow.activities.get(meeting.activity_id)
        task = uow.tasks.get(desk.book.task_id)
        assert activity.disposition == "meeting_booked" and activity.notes == "Wants a demo next week"
        assert task.status == "done" and task.outcome == "meeting_booked"
        assert meeting.scheduled_at == datetime(2026, 3, 17, 15, 0, tzinfo=UTC)
        assert meeting.ae_name == "Kim Ae"
        meeting_id = meeting.id
    assert call.last_logged is not None and call.last_logged.changes.meetings
    pane = handoff(desk)
    assert pane.meeting_id == meeting_id and pane.current_meeting().status == "booked"
    assert QApplication.focusWidget() is pane.copy_button  # straight to the handoff
    assert pane.missing_label.text().startswith("Complete")
    assert "Tue 17 Mar 2026, 11:00–11:45 EDT (America/New_York) (prospect)" in pane.meeting_facts.text()
    assert pane.action_buttons[MeetingAction.HELD].isEnabled()
    assert not pane.action_buttons[MeetingAction.ACCEPT].isEnabled()


def test_a_cancelled_booking_form_logs_nothing(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    call: CallPane = desk.panes["pane.call"]  # type: ignore[assignment]
    call.booker = ScriptedBooker(None)
    call.disposition_actions["meeting_booked"].trigger()
    with desk.workspace.uow_factory() as uow:
        assert uow.session.scalars(select(m.Meeting)).all() == []
        assert uow.session.scalars(select(m.Activity)).all() == []


def test_copy_puts_text_markdown_and_html_in_one_mime_and_saves_the_record(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    qualify(desk)
    desk.focus()
    desk.panes["pane.call"].notes.setPlainText("Wants a demo")  # type: ignore[attr-defined]
    desk.panes["pane.call"].disposition_actions["meeting_booked"].trigger()  # type: ignore[attr-defined]
    pane = handoff(desk)
    pane.copy_action.trigger()
    mime = pane.clipboard.copied[-1]  # type: ignore[attr-defined]
    assert set(mime.formats()) >= {"text/plain", "text/html", MARKDOWN_MIME}
    assert mime.text().startswith("HANDOFF: ANA LIMA AT NOVA LABS INC")
    assert "## Pain\n- 4-month ramp" in bytes(mime.data(MARKDOWN_MIME)).decode()
    assert "<h2>Pain</h2>" in mime.html()
    assert pane.draft.missing == (), pane.draft.missing
    assert pane.message_label.text() == "Handoff copied as text, Markdown and HTML."
    assert desk.workspace.handoff.latest(pane.meeting_id).text == mime.text()
    # Pasted into a plain-text field and a rich-text field, each gets its own form.
    plain, rich = QLineEdit(), QTextEdit()
    qtbot.addWidget(plain)
    qtbot.addWidget(rich)
    clipboard = SystemClipboard()
    clipboard.put(mime.text(), bytes(mime.data(MARKDOWN_MIME)).decode(), mime.html())
    rich.paste()
    assert "Who else is involved" in rich.toPlainText() and rich.document().toHtml().count("<li") >= 5
    assert QApplication.clipboard().mimeData().text() == mime.text()


def test_ics_export_mail_and_lifecycle_buttons(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    qualify(desk)
    desk.focus()
    desk.panes["pane.call"].disposition_actions["meeting_booked"].trigger()  # type: ignore[attr-defined]
    pane = handoff(desk)
    pane.copy_handoff()
    target = tmp_path / "invite.ics"
    desk.prompter.answers.append(target)  # type: ignore[attr-defined]
    pane.export_ics()
    cal = icalendar.Calendar.from_ical(target.read_bytes())
    event = cal.walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2026, 3, 17, 11, 0, tzinfo=NY)
    assert "4-month ramp" in str(event["description"])
    pane.email_ae()
    assert pane.url_opener.opened[-1].startswith("mailto:kim@seller.example?subject=Handoff")  # type: ignore[attr-defined]
    pane.act(MeetingAction.NO_SHOW)
    assert pane.current_meeting().status == "no_show"
    pane.act(MeetingAction.HELD)  # a no-show later held
    desk.prompter.answers.append("Bad timing")  # type: ignore[attr-defined]
    pane.act(MeetingAction.REJECT)
    meeting = pane.current_meeting()
    assert meeting.status == "rejected" and meeting.no_show_at and meeting.held_at
    assert "Rejected: Bad timing" in pane.meeting_facts.text()
    pane.act(MeetingAction.ACCEPT)
    desk.prompter.answers.append("48,000 EUR")  # type: ignore[attr-defined]
    pane.act(MeetingAction.OPPORTUNITY)
    assert "Opportunity: 48,000 EUR" in pane.meeting_facts.text()


def test_ae_list_add_refuse_and_remove(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    desk.focus()
    pane = handoff(desk)
    pane.edit_aes()
    dialog = pane.aes_dialog
    assert dialog is not None and dialog.list.count() == 0
    dialog.name.setText("Kim Ae")
    dialog.email.setText("kim@seller.example")
    dialog.zone.setText("Mars/Olympus")
    dialog._add()
    assert "not a known time zone" in dialog.error.text() and dialog.list.count() == 0
    dialog.zone.setText("Europe/Berlin")
    dialog._add()
    assert dialog.list.count() == 1 and dialog.name.text() == ""
    assert [ae.timezone for ae in desk.workspace.meetings.aes()] == ["Europe/Berlin"]
    info = desk.workspace.meetings.booking_info(desk.book.contact_id)
    assert [ae.display for ae in info.aes] == ["Kim Ae <kim@seller.example>"]  # offered when booking
    dialog.list.setCurrentRow(0)
    dialog._remove()
    assert dialog.list.count() == 0 and desk.workspace.meetings.aes() == ()


def test_broken_custom_template_is_reported_and_the_default_used(qtbot, desk: Desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "handoff_template.md.j2").write_text("# {{ contact.name }\n", encoding="utf-8")
    desk.focus()
    pane = handoff(desk)
    assert "line 1" in pane.message_label.text()
    assert pane.message_label.text().endswith("The default template was used.")
    assert "Handoff: Ana Lima" in pane.preview.toPlainText()
    pane.edit_template()
    editor = pane.template_editor
    editor.edit.setPlainText("{% if %}")
    editor.saved.emit(editor.edit.toPlainText())
    assert editor.error.isVisible() and "line 1" in editor.error.text()
    editor.saved.emit("# For {{ contact.name }}\n\n## Pain\n"
                      "{% for l in section.pain %}- {{ l }}\n{% endfor %}")
    assert pane.preview.toPlainText().startswith("For Ana Lima") and pane.message_label.text() == ""
