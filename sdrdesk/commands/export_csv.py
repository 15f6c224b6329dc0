"""`sdrdesk export {activities,meetings,contacts,accounts} OUT.csv [--format F] [--since S] [--data DB]`.

Without `--format`, contacts and accounts are written in sdrdesk's own column conventions
(the importer reads them back) as before. With `--format hubspot|salesforce|plain`, or for
activities and meetings, the CRM hand-back writes the columns the CRM's import documents
(services/crm_export) and remembers where it stopped, so `--since last` exports only new work.
Every file is formula-injection safe, UTF-8 with BOM.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdrdesk.domain.errors import SdrdeskError

NAME = "export"
HELP = ("export contacts, accounts, activities or meetings to CSV (re-importable, or in "
        "HubSpot's / Salesforce's import columns; safe to open in spreadsheets)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=("activities", "meetings", "contacts", "accounts"),
                        help="which records to export")
    parser.add_argument("out", type=Path, help="the CSV file to write")
    parser.add_argument("--format", dest="crm_format", choices=("hubspot", "salesforce", "plain"),
                        help="CRM import columns (default: plain; contacts/accounts without it keep "
                             "sdrdesk's own re-importable columns)")
    parser.add_argument("--since", dest="since", metavar="last|all|DATE",
                        help="only records changed since the last export for this format (last), "
                             "since a date (YYYY-MM-DD) or everything (all, the default)")
    parser.add_argument("--preview", action="store_true",
                        help="print how many rows would be written, write nothing")
    parser.add_argument("--data", dest="export_data", metavar="DB",
                        help="data folder or book file to export from (same as the global --data)")


def run(args: argparse.Namespace) -> int:
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    paths = resolve_data_paths(getattr(args, "export_data", None) or getattr(args, "data", None))
    if not paths.book.is_file():
        print(f"sdrdesk export: there is no book at {paths.book}", file=sys.stderr)
        return 1
    crm = args.crm_format is not None or args.what in ("activities", "meetings") or args.since \
        or args.preview
    try:
        book = open_book(paths.book, check=True)  # a damaged book is refused, not half exported
    except SdrdeskError as exc:
        print(f"sdrdesk export: {exc.user_message}", file=sys.stderr)
        return 1
    try:
        uow_factory = uow_factory_for(book.session_factory)
        if not crm:
            from sdrdesk.services.csv_export import export_accounts, export_contacts

            export = export_contacts if args.what == "contacts" else export_accounts
            result = export(uow_factory, args.out)
            print(f"wrote {result.rows:,} {args.what} to {result.path}")
            return 0
        from sdrdesk.domain.clock import SystemClock
        from sdrdesk.services.crm_export import CrmService, parse_since

        service = CrmService(uow_factory, SystemClock())
        target = args.crm_format or "plain"
        since = parse_since(args.since)
        if args.preview:
            preview = service.preview(target, args.what, since)
            detail = ", ".join(f"{s.key} {s.rows:,}" for s in preview.sheets)
            print(f"{preview.rows:,} {args.what} for {target}, {preview.window.label}: {detail}")
            return 0
        result = service.export(target, args.what, args.out, since)
    except (SdrdeskError, OSError) as exc:
        message = exc.user_message if isinstance(exc, SdrdeskError) else str(exc)
        print(f"sdrdesk export: {message}", file=sys.stderr)
        return 1
    finally:
        book.close()
    for written in result.files:
        print(f"wrote {written.rows:,} {written.sheet} ({target}, {result.window.label}) to {written.path}")
    return 0
