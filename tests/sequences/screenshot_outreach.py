"""Today and Outreach on the demo book: the first e-mail step selected, its message written.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.sequences.screenshot_outreach OUT.png DATA_DIR [PANE]
With PANE (e.g. pane.script) only that pane is rendered (the Script pane on an e-mail step).
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sdrdesk.ui import settings as S
from tests.screenshot_app import open_app, spin


def main(out: Path, data: Path, pane: str | None = None) -> int:
    parts = open_app(data, size=(1440, 900), settings={S.REP_NAME: "Sam Carter", S.REP_COMPANY: "Rampwise"})
    window = parts.window
    spin(800)
    today = window.panes["pane.today"]
    for row in range(today.model.rowCount()):  # type: ignore[attr-defined]
        found = today.model.row_at(row)  # type: ignore[attr-defined]
        if found is not None and found.task.channel == "email":
            today.select_row(row)  # type: ignore[attr-defined]
            break
    spin(1200)
    if pane:
        dock = window.docks[pane]
        dock.show()
        dock.raise_()
        spin(400)
    ok = (window.panes[pane] if pane else window).grab().save(str(out))
    parts.app.quit()
    parts.runner.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None))
