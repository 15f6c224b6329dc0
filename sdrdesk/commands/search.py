"""`sdrdesk search QUERY [--data PATH] [--limit N] [--json]`: the pane's ranked results, in a terminal.

For scripts and for checking the ranking without a window: the same service call as the
Accounts pane (relevance order), accounts first, then contacts; each line says what matched.
"""

from __future__ import annotations

import argparse
import json
import sys

from sdrdesk.domain.errors import SdrdeskError

NAME = "search"
HELP = "search the book as the Accounts pane does (best match first) and print the results"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="what to search for: a name, company, e-mail, title or number")
    parser.add_argument("--data", dest="search_data", metavar="PATH",
                        help="data folder or book file (same as the global --data)")
    parser.add_argument("--limit", type=int, default=10, metavar="N",
                        help="at most N accounts and N contacts (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of lines")


def run(args: argparse.Namespace) -> int:
    from sdrdesk.domain.clock import SystemClock
    from sdrdesk.services.paths import resolve_data_paths
    from sdrdesk.services.workspace import open_workspace

    if args.limit < 1:
        print("sdrdesk search: --limit must be at least 1", file=sys.stderr)
        return 2
    paths = resolve_data_paths(getattr(args, "search_data", None) or getattr(args, "data", None))
    if not paths.book.is_file():
        print(f"sdrdesk search: there is no book at {paths.book}", file=sys.stderr)
        return 1
    try:
        workspace = open_workspace(paths.book, SystemClock())
    except (SdrdeskError, OSError) as exc:
        message = exc.user_message if isinstance(exc, SdrdeskError) else str(exc)
        print(f"sdrdesk search: {message}", file=sys.stderr)
        return 1
    try:
        found, hits = workspace.browse.search_with_hits(args.query, args.limit)
    except Exception as exc:  # one clear line, never a traceback
        print(f"sdrdesk search: the search failed ({type(exc).__name__})", file=sys.stderr)
        return 1
    finally:
        workspace.close()
    if args.json:
        print(json.dumps({
            "query": args.query, "kind": found.query.kind.value,
            "accounts": len(found.accounts), "contacts": len(found.contacts or []),
            "suggestions": list(found.suggestions),
            "results": [{"kind": h.kind, "id": str(h.id), "name": h.name, "company": h.company,
                         "matched": list(h.matched)} for h in hits],
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"{len(found.accounts):,} accounts, {len(found.contacts or []):,} contacts"
          + (" (names only: first ones)" if found.truncated else ""))
    for hit in hits:
        company = f"  ({hit.company})" if hit.company else ""
        print(f"{hit.kind:<8} {hit.id}  {hit.name}{company}  [{', '.join(hit.matched) or '-'}]")
    if found.suggestions:
        print(f"Did you mean {', '.join(found.suggestions)}?")
    return 0
