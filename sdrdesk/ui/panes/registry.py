"""The panes of the workspace, in menu order. Each becomes one dock with a stable objectName."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sdrdesk.ui.panes.base import Pane


@dataclass(frozen=True)
class PaneSpec:
    object_name: str  # the dock's objectName; saveState depends on it never changing
    title: str
    factory: str  # "module:Class"
    shortcut: str  # shows and focuses the pane

    def load(self) -> type[Pane]:
        module_name, class_name = self.factory.split(":")
        cls: type[Pane] = getattr(importlib.import_module(module_name), class_name)
        return cls


PANES: tuple[PaneSpec, ...] = (
    PaneSpec("pane.today", "Today", "sdrdesk.ui.panes.today:TodayPane", "Alt+1"),
    PaneSpec("pane.accounts", "Accounts and contacts", "sdrdesk.ui.panes.accounts:AccountsPane", "Alt+2"),
    PaneSpec("pane.research", "Account research", "sdrdesk.ui.panes.research:ResearchPane", "Alt+3"),
    PaneSpec("pane.script", "Script and objections", "sdrdesk.ui.panes.script:ScriptPane", "Alt+4"),
    PaneSpec("pane.qualification", "Qualification",
             "sdrdesk.ui.panes.qualification:QualificationPane", "Alt+5"),
    PaneSpec("pane.handoff", "Handoff", "sdrdesk.ui.panes.handoff:HandoffPane", "Alt+6"),
    PaneSpec("pane.timeline", "Timeline", "sdrdesk.ui.panes.timeline:TimelinePane", "Alt+7"),
    PaneSpec("pane.metrics", "Metrics and review", "sdrdesk.ui.panes.metrics:MetricsPane", "Alt+8"),
    PaneSpec("pane.call", "Call", "sdrdesk.ui.panes.call:CallPane", "Alt+9"),
)

PANE_NAMES: tuple[str, ...] = tuple(spec.object_name for spec in PANES)
