"""Screenshots of the Metrics pane on the demo book: the Coaching layout, then each tab alone.

Run: THEME=dark .venv/bin/python -m tests.metrics.screenshot_metrics OUT_DIR DATA_DIR
Writes window.png, overview.png, review.png, onboarding.png, definitions.png into OUT_DIR.
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sdrdesk.ui import settings as S
from tests.screenshot_app import open_app, spin


def main(out: Path, data: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    parts = open_app(data, size=(1500, 950),
                     settings={S.CURRENT_LAYOUT: "Coaching", S.REP_TIMEZONE: "America/New_York"})
    window = parts.window
    window.apply_layout("Coaching")  # type: ignore[attr-defined]
    pane = window.panes["pane.metrics"]
    pane.period_box.setCurrentIndex(pane.period_box.findData("last_30"))  # type: ignore[attr-defined]
    spin(1500)
    ok = window.grab().save(str(out / "window.png"))
    dock = window.docks["pane.metrics"]
    dock.setFloating(True)
    dock.resize(1100, 900)
    for index, name in enumerate(("overview", "review", "onboarding", "definitions")):
        if name == "review":  # the demo's no-meeting list shows over a quarter of records
            pane.period_box.setCurrentIndex(pane.period_box.findData("last_90"))  # type: ignore[attr-defined]
        pane.tabs.setCurrentIndex(index)  # type: ignore[attr-defined]
        spin(1500)
        ok = pane.grab().save(str(out / f"{name}.png")) and ok
    parts.app.quit()
    parts.runner.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
