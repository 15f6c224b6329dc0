"""Done means: after a worked day the rep exports for HubSpot and Salesforce, then pushes."""

from __future__ import annotations

import csv
from pathlib import Path

from sdrdesk.services.crm_export.records import load_activities
from tests.crm.fake_hubspot import TOKEN, running
from tests.crm.helpers import WorkedDay


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows and all(len(r) == len(rows[0]) for r in rows), f"{path.name}: ragged rows"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    return rows


def test_a_worked_day_reaches_both_files_and_hubspot(worked_day: WorkedDay, tmp_path: Path) -> None:
    ws = worked_day.ws
    written: dict[str, list[Path]] = {}
    for target in ("hubspot", "salesforce"):
        for kind in ("activities", "meetings", "contacts", "accounts"):
            result = ws.crm.export(target, kind, tmp_path / target / f"{kind}.csv", "last")
            written.setdefault(target, []).extend(f.path for f in result.files)
    ids = {target: {row[0] for path in paths for row in _rows(path)[1:]} for target, paths in written.items()}
    touches = {str(i) for i in (*worked_day.calls, *worked_day.touches, worked_day.meeting_id)}
    assert touches <= ids["hubspot"] and touches <= ids["salesforce"]
    assert len(written["hubspot"]) == 4 + 3 and len(written["salesforce"]) == 4

    with ws.uow_factory() as uow:
        emails = {a.id: a.person.email for a in load_activities(uow.session, None, worked_day.calls)}
    with running() as hub:
        ws.crm.set_hubspot_token(TOKEN)
        ws.crm.hubspot_base_url = hub.url
        result = ws.crm.push_hubspot()
        assert result.remaining == 0 and result.failed == 0 and ws.crm.outbox_summary().pending == 0
        contacts = {c["id"]: c["properties"]["email"] for c in hub.of("contacts")}
        received = {}
        for call in hub.of("calls"):
            to_contact = [i for t, i, _type in call["associations"] if t == "contacts"]
            assert len(to_contact) == 1
            received[call["properties"]["hs_timestamp"]] = contacts[to_contact[0]]
        assert sorted(received.values()) == sorted(emails.values())
        assert len(hub.of("calls")) == len(worked_day.calls)
