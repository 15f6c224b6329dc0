"""Picture of File > Export for CRM on a worked book (preview counts, push section).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.crm.screenshot_crm_dialog OUT.png DATA_DIR
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.crm.helpers import make_book, work_a_day
from tests.screenshot_app import open_app, spin


def main(out: Path, data: Path) -> int:
    data.mkdir(parents=True, exist_ok=True)
    book = data / "worked.db"
    if not book.exists():
        ws, clock = make_book(book)
        work_a_day(ws, clock)
        ws.close()
    parts = open_app(data, book=book)
    dialog = parts.window.show_crm_export()
    for _ in range(100):
        spin(50)
        if dialog.table.rowCount() and dialog.outbox_label.text():
            break
    spin(200)
    dialog.grab().save(str(out))
    print(f"wrote {out}")
    prefs = parts.window.show_preferences()  # the token entry and its connection test
    prefs.crm_token.setText("pat-na1-not-a-real-token")
    for _ in range(40):
        spin(50)
        if prefs.crm_token_state.text():
            break
    prefs.show_test_result("HubSpot refused the private-app token (HTTP 401): check it and its scopes "
                           "(Preferences > HubSpot push). Nothing was lost; the outbox keeps every record.")
    spin(200)
    prefs_out = out.with_name(out.stem + "-preferences" + out.suffix)
    prefs.grab().save(str(prefs_out))
    print(f"wrote {prefs_out}")
    parts.runner.shutdown()
    parts.ctx.workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
