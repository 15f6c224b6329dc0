"""Headless sub-commands of the `sdrdesk` console script (`sdrdesk generate ...`).

Each module exposes `NAME`, `HELP`, `add_arguments(parser)` and `run(args) -> int`, and is
listed in `COMMANDS`. They import no Qt so they work on a machine without a display.
"""

from __future__ import annotations

COMMANDS: tuple[str, ...] = (
    "sdrdesk.commands.generate",
    "sdrdesk.commands.import_csv",
    "sdrdesk.commands.export_csv",
    "sdrdesk.commands.rep",
    "sdrdesk.commands.search",
    "sdrdesk.commands.report",
)
