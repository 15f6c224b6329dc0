"""The Qualification pane: the chosen framework's form for the focused contact, saved as the rep types.

Each change is one undoable edit (`AnswerEdit` through `ui/undo.py: push_edit`) run on the
serial writer; typing into one field merges into one undo step. Score, status and what is
still missing are worked out at once from the framework's rules (the domain's `assess`), so
they move while the rep talks; the saved row is the same computation. The framework list
includes the user's files; a refused file is named with its problem.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain.changes import Changes
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.domain.focus import Focus
from sdrdesk.domain.qualification import AnswerError, Assessment, Status, assess, clean_answer
from sdrdesk.services.qualification import DISQUALIFY_KEY, AnswerEdit, FrameworkList, QualificationView
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.empty_state import body_or_empty_state
from sdrdesk.ui.undo import Landed, push_edit
from sdrdesk.ui.widgets.qualification_form import QualificationForm

if TYPE_CHECKING:
    from sdrdesk.services.workspace import Workspace

_NOBODY = "Select a contact (in Today, Accounts or Research) to qualify them."
_NO_PERSON = "No contact selected at this account: pick a person to qualify them."

STATUS_STYLE = {
    Status.OPEN: "background: rgba(128, 128, 128, 0.22);",
    Status.NURTURE: "background: rgba(219, 160, 40, 0.30);",
    Status.QUALIFIED: "background: rgba(46, 160, 67, 0.30);",
    Status.DISQUALIFIED: "background: rgba(200, 40, 40, 0.30);",
}
STATUS_TEXT = {Status.OPEN: "Open", Status.NURTURE: "Nurture", Status.QUALIFIED: "Qualified",
               Status.DISQUALIFIED: "Disqualified"}


class QualificationPane(Pane):
    OBJECT_NAME = "pane.qualification"
    TITLE = "Qualification"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.contact_id: uuid.UUID | None = None
        self.view: QualificationView | None = None
        self.answers: dict[str, Any] = {}
        self.disqualify_reason: str | None = None
        self._generation = 0
        self._account_only = False

        self.who = QLabel(self)
        self.who.setObjectName("qualification.who")
        self.who.setWordWrap(True)
        self.framework_box = QComboBox(self)
        self.framework_box.setObjectName("qualification.framework")
        self.framework_box.setToolTip("Qualification framework (add your own as JSON files in the "
                                      "data folder's 'frameworks' folder)")
        self.framework_box.activated.connect(self._on_framework_chosen)
        self.score_label = QLabel(self)
        self.score_label.setObjectName("qualification.score")
        self.status_label = QLabel(self)
        self.status_label.setObjectName("qualification.status")
        self.status_label.setMargin(3)
        self.missing_label = QLabel(self)
        self.missing_label.setObjectName("qualification.missing")
        self.missing_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("qualification.error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.hide()
        self.refused_label = QLabel(self)
        self.refused_label.setObjectName("qualification.refused")
        self.refused_label.setWordWrap(True)
        self.refused_label.setStyleSheet("color: #c62828;")
        self.refused_label.hide()
        self.form = QualificationForm(self)
        self.form.answer_changed.connect(self._on_answer_changed)
        scroll = QScrollArea(self)
        scroll.setObjectName("qualification.scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.reload_button = QToolButton(self)
        self.reload_button.setObjectName("qualification.reload")
        self.reload_button.setText("↻")
        self.reload_button.setToolTip("Reload the framework files (after adding or editing one)")
        self.reload_button.clicked.connect(self.reload_frameworks)
        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.framework_box)
        top.addWidget(self.reload_button)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label)
        status_row.addWidget(self.score_label)
        status_row.addWidget(self.missing_label, 1)
        body = QWidget(self)
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.addLayout(top)
        content.addLayout(status_row)
        content.addWidget(self.error_label)
        content.addWidget(self.refused_label)
        content.addWidget(scroll, 1)
        self.empty, self._stack = body_or_empty_state(self, body, _NOBODY)
        ctx.bus.sig_focus_changed.connect(self._on_bus_focus_changed)
        if ctx.bus.focus.contact_id is not None:  # a pane built after the focus was set
            self.contact_id = ctx.bus.focus.contact_id

    # -- Pane ------------------------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return self.contact_id is not None and (
            (changes.qualification and self.contact_id in changes.contacts) or changes.book_reloaded)

    def refresh(self) -> None:
        self._load(self.contact_id, self.view.framework.id if self.view else None, keep_form=True)

    @Slot(object)
    def _on_bus_focus_changed(self, focus: Focus) -> None:
        if focus.contact_id == self.contact_id and self.view is not None:
            return
        self.form.flush()  # the previous contact's typing is saved before we switch
        self.contact_id = focus.contact_id
        self._account_only = focus.contact_id is None and focus.account_id is not None
        self._load(focus.contact_id, None, keep_form=False)

    # -- loading ---------------------------------------------------------------------------
    def _load(self, contact_id: uuid.UUID | None, framework_id: str | None, *, keep_form: bool) -> None:
        self._generation += 1
        generation = self._generation
        if contact_id is None or self.workspace is None:
            self._show(None, None, keep_form=False)
            return

        def load(ws: Workspace) -> tuple[QualificationView | None, FrameworkList]:
            return ws.qualification.load(contact_id, framework_id), ws.qualification.frameworks()

        def done(pair: tuple[QualificationView | None, FrameworkList]) -> None:
            if generation == self._generation:
                self._show(*pair, keep_form=keep_form)

        self.read(load, done, self._on_error)

    def _show(self, view: QualificationView | None, frameworks: FrameworkList | None, *,
              keep_form: bool) -> None:
        same_form = keep_form and view is not None and self.view is not None \
            and self.view.framework == view.framework and self.view.contact_id == view.contact_id
        self.view = view
        if view is None:
            self._stack.setCurrentIndex(0)
            self.empty.setText(_NO_PERSON if self._account_only else _NOBODY)
            return
        self._stack.setCurrentIndex(1)
        self.error_label.hide()
        self.who.setText(f"<b>{_html(view.contact_name)}</b>"
                         + (f" · {_html(view.account_name)}" if view.account_name else ""))
        if frameworks is not None:
            self.framework_box.clear()
            for choice in frameworks.frameworks:
                name = choice.name if choice.builtin else f"{choice.name} (yours)"
                self.framework_box.addItem(name, choice.id)
            self.refused_label.setVisible(bool(frameworks.refused))
            self.refused_label.setText("Framework file not used: " + "; ".join(frameworks.refused))
        self.framework_box.setCurrentIndex(max(0, self.framework_box.findData(view.framework.id)))
        if not same_form:
            self.form.build(view.framework, view.people)
            first = self.form.first_input()
            if first is not None:
                self.setFocusProxy(first)  # Alt+5 lands in the first field
        self.answers = dict(view.answers)  # a field being typed keeps its text (see set_value)
        for fdef in view.framework.fields:
            self.form.set_value(fdef.key, view.answers.get(fdef.key), view.display(fdef.key))
        self.disqualify_reason = view.disqualify_reason
        self.form.set_value(DISQUALIFY_KEY, view.disqualify_reason)
        self._show_assessment(view.assessment)

    def _show_assessment(self, result: Assessment) -> None:
        self.status_label.setText(STATUS_TEXT[result.status]
                                  + (f": {result.disqualify_reason}" if result.disqualify_reason else ""))
        self.status_label.setStyleSheet(STATUS_STYLE[result.status])
        self.score_label.setText(f"Score {result.score:.0f}/100")
        if result.missing:
            self.missing_label.setText("Still needed to qualify: " + ", ".join(result.missing))
        else:
            self.missing_label.setText("All required answers given.")

    def assessment(self) -> Assessment | None:
        if self.view is None:
            return None
        return assess(self.view.framework, self.answers, self.disqualify_reason)

    # -- editing ---------------------------------------------------------------------------
    @Slot(int)
    def _on_framework_chosen(self, index: int) -> None:
        framework_id = self.framework_box.itemData(index)
        if self.view is None or framework_id == self.view.framework.id:
            return
        self.form.flush()
        self._load(self.contact_id, framework_id, keep_form=False)

    @Slot(str, object)
    def _on_answer_changed(self, key: str, value: object) -> None:
        view = self.view
        if view is None or self.workspace is None:
            return
        if self.workspace.read_only:
            self._on_error(SdrdeskError("This book is open read-only; answers are not saved."))
            return
        # Score and status follow at once; the service saves the same thing.
        if key == DISQUALIFY_KEY:
            self.disqualify_reason = value if isinstance(value, str) and value else None
        else:
            fdef = view.framework.field(key)
            try:
                cleaned = clean_answer(fdef, value) if fdef is not None else None
            except AnswerError as exc:
                self._on_error(SdrdeskError(str(exc)))
                return
            if cleaned is None:
                self.answers.pop(key, None)
            else:
                self.answers[key] = cleaned
        self.error_label.hide()
        result = self.assessment()
        if result is not None:
            self._show_assessment(result)
        label = view.framework.field(key).label if view.framework.field(key) else "disqualify reason"
        edit = AnswerEdit(view.contact_id, view.framework.id, key, value)
        push_edit(self.ctx.undo_stack, f"Qualification: {label}", edit,
                  lambda e, landed: self._submit(e, landed, self._on_error), mergeable=True)

    def _submit(self, edit: AnswerEdit, landed: Landed, on_error: Callable[[BaseException], None]) -> None:
        # As from the undo stack: an undo or redo reloads this form too.
        self.write(lambda ws: ws.qualification.apply(edit), landed, on_error, initiator=self.ctx.undo_stack)

    def _on_error(self, exc: BaseException) -> None:
        message = exc.user_message if isinstance(exc, SdrdeskError) else f"Not saved: {exc}"
        self.error_label.setText(message)
        self.error_label.show()
        self.ctx.bus.sig_status_message.emit(message)

    def reload_frameworks(self) -> None:
        if self.workspace is None:
            return
        framework_id = self.view.framework.id if self.view else None
        self.view = None  # rebuild the form: the definition may have changed
        self.read(lambda ws: ws.qualification.reload_frameworks(),
                  lambda _list: self._load(self.contact_id, framework_id, keep_form=False), self._on_error)

    def focus_first_field(self) -> None:
        first = self.form.first_input()
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
