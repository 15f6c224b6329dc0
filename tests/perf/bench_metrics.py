"""Benchmark metrics and the monthly review on a 1M-activity book, beside raw sqlite3.

    .venv/bin/python tests/perf/bench_metrics.py [--book PATH] [--passes 7]

Not collected by pytest (no `test_` prefix). Uses (or generates once, ~2-4 min on the shared
VM) a book of 5,000 accounts, 20,000 contacts, 1,000,000 activities over 90 days and 20,000
meetings at /tmp/sdrdesk-bench/metrics-1m.db.

What it measures (warm; median and worst of N passes, each in a fresh unit of work):
- service: `workspace.metrics.report(period, goal)` (every metric, pace, activity per day,
  funnel) + `workspace.metrics.review(period, SOURCE)` for this month, the last 30 days and
  last month; and the review over all five dimensions.
- raw sqlite3, same SQL: the service's own statements on a plain `sqlite3` connection (what
  the service layer adds on top of SQLite).
- raw sqlite3, no rollup: the same period counts straight from `activities` with the
  metric expressions per row, the aggregate a straightforward implementation would run.
- trigger cost: inserting 100,000 activities in one transaction into a fresh book with the
  rollup triggers, and with them dropped (interleaved A/B, two rounds each).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sdrdesk.domain import metrics as d  # noqa: E402
from sdrdesk.domain.clock import SystemClock  # noqa: E402
from sdrdesk.domain.metrics import Dimension, PeriodKind  # noqa: E402
from sdrdesk.services import metrics as M  # noqa: E402
from sdrdesk.services.book_generator import BookSize, write_book  # noqa: E402
from sdrdesk.services.workspace import open_workspace  # noqa: E402
from sdrdesk.storage.engine import open_book  # noqa: E402

DEFAULT_BOOK = Path("/tmp/sdrdesk-bench/metrics-1m.db")
SIZE = BookSize(accounts=5_000, contacts=20_000, activities=1_000_000, meetings=20_000)
ZONE = "America/New_York"

def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_NO_ROLLUP_SQL = f"""
SELECT count(*), sum(kind = 'call'),
       sum(kind = 'call' AND disposition IN {_in(d.CONNECT_DISPOSITIONS)}),
       sum(kind = 'call' AND (disposition IN {_in(d.CONVERSATION_DISPOSITIONS)} OR
           (disposition IN {_in(d.CONNECT_DISPOSITIONS)} AND duration_seconds >= 120))),
       sum(kind = 'email' AND direction IS NOT 'inbound'),
       sum(kind = 'email' AND direction IS NOT 'inbound' AND disposition = 'bounced'),
       sum(kind IN ('email', 'linkedin') AND (direction = 'inbound' OR disposition IN
           {_in(d.REPLY_DISPOSITIONS + d.POSITIVE_REPLY_DISPOSITIONS)})),
       sum(kind IN ('email', 'linkedin') AND disposition IN {_in(d.POSITIVE_REPLY_DISPOSITIONS)})
FROM activities WHERE deleted_at IS NULL AND occurred_at >= ? AND occurred_at < ?
"""


def timed(fn: Callable[[], object], passes: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(passes):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times)


def ensure_book(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    write_book(path, SIZE, seed=17)
    print(f"generated {path} in {time.perf_counter() - t:.0f} s")


def raw_same_sql(conn: sqlite3.Connection, period: d.Period, now: datetime) -> None:
    """Every statement `report` + `review` run, on a plain connection (no session, no DTOs)."""
    M.activity_counts(conn, period.start, period.end)
    M.meeting_counts(conn, period.start, period.end, now)
    month = d.period_for(PeriodKind.THIS_MONTH, now, period.zone)
    if period.first <= now.date() <= period.last and (period.first, period.last) != (month.first, month.last):
        M.meeting_counts(conn, month.start, month.end, now)  # the pace
    M._currency(conn)
    M._daily(conn, period)
    conn.execute(M._review_sql(Dimension.SOURCE), M._bounds(period.start, period.end, now)).fetchall()
    M._currency(conn)


def trigger_cost(rows: int = 100_000) -> dict[str, float]:
    """Insert `rows` activities in one transaction, with and without the rollup triggers."""
    results: dict[str, list[float]] = {"with triggers": [], "without triggers": []}
    base = datetime.now(UTC) - timedelta(days=90)
    data = [(uuid.uuid4().hex, "call" if i % 3 else "email", "outbound",
             ("no_answer", "connected", "sent", "replied")[i % 4],
             (base + timedelta(seconds=i * 77)).isoformat(sep=" ", timespec="microseconds")[:26],
             30 + i % 300, "2026-01-01 00:00:00.000000", "2026-01-01 00:00:00.000000")
            for i in range(rows)]
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(2):
            for variant in ("with triggers", "without triggers"):
                path = Path(folder) / f"{variant.replace(' ', '-')}-{round_}.db"
                open_book(path).close()
                conn = sqlite3.connect(path, isolation_level=None)
                conn.execute("PRAGMA synchronous = FULL")
                if variant == "without triggers":
                    for name in ("activity_rollup_ai", "activity_rollup_ad", "activity_rollup_au"):
                        conn.execute(f"DROP TRIGGER {name}")
                t = time.perf_counter()
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO activities (id, kind, direction, disposition, occurred_at,"
                    " duration_seconds, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)", data)
                conn.execute("COMMIT")
                results[variant].append((time.perf_counter() - t) / rows * 1e6)
                conn.close()
    return {k: statistics.median(v) for k, v in results.items()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--book", type=Path, default=DEFAULT_BOOK)
    parser.add_argument("--passes", type=int, default=7)
    parser.add_argument("--skip-triggers", action="store_true")
    args = parser.parse_args()
    ensure_book(args.book)
    conn = sqlite3.connect(args.book)
    counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("accounts", "contacts", "activities", "meetings", "activity_rollup")}
    print("book:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    ws = open_workspace(args.book, SystemClock())
    now = datetime.now(UTC)
    goal = 18
    print(f"{'period':<14} {'what':<44} {'median ms':>9} {'worst ms':>9}")
    for kind in (PeriodKind.THIS_MONTH, PeriodKind.LAST_30, PeriodKind.LAST_MONTH):
        period = ws.metrics.period(kind, ZONE)
        created = conn.execute("SELECT count(*) FROM contacts WHERE created_at >= ? AND created_at < ?",
                               (M.stamp(period.start), M.stamp(period.end))).fetchone()[0]
        rows = [
            ("service: all metrics + review by source",
             lambda p=period: (ws.metrics.report(p, goal), ws.metrics.review(p, Dimension.SOURCE))),
            ("service: all metrics", lambda p=period: ws.metrics.report(p, goal)),
            ("service: review by source", lambda p=period: ws.metrics.review(p, Dimension.SOURCE)),
            ("service: review, all 5 dimensions", lambda p=period: ws.metrics.reviews(p)),
            ("raw sqlite3, same SQL (metrics + source review)",
             lambda p=period: raw_same_sql(conn, p, now)),
            ("raw sqlite3, no rollup (period counts only)",
             lambda p=period: conn.execute(_NO_ROLLUP_SQL, (M.stamp(p.start), M.stamp(p.end))).fetchone()),
        ]
        activities = conn.execute(
            "SELECT count(*) FROM activities WHERE occurred_at >= ? AND occurred_at < ?",
            (M.stamp(period.start), M.stamp(period.end))).fetchone()[0]
        print(f"-- {kind.value}: {period.first} to {period.last}, {activities:,} activities, "
              f"{created:,} contacts created")
        for label, fn in rows:
            median, worst = timed(fn, args.passes)
            print(f"{kind.value:<14} {label:<44} {median:>9.1f} {worst:>9.1f}")
    ws.close()
    conn.close()
    if not args.skip_triggers:
        cost = trigger_cost()
        print("insert 100,000 activities, µs per row: " + ", ".join(f"{k} {v:.1f}" for k, v in cost.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
