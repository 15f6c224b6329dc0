"""`sdrdesk rep {export,inspect,import,undo,conflicts,take-other,keep}`: rep files headless.

    sdrdesk rep export OUT.sdrdesk [--data PATH] [--json] [--passphrase-stdin] [--rep NAME]
    sdrdesk rep inspect FILE [--passphrase-stdin] [--json]
    sdrdesk rep import FILE [--data PATH] [--json] [--passphrase-stdin]
    sdrdesk rep undo | conflicts | take-other ID | keep ID   [--data PATH] [--json]

A refused file prints one line and exits 1; the book is left untouched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sdrdesk.domain.errors import SdrdeskError

NAME = "rep"
HELP = "rep files (.sdrdesk): export, inspect, merge-import, conflicts, undo"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="rep_command", metavar="ACTION", required=True)

    def common(p: argparse.ArgumentParser, *, book: bool = True, secret: bool = False) -> None:
        if book:
            p.add_argument(
                "--data",
                dest="rep_data",
                metavar="PATH",
                help="data folder or book file (same as the global --data)",
            )
        p.add_argument("--json", action="store_true", help="print a JSON report")
        if secret:
            p.add_argument(
                "--passphrase-stdin",
                action="store_true",
                help="read a passphrase from the first line of standard input",
            )

    p = sub.add_parser("export", help="write the whole book to a rep file")
    p.add_argument("out", type=Path)
    p.add_argument("--rep", dest="rep_name", help="the rep's name recorded in the file")
    common(p, secret=True)
    p = sub.add_parser("inspect", help="print a rep file's manifest and check it, importing nothing")
    p.add_argument("file", type=Path)
    common(p, book=False, secret=True)
    p = sub.add_parser("import", help="merge a rep file into the book (a backup is taken first)")
    p.add_argument("file", type=Path)
    common(p, secret=True)
    p = sub.add_parser("undo", help="undo the last rep-file import (restores its backup)")
    common(p)
    p = sub.add_parser("conflicts", help="list records changed on both sides")
    p.add_argument("--all", action="store_true", help="include resolved conflicts")
    common(p)
    p = sub.add_parser("take-other", help="replace a conflict's kept version with the other one")
    p.add_argument("conflict_id", help="a conflict id (or its first characters)")
    common(p)
    p = sub.add_parser("keep", help="mark a conflict resolved, keeping the kept version")
    p.add_argument("conflict_id")
    common(p)


def _out(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, indent=1, default=str) if args.json else text)


def _side(kept_side: str) -> str:
    return "my" if kept_side == "mine" else "the file's"


def run(args: argparse.Namespace) -> int:
    from sdrdesk.domain.clock import SystemClock
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.services.repfile.service import RepFileService, inspect_rep_file
    from sdrdesk.storage.engine import open_book

    action = args.rep_command
    try:
        passphrase = None
        if getattr(args, "passphrase_stdin", False):
            passphrase = sys.stdin.readline().rstrip("\r\n")
            if not passphrase:
                print("sdrdesk rep: an empty passphrase was given", file=sys.stderr)
                return 2
        if action == "inspect":
            found = inspect_rep_file(args.file, passphrase)
            m = found.manifest
            data = {
                "file": str(args.file),
                "ok": True,
                "encrypted": found.encrypted,
                **{
                    k: m.get(k)
                    for k in (
                        "format_version",
                        "schema_version",
                        "app_version",
                        "kind",
                        "rep_name",
                        "device_id",
                        "exported_at",
                    )
                },
                "counts": found.counts,
                "members": m.get("members"),
            }
            lines = [
                f"{args.file.name}: a valid sdrdesk rep file ({found.kind}"
                + (", encrypted" if found.encrypted else "")
                + ")",
                f"  rep: {found.rep_name}   device: {m['device_id']}",
                f"  exported: {found.exported_at} UTC by sdrdesk {m.get('app_version')}"
                f" (file format {m['format_version']}, book format {m['schema_version']})",
            ]
            lines += [
                f"  {stem}: {n:,} records, sha256 {m['members'][stem]['sha256'][:16]}… ok"
                for stem, n in found.counts.items()
                if n
            ]
            _out(args, data, "\n".join(lines))
            return 0
        paths = resolve_data_paths(getattr(args, "rep_data", None) or getattr(args, "data", None))
        if not paths.book.is_file():
            print(f"sdrdesk rep: there is no book at {paths.book}", file=sys.stderr)
            return 1
        open_book(paths.book).close()  # refuses foreign/newer books; upgrades old ones first
        service = RepFileService(paths.book, SystemClock(), paths.backups)
        if action == "export":
            result = service.export(args.out, passphrase=passphrase, rep_name=args.rep_name)
            data = {
                "file": str(result.path),
                "bytes": result.size_bytes,
                "encrypted": result.encrypted,
                "counts": result.counts,
                "device_id": result.manifest["device_id"],
                "rep_name": result.manifest["rep_name"],
            }
            _out(
                args,
                data,
                f"wrote {sum(result.counts.values()):,} records to {result.path}"
                f" ({result.size_bytes:,} bytes{', encrypted' if result.encrypted else ''})",
            )
        elif action == "import":
            report = service.import_file(args.file, passphrase=passphrase).value
            text = (
                f"merged {args.file.name}: {report.added:,} added, {report.updated:,} updated, "
                f"{report.deleted:,} deleted, {len(report.conflicts):,} conflicts"
                + ("\n  see them with: sdrdesk rep conflicts" if report.conflicts else "")
                + "\n  undo with: sdrdesk rep undo"
            )
            _out(args, report.as_dict(), text)
        elif action == "undo":
            undone = service.undo_last_import().value
            _out(
                args,
                {"undone": undone.file_name, "restored_from": str(undone.restored_from)},
                f"undid the import of {undone.file_name} (the book is as it was before it)",
            )
        elif action == "conflicts":
            found = service.conflicts(open_only=not args.all)
            data = {
                "conflicts": [
                    {
                        "id": x.id,
                        "table": x.table,
                        "record_id": x.record_id,
                        "kept_side": x.kept_side,
                        "status": x.status,
                        "fields": x.differing_fields(),
                        "kept": x.kept,
                        "other": x.other,
                    }
                    for x in found
                ]
            }
            lines = [f"{len(found)} conflict(s)"]
            for x in found:
                lines.append(
                    f"- {x.id[:8]} {x.table} {x.record_id[:8]} kept {_side(x.kept_side)} version"
                    f" [{x.status}]"
                )
                for name in x.differing_fields():
                    lines.append(f"    {name}: kept {x.kept.get(name)!r}  other {x.other.get(name)!r}")
            _out(args, data, "\n".join(lines))
        elif action == "take-other":
            info = service.take_other(args.conflict_id).value
            _out(args, {"taken": info.id}, f"took the other version of {info.table} {info.record_id[:8]}")
        elif action == "keep":
            service.keep(args.conflict_id)
            _out(args, {"kept": args.conflict_id}, "kept; the conflict is resolved")
    except (SdrdeskError, OSError) as exc:
        message = exc.user_message if isinstance(exc, SdrdeskError) else str(exc)
        print(f"sdrdesk rep {action}: {message}", file=sys.stderr)
        return 1
    return 0
