"""The docks of the main window, in menu order: names, titles and keys only.

Light on purpose: the window shell builds its docks and menus from this before the first
paint; the pane classes (and the storage stack they bring) load later through `registry.py`.
Each objectName is saved in the dock layout: never change one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DockSpec:
    object_name: str  # the dock's objectName; saveState depends on it never changing
    title: str
    shortcut: str  # shows and focuses the pane


DOCKS: tuple[DockSpec, ...] = (
    DockSpec("pane.today", "Today", "Alt+1"),
    DockSpec("pane.accounts", "Accounts and contacts", "Alt+2"),
    DockSpec("pane.research", "Account research", "Alt+3"),
    DockSpec("pane.script", "Script and objections", "Alt+4"),
    DockSpec("pane.qualification", "Qualification", "Alt+5"),
    DockSpec("pane.handoff", "Handoff", "Alt+6"),
    DockSpec("pane.timeline", "Timeline", "Alt+7"),
    DockSpec("pane.metrics", "Metrics and review", "Alt+8"),
    DockSpec("pane.call", "Call", "Alt+9"),
    DockSpec("pane.outreach", "Outreach", "Alt+0"),
    DockSpec("pane.coaching", "Coaching", "Alt+Shift+0"),
)

PANE_NAMES: tuple[str, ...] = tuple(spec.object_name for spec in DOCKS)
