"""Opening a file or folder in the OS's own application, behind a tiny interface for tests."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


class FileOpener(Protocol):
    def open(self, path: Path) -> bool:
        """Show `path` in its default application (a folder in the file manager); False on failure."""
        ...


class DesktopFileOpener:
    def open(self, path: Path) -> bool:
        ok = bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
        if not ok:
            log.warning("no application opened %s", path)
        return ok


class RecordingFileOpener:
    """Remembers what it was asked to open; for tests."""

    def __init__(self, succeed: bool = True) -> None:
        self.opened: list[Path] = []
        self._succeed = succeed

    def open(self, path: Path) -> bool:
        self.opened.append(Path(path))
        return self._succeed
