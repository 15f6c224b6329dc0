"""Command-line entry point: parses arguments, runs a sub-command or starts the window.

Sub-commands print to the terminal and never import Qt; the window is started by
`sdrdesk.app.run_gui`, imported only when it is needed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from sdrdesk import __version__
from sdrdesk.commands import COMMANDS


def _load_commands() -> dict[str, ModuleType]:
    modules = [importlib.import_module(name) for name in COMMANDS]
    return {module.NAME: module for module in modules}


class _Parser(argparse.ArgumentParser):
    """A refused argument is one line (and exit 2), like every other refusal; --help has the rest."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser(commands: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sdrdesk", description="A desktop workstation for Sales Development Representatives."
    )
    parser.add_argument("--version", action="version", version=f"sdrdesk {__version__}")
    parser.add_argument("--data", metavar="PATH",
                        help="data folder or book file (default: the per-user data folder; "
                             "also settable with SDRDESK_DATA)")
    parser.add_argument("--demo", action="store_true", help="open the demo book (its own file)")
    parser.add_argument("--open", metavar="FILE", dest="open_file",
                        help="open this book file (what a double-click on a file runs)")
    parser.add_argument("--coach", metavar="FILE",
                        help="open a rep file read-only for coaching (notes go to your own book)")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="start, load the book, render the main window to PNG and exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (database, search, phones, keychain, window)")
    parser.add_argument("--theme", choices=("system", "light", "dark"),
                        help="override the colour scheme for this run")
    parser.add_argument("--settings", metavar="INI", help=argparse.SUPPRESS)  # tests, isolation
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in commands.items():
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    commands = _load_commands()
    args = build_parser(commands).parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command:
        return run_command(commands[args.command], args)
    from sdrdesk.app import run_gui  # Qt only when a window is wanted

    return run_gui(args)


def run_command(module: ModuleType, args: argparse.Namespace) -> int:
    """Run one sub-command; whatever it could not do becomes one clear line and exit 1.

    The one place sub-commands' failures are turned into words (reliability, issue #11): a
    refused book, file or argument never prints a traceback. Unexpected errors name their
    class only; the traceback goes to the log file, never to the terminal.
    """
    from sdrdesk.domain import write_intent
    from sdrdesk.domain.errors import SdrdeskError

    name = getattr(module, "NAME", "command")
    try:
        with write_intent.writing():  # a sub-command's writes begin IMMEDIATE (busy-safe)
            return int(module.run(args))
    except SdrdeskError as exc:
        return _fail(name, exc.user_message)
    except KeyboardInterrupt:
        return _fail(name, "interrupted; nothing half-done was kept", code=130)
    except MemoryError:
        return _fail(name, "out of memory; nothing half-done was kept")
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        return _fail(name, f"{exc.strerror or type(exc).__name__}{where}")
    except Exception as exc:
        return _fail(name, _describe_unexpected(exc, args))


def _describe_unexpected(exc: Exception, args: argparse.Namespace) -> str:
    from sdrdesk.domain.errors import SdrdeskError

    try:  # a database error SQLAlchemy did not hand to our translator (raw sqlite3, say)
        import sqlite3

        from sdrdesk.storage.engine import BookHealth, translate_error

        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, sqlite3.Error):
                translated = translate_error(cause, BookHealth())
                if isinstance(translated, SdrdeskError):
                    return translated.user_message
            cause = cause.__cause__ or cause.__context__
    except ImportError:  # pragma: no cover - the storage stack is part of every install
        pass
    where = _log_traceback(exc, args)
    return (f"stopped by an unexpected {type(exc).__name__}"
            + (f"; details are in {where}" if where else "") + ". Nothing half-done was kept.")


def _log_traceback(exc: Exception, args: argparse.Namespace) -> str | None:
    import logging

    from sdrdesk.services.logging_setup import setup_logging
    from sdrdesk.services.paths import resolve_data_paths

    try:
        path = setup_logging(resolve_data_paths(getattr(args, "data", None)).logs)
    except Exception:
        return None
    if path is None:
        return None
    logging.getLogger("sdrdesk.cli").error("sub-command failed: %s", type(exc).__name__, exc_info=exc)
    return str(path)


def _fail(name: str, message: str, *, code: int = 1) -> int:
    print(f"sdrdesk {name}: {' '.join(message.split())}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
