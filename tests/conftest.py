"""Test-wide set-up: offscreen Qt, no real keychain, no user folders, no hanging modals."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

# Before any Qt import anywhere in the run.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

import keyring
import pytest
from keyring.backend import KeyringBackend

from sdrdesk.domain.clock import FakeClock
from sdrdesk.ui import pyside_fixes

# The suite makes far more Qt calls than a session does; see sdrdesk/ui/pyside_fixes.py.
pyside_fixes.install()

# ../shared/data beside the checkout; a worktree under <root>/wt/<name> finds <root>/shared/data.
SHARED_DATA = next((p / "shared" / "data" for p in Path(__file__).resolve().parents[2:4]
                    if (p / "shared" / "data").is_dir()),
                   Path(__file__).resolve().parents[2] / "shared" / "data")
TEST_DATA = Path(__file__).resolve().parent / "data"


class MemoryKeyring(KeyringBackend):
    """An in-memory keychain so no test can reach the OS one."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory,
                       monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user folder (data, config, logs, settings) into a temp dir."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("SDRDESK_DATA", str(home / "sdrdesk-data"))
    return home


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal opened by code under test would hang the run: make it fail the test at once."""
    try:
        from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox
    except ImportError:  # pragma: no cover - Qt is a test dependency
        return

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a modal dialog was opened in a test; use the injected prompter")

    for name in ("critical", "warning", "information", "question", "about", "aboutQt"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName",
                 "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse))
    for name in ("getText", "getInt", "getItem", "getDouble", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(refuse))
    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture(scope="session", autouse=True)
def clipboard_emptied_at_exit() -> Iterator[None]:
    """A QMimeData still owned by the offscreen clipboard at interpreter exit segfaults (rc 139)."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        QApplication.clipboard().clear()


@pytest.fixture
def extra_book(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    """Open extra books; closed at the end of the test."""
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    opened = []

    def make(path: Path):  # type: ignore[no-untyped-def]
        book = open_book(path)
        opened.append(book)
        return book, uow_factory_for(book.session_factory)

    yield make
    for book in opened:
        book.close()


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 10, 15, 0, tzinfo=UTC))


@pytest.fixture
def book_path(tmp_path: Path) -> Path:
    return tmp_path / "book.db"


@pytest.fixture
def book(book_path: Path) -> Iterator[object]:
    """A freshly created, migrated, empty book on a real SQLite file."""
    from sdrdesk.storage.engine import open_book

    opened = open_book(book_path)
    yield opened
    opened.close()


@pytest.fixture
def uow_factory(book: object):  # type: ignore[no-untyped-def]
    from sdrdesk.storage.unit_of_work import uow_factory_for

    return uow_factory_for(book.session_factory)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def demo_book_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated book, written once per run; copy it before changing it."""
    from sdrdesk.services.book_generator import BookSize, write_book

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_book(path, BookSize(accounts=120, contacts=400, activities=1500), seed=11,
               now=datetime(2026, 3, 10, 15, 0, tzinfo=UTC))
    return path


def shared_file(relative: str) -> Path:
    """A file from ../shared/data; skips the test when that folder is absent (a fresh clone)."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared test data not present: {relative}")
    return path
