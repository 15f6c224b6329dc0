"""Coaching: a rep's file opened read-only, the manager's notes and scorecards, and the
rep's inbox of what came back (no Qt).

`materialize_rep_file` checks a rep file and loads it into a new book in a temporary folder;
the workspace then opens that copy read-only (`mode=ro` plus `query_only`), so the rep's
file is only ever read and the copy cannot be written either. Notes and scorecards go to
the MANAGER's own book, naming the rep's device; "Export coaching notes" writes them as a
small rep file of kind "coaching", which the rep merges like any other rep file.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.domain.errors import ValidationError
from sdrdesk.resources_path import resources_dir
from sdrdesk.services.repfile import container as c
from sdrdesk.services.repfile.export import ExportResult, export_rep_file, stamp
from sdrdesk.services.repfile.identity import connect_ro, connect_rw, ensure_identity, read_identity
from sdrdesk.services.repfile.merge import merge_rep_file
from sdrdesk.services.repfile.reader import RepFileReader
from sdrdesk.storage.book_file import prepare_book_file

NOTES_CHANGED = Changes(activities=True)
SUBJECT_TYPES = ("account", "contact", "activity", "qualification", "meeting")
QUESTION_TYPES = ("scale", "yes_no", "choice", "text")


@dataclass(frozen=True)
class CoachingInfo:
    """Whose file is open for coaching, and where its read-only copy lives."""

    rep_name: str
    rep_device_id: str
    exported_at: str  # UTC, as in the manifest
    source: Path
    copy: Path


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str  # scale (1-5), yes_no, choice, text
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rubric:
    id: str
    name: str
    applies_to: tuple[str, ...]
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class CoachingItem:
    """A note or a scorecard, as the manager wrote it or as the rep received it."""

    id: str
    kind: str  # "note" or "scorecard"
    rep_name: str | None
    subject_type: str | None  # None: about the rep as a whole
    subject_id: str | None
    subject_label: str | None
    author: str
    text: str  # the note, or the scorecard rendered as lines
    created_at: str


@dataclass(frozen=True)
class Subject:
    type: str
    id: str
    label: str


def load_rubrics(folder: Path | None = None) -> tuple[Rubric, ...]:
    """The scorecard rubrics shipped as data files (resources/data/rubrics/*.json)."""
    found = []
    for path in sorted((folder or resources_dir() / "data" / "rubrics").glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        questions = tuple(
            Question(q["id"], q["text"], q["type"], tuple(q.get("choices", ()))) for q in raw["questions"]
        )
        bad = [
            q.id for q in questions if q.type not in QUESTION_TYPES or (q.type == "choice" and not q.choices)
        ]
        if bad:
            raise ValueError(f"rubric {path.name}: questions of unknown type {bad}")
        found.append(Rubric(raw["id"], raw["name"], tuple(raw["applies_to"]), questions))
    return tuple(found)


def check_answers(rubric: Rubric, answers: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for q in rubric.questions:
        value = answers.get(q.id)
        if value is None or value == "":
            continue
        ok = (
            (q.type == "scale" and isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5)
            or (q.type == "yes_no" and isinstance(value, bool))
            or (q.type == "choice" and value in q.choices)
            or (q.type == "text" and isinstance(value, str))
        )
        if not ok:
            raise ValidationError(f"{q.text}: {value!r} is not a valid answer.")
        clean[q.id] = value
    unknown = set(answers) - {q.id for q in rubric.questions}
    if unknown:
        raise ValidationError(f"The rubric {rubric.name} has no question {sorted(unknown)[0]!r}.")
    return clean


def materialize_rep_file(rep_file: Path, clock: Clock, passphrase: str | None = None) -> CoachingInfo:
    """Check `rep_file` and load it into a new book in a temporary folder (read-only use)."""
    folder = Path(tempfile.mkdtemp(prefix="sdrdesk-coaching-"))
    copy = folder / "rep.db"
    try:
        with RepFileReader(rep_file, passphrase) as reader:
            if reader.manifest["kind"] != c.KIND_BOOK:
                raise c.RepFileRejected(f"{Path(rep_file).name} holds coaching notes, not a rep's book.")
            prepare_book_file(copy)
            merge_rep_file(copy, reader, clock=clock, backup_dir=folder / "backups")
            info = CoachingInfo(
                rep_name=str(reader.manifest.get("rep_name") or "a rep"),
                rep_device_id=reader.device_id,
                exported_at=str(reader.manifest["exported_at"]),
                source=Path(rep_file),
                copy=copy,
            )
        shutil.rmtree(folder / "backups", ignore_errors=True)
        for suffix in ("-wal", "-shm"):
            Path(str(copy) + suffix).unlink(missing_ok=True)
        copy.chmod(0o444)  # belt and braces: the engine opens it mode=ro as well
        return info
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def discard_copy(info: CoachingInfo) -> None:
    folder = info.copy.parent
    if folder.name.startswith("sdrdesk-coaching-"):
        shutil.rmtree(folder, ignore_errors=True)


class CoachingService:
    """Notes and scorecards. `notes_book` is where they are written (the manager's own book in
    coaching mode, this book otherwise); `records_book` is the book the records come from."""

    def __init__(
        self,
        notes_book: Path,
        records_book: Path,
        clock: Clock,
        rep: CoachingInfo | None = None,
        author: str | None = None,
    ) -> None:
        self._notes, self._records, self._clock, self.rep = Path(notes_book), Path(records_book), clock, rep
        self._author = author
        self._rubrics: tuple[Rubric, ...] | None = None

    @property
    def coaching(self) -> bool:
        return self.rep is not None

    def rubrics(self, subject_type: str | None = None) -> tuple[Rubric, ...]:
        if self._rubrics is None:
            self._rubrics = load_rubrics()
        return tuple(r for r in self._rubrics if subject_type is None or subject_type in r.applies_to)

    def _rubric(self, rubric_id: str) -> Rubric:
        for rubric in self.rubrics():
            if rubric.id == rubric_id:
                return rubric
        raise ValidationError(f"There is no rubric {rubric_id!r}.")

    def _author_name(self) -> str:
        if self._author:
            return self._author
        return ensure_identity(self._notes)[1]

    def _require_rep(self) -> CoachingInfo:
        if self.rep is None:
            raise ValidationError("Open a rep's file for coaching first (File > Rep file).")
        return self.rep

    def add_note(self, body: str, subject: Subject | None = None) -> OpResult[str]:
        rep = self._require_rep()
        if not body.strip():
            raise ValidationError("The note is empty.")
        note_id, now = uuid.uuid4().hex, stamp(self._clock.now())
        self._insert(
            "coaching_notes",
            {
                "id": note_id,
                "subject_type": subject.type if subject else None,
                "subject_id": subject.id if subject else None,
                "subject_label": subject.label if subject else None,
                "author": self._author_name(),
                "body": body.strip(),
                "rep_device_id": rep.rep_device_id,
                "rep_name": rep.rep_name,
                "created_at": now,
                "updated_at": now,
            },
        )
        return OpResult(note_id, NOTES_CHANGED)

    def add_scorecard(self, rubric_id: str, subject: Subject, answers: dict[str, Any]) -> OpResult[str]:
        rep = self._require_rep()
        rubric = self._rubric(rubric_id)
        if subject.type not in rubric.applies_to:
            raise ValidationError(f"The rubric {rubric.name} is for {', '.join(rubric.applies_to)}.")
        clean = check_answers(rubric, answers)
        card_id, now = uuid.uuid4().hex, stamp(self._clock.now())
        self._insert(
            "scorecards",
            {
                "id": card_id,
                "rep_device_id": rep.rep_device_id,
                "rep_name": rep.rep_name,
                "subject_type": subject.type,
                "subject_id": subject.id,
                "subject_label": subject.label,
                "rubric_id": rubric.id,
                "answers": json.dumps(clean),
                "author": self._author_name(),
                "created_at": now,
                "updated_at": now,
            },
        )
        return OpResult(card_id, NOTES_CHANGED)

    def _insert(self, table: str, values: dict[str, Any]) -> None:
        conn = connect_rw(self._notes)
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    f"INSERT INTO {table} ({', '.join(values)}) VALUES ({','.join('?' * len(values))})",
                    list(values.values()),
                )
        finally:
            conn.close()

    def items(self, subject_id: str | None = None) -> list[CoachingItem]:
        """Notes and scorecards: on this rep (coaching mode) or received by this book (inbox),
        newest first; only those about `subject_id` when given."""
        where, params = ["deleted_at IS NULL"], []
        if self.rep is not None:
            where.append("rep_device_id = ?")
            params.append(self.rep.rep_device_id)
        if subject_id is not None:
            where.append("subject_id = ?")
            params.append(subject_id)
        clause = " AND ".join(where)
        conn = connect_ro(self._notes)
        try:
            notes = conn.execute(
                "SELECT id, rep_name, subject_type, subject_id, subject_label, author, body, created_at"
                f" FROM coaching_notes WHERE {clause}",
                params,
            ).fetchall()
            cards = conn.execute(
                "SELECT id, rep_name, subject_type, subject_id, subject_label, author, rubric_id, answers,"
                f" created_at FROM scorecards WHERE {clause}",
                params,
            ).fetchall()
        finally:
            conn.close()
        found = [CoachingItem(r[0], "note", r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in notes]
        for r in cards:
            found.append(
                CoachingItem(
                    r[0],
                    "scorecard",
                    r[1],
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    self._render(r[6], json.loads(r[7])),
                    r[8],
                )
            )
        found.sort(key=lambda item: item.created_at, reverse=True)
        return found

    def _render(self, rubric_id: str, answers: dict[str, Any]) -> str:
        try:
            rubric = self._rubric(rubric_id)
        except ValidationError:
            return "\n".join(f"{k}: {v}" for k, v in answers.items())
        lines = [f"Scorecard: {rubric.name}"]
        for q in rubric.questions:
            if q.id in answers:
                value = answers[q.id]
                shown = (
                    f"{value}/5"
                    if q.type == "scale"
                    else ("yes" if value is True else "no")
                    if q.type == "yes_no"
                    else str(value)
                )
                lines.append(f"  {q.text}: {shown}")
        return "\n".join(lines)

    def subjects(self, account_id: str | None, contact_id: str | None) -> list[Subject]:
        """What a note or scorecard can be about, for the focused account and contact."""
        conn = connect_ro(self._records)
        try:
            found: list[Subject] = []
            if account_id:
                row = conn.execute("SELECT name FROM accounts WHERE id = ?", (account_id,)).fetchone()
                if row:
                    found.append(Subject("account", account_id, f"Account {row[0]}"))
            if contact_id:
                row = conn.execute(
                    "SELECT coalesce(first_name, '') || ' ' || coalesce(last_name, '')"
                    " FROM contacts WHERE id = ?",
                    (contact_id,),
                ).fetchone()
                if row:
                    who = row[0].strip() or "contact"
                    found.append(Subject("contact", contact_id, f"Contact {who}"))
                    for rid, when, disp in conn.execute(
                        "SELECT id, occurred_at, coalesce(disposition, '') FROM activities"
                        " WHERE contact_id = ? AND kind = 'call' AND deleted_at IS NULL"
                        " ORDER BY occurred_at DESC LIMIT 20",
                        (contact_id,),
                    ):
                        found.append(
                            Subject("activity", rid, f"Call {str(when)[:16]} {disp} ({who})".strip())
                        )
                    for rid, framework, status in conn.execute(
                        "SELECT id, framework, status FROM qualifications WHERE contact_id = ?"
                        " AND deleted_at IS NULL",
                        (contact_id,),
                    ):
                        found.append(
                            Subject("qualification", rid, f"Qualification {framework} {status} ({who})")
                        )
                    for rid, when, status in conn.execute(
                        "SELECT id, scheduled_at, status FROM meetings WHERE contact_id = ?"
                        " AND deleted_at IS NULL",
                        (contact_id,),
                    ):
                        found.append(
                            Subject("meeting", rid, f"Handoff {str(when or '')[:16]} {status} ({who})")
                        )
            return found
        finally:
            conn.close()

    def export_notes(self, out: Path) -> ExportResult:
        """The notes and scorecards on the rep being coached, as a small coaching file."""
        rep = self._require_rep()
        where = ("t.rep_device_id = ?", (rep.rep_device_id,))
        return export_rep_file(
            self._notes,
            out,
            clock=self._clock,
            kind=c.KIND_COACHING,
            only={"coaching_notes": where, "scorecards": where},
            extra={"coaching_for": rep.rep_device_id, "coaching_for_name": rep.rep_name},
        )

    def own_device(self) -> str | None:
        conn = connect_ro(self._notes)
        try:
            found = read_identity(conn)
        except sqlite3.Error:
            return None
        finally:
            conn.close()
        return found[0] if found else None
