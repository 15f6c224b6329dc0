"""Named dock layouts ("Calling", "Research", "Coaching") and the user's saved ones.

A built-in layout is data: which docks go to which area, which are tabbed together, which
are hidden, and relative sizes. User layouts are `saveGeometry()`/`saveState(LAYOUT_VERSION)`
pairs; if `restoreState` refuses one (docks changed since), the default layout applies.
Bump LAYOUT_VERSION whenever the set of docks changes.
"""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from sdrdesk.ui import settings as S
from sdrdesk.ui.settings import Settings

LAYOUT_VERSION = 4  # 2: the Call dock; 3: the Outreach dock; 4: the Coaching dock
DEFAULT_LAYOUT = "Calling"

Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class Column:
    area: Area
    stacks: tuple[tuple[str, ...], ...]  # top to bottom; docks in one stack are tabbed
    width: int  # relative width of the area
    heights: tuple[int, ...] = ()  # relative heights of the stacks


@dataclass(frozen=True)
class LayoutSpec:
    name: str
    columns: tuple[Column, ...]
    hidden: tuple[str, ...] = ()


BUILTIN_LAYOUTS: dict[str, LayoutSpec] = {
    "Calling": LayoutSpec("Calling", (
        Column(Area.LeftDockWidgetArea,
               (("pane.today", "pane.accounts"), ("pane.call", "pane.outreach"), ("pane.timeline",)),
               width=36, heights=(38, 34, 28)),
        Column(Area.RightDockWidgetArea,
               (("pane.research",), ("pane.script", "pane.qualification", "pane.handoff")),
               width=64, heights=(40, 60)),
    ), hidden=("pane.metrics", "pane.coaching")),
    "Research": LayoutSpec("Research", (
        Column(Area.LeftDockWidgetArea, (("pane.accounts", "pane.today"),), width=45),
        Column(Area.RightDockWidgetArea, (("pane.research",), ("pane.timeline",)),
               width=55, heights=(65, 35)),
    ), hidden=("pane.script", "pane.qualification", "pane.handoff", "pane.metrics", "pane.call",
               "pane.outreach", "pane.coaching")),
    "Coaching": LayoutSpec("Coaching", (
        # The manager's first look is the rep's month (issue 17): Metrics gets the big area.
        Column(Area.LeftDockWidgetArea, (("pane.metrics",), ("pane.accounts",)),
               width=58, heights=(64, 36)),
        Column(Area.RightDockWidgetArea,
               (("pane.timeline", "pane.research"),
                ("pane.coaching", "pane.qualification", "pane.handoff")),
               width=42, heights=(35, 65)),
    ), hidden=("pane.today", "pane.script", "pane.call", "pane.outreach")),
}


def apply_builtin(window: QMainWindow, docks: dict[str, QDockWidget], name: str) -> None:
    spec = BUILTIN_LAYOUTS.get(name, BUILTIN_LAYOUTS[DEFAULT_LAYOUT])
    for dock in docks.values():
        dock.setFloating(False)
        window.removeDockWidget(dock)
    width_docks: list[QDockWidget] = []
    widths: list[int] = []
    for column in spec.columns:
        # Split first, tabify after: splitting a dock that is already tabbed adds a tab instead.
        firsts = [docks[stack[0]] for stack in column.stacks]
        window.addDockWidget(column.area, firsts[0])
        for above, below in itertools.pairwise(firsts):
            window.splitDockWidget(above, below, Qt.Orientation.Vertical)
        for first, stack in zip(firsts, column.stacks, strict=True):
            for other in stack[1:]:
                window.tabifyDockWidget(first, docks[other])
            for member in stack:
                docks[member].show()
            first.raise_()
        width_docks.append(firsts[0])
        widths.append(column.width * 10)
        if column.heights and len(firsts) > 1:
            window.resizeDocks(firsts, [h * 10 for h in column.heights], Qt.Orientation.Vertical)
    window.resizeDocks(width_docks, widths, Qt.Orientation.Horizontal)
    for hidden in spec.hidden:
        if hidden in docks and not docks[hidden].isFloating():
            window.addDockWidget(Area.RightDockWidgetArea, docks[hidden])
            docks[hidden].hide()


def _encode(data: QByteArray) -> str:
    return base64.b64encode(bytes(data.data())).decode("ascii")


def _decode(text: str) -> QByteArray:
    return QByteArray(base64.b64decode(text.encode("ascii")))


def save_named(window: QMainWindow, settings: Settings, name: str) -> None:
    layouts = dict(settings.get(S.SAVED_LAYOUTS))
    layouts[name] = {
        "version": LAYOUT_VERSION,
        "geometry": _encode(window.saveGeometry()),
        "state": _encode(window.saveState(LAYOUT_VERSION)),
    }
    settings.set(S.SAVED_LAYOUTS, layouts)


def saved_names(settings: Settings) -> list[str]:
    return sorted(settings.get(S.SAVED_LAYOUTS))


def restore_named(window: QMainWindow, settings: Settings, name: str) -> bool:
    entry = settings.get(S.SAVED_LAYOUTS).get(name)
    if not isinstance(entry, dict) or entry.get("version") != LAYOUT_VERSION:
        return False
    try:
        return bool(window.restoreState(_decode(entry["state"]), LAYOUT_VERSION))
    except (KeyError, ValueError, TypeError):
        return False


def delete_named(settings: Settings, name: str) -> None:
    layouts = dict(settings.get(S.SAVED_LAYOUTS))
    layouts.pop(name, None)
    settings.set(S.SAVED_LAYOUTS, layouts)
