"""The call workspace by keyboard: script filled, objection found and pasted, dispositions, DNC, autosave."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QHBoxLayout, QWidget

from sdrdesk.domain.clock import FakeClock
from sdrdesk.domain.focus import Focus
from sdrdesk.services.objections import ObjectionService
from sdrdesk.services.workspace import Workspace, open_workspace
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import uow_factory_for
from sdrdesk.ui import settings as S
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.dialer import RecordingDialer
from sdrdesk.ui.dialogs.booking import ScriptedBooker
from sdrdesk.ui.panes.call import CallPane
from sdrdesk.ui.panes.script import ScriptPane
from sdrdesk.ui.panes.timeline import TimelinePane
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.widgets.objection_panel import SEARCH_SHORTCUT, ObjectionPanel
from sdrdesk.ui.widgets.script_panel import ScriptPanel
from sdrdesk.ui.workers import InlineRunner
from tests.calls.helpers import NOW, SmallBook, make_small_book

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@dataclass
class Desk:
    ctx: PaneContext
    window: QWidget
    call: CallPane
    script: ScriptPane
    timeline: TimelinePane
    dialer: RecordingDialer
    prompter: ScriptedPrompter
    clock: FakeClock
    book: SmallBook
    workspace: Workspace

    @property
    def scripts(self) -> ScriptPanel:
        return self.script.script_panel

    @property
    def objections(self) -> ObjectionPanel:
        return self.script.objection_panel


def build_desk(qtbot, path: Path, settings_path: Path, clock: FakeClock, *, fresh: bool) -> Desk:  # type: ignore[no-untyped-def]
    workspace = open_workspace(path, clock)
    book = make_small_book(uow_factory_for(workspace.book.session_factory)) if fresh else None
    prompter = ScriptedPrompter()
    settings = Settings(settings_path)
    settings.set(S.REP_NAME, "Sam Rep")
    ctx = PaneContext(bus=AppBus(), settings=settings, clock=clock, runner=InlineRunner(),
                      prompter=prompter, undo_stack=QUndoStack())
    window = QWidget()
    qtbot.addWidget(window)
    call, script, timeline = CallPane(ctx, window), ScriptPane(ctx, window), TimelinePane(ctx, window)
    dialer = RecordingDialer()
    call.dialer = dialer
    row = QHBoxLayout(window)
    for pane in (call, script, timeline):
        row.addWidget(pane)
    window.resize(1400, 700)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    ctx.workspace = workspace
    ctx.bus.sig_book_opened.emit(workspace)
    return Desk(ctx, window, call, script, timeline, dialer, prompter, clock, book, workspace)  # type: ignore[arg-type]


@pytest.fixture
def desk(qtbot, tmp_path: Path) -> Iterator[Desk]:  # type: ignore[no-untyped-def]
    built = build_desk(qtbot, tmp_path / "book.db", tmp_path / "s.ini", FakeClock(NOW), fresh=True)
    yield built
    built.workspace.close()


def focus(desk: Desk) -> None:
    desk.ctx.bus.set_focus(Focus(desk.book.account_id, desk.book.contact_id))


def activities(desk: Desk) -> list[m.Activity]:
    """The calls logged (not the timeline notes a sequence exit writes beside them)."""
    with desk.workspace.uow_factory() as uow:
        found = list(uow.session.scalars(select(m.Activity).where(m.Activity.kind == "call")
                                         .order_by(m.Activity.occurred_at)))
        uow.session.expunge_all()  # readable after the unit of work rolls back and closes
        return found


def test_script_follows_the_contact_and_marks_what_is_missing(desk: Desk) -> None:
    assert desk.scripts.scripts, "the default library loads into a new book"
    focus(desk)
    assert desk.scripts.current_script is not None
    assert desk.scripts.current_script.step_kind == "follow_up_call"  # Ana's open call task
    text = desk.scripts.viewer.toPlainText()
    assert "Ana" in text and "Nova Labs Inc" in text and "Raised a Series B round" in text
    assert "{" not in text
    assert desk.scripts.filled is not None and desk.scripts.filled.missing == ("my_company",)
    assert "your company" in desk.scripts.missing_label.text() and desk.scripts.missing_label.isVisible()
    cursor = desk.scripts.viewer.document().find("⟨your company?⟩")
    assert not cursor.isNull()
    assert cursor.charFormat().background().color() == QColor(255, 193, 7)
    desk.prompter.answers.extend(["Sam Rep", "Acme"])
    desk.scripts.missing_label.linkActivated.emit("#me")  # "Set your name and company…"
    assert desk.ctx.settings.get(S.REP_COMPANY) == "Acme"
    assert desk.scripts.filled is not None and desk.scripts.filled.complete
    desk.ctx.bus.set_focus(Focus(desk.book.account_id, desk.book.colleague_id))  # the gatekeeper
    assert desk.scripts.current_script.name == "Gatekeeper"
    assert desk.scripts.filled is not None and desk.scripts.filled.complete
    assert not desk.scripts.missing_label.isVisible()


def test_objection_found_pasted_and_counted_by_keyboard(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    qtbot.keyClick(desk.window, Qt.Key.Key_O, CTRL_SHIFT)
    assert desk.objections.search.hasFocus()
    qtbot.keyClicks(desk.objections.search, "exp")
    qtbot.waitUntil(lambda: desk.objections.objection_model.rowCount() > 0
                    and desk.objections.objection_model.rows[0].prompt == "It's too expensive.")
    qtbot.keyClick(desk.objections.search, Qt.Key.Key_Return)
    price = desk.objections.objection_model.rows[0]
    assert price.answer in desk.call.notes.toPlainText()
    assert desk.call.objections_used == [price.id]
    assert "1 objection handled" in desk.call.used_label.text()
    assert desk.call.notes.hasFocus()  # back to typing notes
    # Meeting booked opens the booking form (tests/qualify); book with its defaults and an AE.
    desk.call.booker = ScriptedBooker(lambda form: form.ae_box.setEditText("Kim Ae"))
    qtbot.keyClick(desk.window, Qt.Key.Key_8, CTRL)  # meeting booked
    [activity] = activities(desk)
    assert activity.disposition == "meeting_booked" and price.answer in (activity.notes or "")
    with desk.workspace.uow_factory() as uow:
        used = uow.session.scalars(select(m.ActivityObjection.objection_id)).all()
    assert used == [price.id]
    qtbot.waitUntil(lambda: desk.objections.objection_model.rows[0].uses == 1)
    assert desk.objections.objection_model.rows[0].meetings == 1
    assert "used 1×, 1 meeting" in desk.objections.objection_model.index(0, 0).data()
    assert desk.call.notes.toPlainText() == "" and desk.call.objections_used == []


def test_dial_times_the_call_and_a_key_logs_it(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    assert desk.call.window_label.text().startswith("Callable")
    qtbot.keyClick(desk.window, Qt.Key.Key_D, CTRL)
    assert desk.dialer.dialed == ["+12125550123"]
    assert desk.prompter.asked == []  # inside the window: no question
    desk.clock.advance(timedelta(seconds=95))
    qtbot.keyClicks(desk.call.notes, "Left details with Ana")
    qtbot.keyClick(desk.window, Qt.Key.Key_2, CTRL)  # conversation
    [activity] = activities(desk)
    assert (activity.disposition, activity.duration_seconds) == ("conversation", 95)
    assert activity.notes == "Left details with Ana" and activity.task_id == desk.book.task_id
    assert activity.subject == "Conversation · +12125550123"
    assert desk.call.last_logged is not None and desk.call.last_logged.effect.value == "advance"
    assert desk.timeline.model.total == 1
    assert "Conversation" in desk.timeline.model.index(0, 0).data()


def test_callback_asks_for_a_time(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    desk.prompter.answers.append("+2h")
    qtbot.keyClick(desk.window, Qt.Key.Key_9, CTRL)
    [activity] = activities(desk)
    assert activity.disposition == "callback_requested"
    assert activity.callback_at == NOW + timedelta(hours=2)
    assert desk.call.last_logged is not None and desk.call.last_logged.effect.value == "pause"


def test_do_not_call_records_the_reason_and_blocks_the_next_dial(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    desk.prompter.answers.append("Said: never call me again")
    qtbot.keyClick(desk.window, Qt.Key.Key_0, CTRL)
    assert desk.call.dnc_banner.isVisible()
    assert "never call me again" in desk.call.dnc_banner.text()
    qtbot.keyClick(desk.window, Qt.Key.Key_D, CTRL)
    assert desk.dialer.dialed == []
    assert desk.prompter.asked[-1] == ("inform", "Cannot dial")
    with desk.workspace.uow_factory() as uow:
        enrollment = uow.enrollments.get(desk.book.enrollment_id)
        assert enrollment is not None and enrollment.status == "ended"


@pytest.mark.parametrize("policy, answer, dialed", [
    ("confirm", False, []), ("confirm", True, ["+12125550123"]), ("block", None, []),
])
def test_outside_the_window(desk: Desk, policy: str, answer: bool | None, dialed: list[str]) -> None:
    desk.clock.set(NOW.replace(hour=11))  # 07:00 in New York
    desk.ctx.settings.set(S.OUTSIDE_WINDOW_POLICY, policy)
    focus(desk)
    assert desk.call.window_label.text().startswith("Not until")
    if answer is not None:
        desk.prompter.answers.append(answer)
    desk.call.dial_action.trigger()
    assert desk.dialer.dialed == dialed
    expected = ("confirm", "Outside the calling window") if policy == "confirm" else ("inform", "Cannot dial")
    assert desk.prompter.asked == [expected]


def test_notes_typed_then_app_closed_are_there_on_restart(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clock = FakeClock(NOW)
    first = build_desk(qtbot, tmp_path / "book.db", tmp_path / "s.ini", clock, fresh=True)
    focus(first)
    qtbot.keyClicks(first.call.notes, "Budget frozen until Q3")
    price = ObjectionService(first.workspace.uow_factory, clock).search("expensive")[0]
    first.call._on_bus_answer_pasted(price.id, price.answer)
    qtbot.keyClicks(first.call.notes, "call back in June")
    qtbot.waitUntil(lambda: not first.call._autosave.isActive(), timeout=2000)  # debounce ≤ 1 s
    typed = first.call.notes.toPlainText()
    first.workspace.close()  # no save action: the window just goes away
    first.window.hide()
    second = build_desk(qtbot, tmp_path / "book.db", tmp_path / "s.ini", clock, fresh=False)
    second.book = first.book
    focus(second)
    assert second.call.notes.toPlainText() == typed
    assert "Budget frozen until Q3" in typed and "call back in June" in typed
    assert second.call.objections_used == [price.id]
    second.workspace.close()


def test_script_edit_is_undoable(desk: Desk) -> None:
    focus(desk)
    original = desk.scripts.current_script
    assert original is not None
    desk.scripts.start_editing()
    desk.scripts.editor.setPlainText("## Short\nHi {first_name}, quick one.")
    desk.scripts.save_editing()
    assert "Hi Ana, quick one." in desk.scripts.viewer.toPlainText()
    desk.ctx.undo_stack.undo()
    assert desk.scripts.current_script is not None and desk.scripts.current_script.body == original.body
    desk.ctx.undo_stack.redo()
    assert "Hi Ana, quick one." in desk.scripts.viewer.toPlainText()


def test_models_pass_the_model_tester(qtmodeltester, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    desk.call.log_disposition("no_answer")
    qtmodeltester.check(desk.objections.objection_model)
    qtmodeltester.check(desk.timeline.model)


def test_objection_hotkey_pastes_its_answer(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    texts = {a.text(): a.shortcut().toString() for a in desk.objections.hotkey_actions}
    assert texts["Objection: It's too expensive."] == "Ctrl+Alt+1"
    qtbot.keyClick(desk.window, Qt.Key.Key_8, CTRL | Qt.KeyboardModifier.AltModifier)  # "send me an e-mail"
    [email] = [r for r in desk.objections.objection_model.rows if r.prompt == "Just send me an e-mail."]
    assert desk.call.notes.toPlainText().strip() == email.answer
    assert desk.call.objections_used == [email.id]
    keys = [a.shortcut().toString() for pane in (desk.call, desk.script, desk.timeline)
            for a in pane.actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys))


def _select_objection(desk: Desk, prompt: str) -> None:
    model = desk.objections.objection_model
    [row] = [i for i, r in enumerate(model.rows) if r.prompt == prompt]
    desk.objections.objection_list.setCurrentIndex(model.index(row, 0))


def _objection_keys(desk: Desk) -> dict[str, str]:
    actions = desk.objections.hotkey_actions
    return {a.text().removeprefix("Objection: "): a.shortcut().toString() for a in actions}


def test_objection_key_is_chosen_checked_removed_and_undone(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    email = "Just send me an e-mail."
    assert _objection_keys(desk)[email] == "Ctrl+Alt+8"
    _select_objection(desk, email)
    desk.prompter.answers.append("Ctrl+Alt+M")
    desk.objections.set_objection_hotkey()
    assert _objection_keys(desk)[email] == "Ctrl+Alt+M"
    qtbot.keyClick(desk.window, Qt.Key.Key_M, CTRL | Qt.KeyboardModifier.AltModifier)
    [row] = [r for r in desk.objections.objection_model.rows if r.prompt == email]
    assert desk.call.notes.toPlainText().strip() == row.answer
    # Keys already doing something else are refused with what they do; so is what is not a key.
    for taken, says in (("Ctrl+Alt+1", "pastes the answer to “It's too expensive.”"),
                        (SEARCH_SHORTCUT, "is “Find an objection”"), ("Banana", "is not a key")):
        desk.prompter.answers.append(taken)
        desk.objections.set_objection_hotkey()
        assert says in desk.prompter.told[-1]
        assert _objection_keys(desk)[email] == "Ctrl+Alt+M"
    desk.prompter.answers.append("")  # none
    desk.objections.set_objection_hotkey()
    assert email not in _objection_keys(desk)
    desk.ctx.undo_stack.undo()
    assert _objection_keys(desk)[email] == "Ctrl+Alt+M"


def test_new_script_for_this_persona_then_delete_and_undo(desk: Desk) -> None:
    focus(desk)
    desk.scripts.new_script()
    assert desk.scripts.persona_edit.currentText() == "economic buyer"
    assert desk.scripts.step_edit.currentData() == "follow_up_call"
    desk.scripts.name_edit.setText("Ana's follow-up")
    desk.scripts.editor.setPlainText("Hi {first_name}, following up on {trigger}.")
    desk.scripts.save_editing()
    assert desk.scripts.current_script is not None and desk.scripts.current_script.name == "Ana's follow-up"
    assert "Hi Ana, following up on Raised a Series B round." in desk.scripts.viewer.toPlainText()
    desk.ctx.bus.set_focus(Focus(desk.book.account_id, None))
    focus(desk)
    assert desk.scripts.current_script.name == "Ana's follow-up"  # the rep's own script wins the tie
    desk.scripts.start_editing()
    desk.prompter.answers.append(True)
    desk.scripts.delete_script()
    assert all(s.name != "Ana's follow-up" for s in desk.scripts.scripts)
    assert desk.scripts.current_script is not None and desk.scripts.current_script.name == "Follow-up call"
    desk.ctx.undo_stack.undo()
    assert desk.scripts.current_script is not None and desk.scripts.current_script.name == "Ana's follow-up"


def test_an_invalid_number_is_listed_but_not_dialled(desk: Desk) -> None:
    focus(desk)
    assert desk.call.number.count() == 2 and "(invalid)" in desk.call.number.itemText(1)
    desk.call.number.setCurrentIndex(1)
    desk.call.dial_action.trigger()
    assert desk.dialer.dialed == [] and desk.prompter.asked == [("inform", "Cannot dial")]
    desk.call.refresh()
    assert desk.call.number.currentIndex() == 1  # a refresh keeps the rep's choice


def test_timeline_model_is_lazy(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    import uuid as _uuid

    from PySide6.QtCore import QModelIndex

    from sdrdesk.services.timeline import TimelineRow
    from sdrdesk.ui.models.timeline_list import TimelineListModel

    ids = [_uuid.uuid4() for _ in range(250)]
    fetched: list[int] = []

    def fetch(chunk):  # type: ignore[no-untyped-def]
        fetched.append(len(chunk))
        return {i: TimelineRow(i, "call", "outbound", "no_answer", "No answer", NOW, 30, "", "", None, "",
                               False, (), None) for i in chunk}

    model = TimelineListModel(fetch)
    model.set_ids(ids)
    assert model.rowCount() == 100 and model.canFetchMore(QModelIndex()) and fetched == []
    assert "No answer" in model.index(150 - 100, 0).data()  # painting a row loads its page only
    assert fetched == [100]
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250 and not model.canFetchMore(QModelIndex())
    assert model.index(249, 0).data(Qt.ItemDataRole.UserRole) == ids[249]
    qtmodeltester.check(model)


class DeferredRunner:
    """Holds jobs until told to run them, like a busy writer thread."""

    pending = 0

    def __init__(self) -> None:
        self.jobs: list[tuple[object, object, object]] = []

    def run(self, fn, on_done=None, on_error=None, **_kw) -> None:  # type: ignore[no-untyped-def]
        self.jobs.append((fn, on_done, on_error))

    def drain(self) -> None:
        while self.jobs:
            fn, on_done, _ = self.jobs.pop(0)
            result = fn()  # type: ignore[operator]
            if on_done is not None:
                on_done(result)  # type: ignore[operator]


def test_a_double_key_press_logs_one_call(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    focus(desk)
    runner = DeferredRunner()
    desk.ctx.runner = runner
    qtbot.keyClick(desk.window, Qt.Key.Key_4, CTRL)
    qtbot.keyClick(desk.window, Qt.Key.Key_4, CTRL)
    runner.drain()
    assert [a.disposition for a in activities(desk)] == ["no_answer"]
    desk.clock.advance(timedelta(minutes=1))
    qtbot.keyClick(desk.window, Qt.Key.Key_3, CTRL)  # once written, the next call can be logged
    runner.drain()
    assert [a.disposition for a in activities(desk)] == ["no_answer", "voicemail"]


def test_notes_typed_just_before_a_book_switch_are_saved_to_the_old_book(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.services.calls import CallService

    clock = FakeClock(NOW)
    desk = build_desk(qtbot, tmp_path / "book.db", tmp_path / "s.ini", clock, fresh=True)
    focus(desk)
    qtbot.keyClicks(desk.call.notes, "Wants pricing for 40 seats")
    assert desk.call._autosave.isActive()  # the debounce has not written it yet
    other = open_workspace(tmp_path / "other.db", clock)
    desk.ctx.bus.sig_book_closing.emit(desk.workspace)  # what BookController does first
    desk.ctx.workspace = other
    draft = CallService(desk.workspace.uow_factory, clock).load_draft(desk.book.contact_id)
    assert draft is not None and draft.body == "Wants pricing for 40 seats"
    other.close()
    desk.workspace.close()
