"""Splitter and table-header state saved generically by objectName (Picard's way).

Every `QSplitter` and every `QHeaderView` in the window that has an objectName is saved under
that name in one settings entry, and restored when the panes are built. A widget adds nothing
but its objectName; there is no settings key per widget.
"""

from __future__ import annotations

import base64

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QHeaderView, QSplitter, QWidget

from sdrdesk.ui import settings as S

_KINDS: tuple[type[QWidget], ...] = (QSplitter, QHeaderView)


def _named(root: QWidget) -> dict[str, QSplitter | QHeaderView]:
    found: dict[str, QSplitter | QHeaderView] = {}
    for kind in _KINDS:
        for widget in root.findChildren(kind):
            name = widget.objectName()
            if name:
                found[f"{kind.__name__}/{name}"] = widget  # type: ignore[assignment]
    return found


def save_widget_state(root: QWidget, settings: S.Settings) -> None:
    states = dict(settings.get(S.WIDGET_STATE))
    for key, widget in _named(root).items():
        states[key] = base64.b64encode(bytes(widget.saveState().data())).decode("ascii")
    settings.set(S.WIDGET_STATE, states)


def restore_widget_state(root: QWidget, settings: S.Settings) -> None:
    states = settings.get(S.WIDGET_STATE)
    for key, widget in _named(root).items():
        encoded = states.get(key)
        if not isinstance(encoded, str):
            continue
        try:
            widget.restoreState(QByteArray(base64.b64decode(encoded)))
        except (ValueError, TypeError):
            continue  # a hand-edited entry: keep the widget's own default
