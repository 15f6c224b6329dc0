"""Every question the app asks the user goes through a Prompter, so tests can answer them.

Code under test never opens a modal directly: a modal loop cannot be interrupted by a test
timeout. `QtPrompter` is the real one; tests pass a `ScriptedPrompter`.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


class Prompter(Protocol):
    def confirm(self, title: str, text: str) -> bool: ...
    def inform(self, title: str, text: str) -> None: ...
    def ask_text(self, title: str, label: str, default: str = "") -> str | None: ...
    def open_file(self, title: str, folder: str, filter_: str) -> Path | None: ...
    def save_file(self, title: str, suggested: str, filter_: str) -> Path | None: ...
    def choose(self, title: str, text: str, options: list[str]) -> str | None: ...
    def ask_secret(self, title: str, label: str) -> str | None: ...


class QtPrompter:
    def __init__(self, parent: QWidget | None) -> None:
        self._parent = parent

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self._parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self._parent, title, text)

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(self._parent, title, label, text=default)
        return text if ok else None

    def open_file(self, title: str, folder: str, filter_: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self._parent, title, folder, filter_)
        return Path(name) if name else None

    def save_file(self, title: str, suggested: str, filter_: str) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self._parent, title, suggested, filter_)
        return Path(name) if name else None

    def choose(self, title: str, text: str, options: list[str]) -> str | None:
        """One button per option, plus Cancel; returns the chosen option or None."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel,
                          self._parent)
        buttons = {box.addButton(option, QMessageBox.ButtonRole.AcceptRole): option for option in options}
        box.exec()
        return buttons.get(box.clickedButton())

    def ask_secret(self, title: str, label: str) -> str | None:
        text, ok = QInputDialog.getText(self._parent, title, label, QLineEdit.EchoMode.Password)
        return text if ok else None


class ScriptedPrompter:
    """Answers from a queue; records what was asked. An unexpected question fails the test."""

    def __init__(self, *answers: object) -> None:
        self.answers: deque[object] = deque(answers)
        self.asked: list[tuple[str, str]] = []
        self.told: list[str] = []  # the texts of `inform`, for tests that check what the user read

    def _next(self, kind: str, title: str) -> object:
        self.asked.append((kind, title))
        if not self.answers:
            raise AssertionError(f"unexpected {kind} prompt: {title!r}")
        return self.answers.popleft()

    def confirm(self, title: str, text: str) -> bool:
        return bool(self._next("confirm", title))

    def inform(self, title: str, text: str) -> None:
        self.asked.append(("inform", title))
        self.told.append(text)

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        return self._next("text", title)  # type: ignore[return-value]

    def open_file(self, title: str, folder: str, filter_: str) -> Path | None:
        return self._next("open", title)  # type: ignore[return-value]

    def save_file(self, title: str, suggested: str, filter_: str) -> Path | None:
        return self._next("save", title)  # type: ignore[return-value]

    def choose(self, title: str, text: str, options: list[str]) -> str | None:
        return self._next("choose", title)  # type: ignore[return-value]

    def ask_secret(self, title: str, label: str) -> str | None:
        return self._next("secret", title)  # type: ignore[return-value]
