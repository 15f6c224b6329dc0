"""`sdrdesk import FILE [--source LABEL] [--data DB] [--map JSON] [--json] [--enrol SEQUENCE
[--daily-cap CHANNEL=N ...]]`.

Imports a CSV export; with `--enrol`, the imported contacts are then enrolled in that
sequence (by name; do-not-contact ones refused, the daily cap spreads the first tasks).
The daily caps are the built-in defaults unless `--daily-cap` overrides a channel: the CLI
imports no Qt, so it never reads the caps saved in the app's Preferences (QSettings).

Prints the same report as the wizard; exits 1 (message on stderr) when the file is refused,
so scripts can tell "imported with some rejected rows" (exit 0) from "nothing imported".
A `--map` is remembered for files with the same columns, like a mapping made in the wizard.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import uuid
from pathlib import Path

from sdrdesk.domain.cadence import CHANNELS, DEFAULT_DAILY_CAPS
from sdrdesk.domain.errors import SdrdeskError

NAME = "import"
HELP = "import accounts and contacts from a CSV export (HubSpot, Salesforce, Apollo, ...)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, nargs="?", help="the CSV file to import")
    parser.add_argument("--source", metavar="LABEL", help="source label for the imported records "
                        "(default: the file name and time)")
    parser.add_argument("--data", dest="import_data", metavar="DB",
                        help="data folder or book file to import into (same as the global --data)")
    parser.add_argument("--map", dest="mapping", metavar="JSON",
                        help='column mapping overrides, inline JSON or a JSON file: '
                             '{"Header": "contact.email", '
                             '"Other": null}')
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--policy", choices=("skip", "update", "keep_both"), default="skip",
                        help="what to do with rows already in the book (default: skip)")
    parser.add_argument("--region", default=None, metavar="CC",
                        help="country (ISO code) for phone numbers written without +country code when the "
                             "row has no country (default: inferred from the file's numbers and addresses)")
    parser.add_argument("--possible-duplicates", choices=("keep_both", "skip"), default="keep_both",
                        help="rows sharing an e-mail or website with a clearly different name "
                             "(default: keep both, counted apart)")
    parser.add_argument("--repair-splits", action="store_true",
                        help="import rows split by an unquoted delimiter, joined back where one join "
                             "clearly fits (the wizard's preview shows them)")
    parser.add_argument("--encoding", help="override the detected encoding (utf-8, cp1252, utf-16, ...)")
    parser.add_argument("--delimiter", help=r"override the detected delimiter (',', ';', '\t' or '|')")
    parser.add_argument("--report-dir", type=Path, metavar="DIR",
                        help="where to write the report and rejected rows (default: <data folder>/imports)")
    parser.add_argument("--enrol", "--enroll", dest="enrol", metavar="SEQUENCE",
                        help="enrol the imported contacts in this sequence (its name, or the start of it)")
    parser.add_argument("--daily-cap", dest="daily_caps", action="append", default=[], metavar="CHANNEL=N",
                        help="with --enrol: at most N new first tasks a day on CHANNEL (call, email, "
                             "linkedin, other); repeatable; default "
                             + ", ".join(f"{c}={n}" for c, n in DEFAULT_DAILY_CAPS.items())
                             + " (the app's Preferences are not read)")
    parser.add_argument("--undo-last", action="store_true",
                        help="instead of importing, undo the most recent import (no FILE needed)")


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    return {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(value, value)


def parse_daily_caps(items: list[str]) -> dict[str, int]:
    """`["call=20", "email=50"]` -> the caps for `enrol(caps=...)`, defaults for the other channels."""
    caps = dict(DEFAULT_DAILY_CAPS)
    for item in items:
        channel, _sep, number = item.partition("=")
        channel = channel.strip().lower().replace("e-mail", "email")
        if channel not in CHANNELS or not number.strip().isdigit() or int(number) < 1:
            raise SdrdeskError(f"--daily-cap “{item}” is not CHANNEL=N with CHANNEL one of "
                               f"{', '.join(CHANNELS)} and N at least 1.")
        caps[channel] = int(number)
    return caps


def _missing_parts(book: Path) -> list[Path]:
    """The book file and the folders above it that do not exist yet (removed if the import fails)."""
    missing = [] if book.exists() else [book]
    for parent in book.parents:
        if parent.exists():
            break
        missing.append(parent)
    return missing


def _remove_created(created: list[Path]) -> None:
    """Undo what opening a new book created (a refused import leaves nothing behind)."""
    for path in created:
        if path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()  # only when empty
        else:
            for extra in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(OSError):
                    Path(f"{path}{extra}").unlink()


def run(args: argparse.Namespace) -> int:
    from sdrdesk.domain.clock import SystemClock
    from sdrdesk.services.csv_import import (
        ColumnMapping,
        ImportOptions,
        detect,
        import_csv,
        load_overrides,
        remember_mapping,
        remembered_mapping,
        undo_last_import,
    )
    from sdrdesk.services.csv_import.importer import check_file
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.services.sequences import SequenceService
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    paths = resolve_data_paths(getattr(args, "import_data", None) or getattr(args, "data", None))
    book = None
    created: list[Path] = []
    enrolled = sequence = None
    try:
        if args.undo_last:
            paths.book.parent.mkdir(parents=True, exist_ok=True)
            book = open_book(paths.book, require_writable=True)
            result, _changes = undo_last_import(uow_factory_for(book.session_factory))
            message = {"undone": str(result.import_run_id), "file": result.file_name,
                       "accounts_removed": result.accounts_removed,
                       "contacts_removed": result.contacts_removed, "restored": result.records_restored}
            print(json.dumps(message) if args.json else
                  f"undid the import of {result.file_name}: removed {result.contacts_removed} contacts and "
                  f"{result.accounts_removed} accounts, restored {result.records_restored} records")
            return 0
        options = ImportOptions(
            source_label=args.source, default_region=(args.region or "").upper() or None, policy=args.policy,
            overrides=load_overrides(args.mapping) if args.mapping else None, encoding=args.encoding,
            delimiter=_delimiter(args.delimiter), report_dir=args.report_dir or paths.data_dir / "imports",
            possible_duplicates=args.possible_duplicates, repair_splits=args.repair_splits)
        caps = parse_daily_caps(args.daily_caps)
        if args.daily_caps and not args.enrol:
            raise SdrdeskError("--daily-cap only applies with --enrol SEQUENCE.")
        if args.file is None:
            raise SdrdeskError("name the CSV file to import (or pass --undo-last).")
        if not args.file.is_file():
            raise SdrdeskError(f"{args.file} was not found (or is not a file).")
        if not paths.book.exists():
            # A refused file must create nothing at --data: check it before the book exists. (With
            # a book, a mapping remembered for these columns may still make the file importable.)
            check_file(args.file, options)
        created = _missing_parts(paths.book)
        paths.book.parent.mkdir(parents=True, exist_ok=True)
        book = open_book(paths.book, require_writable=True)
        uow_factory = uow_factory_for(book.session_factory)
        # A mapping made earlier for the same columns (wizard or --map) is the starting point.
        headers = detect(args.file, encoding=options.encoding, delimiter=options.delimiter).headers
        options.mapping = remembered_mapping(uow_factory, headers)
        sequences = sequence = None
        if args.enrol:
            sequences = SequenceService(uow_factory, SystemClock())
            sequences.ensure_defaults()
            sequence = sequences.find(args.enrol)
            if sequence is None:  # refused before anything is imported
                names = ", ".join(f"“{s.name}”" for s in sequences.list()) or "none yet"
                raise SdrdeskError(f"no sequence called “{args.enrol}” (there are: {names}).")
        report = import_csv(args.file, uow_factory, options)
        if options.overrides:
            fields = tuple(report.mapping[h or f"#{i + 1}"] for i, h in enumerate(headers))
            remember_mapping(uow_factory, ColumnMapping(headers, fields))
        if sequences is not None and sequence is not None and report.import_run_id:
            contacts = sequences.contacts_of_import(uuid.UUID(report.import_run_id))
            enrolled = sequences.enrol(contacts, sequence.id, caps=caps).value
    except SdrdeskError as exc:
        if book is not None:
            book.close()
            book = None
            _remove_created(created)
        print(f"sdrdesk import: {exc.user_message}", file=sys.stderr)
        return 1
    finally:
        if book is not None:
            book.close()
    if args.json:
        data = report.to_dict()
        data["book"] = str(paths.book)
        if enrolled is not None:
            data["enrolled"] = {"sequence": sequence.name if sequence else "", "enrolled": enrolled.enrolled,
                                "already_active": enrolled.already_active,
                                "refused": [{"name": n, "reason": r} for n, r in enrolled.refused],
                                "first_due": dict(enrolled.first_due)}
        print(json.dumps(data, ensure_ascii=False))
    else:
        print("\n".join(report.summary_lines()))
        if enrolled is not None:
            print(f"Sequence “{sequence.name if sequence else ''}”: {enrolled.summary()}")
            for name, reason in enrolled.refused:
                print(f"  not enrolled: {name} ({reason})")
    return 0
