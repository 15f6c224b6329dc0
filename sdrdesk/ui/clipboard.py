"""The clipboard behind a tiny interface: the handoff goes on it as one `QMimeData` holding
text/plain, text/markdown and text/html, so a plain-text field, a Markdown editor and a rich
mail editor each paste the best form. Also where `mailto:` links are opened (tests record them).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

MARKDOWN_MIME = "text/markdown"


def handoff_mime(text: str, markdown: str, html: str) -> QMimeData:
    mime = QMimeData()
    mime.setText(text)
    mime.setHtml(html)
    mime.setData(MARKDOWN_MIME, markdown.encode("utf-8"))
    return mime


class Clipboard(Protocol):
    def put(self, text: str, markdown: str, html: str) -> None: ...


class SystemClipboard:
    def put(self, text: str, markdown: str, html: str) -> None:
        QGuiApplication.clipboard().setMimeData(handoff_mime(text, markdown, html))


class RecordingClipboard:
    """Keeps what was copied (tests and the screenshot script)."""

    def __init__(self) -> None:
        self.copied: list[QMimeData] = []

    def put(self, text: str, markdown: str, html: str) -> None:
        self.copied.append(handoff_mime(text, markdown, html))


class UrlOpener(Protocol):
    def open_url(self, url: str) -> bool: ...


class DesktopUrlOpener:
    def open_url(self, url: str) -> bool:
        return bool(QDesktopServices.openUrl(QUrl(url)))


class RecordingUrlOpener:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def open_url(self, url: str) -> bool:
        self.opened.append(url)
        return True
