"""The one-click handoff summary for the AE: assembled from the record, rendered three ways.

`Workspace.handoff`. `assemble(contact_id, meeting_id)` gathers what the book knows (research,
the qualification's answers by handoff section, the last call notes, the people involved, the
meeting in the AE's and the prospect's zone) and renders it through an editable Jinja2
template in a *sandboxed* environment. The template writes Markdown; plain text and HTML are
derived from it (values are escaped for HTML, so a template cannot inject markup). A heading
with nothing under it is dropped, whatever the template does; what is missing is listed.
A template that does not compile or render is reported in plain words and the default is used.
"""

from __future__ import annotations

import html
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import TemplateError, TemplateSyntaxError, Undefined
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import RecordNotFound, ValidationError
from sdrdesk.domain.qualification import HANDOFF_SECTIONS, display_answer, is_answered
from sdrdesk.domain.timezones import is_valid_zone
from sdrdesk.domain.triggers import is_stale
from sdrdesk.resources_path import resource_path
from sdrdesk.services.meetings import MeetingView, meeting_view
from sdrdesk.services.qualification import DISQUALIFY_KEY, QualificationService, live_row, people_of
from sdrdesk.storage import models as m

if TYPE_CHECKING:
    from sdrdesk.storage.unit_of_work import SqlUnitOfWork, UowFactory

log = logging.getLogger(__name__)

TEMPLATE_FILENAME = "handoff_template.md.j2"
CALL_NOTES_KEPT = 2  # the last calls with notes that go into the summary
TRIGGER_MAX_AGE_DAYS = 180

# Sections a complete handoff has; "missing" lists the ones the record has no data for.
CORE_SECTIONS = ("why_replied", "pain", "involved", "timeline", "next_step", "ae_questions")

def _default_template() -> str:
    return resource_path("data", TEMPLATE_FILENAME).read_text(encoding="utf-8")


DEFAULT_TEMPLATE = _default_template()


@dataclass(frozen=True)
class HandoffSection:
    key: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class HandoffDraft:
    contact_id: uuid.UUID
    meeting_id: uuid.UUID | None
    text: str
    markdown: str
    html: str
    missing: tuple[str, ...]  # section titles with no data, shown before copying
    sections: tuple[HandoffSection, ...]
    template_error: str | None = None  # the custom template failed: the default was used
    subject: str = ""

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class SavedHandoff:
    id: uuid.UUID
    meeting_id: uuid.UUID | None
    contact_id: uuid.UUID
    text: str
    markdown: str
    html: str
    missing: tuple[str, ...]
    updated_at: datetime


@dataclass
class _Context:
    contact: dict[str, Any]
    account: dict[str, Any]
    meeting: dict[str, Any] | None
    qualification: dict[str, Any] | None
    sections: list[HandoffSection]
    call_notes: list[dict[str, str]]
    rep_name: str
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"contact": self.contact, "account": self.account, "meeting": self.meeting,
                "qualification": self.qualification,
                "sections": [{"key": s.key, "title": s.title, "lines": list(s.lines)} for s in self.sections],
                "section": {s.key: list(s.lines) for s in self.sections},
                "call_notes": self.call_notes, "rep_name": self.rep_name, "missing": self.missing}


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p) or "(no name)"


def format_when(instant: datetime, zone: str | None, duration_minutes: int | None = None) -> str:
    """ "Tue 10 Mar 2026, 10:00–10:30 EDT (America/New_York)" in `zone` (UTC when unknown)."""
    tz = ZoneInfo(zone) if zone and is_valid_zone(zone) else ZoneInfo("UTC")
    local = instant.astimezone(tz)
    text = f"{local:%a %d %b %Y, %H:%M}"
    if duration_minutes:
        from datetime import timedelta

        text += f"–{(instant + timedelta(minutes=duration_minutes)).astimezone(tz):%H:%M}"
    return f"{text} {local:%Z} ({tz.key})"


def _lines(text: str | None) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


# -- Markdown -> text / HTML (only what the template writes: headings, bullets, bold) -------------

_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def drop_empty_headings(markdown: str) -> str:
    """Remove a heading with nothing under it before the next heading of its level or above."""
    lines = markdown.splitlines()
    kept: list[str] = []
    for i, line in enumerate(lines):
        match = _HEADING.match(line)
        if match:
            level = len(match.group(1))
            body = False
            for later in lines[i + 1:]:
                other = _HEADING.match(later)
                if other and len(other.group(1)) <= level:
                    break
                if later.strip() and not other:
                    body = True
                    break
            if not body:
                continue
        kept.append(line)
    text = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def markdown_to_text(markdown: str) -> str:
    out: list[str] = []
    for line in markdown.splitlines():
        match = _HEADING.match(line)
        if match:
            title = _BOLD.sub(r"\1", match.group(2)).strip()
            if out and out[-1].strip():
                out.append("")
            out.append(title.upper() if len(match.group(1)) == 1 else title)
            out.append(("=" if len(match.group(1)) == 1 else "-") * len(title))
            continue
        out.append(_BOLD.sub(r"\1", line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def markdown_to_html(markdown: str) -> str:
    parts: list[str] = []
    in_list = False
    paragraph: list[str] = []

    def inline(text: str) -> str:
        return _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False))

    def flush_paragraph() -> None:
        if paragraph:
            parts.append("<p>" + "<br>\n".join(inline(p) for p in paragraph) + "</p>")
            paragraph.clear()

    for line in markdown.splitlines():
        heading = _HEADING.match(line)
        bullet = line.startswith("- ")
        if in_list and not bullet:
            parts.append("</ul>")
            in_list = False
        if heading:
            flush_paragraph()
            level = len(heading.group(1))
            parts.append(f"<h{level}>{inline(heading.group(2).strip())}</h{level}>")
        elif bullet:
            flush_paragraph()
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{inline(line[2:].strip())}</li>")
        elif line.strip():
            paragraph.append(line.strip())
        else:
            flush_paragraph()
    flush_paragraph()
    if in_list:
        parts.append("</ul>")
    return "<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


class _SilentUndefined(Undefined):
    """A misspelt variable renders as nothing rather than failing the whole handoff."""

    def __str__(self) -> str:
        return ""


def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=_SilentUndefined, trim_blocks=False,
                                keep_trailing_newline=True)


def check_template(text: str) -> str | None:
    """None when `text` compiles, else a sentence saying what is wrong and on which line."""
    try:
        _environment().from_string(text)
    except TemplateSyntaxError as exc:
        return f"The handoff template has an error on line {exc.lineno}: {exc.message}"
    return None


def render(template_text: str, context: dict[str, Any]) -> tuple[str, str | None]:
    """(Markdown, error): a broken template is reported and the default template used."""
    env = _environment()
    error = check_template(template_text)
    if error is None:
        try:
            return env.from_string(template_text).render(context), None
        except TemplateError as exc:  # includes the sandbox's SecurityError
            error = f"The handoff template failed while filling it in: {exc}"
        except Exception as exc:  # a template may divide by zero, index out of range, ...
            error = f"The handoff template failed while filling it in ({exc.__class__.__name__}: {exc})"
    return env.from_string(DEFAULT_TEMPLATE).render(context), error


class HandoffService:
    def __init__(self, uow_factory: UowFactory, clock: Clock, qualification: QualificationService,
                 template_path: Path | None = None) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._qualification = qualification
        self._template_path = template_path

    # -- the template ---------------------------------------------------------------------
    def template_text(self) -> str:
        path = self._template_path
        if path is not None and path.is_file():
            try:
                return path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                log.warning("handoff template not read (%s); using the default", exc.__class__.__name__)
        return DEFAULT_TEMPLATE

    def is_custom_template(self) -> bool:
        return self._template_path is not None and self._template_path.is_file()

    def save_template(self, text: str | None) -> OpResult[str | None]:
        """Save the rep's template (None or blank restores the default); refuses a broken one."""
        if self._template_path is None:
            raise ValidationError("There is no folder to keep a custom template in.")
        if text is None or not text.strip() or text == DEFAULT_TEMPLATE:
            self._template_path.unlink(missing_ok=True)
            return OpResult(None, Changes(meetings=True))
        error = check_template(text)
        if error is not None:
            raise ValidationError(error)
        self._template_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._template_path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self._template_path)
        return OpResult(text, Changes(meetings=True))

    # -- assembling -----------------------------------------------------------------------
    def assemble(self, contact_id: uuid.UUID, meeting_id: uuid.UUID | None = None,
                 rep_name: str = "", template_text: str | None = None) -> HandoffDraft:
        """The summary for the contact (and the meeting: the latest one when None)."""
        with self._uow() as uow:
            context, meeting = self._context(uow, contact_id, meeting_id, rep_name)
        markdown, error = render(self.template_text() if template_text is None else template_text,
                                 context.as_dict())
        markdown = drop_empty_headings(markdown)
        if error:
            log.warning("the custom handoff template failed; the default was used")
        subject = f"Handoff: {context.contact['name']}" + (
            f" ({context.account['name']})" if context.account.get("name") else "")
        return HandoffDraft(contact_id, meeting.id if meeting else None, markdown_to_text(markdown),
                            markdown, markdown_to_html(markdown), tuple(context.missing),
                            tuple(context.sections), error, subject)

    def _context(self, uow: SqlUnitOfWork, contact_id: uuid.UUID, meeting_id: uuid.UUID | None,
                 rep_name: str) -> tuple[_Context, MeetingView | None]:
        contact = uow.contacts.get(contact_id)
        if contact is None:
            raise RecordNotFound("That contact no longer exists.")
        account = uow.accounts.get(contact.account_id) if contact.account_id else None
        if meeting_id is not None:
            row = uow.meetings.get(meeting_id)
            if row is None or row.contact_id != contact_id:
                raise RecordNotFound("That meeting no longer exists.")
        else:
            row = uow.session.scalars(uow.meetings.active().where(m.Meeting.contact_id == contact_id)
                                      .order_by(m.Meeting.created_at.desc()).limit(1)).first()
        meeting = meeting_view(uow, row) if row is not None else None
        today = self._clock.now().date()
        phone = next((p.e164 or p.raw for p in contact.phones if p.deleted_at is None), "")
        people = {p.id: p for p in people_of(uow, contact.account_id, contact)}
        person_names = {pid: f"{p.name}, {p.title}" if p.title else p.name for pid, p in people.items()}

        # Qualification answers, by the handoff section each field feeds.
        by_section: dict[str, list[str]] = {key: [] for key in HANDOFF_SECTIONS}
        qual_ctx: dict[str, Any] | None = None
        unasked: list[tuple[str, str | None]] = []  # (label, the section it would feed)
        qrow = live_row(uow, contact_id, None)
        fw = self._qualification.catalog().get(qrow.framework) if qrow is not None else None
        if qrow is not None and fw is not None:
            answers = {k: v for k, v in (qrow.answers or {}).items() if k != DISQUALIFY_KEY}
            for fdef in fw.fields:
                value = answers.get(fdef.key)
                if not is_answered(value):
                    if fdef.required or fdef.weight > 0:
                        unasked.append((fdef.label, fdef.handoff))
                    continue
                shown = display_answer(fdef, value, person_names)
                if fdef.handoff is None:
                    continue
                target = by_section[fdef.handoff]
                if fdef.handoff == "involved" or fdef.label.lower() == HANDOFF_SECTIONS[fdef.handoff].lower():
                    target.extend(_lines(shown) if fdef.kind.value == "text" else [shown])
                else:
                    target.append(f"{fdef.label}: {shown}")
            qual_ctx = {"framework": fw.name, "score": f"{qrow.score or 0:.0f}",
                        "status": qrow.status.replace("_", " ").capitalize(),
                        "reason": qrow.disqualify_reason or ""}

        # Research fills gaps the answers leave.
        live = (t for t in (account.triggers if account else ()) if t.deleted_at is None)
        triggers = sorted((t for t in live if not is_stale(t.occurred_on, today, TRIGGER_MAX_AGE_DAYS)),
                          key=lambda t: t.occurred_on or today, reverse=True)  # newest first
        if triggers and by_section["why_replied"]:
            by_section["why_replied"].append("Trigger: " + "; ".join(t.description for t in triggers[:2]))
        if not by_section["pain"] and account is not None and account.likely_pain:
            by_section["pain"].extend(f"{line} (from research)" for line in _lines(account.likely_pain))

        # Who else is involved: other attendees, person answers, and the account's people.
        involved = by_section["involved"]
        if meeting is not None:
            for person in meeting.attendees[1:]:
                entry = f"{person.name}, {person.title}" if person.title else person.name
                if entry not in involved:
                    involved.append(entry + " (invited)")
        if meeting is not None and not by_section["next_step"]:
            when = format_when(meeting.scheduled_at, meeting.prospect_timezone, meeting.duration_minutes) \
                if meeting.scheduled_at else "a time to be agreed"
            by_section["next_step"].append(f"Meeting with {meeting.ae_name or 'the AE'}: {when}")
        # What the call did not cover (and nothing else in the record answers) is for the AE to ask.
        gaps = [label for label, section in unasked if section is None or not by_section[section]]
        if not by_section["ae_questions"] and gaps:
            by_section["ae_questions"].extend(f"{label}: not covered on the call yet" for label in gaps)

        # The last call notes.
        notes_rows = uow.session.scalars(
            select(m.Activity).where(m.Activity.contact_id == contact_id, m.Activity.deleted_at.is_(None),
                                     m.Activity.kind == "call", m.Activity.notes.is_not(None),
                                     m.Activity.notes != "")
            .order_by(m.Activity.occurred_at.desc()).limit(CALL_NOTES_KEPT)).all()
        call_notes = [{"when": f"{a.occurred_at:%d %b %Y}", "text": " / ".join(_lines(a.notes))}
                      for a in notes_rows]

        sections = [HandoffSection(key, title, tuple(by_section[key]))
                    for key, title in HANDOFF_SECTIONS.items() if by_section[key]]
        missing = [HANDOFF_SECTIONS[key] for key in CORE_SECTIONS if not by_section[key]]
        if meeting is None:
            missing.insert(0, "Meeting (none booked)")
        elif not meeting.ae_name:
            missing.insert(0, "AE for the meeting")
        if qrow is None:
            missing.append("Qualification (no answers yet)")
        if not call_notes:
            missing.append("Call notes")

        facts = []
        if account is not None:
            facts = [p for p in (account.industry,
                                 f"{account.employee_count:,} employees" if account.employee_count else "",
                                 ", ".join(p for p in (account.city, account.country) if p),
                                 f"ICP tier {account.icp_tier}" if account.icp_tier else "",
                                 account.domain) if p]
        meeting_ctx: dict[str, Any] | None = None
        if meeting is not None and meeting.scheduled_at is not None:
            ae_zone = meeting.ae_timezone
            meeting_ctx = {
                "prospect_time": format_when(meeting.scheduled_at, meeting.prospect_timezone,
                                             meeting.duration_minutes),
                "ae_time": format_when(meeting.scheduled_at, ae_zone, meeting.duration_minutes)
                if ae_zone and ae_zone != meeting.prospect_timezone else "",
                "ae_name": meeting.ae_name, "ae_email": meeting.ae_email, "status": meeting.status_label,
                "duration": meeting.duration_minutes,
            }
        context = _Context(
            contact={"name": _name(contact.first_name, contact.last_name), "title": contact.title or "",
                     "email": contact.email or "", "phone": phone or "", "persona": contact.persona or ""},
            account={"name": account.name if account else "", "facts": " · ".join(facts),
                     "research_notes": account.research_notes if account and account.research_notes else ""},
            meeting=meeting_ctx, qualification=qual_ctx, sections=sections, call_notes=call_notes,
            rep_name=rep_name.strip(), missing=missing)
        return context, meeting

    # -- the record -----------------------------------------------------------------------
    def save(self, draft: HandoffDraft) -> OpResult[SavedHandoff]:
        """Keep the summary as the meeting's handoff record (one live record per meeting)."""
        now = self._clock.now()
        with self._uow() as uow:
            if uow.contacts.get(draft.contact_id) is None:
                raise RecordNotFound("That contact no longer exists.")
            row = None
            if draft.meeting_id is not None:
                row = uow.session.scalars(select(m.Handoff).where(
                    m.Handoff.meeting_id == draft.meeting_id, m.Handoff.deleted_at.is_(None))
                    .order_by(m.Handoff.updated_at.desc()).limit(1)).first()
                meeting = uow.meetings.get(draft.meeting_id)
                if meeting is not None:
                    meeting.summary_text, meeting.summary_markdown = draft.text, draft.markdown
                    meeting.summary_html, meeting.updated_at = draft.html, now
            if row is None:
                row = m.Handoff(meeting_id=draft.meeting_id, contact_id=draft.contact_id, text="",
                                markdown="", html="")
                uow.session.add(row)
            row.text, row.markdown, row.html = draft.text, draft.markdown, draft.html
            row.missing = list(draft.missing)
            row.updated_at = now
            uow.commit()
            saved = SavedHandoff(row.id, row.meeting_id, row.contact_id, row.text, row.markdown, row.html,
                                 tuple(row.missing or ()), row.updated_at)
        return OpResult(saved, Changes(meetings=True))

    def latest(self, meeting_id: uuid.UUID) -> SavedHandoff | None:
        with self._uow() as uow:
            row = uow.session.scalars(select(m.Handoff).where(
                m.Handoff.meeting_id == meeting_id, m.Handoff.deleted_at.is_(None))
                .order_by(m.Handoff.updated_at.desc()).limit(1)).first()
            if row is None:
                return None
            return SavedHandoff(row.id, row.meeting_id, row.contact_id, row.text, row.markdown, row.html,
                                tuple(row.missing or ()), row.updated_at)


def mailto_url(draft: HandoffDraft, to: str, max_body: int = 1800) -> str:
    """A `mailto:` link with the handoff as a plain-text body (long bodies are shortened:
    some mail programs refuse links over ~2000 characters; the full text is on the clipboard)."""
    from urllib.parse import quote

    body = draft.text
    if len(body) > max_body:
        body = body[:max_body].rsplit("\n", 1)[0] + "\n\n(The full summary is on the clipboard.)"
    return f"mailto:{quote(to, safe='@,')}?subject={quote(draft.subject)}&body={quote(body)}"
