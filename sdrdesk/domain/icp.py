"""Ideal-customer-profile fit as a transparent rubric: which criteria an account meets, and why.

A bare "ICP score 72" teaches a rep nothing and cannot be argued with. Each criterion here
says what it checked and what it found, and the score is simply how many were met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sdrdesk.domain.triggers import STALE_AFTER_DAYS, is_stale


@dataclass(frozen=True)
class IcpRubric:
    """What the team sells to. The defaults fit a sales-tooling vendor; teams can swap them."""

    industries: frozenset[str] = frozenset({
        "software", "financial services", "professional services", "telecommunications",
        "media", "logistics"})
    min_employees: int = 50
    max_employees: int = 5000
    markets: frozenset[str] = frozenset({"US", "CA", "GB", "DE", "FR", "AU"})
    buyer_personas: frozenset[str] = frozenset({"economic buyer", "champion"})
    trigger_max_age_days: int = STALE_AFTER_DAYS


@dataclass(frozen=True)
class IcpFacts:
    """What the rubric looks at, as plain values (no ORM objects)."""

    industry: str | None
    employee_count: int | None
    country: str | None
    contact_personas: tuple[str, ...] = ()
    trigger_dates: tuple[date | None, ...] = ()


@dataclass(frozen=True)
class Criterion:
    name: str
    met: bool
    reason: str


@dataclass(frozen=True)
class IcpFit:
    criteria: tuple[Criterion, ...] = field(default_factory=tuple)

    @property
    def met(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def total(self) -> int:
        return len(self.criteria)

    @property
    def score_label(self) -> str:
        return f"{self.met}/{self.total} criteria met"

    @property
    def suggested_tier(self) -> str:
        """A if (almost) everything fits, C if little does: a hint; the rep's own tier wins."""
        if self.total == 0:
            return "C"
        ratio = self.met / self.total
        return "A" if ratio >= 0.8 else "B" if ratio >= 0.5 else "C"


def evaluate(facts: IcpFacts, today: date, rubric: IcpRubric = IcpRubric()) -> IcpFit:
    return IcpFit((
        _industry(facts.industry, rubric),
        _size(facts.employee_count, rubric),
        _market(facts.country, rubric),
        _buyers(facts.contact_personas, rubric),
        _trigger(facts.trigger_dates, today, rubric),
    ))


def _industry(industry: str | None, rubric: IcpRubric) -> Criterion:
    if not industry:
        return Criterion("Industry", False, "industry unknown")
    ok = industry.strip().casefold() in rubric.industries
    return Criterion("Industry", ok, f"{industry} is {'a' if ok else 'not a'} target industry")


def _size(employees: int | None, rubric: IcpRubric) -> Criterion:
    band = f"{rubric.min_employees:,}-{rubric.max_employees:,}"
    if employees is None:
        return Criterion("Company size", False, "employee count unknown")
    ok = rubric.min_employees <= employees <= rubric.max_employees
    return Criterion("Company size", ok, f"{employees:,} employees ({'inside' if ok else 'outside'} {band})")


def _market(country: str | None, rubric: IcpRubric) -> Criterion:
    if not country:
        return Criterion("Market", False, "country unknown")
    ok = country.upper() in rubric.markets
    return Criterion("Market", ok, f"{country.upper()} is {'a' if ok else 'not a'} market we sell in")


def _buyers(personas: Iterable[str], rubric: IcpRubric) -> Criterion:
    found = sorted({p for p in personas if p in rubric.buyer_personas})
    if found:
        return Criterion("Buyer in the book", True, "has a contact who is " + " and ".join(found))
    return Criterion("Buyer in the book", False, "no economic buyer or champion among the contacts")


def _trigger(dates: Iterable[date | None], today: date, rubric: IcpRubric) -> Criterion:
    fresh = [d for d in dates if d is not None and not is_stale(d, today, rubric.trigger_max_age_days)]
    if fresh:
        newest = max(fresh)
        return Criterion("Recent trigger", True, f"trigger {(today - newest).days} days ago")
    return Criterion("Recent trigger", False,
                     f"no trigger in the last {rubric.trigger_max_age_days} days")

