"""HubSpot push from the outbox against a local fake: success, 401, 429, 500 mid-batch, timeout, offline."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from datetime import timedelta

import pytest

from sdrdesk.services.calls import CallLog
from sdrdesk.services.crm_export.hubspot import ASSOCIATION_TYPES, HubSpotClient, RetryPolicy
from sdrdesk.services.crm_export.push import OutboxSummary
from tests.crm.fake_hubspot import TOKEN, FakeHubSpot, running
from tests.crm.helpers import WorkedDay

DAY_ITEMS = 6 + 1 + 1 + 1 + 1  # calls, e-mail, LinkedIn, meeting, do-not-call flag


@pytest.fixture
def hub() -> Iterator[FakeHubSpot]:
    with running() as fake:
        yield fake


def client(url: str, waits: list[float], token: str = TOKEN, timeout: float = 2.0) -> HubSpotClient:
    return HubSpotClient(token, base_url=url, timeout=timeout,
                         retry=RetryPolicy(attempts=4, backoff_seconds=1.0), sleep=waits.append)


def book_counts(day: WorkedDay) -> tuple[int, ...]:
    conn = sqlite3.connect(day.ws.path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t} WHERE deleted_at IS NULL").fetchone()[0]
                     for t in ("activities", "contacts", "accounts", "meetings", "do_not_contact"))
    finally:
        conn.close()


def test_push_sends_the_day_with_associations_and_only_once(worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    crm = worked_day.ws.crm
    assert crm.queue_outbox() == OutboxSummary(queued=DAY_ITEMS, failed=0, sent=0)  # offline, no network
    assert hub.requests == []
    before = book_counts(worked_day)
    waits: list[float] = []
    result = crm.push_hubspot(client=client(hub.url, waits))
    assert (result.sent, result.failed, result.remaining, result.stopped) == (DAY_ITEMS, 0, 0, "")
    calls = hub.of("calls")
    assert len(calls) == 6
    contact_ids = {c["id"] for c in hub.of("contacts")}
    for call in calls:
        kinds = {type_id for _t, _id, type_id in call["associations"]}
        assert kinds == {ASSOCIATION_TYPES[("calls", "contacts")], ASSOCIATION_TYPES[("calls", "companies")]}
        assert next(i for t, i, _ in call["associations"] if t == "contacts") in contact_ids
        assert call["properties"]["hs_call_direction"] == "OUTBOUND"
        assert call["properties"]["hs_timestamp"].endswith("Z")
    assert len(hub.of("contacts")) == 6  # one per person, found again by e-mail afterwards
    assert {e["properties"]["hs_email_subject"] for e in hub.of("emails")} == {"email subject"}
    assert hub.of("communications")[0]["properties"]["hs_communication_channel_type"] == "LINKEDIN_MESSAGE"
    assert "Ramp time is their pain" in hub.of("meetings")[0]["properties"]["hs_meeting_body"]
    assert "Do not contact by call: Asked on the phone" in hub.of("notes")[0]["properties"]["hs_note_body"]
    assert book_counts(worked_day) == before and waits == []

    # Nothing new: nothing sent. A new call: only it. A changed meeting: sent as an update.
    requests = len(hub.requests)
    assert crm.push_hubspot(client=client(hub.url, waits)).sent == 0 and len(hub.requests) == requests
    worked_day.clock.advance(timedelta(minutes=9))
    worked_day.ws.calls.log_call(CallLog(contact_id=worked_day.contacts[2], disposition="connected"))
    with worked_day.ws.uow_factory() as uow:
        uow.meetings.get(worked_day.meeting_id).status = "held"
        uow.commit()
    assert crm.push_hubspot(client=client(hub.url, waits)).sent == 2
    assert len(hub.of("calls")) == 7 and len(hub.of("contacts")) == 6 and len(hub.of("meetings")) == 1
    assert hub.of("meetings")[0]["properties"]["hs_meeting_outcome"] == "COMPLETED"
    assert ("PATCH", f"/crm/v3/objects/meetings/{hub.of('meetings')[0]['id']}") in hub.requests


def test_refused_token_stops_with_a_clear_message_and_keeps_everything(
        worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    before = book_counts(worked_day)
    result = worked_day.ws.crm.push_hubspot(client=client(hub.url, [], token="wrong"))
    assert result.sent == 0 and result.remaining == DAY_ITEMS
    assert "refused the private-app token (HTTP 401)" in result.stopped
    assert worked_day.ws.crm.outbox_summary().queued == DAY_ITEMS
    assert book_counts(worked_day) == before and hub.objects == {}


def test_rate_limit_waits_retry_after_and_resumes(worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    hub.fail(429, times=2, retry_after="3")
    waits: list[float] = []
    result = worked_day.ws.crm.push_hubspot(client=client(hub.url, waits))
    assert waits == [3.0, 3.0] and result.waited_seconds == 6.0
    assert (result.sent, result.remaining, result.stopped) == (DAY_ITEMS, 0, "")


def test_server_error_mid_batch_stops_then_resumes_where_it_stopped(
        worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    crm = worked_day.ws.crm
    hub.fail_from(12, 500)  # HubSpot goes down after twelve requests
    waits: list[float] = []
    first = crm.push_hubspot(client=client(hub.url, waits))
    assert 0 < first.sent < DAY_ITEMS and first.remaining == DAY_ITEMS - first.sent
    assert "server error (HTTP 500)" in first.stopped and waits == [1.0, 2.0, 4.0]
    hub.heal()
    second = crm.push_hubspot(client=client(hub.url, waits))
    assert (second.sent, second.remaining) == (DAY_ITEMS - first.sent, 0)
    assert len(hub.of("calls")) == 6 and len(hub.of("contacts")) == 6  # nothing sent twice


def test_timeout_and_offline_keep_the_outbox_queued(worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    crm = worked_day.ws.crm
    hub.hang(1.5)
    slow = crm.push_hubspot(client=client(hub.url, [], timeout=0.3))
    assert "did not answer in time" in slow.stopped and slow.remaining == DAY_ITEMS
    with socket.socket() as probe:  # a port nobody listens on: "offline"
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    offline = crm.push_hubspot(client=client(dead, []))
    assert "could not be reached" in offline.stopped and offline.remaining == DAY_ITEMS
    assert crm.push_hubspot(client=client(hub.url, [])).remaining == 0


def test_a_refused_record_is_readable_and_retryable(worked_day: WorkedDay, hub: FakeHubSpot) -> None:
    crm = worked_day.ws.crm
    hub.fail(400, times=1)
    result = crm.push_hubspot(client=client(hub.url, []))
    assert (result.sent, result.failed, result.remaining) == (DAY_ITEMS - 1, 1, 0)
    failed = crm.outbox_items(("failed",))
    assert len(failed) == 1 and failed[0].last_error == "HubSpot refused it (HTTP 400): scripted 400"
    assert failed[0].description  # "Call · Ann Lee · Connected · 2026-12-07T14:07:00Z"
    assert crm.retry_failed() == 1
    assert crm.push_hubspot(client=client(hub.url, [])).sent == 1
    assert crm.outbox_summary() == OutboxSummary(queued=0, failed=0, sent=DAY_ITEMS)


def test_token_lives_only_in_the_keychain(worked_day: WorkedDay, memory_keyring, hub: FakeHubSpot) -> None:  # type: ignore[no-untyped-def]
    crm = worked_day.ws.crm
    assert not crm.hubspot_token_set()
    with pytest.raises(Exception, match="token first"):
        crm.push_hubspot()
    crm.set_hubspot_token(f"  {TOKEN}  ")
    assert list(memory_keyring.secrets.values()) == [TOKEN]
    assert TOKEN.encode() not in worked_day.ws.path.read_bytes()
    crm.hubspot_base_url = hub.url
    assert crm.push_hubspot().sent == DAY_ITEMS
    crm.forget_hubspot_token()
    assert not crm.hubspot_token_set()


def test_a_create_answered_too_late_is_found_not_logged_twice(worked_day: WorkedDay,
                                                              hub: FakeHubSpot) -> None:
    crm = worked_day.ws.crm
    hub.hang_after_create(1.0, "contacts")  # created, but the answer comes too late
    first = crm.push_hubspot(client=client(hub.url, [], timeout=0.3))
    assert "did not answer in time" in first.stopped and first.sent == 0
    hub.hang_after_create(1.0, "calls")
    second = crm.push_hubspot(client=client(hub.url, [], timeout=0.3))
    assert "did not answer in time" in second.stopped and second.remaining > 0
    assert len(hub.of("calls")) == 1  # HubSpot has it; sdrdesk does not know yet
    hub.heal()
    assert crm.push_hubspot(client=client(hub.url, [])).remaining == 0
    assert len(hub.of("calls")) == 6 and len(hub.of("emails")) == 1 and len(hub.of("meetings")) == 1
    assert ("POST", "/crm/v3/objects/calls/search") in hub.requests  # looked for it first
    assert len({c["properties"]["email"] for c in hub.of("contacts")}) == len(hub.of("contacts")) == 6


def test_https_is_checked_against_the_os_certificate_store() -> None:
    import truststore

    secure = HubSpotClient("t")  # the real endpoint: https://api.hubapi.com
    assert isinstance(secure._tls, truststore.SSLContext)
    assert HubSpotClient("t", base_url="http://127.0.0.1:9")._tls is None


def test_push_writes_every_outbox_row_through_the_serial_writer(
        worked_day: WorkedDay, hub: FakeHubSpot, qapp) -> None:  # type: ignore[no-untyped-def]
    """The network runs on a reader; each outbox/link update is a job on the window's serial writer."""
    import threading

    from sqlalchemy import event

    from sdrdesk.domain import write_intent
    from sdrdesk.ui.workers import BackgroundRunner

    commits: list[tuple[str, bool]] = []

    def on_commit(_conn) -> None:  # type: ignore[no-untyped-def]
        commits.append((threading.current_thread().name, write_intent.is_writer_thread()))

    engine = worked_day.ws.book.engine
    event.listen(engine, "commit", on_commit)
    runner = BackgroundRunner()
    outcome: list[object] = []
    try:
        reader = threading.Thread(name="test-reader", target=lambda: outcome.append(
            worked_day.ws.crm.push_hubspot(client=client(hub.url, []), write=runner.write_and_wait)))
        reader.start()
        reader.join(30)
        assert not reader.is_alive()
    finally:
        event.remove(engine, "commit", on_commit)
        runner.shutdown()
    result = outcome[0]
    assert getattr(result, "sent", None) == DAY_ITEMS
    # One commit to queue, then one per outbox row; none from the reader that waited on HubSpot.
    assert len(commits) == 1 + DAY_ITEMS
    assert all(name.startswith("sdrdesk-db") and writer for name, writer in commits), commits
    links = sqlite3.connect(worked_day.ws.path).execute("SELECT count(*) FROM crm_links").fetchone()[0]
    assert links >= 6 + 6  # every person and company learnt on the reader was written by the writer
