"""Every disposition and Dial are on a key in the real window, listed in the shortcut sheet, with no clash."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from PySide6.QtGui import QKeySequence

from sdrdesk.app import build_app
from sdrdesk.domain.dispositions import DISPOSITIONS
from sdrdesk.ui.prompter import ScriptedPrompter


def test_call_keys_are_window_actions_without_clashes(qtbot, tmp_path: Path, fake_clock) -> None:  # type: ignore[no-untyped-def]
    args = argparse.Namespace(data=str(tmp_path / "data"), settings=str(tmp_path / "s.ini"), theme=None)
    parts = build_app(args, clock=fake_clock, prompter=ScriptedPrompter())
    qtbot.addWidget(parts.window)
    actions = parts.window._all_actions()  # what Help ▸ Keyboard shortcuts lists
    by_text = {a.text().replace("&", ""): a.shortcut().toString() for a in actions}
    for kind in DISPOSITIONS:
        assert by_text[f"Log call: {kind.label}"] == QKeySequence(kind.shortcut).toString()
    assert by_text["Dial"] == "Ctrl+D"
    assert by_text["Find an objection"] and by_text["Paste objection answer into notes"]
    # Pane actions too (Today's buttons, the book's Enrol…): a window-wide key must be unique.
    from PySide6.QtGui import QAction

    everything = set(actions) | set(parts.window.findChildren(QAction))
    keys = Counter(a.shortcut().toString() for a in everything if not a.shortcut().isEmpty())
    assert [k for k, n in keys.items() if n > 1] == []  # an ambiguous key fires nothing in Qt
    parts.runner.shutdown()
