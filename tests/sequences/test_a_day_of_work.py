"""Done means: from an empty book, import a CSV, enrol, work a day of calls, e-mails and
LinkedIn steps, and see the next tasks appear on the right days (holidays per province/state)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sdrdesk.domain.clock import FakeClock
from sdrdesk.services.calls import CallLog, calling_windows
from sdrdesk.services.csv_import import ImportOptions, import_csv
from sdrdesk.services.workspace import open_workspace

CSV = """First Name,Last Name,Company,Email,Phone,Country,State
Ana,Lima,Maple Freight,ana@maple.example,+1 416 555 0101,CA,ON
Cy,Diaz,Nova Labs,cy@nova.example,+1 617 555 0103,US,MA
"""


def test_a_day_of_work_from_an_empty_book(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 2, 13, 14, 30, tzinfo=UTC))  # Friday 09:30 in Toronto and Boston
    src = tmp_path / "list.csv"
    src.write_text(CSV, encoding="utf-8")
    ws = open_workspace(tmp_path / "book.db", clock)
    ws.sequences.rep_zone = ws.calls.rep_zone = ZoneInfo("America/Toronto")
    windows = calling_windows("08:00", "21:00")
    try:
        ws.sequences.ensure_defaults()
        report = import_csv(src, ws.uow_factory, ImportOptions(report_dir=tmp_path / "imports"))
        contacts = ws.sequences.contacts_of_import(uuid.UUID(str(report.import_run_id)))
        outbound = ws.sequences.find("Outbound")
        assert outbound is not None
        assert ws.sequences.enrol(contacts, outbound.id).value.enrolled == 2
        view = ws.tasks.queue(windows, first_page=10)
        assert len(view.ids) == 2 and view.callable_ids == frozenset(view.ids)  # both callable at 09:30
        names = {}
        for task_id in view.ids:  # the day's calls: no answer, so the next step comes
            row = view.first_page[task_id]
            names[row.task.contact_name] = row.task.contact_id
            ws.calls.log_call(CallLog(row.task.contact_id, "no_answer", task_id=task_id))
        later = ws.tasks.queue(windows)  # the next steps are there, none of them due today
        assert len(later.ids) == 2 and not later.callable_ids

        def next_task(name: str):  # type: ignore[no-untyped-def]
            ids = ws.tasks.queue(windows).ids
            rows = ws.tasks.rows(ids, windows)
            return next(r.task for r in rows.values() if r.task.contact_id == names[name])

        # The e-mail step: the next business day, Tuesday: Monday 16 is Family Day in Ontario
        # and Presidents' Day in the United States.
        ana_email, cy_email = next_task("Ana Lima"), next_task("Cy Diaz")
        assert ana_email.channel == cy_email.channel == "email"
        assert ana_email.due_at.astimezone(ZoneInfo("America/Toronto")).date().isoformat() == "2026-02-17"
        assert cy_email.due_at.astimezone(ZoneInfo("America/New_York")).date().isoformat() == "2026-02-17"
        clock.set(datetime(2026, 2, 17, 15, 0, tzinfo=UTC))  # Tuesday
        detail = ws.sequences.task(cy_email.id)
        assert detail is not None and "{first_name}" in detail.template and detail.email == "cy@nova.example"
        ws.sequences.complete_task(cy_email.id, note="sent")
        linkedin = next_task("Cy Diaz")
        assert linkedin.channel == "linkedin"
        # Two business days after Tuesday: Thursday.
        assert linkedin.due_at.astimezone(ZoneInfo("America/New_York")).date().isoformat() == "2026-02-19"
        clock.advance(timedelta(days=2))
        ws.sequences.log_reply(names["Cy Diaz"], "positive", "Let's talk next week")
        assert [r.task.contact_name for r in ws.tasks.rows(ws.tasks.queue(windows).ids, windows).values()] \
            == ["Ana Lima"]
    finally:
        ws.close()
