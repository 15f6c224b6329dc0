"""`sdrdesk export {contacts,accounts} OUT.csv [--data DB]`: write the book to CSV.

Same column conventions as the importer reads (it round-trips), formula-injection safe.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdrdesk.domain.errors import SdrdeskError

NAME = "export"
HELP = "export contacts or accounts to a CSV file (re-importable, safe to open in spreadsheets)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("contacts", "accounts"), help="which records to export")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--data", dest="export_data", metavar="DB",
                        help="data folder or book file to export from (same as the global --data)")


def run(args: argparse.Namespace) -> int:
    from sdrdesk.services.csv_export import export_accounts, export_contacts
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    paths = resolve_data_paths(getattr(args, "export_data", None) or getattr(args, "data", None))
    if not paths.book.is_file():
        print(f"sdrdesk export: there is no book at {paths.book}", file=sys.stderr)
        return 1
    book = open_book(paths.book, check=True)  # a damaged book is refused, not half exported
    try:
        export = export_contacts if args.what == "contacts" else export_accounts
        result = export(uow_factory_for(book.session_factory), args.out)
    except (SdrdeskError, OSError) as exc:
        message = exc.user_message if isinstance(exc, SdrdeskError) else str(exc)
        print(f"sdrdesk export: {message}", file=sys.stderr)
        return 1
    finally:
        book.close()
    print(f"wrote {result.rows:,} {args.what} to {result.path}")
    return 0
