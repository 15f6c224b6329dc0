"""`sdrdesk report weekly|monthly [--data PATH] [--csv OUT] [--pdf OUT]`: the source review.

Weekly is this week (Monday to today), monthly this month, in the rep's zone (`--zone`, else
the system's); `--previous` takes the last complete week or month. Without --csv or --pdf
the metrics and the review by source are printed. The PDF needs Qt, which is loaded only
then (offscreen when there is no display).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from sdrdesk.domain.errors import SdrdeskError

NAME = "report"
HELP = "the weekly or monthly review by source and segment, as text, CSV or PDF"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("span", choices=("weekly", "monthly"), help="which review")
    parser.add_argument("--data", dest="report_data", metavar="PATH",
                        help="data folder or book file (same as the global --data)")
    parser.add_argument("--csv", type=Path, metavar="OUT", help="write the review as CSV")
    parser.add_argument("--pdf", type=Path, metavar="OUT", help="write the review as PDF")
    parser.add_argument("--previous", action="store_true",
                        help="the last complete week or month instead of the current one")
    parser.add_argument("--zone", metavar="TZ", default="",
                        help="the rep's time zone, e.g. America/New_York (default: the system's)")
    parser.add_argument("--goal", type=int, default=0, metavar="N",
                        help="monthly meeting goal, for the pace line")


def _fail(message: str) -> int:
    print(f"sdrdesk report: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from sdrdesk.domain.clock import SystemClock
    from sdrdesk.domain.metrics import PeriodKind
    from sdrdesk.services.metrics import rep_zone_name
    from sdrdesk.services.metrics_export import ReviewBundle, write_review_csv
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.services.workspace import open_workspace

    if args.zone:
        try:
            ZoneInfo(args.zone)
        except (KeyError, ValueError):
            return _fail(f"unknown time zone {args.zone!r} (use a name like Europe/Berlin)")
    for out in (args.csv, args.pdf):
        if out is not None and not Path(out).resolve().parent.is_dir():
            return _fail(f"the folder for {out} does not exist")
    paths = resolve_data_paths(getattr(args, "report_data", None) or getattr(args, "data", None))
    if not paths.book.is_file():
        return _fail(f"there is no book at {paths.book}")
    kinds = {("weekly", False): PeriodKind.THIS_WEEK, ("weekly", True): PeriodKind.LAST_WEEK,
             ("monthly", False): PeriodKind.THIS_MONTH, ("monthly", True): PeriodKind.LAST_MONTH}
    zone = rep_zone_name(args.zone)
    try:
        ws = open_workspace(paths.book, SystemClock())
    except SdrdeskError as exc:
        return _fail(exc.user_message)
    try:
        period = ws.metrics.period(kinds[(args.span, args.previous)], zone)
        bundle = ReviewBundle(f"{args.span.capitalize()} review", ws.metrics.report(period, args.goal),
                              ws.metrics.reviews(period))
    except SdrdeskError as exc:
        return _fail(exc.user_message)
    except sqlite3.DatabaseError as exc:
        return _fail(f"the book could not be read ({type(exc).__name__}: {exc})")
    finally:
        ws.close()
    try:
        if args.csv is not None:
            print(f"wrote {write_review_csv(bundle, args.csv)}")
        if args.pdf is not None:
            print(f"wrote {_write_pdf(bundle, args.pdf)}")
    except OSError as exc:
        return _fail(f"could not write the report: {exc.strerror or exc}")
    if args.csv is None and args.pdf is None:
        _print(bundle)
    return 0


def _write_pdf(bundle: object, out: Path) -> Path:
    headless = not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
    if headless and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from sdrdesk.ui.metrics_charts import write_review_pdf

    _app = QApplication.instance() or QApplication(["sdrdesk-report"])
    return write_review_pdf(bundle, out)  # type: ignore[arg-type]


def _print(bundle: object) -> None:
    from sdrdesk.domain import metrics as d
    from sdrdesk.domain.metrics import Dimension

    report, reviews = bundle.report, bundle.reviews  # type: ignore[attr-defined]
    print(f"{bundle.title} · {report.period.label} · {report.period.zone}")  # type: ignore[attr-defined]
    for v in report.values:
        print(f"  {v.label:<20} {v.text:>14}")
    if report.pace is not None:
        print(f"  {report.pace.text}")
    review = reviews[Dimension.SOURCE]
    print("\nBy source (contacts created in the period, followed up to today):")
    header = ["#", "Source", *[c.label for c in d.REVIEW_COLUMNS]]
    rows = [[str(r.rank), r.group, *r.cells(review.currency)] for r in review.rows]
    rows.append(["", "Total", *review.total.cells(review.currency)])
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    for row in (header, *rows):
        print("  " + "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    for r in review.flagged:
        print(f"  ! volume without meetings: {r.group}: {r.flag_reason}")
