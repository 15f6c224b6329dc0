"""Showing errors: one dialog per distinct error, with a "Copy details" button.

Expected failures (`SdrdeskError`) get their human message; anything else gets a generic
apology plus the traceback behind "Show details". The same traceback again while its dialog
is open counts on that dialog ("happened 3 times"), so a failing timer cannot flood the
screen (Electrum's lesson); once closed, the next occurrence shows again: no error is hidden.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from sdrdesk.domain.errors import SdrdeskError

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> tuple[str, str, str]:
    """(title, message, details) for an exception."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if isinstance(exc, SdrdeskError):
        return exc.title, exc.user_message, exc.detail or details
    return ("Something went wrong",
            "sdrdesk hit an unexpected problem. Your saved work is safe. "
            "If it keeps happening, copy the details and send them to support.",
            details)


def fingerprint(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = "|".join(f"{f.filename}:{f.lineno}" for f in frames)
    return hashlib.sha1(f"{type(exc).__name__}|{where}".encode()).hexdigest()


class ErrorReporter(QObject):
    """Receives exceptions (from the excepthook or the bus) and shows them, once each."""

    sig_exception = Signal(object)
    """An exception raised anywhere; delivered to the GUI thread."""

    def __init__(self, parent_widget: QWidget | None = None,
                 clipboard_set: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self._parent = parent_widget
        self._showing: dict[str, tuple[QMessageBox, int]] = {}  # fingerprint -> (open box, count)
        self._open: list[QMessageBox] = []
        self._clipboard_set = clipboard_set or (lambda text: QGuiApplication.clipboard().setText(text))
        self.sig_exception.connect(self.report)

    def set_parent_widget(self, widget: QWidget) -> None:
        self._parent = widget

    @Slot(object)
    def report(self, exc: BaseException) -> QMessageBox | None:
        key = fingerprint(exc)
        title, message, details = describe(exc)
        if key in self._showing:
            shown, count = self._showing[key]
            self._showing[key] = (shown, count + 1)
            shown.setText(f"{message}\n\n(This happened {count + 1} times.)")
            log.info("repeated error counted on its open dialog: %s", type(exc).__name__)
            return None
        box = QMessageBox(self._parent)
        box.setIcon(QMessageBox.Icon.Warning if isinstance(exc, SdrdeskError)
                    else QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        box.setText(message)
        box.setDetailedText(details)
        copy = QPushButton("Copy details", box)
        box.addButton(copy, QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: self._clipboard_set(f"{title}\n{message}\n\n{details}"))
        box.addButton(QMessageBox.StandardButton.Close)
        box.setModal(False)
        box.finished.connect(lambda _r, b=box, k=key: self._closed(b, k))
        self._open.append(box)
        self._showing[key] = (box, 1)
        box.show()  # non-modal: never blocks the event loop or a test
        return box

    def _closed(self, box: QMessageBox, key: str) -> None:
        if box in self._open:
            self._open.remove(box)
        if self._showing.get(key, (None, 0))[0] is box:
            del self._showing[key]

    def install_excepthook(self) -> None:
        def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            if issubclass(exc_type, KeyboardInterrupt):
                sys.__excepthook__(exc_type, exc, tb)
                return
            log.error("unhandled exception", exc_info=(exc_type, exc, tb))
            self.sig_exception.emit(exc)

        sys.excepthook = hook
