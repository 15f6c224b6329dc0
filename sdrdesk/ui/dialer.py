"""Click-to-dial behind a tiny interface, so tests (and softphone plug-ins) need no OS handler."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


class Dialer(Protocol):
    def dial(self, e164: str) -> bool:
        """Start a call to an E.164 number; False when nothing could handle it."""
        ...


class DesktopDialer:
    """Hands `tel:+E164` to the OS, which opens the rep's softphone (Teams, Zoom, Aircall...)."""

    def dial(self, e164: str) -> bool:
        ok = QDesktopServices.openUrl(QUrl(f"tel:{e164}"))
        if not ok:
            log.warning("no application handles tel: links")
        return bool(ok)


class RecordingDialer:
    """Remembers what it was asked to dial; for tests and the screenshot script."""

    def __init__(self, succeed: bool = True) -> None:
        self.dialed: list[str] = []
        self._succeed = succeed

    def dial(self, e164: str) -> bool:
        self.dialed.append(e164)
        return self._succeed
