"""Benchmark rep files beside SQLite's backup API copying the same book in the same run.

    .venv/bin/python tests/perf/bench_repfile.py [--accounts 10000] [--runs 2]

Not collected by pytest. Generates (once) a book of N accounts, 3N contacts and 10N
activities at /tmp/sdrdesk-bench/repfile-<N>.db, then runs each step in its own child
process so its peak RSS is its own:

- backup: `sqlite3.Connection.backup` of the book into a new file (the yardstick);
- export: `sdrdesk rep export` path (streamed zip of JSON Lines, deflate level 1);
- export-encrypted: the same with a passphrase (scrypt + AES-GCM frames);
- merge-identical: the file merged into a copy of the same book (checks, backup, merge);
- floor-empty: the same rows copied into a new empty book by SQLite alone (INSERT ... SELECT
  from the attached book): the floor this schema's indexes and FTS5 triggers set;
- merge-empty: the file merged into a new empty book.

Budgets (the issue's): export <= 12x backup, merge into identical <= 20x, into empty <= 30x.
Run it at two sizes to see that peak RSS does not grow with the book.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUDGET = {"export": 12, "merge-identical": 20, "merge-empty": 30}


def _book(accounts: int) -> Path:
    path = Path(f"/tmp/sdrdesk-bench/repfile-{accounts // 1000}k.db")
    if not path.exists():
        from sdrdesk.services.book_generator import BookSize, write_book

        path.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ...", file=sys.stderr)
        write_book(path, BookSize(accounts, accounts * 3, accounts * 10), seed=7)
    from sdrdesk.storage.engine import open_book

    open_book(path).close()  # upgrade to the current schema
    return path


def _step(name: str, book: Path, work: Path, rep_file: Path) -> dict[str, float]:
    from sdrdesk.domain.clock import SystemClock
    from sdrdesk.services.repfile.service import RepFileService
    from sdrdesk.storage.engine import open_book

    clock = SystemClock()
    started, cpu = time.perf_counter(), time.process_time()
    if name == "backup":
        target = work / "backup.db"
        src = sqlite3.connect(f"{book.resolve().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()
    elif name in ("export", "export-encrypted"):
        service = RepFileService(book, clock, work / "backups")
        out = rep_file if name == "export" else work / "encrypted.sdrdesk"
        service.export(out, passphrase="bench passphrase" if name == "export-encrypted" else None)
    elif name == "merge-identical":
        copy = work / "identical.db"
        src = sqlite3.connect(book)
        dst = sqlite3.connect(copy)
        src.backup(dst)
        dst.close()
        src.close()
        started, cpu = time.perf_counter(), time.process_time()  # the copy is set-up, not the merge
        report = RepFileService(copy, clock, work / "backups").import_file(rep_file).value
        assert report.added == 0 and report.updated == 0, report.as_dict()
    elif name == "floor-empty":
        # The same rows copied table to table by SQLite alone (INSERT ... SELECT in the merge's
        # order, one transaction): what this schema's indexes and search triggers cost.
        from sdrdesk.services.repfile.tables import merge_order, synced_tables

        empty = work / "floor.db"
        open_book(empty).close()
        started, cpu = time.perf_counter(), time.process_time()
        conn = sqlite3.connect(empty, isolation_level=None)
        conn.execute("PRAGMA cache_size = -98304")
        conn.execute(f"ATTACH DATABASE '{book.resolve().as_uri()}?mode=ro' AS src")
        conn.execute("BEGIN")
        conn.execute("PRAGMA defer_foreign_keys = ON")
        tables = {t.name: t for t in synced_tables()}
        for name in merge_order(list(tables)):
            cols = ", ".join(f'"{c}"' for c in tables[name].names)
            conn.execute(f"INSERT INTO main.{name} ({cols}) SELECT {cols} FROM src.{name}")
        conn.execute("COMMIT")
        conn.close()
    elif name == "merge-empty":
        empty = work / "empty.db"
        open_book(empty).close()
        started, cpu = time.perf_counter(), time.process_time()
        report = RepFileService(empty, clock, work / "backups").import_file(rep_file).value
        assert report.added > 0
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu": cpu, "rss_mb": rss}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--book", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(_step(args.step, args.book, args.work, args.work / "rep.sdrdesk")))
        return 0
    book = _book(args.accounts)
    records = sqlite3.connect(book).execute(
        "SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM contacts)"
        " + (SELECT count(*) FROM contact_phones) + (SELECT count(*) FROM activities)"
        " + (SELECT count(*) FROM tasks)").fetchone()[0]
    print(f"book {book.name}: {book.stat().st_size / 1e6:.0f} MB, ~{records:,} records; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    results: dict[str, list[dict[str, float]]] = {}
    steps = ["backup", "export", "export-encrypted", "merge-identical", "floor-empty", "merge-empty"]
    with tempfile.TemporaryDirectory(prefix="sdrdesk-bench-repfile-") as tmp:
        for _ in range(args.runs):
            work = Path(tmp) / "run"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            for step in steps:
                out = subprocess.run(
                    [sys.executable, __file__, "--step", step, "--book", str(book), "--work", str(work)],
                    capture_output=True, text=True, cwd=ROOT, check=True)
                results.setdefault(step, []).append(json.loads(out.stdout.strip().splitlines()[-1]))
            size = (work / "rep.sdrdesk").stat().st_size
    backup = min(r["seconds"] for r in results["backup"])
    backup_cpu = min(r["cpu"] for r in results["backup"])
    print(f"rep file: {size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'step':<18}{'best s':>8}{'runs s':>18}{'x backup':>10}{'cpu s':>8}{'x cpu':>8}{'budget':>8}"
          f"{'peak RSS MB':>13}")
    for step in steps:
        times = [r["seconds"] for r in results[step]]
        best, best_cpu = min(times), min(r["cpu"] for r in results[step])
        budget = BUDGET.get(step)
        print(f"{step:<18}{best:>8.2f}{' / '.join(f'{t:.2f}' for t in times):>18}{best / backup:>9.1f}x"
              f"{best_cpu:>8.2f}{best_cpu / backup_cpu:>7.1f}x{(str(budget) + 'x') if budget else '':>8}"
              f"{max(r['rss_mb'] for r in results[step]):>13.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
