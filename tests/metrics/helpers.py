"""A hand-built small book whose metrics are known, for the metrics and review tests.

The rep works from New York. Daylight saving time starts on Sunday 8 March 2026 (02:00 local),
so that Sunday has 23 hours and Monday 9 March starts at 04:00 UTC, not 05:00.
"Now" is Wednesday 11 March 2026, 12:00 in New York.

This week (Mon 9 - Sun 15 March, local):
  calls: 4 (connected 3 min, no answer, voicemail, meeting booked 30 s)   -> connects 2,
         conversations 2 (the 3-minute connect and the booking), connect rate 50 %
  one call at Monday 00:10 local (04:10 UTC): this week (the week boundary in the rep's zone)
  e-mails: 3 sent (one bounced, one replied), 1 inbound reply marked positive_reply
         -> replies 2 (the replied one and the inbound), positive 1, reply rate 66.7 %
  meetings: M1 booked last week, rescheduled and held Tue 10 March      -> held (not booked)
            M2 booked last week, no-show Wed 4 March, held Mon 9 March  -> held, no no-show
            M3 booked Mon 9 March, scheduled Tue 10 March, no outcome   -> booked, held (default)
            M4 booked Mon 9 March, cancelled                            -> booked only
            M5 booked Tue 10 March, scheduled Fri 13 March (future)     -> booked only
            M6 booked last week, no-show Tue 10 March                   -> no-show
            M1 accepted Wed 11 March 10:00 local, value 24,000; M2 rejected Wed 11 March
  -> booked 3, held 3, no-shows 1, no-show rate 25 %, accepted 1, rejected 1, value 24,000
Last week (Mon 2 - Sun 8 March):
  one call at Sunday 8 March 23:30 local (Mon 9 March 03:30 UTC): last week, on Sunday
  booked M1, M2, M6 -> 3; M2's no-show is not counted (held later)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

ZONE = "America/New_York"
NY = ZoneInfo(ZONE)
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=NY).astimezone(UTC)


def ny(month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=NY).astimezone(UTC)


@dataclass(frozen=True)
class KnownBook:
    contact_id: uuid.UUID
    other_id: uuid.UUID


def make_known_book(uow_factory: UowFactory) -> KnownBook:
    with uow_factory() as uow:
        s = uow.session
        label = m.SourceLabel(name="Webinar")
        s.add(label)
        s.flush()
        account = m.Account(name="Nova Labs", industry="Software", country="US", icp_tier="A",
                            source_label_id=label.id)
        s.add(account)
        s.flush()
        ana = m.Contact(account_id=account.id, first_name="Ana", last_name="Lima",
                        persona="economic buyer", created_at=ny(3, 9, 9))
        bo = m.Contact(account_id=account.id, first_name="Bo", last_name="Berg",
                       persona="champion", created_at=ny(2, 1, 9))
        s.add_all([ana, bo])
        s.flush()

        def act(kind: str, when: datetime, disposition: str | None = None, *,
                direction: str | None = "outbound", seconds: int | None = None,
                who: m.Contact = ana, deleted: bool = False) -> None:
            s.add(m.Activity(contact_id=who.id, account_id=account.id, kind=kind,
                             direction=direction, disposition=disposition, occurred_at=when,
                             duration_seconds=seconds, deleted_at=NOW if deleted else None))

        # this week
        act("call", ny(3, 9, 0, 10), "no_answer", seconds=20)  # Monday 00:10 local
        act("call", ny(3, 9, 11), "connected", seconds=180)
        act("call", ny(3, 10, 11), "voicemail", seconds=25)
        act("call", ny(3, 10, 14), "meeting_booked", seconds=30, who=bo)
        act("call", ny(3, 10, 15), "connected", seconds=40, deleted=True)  # deleted: not counted
        act("email", ny(3, 9, 12), "sent")
        act("email", ny(3, 10, 12), "bounced", who=bo)
        act("email", ny(3, 10, 13), "replied")
        act("email", ny(3, 11, 9), "positive_reply", direction="inbound")
        act("note", ny(3, 11, 9), None, direction=None)
        # last week: Sunday 23:30 local is already Monday in UTC
        act("call", ny(3, 8, 23, 30), "no_answer", seconds=15)

        def meeting(booked: datetime, scheduled: datetime, **kw: object) -> None:
            s.add(m.Meeting(contact_id=kw.pop("who", ana).id, account_id=account.id,  # type: ignore[attr-defined]
                            booked_at=booked, scheduled_at=scheduled, currency="USD", **kw))

        meeting(ny(3, 3), ny(3, 10, 14), rescheduled_at=ny(3, 4), reschedule_count=1,
                held_at=ny(3, 10, 14, 30), accepted_at=ny(3, 11, 10), opportunity_value=24000.0,
                status="accepted")  # M1
        meeting(ny(3, 2), ny(3, 9, 15), no_show_at=ny(3, 4, 15, 15), rescheduled_at=ny(3, 4, 16),
                reschedule_count=1, held_at=ny(3, 9, 15, 30), rejected_at=ny(3, 11, 9),
                status="rejected", who=bo)  # M2
        meeting(ny(3, 9, 16), ny(3, 10, 9), status="booked")  # M3
        meeting(ny(3, 9, 17), ny(3, 10, 16), cancelled_at=ny(3, 10, 8), status="cancelled")  # M4
        meeting(ny(3, 10, 16), ny(3, 13, 11), status="booked")  # M5 (future)
        meeting(ny(3, 5), ny(3, 10, 11), no_show_at=ny(3, 10, 11, 15), status="no_show")  # M6
        uow.commit()
        return KnownBook(ana.id, bo.id)
