"""Benchmark the book at scale: start-up, search as you type, scrolling, memory.

    .venv/bin/python tests/perf/bench_book.py [--book PATH] [--queries-passes 3]

Not collected by pytest (no `test_` prefix). Uses (or generates once, ~5 min) a book of 100k
accounts, 300k contacts and 1M activities at /tmp/sdrdesk-bench/book-100k.db.

How it measures (all in ONE child process running the real `sdrdesk.app.run_gui`):
- The parent stamps `time.time()` just before spawning the child and passes it in an
  environment variable; the child reports its events against that wall clock, so "start"
  includes interpreter start-up and every import.
- `run_gui` runs unchanged; `build_app` is wrapped only to install probes (an application
  event filter for the first paint, a slot after the accounts pane's own results slot) and
  to raise the Accounts dock, which the default layout tabs behind Today.
- first paint: the first Paint event of any widget of the main window.
- interactive: the accounts table has its ids, and its viewport has painted real rows (not
  placeholders) and returned to the event loop.
- search: for each of 50 fixed queries, the pane's own path (`run_search_now`: worker
  thread, FTS5 + rank sort, queued delivery to the GUI thread, both models reset) until the
  ids are in the models; the debounce delay is excluded (it is a deliberate wait). Also
  reported: until the accounts table has synchronously fetched and painted its first rows
  (`painted`). Pending paints are flushed before each query so none leaks into the next. Beside it,
  the same MATCH expressions on a plain `sqlite3` connection (`SELECT rowid FROM x_fts
  WHERE x_fts MATCH ?` for both tables). One warm-up pass each, then N timed passes.
- scroll: the accounts table from top to bottom one page step at a time. Timed GUI-thread
  blocks: each step's synchronous `repaint()`, and each page delivery from the worker (its
  slot plus a synchronous repaint). Also reported: how long placeholders stay on screen.
- RSS: the child's peak resident set (`ru_maxrss`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DEFAULT_BOOK = Path("/tmp/sdrdesk-bench/book-100k.db")
SIZES = {"accounts": 100_000, "contacts": 300_000, "activities": 1_000_000}
ENV_T0 = "SDRDESK_BENCH_T0"
RESULT_TAG = "BENCH_RESULT "

# What reps type: names (with and without accents), companies, titles, e-mail fragments,
# domains, phone numbers in several formats, and multi-word mixes.
QUERIES: tuple[str, ...] = (
    "mul", "muller", "müller", "smi", "smith", "schmidt", "tremblay", "gagnon", "nguyen", "patel",
    "o'brien", "macdonald", "hernandez", "bérubé", "jur", "emilie", "siobhan", "kwame", "yuki",
    "isabella",
    "north", "harbor", "quantum", "cedar sec", "evergreen cap", "summit logistics", "nova",
    "pioneer", "aurora bio", "granite",
    "vp sales", "cfo", "head of revenue", "sales operations", "cto", "enablement",
    "@cedarsecurity", "jane.", "evergreencapital.ca", ".de", "atlas",
    "416", "4165", "(416) 555", "+49 30", "030", "0412", "+61 4", "212 5",
    "chicago",
)
BUDGETS = {
    "search_p95_ms": 50.0, "search_ratio_p95": 2.0, "first_paint_s": 0.5, "interactive_s": 1.5,
    "scroll_max_block_ms": 50.0, "peak_rss_mb": 350.0,
}


# -- parent ---------------------------------------------------------------------------------

def ensure_book(path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {path} (once; a few minutes) ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "sdrdesk", "generate", str(path),
                    "--accounts", str(SIZES["accounts"]), "--contacts", str(SIZES["contacts"]),
                    "--activities", str(SIZES["activities"])], check=True)


def migrate_once(path: Path) -> None:
    """Bring the cached book to the current schema outside the timed run (its backup is dropped)."""
    from sdrdesk.storage.book_file import inspect_book_file, prepare_book_file
    from sdrdesk.storage.migrations import CURRENT_VERSION

    if inspect_book_file(path).schema_version == CURRENT_VERSION:
        return
    print(f"migrating {path.name} to schema {CURRENT_VERSION} ...", file=sys.stderr)
    with tempfile.TemporaryDirectory() as backups:
        prepare_book_file(path, backup_dir=Path(backups))


def run_child(book: Path, passes: int, no_scroll: bool = False) -> dict[str, Any]:
    settings = Path(tempfile.mkdtemp(prefix="sdrdesk-bench-")) / "settings.ini"
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env[ENV_T0] = repr(time.time())
    proc = subprocess.run([sys.executable, __file__, "--child", "--book", str(book),
                           "--settings", str(settings), "--passes", str(passes)]
                          + (["--no-scroll"] if no_scroll else []),
                          env=env, capture_output=True, text=True, timeout=900)
    shutil.rmtree(settings.parent, ignore_errors=True)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG):])
    raise SystemExit(f"child failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def report(r: dict[str, Any]) -> bool:
    if "error" in r or "search" not in r:
        print(json.dumps(r, indent=2))
        return False
    s = r["search"]
    checks = {
        "search_p95_ms": s["app_p95_ms"], "search_ratio_p95": s["ratio_p95"],
        "first_paint_s": r["first_paint_s"], "interactive_s": r["interactive_s"],
        "scroll_max_block_ms": r["scroll"]["max_block_ms"] if "scroll" in r else 0.0,
        "peak_rss_mb": r["peak_rss_mb"],
    }
    print(f"book: {r['book']} ({r['accounts']:,} accounts, {r['contacts']:,} contacts)")
    print(f"start -> first paint        {r['first_paint_s']:.3f} s")
    print(f"start -> interactive table  {r['interactive_s']:.3f} s  (imports done {r['imports_s']:.3f} s, "
          f"book open {r.get('book_opened_s', 0):.3f} s, ids delivered {r.get('ids_delivered_s', 0):.3f} s)")
    print(f"first search after open     {s['first_ms']:.1f} ms")
    print(f"search app   p50 {s['app_p50_ms']:.1f} ms  p95 {s['app_p95_ms']:.1f} ms  "
          f"max {s['app_max_ms']:.1f} ms  ({s['samples']} samples)")
    print(f"to rows painted p50 {s['painted_p50_ms']:.1f} ms  p95 {s['painted_p95_ms']:.1f} ms")
    print(f"search raw   p50 {s['raw_p50_ms']:.1f} ms  p95 {s['raw_p95_ms']:.1f} ms")
    print(f"ratio app/raw  p50 {s['ratio_p50']:.2f}  p95 {s['ratio_p95']:.2f}  "
          f"(median per-query {s['ratio_median_per_query']:.2f})")
    sc = r.get("scroll") or {"steps": 0, "total_s": 0.0, "max_block_ms": 0.0, "p99_block_ms": 0.0,
                             "jump_to_end_ms": 0.0}
    print(f"scroll accounts: {sc['steps']} steps in {sc['total_s']:.2f} s, "
          f"max block {sc['max_block_ms']:.1f} ms, p99 {sc['p99_block_ms']:.1f} ms; "
          f"jump to end {sc['jump_to_end_ms']:.1f} ms")
    if sc.get("page_fills"):
        print(f"  placeholders filled {sc['page_fills']} times: p50 {sc['fill_p50_ms']:.1f} ms, "
              f"max {sc['fill_max_ms']:.1f} ms after the step")
    print(f"peak RSS {r['peak_rss_mb']:.0f} MB")
    ok = True
    for key, limit in BUDGETS.items():
        passed = checks[key] <= limit
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {key} = {checks[key]:.3f} (budget {limit})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", type=Path, default=DEFAULT_BOOK)
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the 50 queries")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-scroll", action="store_true", help="skip the (slow) scroll walk")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--settings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    ensure_book(args.book)
    migrate_once(args.book)
    result = run_child(args.book, args.passes, args.no_scroll)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if report(result) else 1


# -- child: the real app with probes --------------------------------------------------------

def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def child(args: argparse.Namespace) -> int:
    t0 = float(os.environ[ENV_T0])
    since = lambda: time.time() - t0  # noqa: E731 - a tiny clock

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    import sdrdesk.app as appmod  # the heavy imports happen here, as in `sdrdesk`
    from sdrdesk.storage.search import parse_query

    marks: dict[str, float] = {"imports_s": since()}
    results: dict[str, Any] = {"book": str(args.book)}
    original_shell, original_complete = appmod.build_shell, appmod.complete_app

    class FirstPaint(QObject):
        def __init__(self, window: Any) -> None:
            super().__init__()
            self.window = window

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if ("first_paint_s" not in marks and event.type() == QEvent.Type.Paint
                    and hasattr(watched, "window") and watched.window() is self.window):
                marks["first_paint_s"] = since()
            return False

    def shell_with_probe(*a: Any, **k: Any) -> Any:
        # run_gui paints this shell first, then calls complete_app after the first paint.
        parts = original_shell(*a, **k)
        probe = FirstPaint(parts.window)
        parts.app.installEventFilter(probe)
        parts.window._bench_probe = probe  # keep it alive
        return parts

    def complete_with_probes(parts: Any) -> Any:
        original_complete(parts)
        app: QApplication = parts.app
        pane = parts.window.panes["pane.accounts"]
        # After run_gui's restore_window_state()/show(): the default layout tabs it behind Today.
        QTimer.singleShot(0, parts.window.docks["pane.accounts"].raise_)
        viewport = pane.accounts_view.viewport()

        class InteractiveProbe(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if (event.type() == QEvent.Type.Paint and "interactive_s" not in marks
                        and pane.accounts_model.rowCount() > 0):
                    QTimer.singleShot(0, after_paint)
                return False

        def after_paint() -> None:
            if "interactive_s" in marks:
                return
            first = pane.accounts_model.index(0, 0).data()
            if first and first != pane.accounts_model.PLACEHOLDER:
                marks["interactive_s"] = since()
                marks["rss_at_interactive_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                QTimer.singleShot(0, lambda: measure(parts, pane))

        def give_up() -> None:
            print(RESULT_TAG + json.dumps({**results, **marks, "error": "timeout"}), flush=True)
            app.quit()

        QTimer.singleShot(180_000, give_up)
        parts.ctx.bus.sig_book_opened.connect(lambda _ws: marks.setdefault("book_opened_s", since()))
        pane.search.sig_results_ready.connect(lambda *_a: marks.setdefault("ids_delivered_s", since()))
        interactive = InteractiveProbe()
        viewport.installEventFilter(interactive)
        parts.window._bench_interactive = interactive
        return parts

    def wait_for_results(pane: Any) -> None:
        loop = QEventLoop()
        pane.search.sig_results_ready.connect(loop.quit)
        try:
            loop.exec()
        finally:
            pane.search.sig_results_ready.disconnect(loop.quit)

    def settle(model: Any) -> None:
        while model.loading:  # pages are fetched on a worker; let their delivery run
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    def app_search(pane: Any, text: str) -> tuple[float, float]:
        """(ms until the ids are in both models, ms until the first rows are painted)."""
        view = pane.accounts_view
        QApplication.processEvents()  # nothing of the previous query may leak into this one
        view.viewport().repaint()
        settle(pane.accounts_model)
        pane.search_edit.blockSignals(True)
        pane.search_edit.setText(text)
        pane.search_edit.blockSignals(False)
        started = time.perf_counter()
        pane.run_search_now()
        wait_for_results(pane)
        delivered = time.perf_counter()
        view.viewport().repaint()  # placeholders, and the visible page is requested
        settle(pane.accounts_model)
        view.viewport().repaint()
        painted = time.perf_counter()
        return (delivered - started) * 1000, (painted - started) * 1000

    def raw_search(conn: sqlite3.Connection, text: str) -> float:
        parsed = parse_query(text)
        started = time.perf_counter()
        if parsed.searches:
            conn.execute("SELECT rowid FROM account_fts WHERE account_fts MATCH ?",
                         (parsed.fts_match(),)).fetchall()
            conn.execute("SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?",
                         (parsed.fts_match(phone_column="phone"),)).fetchall()
        return (time.perf_counter() - started) * 1000

    def measure(parts: Any, pane: Any) -> None:
        try:
            # Let the contact list and the rank warm-up finish first, as they would while the
            # rep reads the accounts.
            deadline = time.perf_counter() + 30
            while parts.runner.pending and time.perf_counter() < deadline:
                QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            marks["settled_s"] = since()
            results["accounts"] = pane.accounts_model.rowCount()
            results["contacts"] = pane.contacts_model.rowCount()
            first = app_search(pane, "mar")[0]
            raw = sqlite3.connect(args.book)
            for text in QUERIES:  # warm-up: the same OS page cache for both sides
                app_search(pane, text)
                raw_search(raw, text)
            app_ms: list[float] = []
            painted_ms: list[float] = []
            raw_ms: list[float] = []
            for _ in range(args.passes):
                for text in QUERIES:
                    ids_ms, shown_ms = app_search(pane, text)
                    app_ms.append(ids_ms)
                    painted_ms.append(shown_ms)
                    raw_ms.append(raw_search(raw, text))
            raw.close()
            per_query = [a / r for a, r in zip(app_ms, raw_ms, strict=True) if r > 0]
            results["search"] = {
                "first_ms": first, "samples": len(app_ms),
                "app_p50_ms": _pct(app_ms, 0.5), "app_p95_ms": _pct(app_ms, 0.95), "app_max_ms": max(app_ms),
                "painted_p50_ms": _pct(painted_ms, 0.5), "painted_p95_ms": _pct(painted_ms, 0.95),
                "raw_p50_ms": _pct(raw_ms, 0.5), "raw_p95_ms": _pct(raw_ms, 0.95),
                "ratio_p50": _pct(app_ms, 0.5) / _pct(raw_ms, 0.5),
                "ratio_p95": _pct(app_ms, 0.95) / _pct(raw_ms, 0.95),
                "ratio_median_per_query": statistics.median(per_query),
            }
            app_search(pane, "")  # back to the whole book
            if not args.no_scroll:
                results["scroll"] = scroll(pane.accounts_view)
        except Exception as exc:  # report, never hang the parent
            results["error"] = repr(exc)
        results.update(marks)
        results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(RESULT_TAG + json.dumps(results), flush=True)
        QApplication.instance().quit()

    def scroll(view: Any) -> dict[str, float]:
        """Page down through the whole table. GUI-thread blocks: each step's synchronous repaint,
        and each page delivery (slot + the repaint it causes); fill = step until no placeholder."""
        model = view.model()
        bar = view.verticalScrollBar()
        view.scrollToTop()
        blocks: list[float] = []
        fills: list[float] = []
        original = model._on_page_fetched

        def timed_delivery(*a: Any) -> None:
            t = time.perf_counter()
            original(*a)
            view.viewport().repaint()
            blocks.append((time.perf_counter() - t) * 1000)

        model._on_page_fetched = timed_delivery
        started = time.perf_counter()
        value = 0
        steps = 0
        while True:
            t = time.perf_counter()
            bar.setValue(value)
            view.viewport().repaint()
            blocks.append((time.perf_counter() - t) * 1000)
            steps += 1
            if model.loading:
                settle(model)
                fills.append((time.perf_counter() - t) * 1000)
            if value >= bar.maximum():
                break
            value = min(bar.maximum(), value + bar.pageStep())
        total = time.perf_counter() - started
        model._on_page_fetched = original
        view.scrollToTop()
        settle(model)
        t = time.perf_counter()
        bar.setValue(bar.maximum())
        view.viewport().repaint()
        jump = (time.perf_counter() - t) * 1000
        settle(model)
        return {"steps": steps, "total_s": total, "max_block_ms": max(blocks),
                "p99_block_ms": _pct(blocks, 0.99), "jump_to_end_ms": jump,
                "page_fills": len(fills), "fill_p50_ms": _pct(fills, 0.5) if fills else 0.0,
                "fill_max_ms": max(fills) if fills else 0.0}

    appmod.build_shell = shell_with_probe
    appmod.complete_app = complete_with_probes
    run_args = argparse.Namespace(data=str(args.book), settings=str(args.settings), demo=False,
                                  screenshot=None, self_test=False, theme=None, open_file=None)
    return appmod.run_gui(run_args)


if __name__ == "__main__":
    sys.exit(main())
