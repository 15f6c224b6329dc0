"""`sdrdesk --self-test`: the headless checks plus showing the real window once."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sdrdesk import __version__
from sdrdesk.services.self_test import CheckResult, run_checks


def _window_check(args: argparse.Namespace) -> CheckResult:
    from sdrdesk.app import build_app, wait_until_settled

    with tempfile.TemporaryDirectory(prefix="sdrdesk-self-test-ui-") as folder:
        ns = argparse.Namespace(**{**vars(args), "data": str(Path(folder) / "book.db"),
                                   "settings": str(Path(folder) / "settings.ini"), "theme": None})
        try:
            parts = build_app(ns)
            parts.window.show()
            parts.books.open(Path(folder) / "book.db")
            outcome: dict[str, bool] = {}
            wait_until_settled(parts, lambda ready: (outcome.update(ready=ready), parts.app.quit()))
            parts.app.exec()
            parts.runner.shutdown()
            docks = len(parts.window.docks)
            if parts.ctx.workspace is not None:
                parts.ctx.workspace.close()
            parts.window.close()
            if not outcome.get("ready"):
                return CheckResult("window", False, "the window did not finish loading a book")
            return CheckResult("window", True, f"main window shown with {docks} panes")
        except Exception as exc:  # report, never crash the self-test
            return CheckResult("window", False, f"{type(exc).__name__}: {exc}")


def run_self_test(args: argparse.Namespace) -> int:
    results = [*run_checks(), _window_check(args)]
    print(f"sdrdesk {__version__} self-test")
    for result in results:
        print(f"  [{'ok' if result.ok else 'FAILED'}] {result.name}: {result.detail}")
    failed = [r for r in results if not r.ok]
    print("self-test passed" if not failed else f"self-test FAILED ({len(failed)} check(s))")
    sys.stdout.flush()
    return 0 if not failed else 1
