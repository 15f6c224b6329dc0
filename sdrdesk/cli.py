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

from sdrdesk import __version__
from sdrdesk.commands import COMMANDS


def _load_commands() -> dict[str, ModuleType]:
    modules = [importlib.import_module(name) for name in COMMANDS]
    return {module.NAME: module for module in modules}


def build_parser(commands: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
        return int(commands[args.command].run(args))
    from sdrdesk.app import run_gui  # Qt only when a window is wanted

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
