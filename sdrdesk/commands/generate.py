"""`sdrdesk generate OUT.db --accounts N --contacts N --activities N`: write a book of any size."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sdrdesk.services.book_generator import BookSize, generated_summary, write_book

NAME = "generate"
HELP = "write a new demo or benchmark book of the given size"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the new book file to write (must not exist)")
    parser.add_argument("--accounts", type=int, default=400)
    parser.add_argument("--contacts", type=int, default=1500)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--enrollments", type=int, default=None,
                        help="contacts enrolled in a sequence (default: a fifth of the contacts)")
    parser.add_argument("--meetings", type=int, default=0,
                        help="meetings with a realistic lifecycle (for metrics and the review)")
    parser.add_argument("--seed", type=int, default=7, help="same seed, same book")


def run(args: argparse.Namespace) -> int:
    if min(args.accounts, args.contacts, args.activities) < 0 or args.accounts < 1:
        print("sdrdesk generate: sizes must be positive (at least one account)", file=sys.stderr)
        return 2
    if args.out.exists() and args.out.stat().st_size > 0:
        print(f"sdrdesk generate: {args.out} already exists; choose a new file", file=sys.stderr)
        return 2
    started = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        print(f"  {stage}: {done:,}/{total:,}", file=sys.stderr, flush=True)

    if args.enrollments is not None and args.enrollments < 0:
        print("sdrdesk generate: --enrollments must be 0 or more", file=sys.stderr)
        return 2
    size = BookSize(args.accounts, args.contacts, args.activities, args.enrollments,
                    meetings=max(0, args.meetings))
    write_book(args.out, size, seed=args.seed, progress=progress)
    counts = generated_summary(args.out)
    took = time.perf_counter() - started
    print(f"wrote {args.out} in {took:.1f} s: "
          + ", ".join(f"{n:,} {table}" for table, n in counts.items()))
    return 0
