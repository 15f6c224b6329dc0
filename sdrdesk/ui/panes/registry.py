"""Which pane class fills which dock (`docks.py` names them). Imported after the first paint.

Plain imports, so tools and readers see every arrow from the window to its panes.
"""

from __future__ import annotations

from sdrdesk.ui.panes.accounts import AccountsPane
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.panes.call import CallPane
from sdrdesk.ui.panes.coaching import CoachingPane
from sdrdesk.ui.panes.docks import PANE_NAMES
from sdrdesk.ui.panes.handoff import HandoffPane
from sdrdesk.ui.panes.metrics import MetricsPane
from sdrdesk.ui.panes.outreach import OutreachPane
from sdrdesk.ui.panes.qualification import QualificationPane
from sdrdesk.ui.panes.research import ResearchPane
from sdrdesk.ui.panes.script import ScriptPane
from sdrdesk.ui.panes.timeline import TimelinePane
from sdrdesk.ui.panes.today import TodayPane

PANE_CLASSES: dict[str, type[Pane]] = {
    cls.OBJECT_NAME: cls
    for cls in (TodayPane, AccountsPane, ResearchPane, ScriptPane, QualificationPane, HandoffPane,
                TimelinePane, MetricsPane, CallPane, OutreachPane,
                CoachingPane)
}

if set(PANE_CLASSES) != set(PANE_NAMES):  # a dock without a pane, or a pane without a dock
    raise RuntimeError(f"panes and docks differ: {sorted(set(PANE_CLASSES) ^ set(PANE_NAMES))}")
