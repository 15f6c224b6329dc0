"""A meeting's life: which step may follow which, and the timestamp each step sets.

booked -> rescheduled / cancelled -> held or no_show -> accepted or rejected (by the AE, with a
reason) -> opportunity value. A no-show may be rescheduled or later marked held (the prospect
joined late, or the AE met them another day); a cancelled meeting may be rebooked
(rescheduled). `meetings.status` keeps the latest step; each step's own timestamp says when it
happened, so metrics count from the timestamps. Pure Python.
"""

from __future__ import annotations

from enum import StrEnum


class MeetingStatus(StrEnum):
    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    HELD = "held"
    NO_SHOW = "no_show"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class MeetingAction(StrEnum):
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    HELD = "held"
    NO_SHOW = "no_show"
    ACCEPT = "accept"
    REJECT = "reject"
    OPPORTUNITY = "opportunity"  # record the opportunity value (after accepted)


S, A = MeetingStatus, MeetingAction

# The status each action leads to (the opportunity value keeps "accepted").
RESULT: dict[MeetingAction, MeetingStatus] = {
    A.RESCHEDULE: S.RESCHEDULED, A.CANCEL: S.CANCELLED, A.HELD: S.HELD, A.NO_SHOW: S.NO_SHOW,
    A.ACCEPT: S.ACCEPTED, A.REJECT: S.REJECTED, A.OPPORTUNITY: S.ACCEPTED,
}

# The model column each action stamps with its time.
TIMESTAMP: dict[MeetingAction, str] = {
    A.RESCHEDULE: "rescheduled_at", A.CANCEL: "cancelled_at", A.HELD: "held_at",
    A.NO_SHOW: "no_show_at", A.ACCEPT: "accepted_at", A.REJECT: "rejected_at",
    A.OPPORTUNITY: "opportunity_at",
}

ALLOWED: dict[MeetingStatus, frozenset[MeetingAction]] = {
    S.BOOKED: frozenset({A.RESCHEDULE, A.CANCEL, A.HELD, A.NO_SHOW}),
    S.RESCHEDULED: frozenset({A.RESCHEDULE, A.CANCEL, A.HELD, A.NO_SHOW}),
    S.NO_SHOW: frozenset({A.RESCHEDULE, A.CANCEL, A.HELD}),
    S.CANCELLED: frozenset({A.RESCHEDULE}),
    S.HELD: frozenset({A.ACCEPT, A.REJECT}),
    # The AE may change their mind once the opportunity is reviewed.
    S.ACCEPTED: frozenset({A.REJECT, A.OPPORTUNITY}),
    S.REJECTED: frozenset({A.ACCEPT}),
}

LABELS: dict[MeetingAction, str] = {
    A.RESCHEDULE: "Reschedule", A.CANCEL: "Cancel", A.HELD: "Held", A.NO_SHOW: "No-show",
    A.ACCEPT: "Accepted by AE", A.REJECT: "Rejected by AE", A.OPPORTUNITY: "Opportunity value",
}

STATUS_LABELS: dict[MeetingStatus, str] = {
    S.BOOKED: "Booked", S.RESCHEDULED: "Rescheduled", S.CANCELLED: "Cancelled", S.HELD: "Held",
    S.NO_SHOW: "No-show", S.ACCEPTED: "Accepted", S.REJECTED: "Rejected",
}

REJECT_REASONS: tuple[str, ...] = (
    "Not qualified (budget)", "Not qualified (authority)", "No real need", "Bad timing",
    "Wrong company size", "Existing opportunity", "Other",
)


class TransitionError(ValueError):
    pass


def allowed(status: str) -> frozenset[MeetingAction]:
    try:
        return ALLOWED[MeetingStatus(status)]
    except ValueError:
        return frozenset()


def check(status: str, action: MeetingAction) -> MeetingStatus:
    """The status after `action`, or `TransitionError` with a sentence for the rep."""
    if action not in allowed(status):
        label = STATUS_LABELS.get(MeetingStatus(status), status) if status in S._value2member_map_ else status
        raise TransitionError(f"A meeting that is {label.lower()} cannot be marked "
                              f"“{LABELS[action].lower()}”.")
    return RESULT[action]
