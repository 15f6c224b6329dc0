"""Benchmark the Today queue and "Callable now" on a big book, beside the same SQL on sqlite3.

    .venv/bin/python tests/perf/bench_today.py [--book PATH] [--passes 7]

Not collected by pytest. Uses (or generates once, ~2 min) a book of 100k accounts, 300k
contacts and 60k open tasks at /tmp/sdrdesk-bench/book-today.db, works on a copy, stores the
calling zones once (what the app does in the background after an upgrade; timed), then
times with a fixed clock (a Tuesday 15:00 UTC, mid-morning in North America):

- Today first screen: `workspace.tasks.queue_head(windows, limit=PAGE_SIZE)` = the first
  page of ids in order (callable-now first, then by due time), their rows with calling
  windows, and the summary counts: what the pane paints first.
- Callable now: the same with `callable_only=True`.
- Whole queue: `workspace.tasks.queue(windows)` = every open id in order (loaded right after
  the first screen, off the GUI thread), and the whole callable-now list.
- raw sqlite3: the same SQL on a plain connection, without the Python around it.
Median and max of N passes after one warm-up.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_BOOK = Path("/tmp/sdrdesk-bench/book-today.db")
NOW = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)


def ensure_book(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "sdrdesk", "generate", "--accounts", "100000", "--contacts",
                    "300000", "--activities", "100000", str(path)], check=True, cwd=ROOT)


def timed(fn, passes: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    result = fn()  # warm-up
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--book", type=Path, default=DEFAULT_BOOK)
    parser.add_argument("--passes", type=int, default=7)
    args = parser.parse_args()
    ensure_book(args.book)
    work = args.book.with_name(args.book.stem + "-work.db")
    shutil.copy(args.book, work)

    from sdrdesk.domain.clock import FakeClock
    from sdrdesk.services.calls import calling_windows
    from sdrdesk.services.task_queue import zone_key_status
    from sdrdesk.services.workspace import open_workspace
    from sdrdesk.ui.models.paged_table import PAGE_SIZE

    clock = FakeClock(NOW)
    workspace = open_workspace(work, clock)
    windows = calling_windows("08:00", "21:00")
    try:
        start = time.perf_counter()
        stored = workspace.sequences.refresh_zones(limit=1_000_000).value
        fill_ms = (time.perf_counter() - start) * 1000
        today = timed(lambda: workspace.tasks.queue_head(windows, limit=PAGE_SIZE), args.passes)
        callable_now = timed(lambda: workspace.tasks.queue_head(windows, callable_only=True, limit=PAGE_SIZE),
                             args.passes)
        whole = timed(lambda: workspace.tasks.queue(windows), args.passes)
        whole_callable = timed(lambda: workspace.tasks.queue(windows, callable_only=True), args.passes)
        view = whole[2]
    finally:
        workspace.close()

    conn = sqlite3.connect(work)
    try:
        now_text = NOW.replace(tzinfo=None).isoformat(sep=" ")

        def raw_head(callable_only: bool) -> list[str]:
            keys = [k for (k,) in conn.execute(
                "SELECT DISTINCT zone_key FROM tasks WHERE status = 'open' AND channel = 'call'"
                " AND zone_key IS NOT NULL")]
            open_keys = [k for k in keys if zone_key_status(k, windows, NOW).state.value == "open"]
            marks = ",".join("?" * len(open_keys))
            where = (f"t.status = 'open' AND t.channel = 'call' AND t.zone_key IN ({marks})"
                     " AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM do_not_contact d"
                     " WHERE d.contact_id = t.contact_id AND d.deleted_at IS NULL"
                     " AND d.channel IN ('call', 'all'))")
            head = [i for (i,) in conn.execute(
                f"SELECT t.id FROM tasks t INDEXED BY ix_tasks_open_due WHERE {where}"
                " ORDER BY t.status, t.due_at LIMIT 200", open_keys)]
            conn.execute(f"SELECT count(*) FROM tasks t WHERE {where}", open_keys).fetchone()
            conn.execute("SELECT count(*) FROM tasks WHERE status = 'open' AND deleted_at IS NULL").fetchone()
            if not callable_only:
                conn.execute("SELECT count(*) FROM tasks t WHERE status = 'open' AND deleted_at IS NULL"
                             " AND due_at < ?", (now_text,)).fetchone()
            head_marks = ",".join("?" * len(head))
            rows = [r[0] for r in conn.execute(
                "SELECT t.id FROM tasks t JOIN contacts c ON c.id = t.contact_id LEFT JOIN accounts a"
                f" ON a.id = c.account_id WHERE t.id IN ({head_marks})", head)]
            return rows

        def raw_callable() -> list[str]:
            keys = [k for (k,) in conn.execute(
                "SELECT DISTINCT zone_key FROM tasks WHERE status = 'open' AND channel = 'call'"
                " AND zone_key IS NOT NULL")]
            open_keys = [k for k in keys if zone_key_status(k, windows, NOW).state.value == "open"]
            marks = ",".join("?" * len(open_keys))
            return [i for _d, i in sorted(conn.execute(
                "SELECT t.due_at, t.id FROM tasks t WHERE t.status = 'open' AND t.channel = 'call'"
                f" AND t.zone_key IN ({marks}) AND t.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM"
                " do_not_contact d WHERE d.contact_id = t.contact_id AND d.deleted_at IS NULL"
                " AND d.channel IN ('call', 'all'))", open_keys))]

        def raw_today() -> list[str]:
            first = raw_callable()
            rows = conn.execute("SELECT t.due_at, t.id FROM tasks t WHERE t.status = 'open'"
                                " AND t.deleted_at IS NULL ORDER BY t.status, t.due_at").fetchall()
            seen = set(first)
            return first + [i for _d, i in rows if i not in seen]

        raw_t = timed(raw_today, args.passes)
        raw_c = timed(raw_callable, args.passes)
        raw_h = timed(lambda: raw_head(False), args.passes)
        raw_hc = timed(lambda: raw_head(True), args.passes)
        opened = conn.execute("SELECT count(*) FROM tasks WHERE status = 'open'").fetchone()[0]
        overdue = conn.execute("SELECT count(*) FROM tasks WHERE status = 'open' AND due_at < ?",
                               (now_text,)).fetchone()[0]
    finally:
        conn.close()
        work.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)

    print(f"book: {args.book.name}: {opened:,} open tasks ({overdue:,} overdue at {NOW:%a %H:%M} UTC), "
          f"{len(whole_callable[2].ids):,} callable now")  # type: ignore[attr-defined]
    print(f"store calling zones once (after an upgrade): {stored:,} contacts in {fill_ms:,.0f} ms")
    print(f"Today first screen ({PAGE_SIZE} ids + rows + counts): median {today[0]:.1f} ms, "
          f"max {today[1]:.1f} ms; raw sqlite3 {raw_h[0]:.1f} ms")
    print(f"Callable now first screen: median {callable_now[0]:.1f} ms, max {callable_now[1]:.1f} ms;"
          f" raw sqlite3 {raw_hc[0]:.1f} ms")
    print(f"Whole queue ({len(view.ids):,} ids, background): median {whole[0]:.1f} ms; "  # type: ignore[attr-defined]
          f"raw sqlite3 {raw_t[0]:.1f} ms")
    print(f"Whole callable-now list: median {whole_callable[0]:.1f} ms; raw sqlite3 {raw_c[0]:.1f} ms")


if __name__ == "__main__":
    main()
