"""Composition root: arguments and environment, paths, logging, QApplication, services, bus,
main window. The only module that knows every concrete class.

Start-up happens in two steps so the window paints before the heavy imports (SQLAlchemy, the
panes' services): `build_shell` makes the window with its docks and menus, and
`complete_app` builds the panes and the book controller right after the first paint.
Tests call `build_app`, which does both at once.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon, QUndoStack
from PySide6.QtWidgets import QApplication

from sdrdesk import __version__
from sdrdesk.domain.clock import Clock, SystemClock
from sdrdesk.resources_path import resources_dir
from sdrdesk.services.logging_setup import setup_logging
from sdrdesk.services.paths import DataPaths, resolve_data_paths
from sdrdesk.ui import pyside_fixes
from sdrdesk.ui import settings as S
from sdrdesk.ui.bus import AppBus
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.errors import ErrorReporter
from sdrdesk.ui.main_window import MainWindow
from sdrdesk.ui.prompter import Prompter, QtPrompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.theme import apply_theme
from sdrdesk.ui.workers import BackgroundRunner

if TYPE_CHECKING:
    from sdrdesk.ui.book_controller import BookController
    from sdrdesk.ui.repfile_actions import RepFileActions
    from sdrdesk.ui.single_instance import SingleInstance

log = logging.getLogger(__name__)

SETTLE_TIMEOUT_MS = 20_000


@dataclass
class AppParts:
    """Everything the composition root wires together; tests build one per test."""

    app: QApplication
    ctx: PaneContext
    window: MainWindow
    runner: BackgroundRunner
    errors: ErrorReporter
    paths: DataPaths
    books: BookController = field(init=False)  # set by complete_app
    repfile: RepFileActions = field(init=False)  # set by complete_app


def ensure_qapplication() -> QApplication:
    # PySide6 6.12 on CPython 3.11 loses references to None/True; without this a long session
    # aborts the interpreter (see ui/pyside_fixes.py). Before any other Qt call.
    pyside_fixes.install()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setApplicationName("sdrdesk")
    QApplication.setOrganizationName("sdrdesk")
    QApplication.setApplicationVersion(__version__)
    return QApplication(sys.argv[:1])


def build_shell(args: argparse.Namespace, *, clock: Clock | None = None,
                prompter: Prompter | None = None, runner: BackgroundRunner | None = None) -> AppParts:
    """The window with its docks and menus, fast enough to paint at once; no panes yet."""
    paths = resolve_data_paths(getattr(args, "data", None))
    app = ensure_qapplication()
    icon = resources_dir() / "icons" / "sdrdesk.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    settings = Settings(Path(args.settings) if getattr(args, "settings", None) else None)
    forced_theme = getattr(args, "theme", None)
    apply_theme(app, forced_theme or settings.get(S.THEME))
    # "system" follows the OS live: re-apply when the user flips the OS scheme.
    app.styleHints().colorSchemeChanged.connect(
        lambda _scheme: apply_theme(app, forced_theme or settings.get(S.THEME)))
    bus = AppBus()
    runner = runner or BackgroundRunner()
    errors = ErrorReporter()
    bus.sig_error.connect(errors.report)
    ctx = PaneContext(bus=bus, settings=settings, clock=clock or SystemClock(), runner=runner,
                      prompter=prompter or QtPrompter(None), undo_stack=QUndoStack())
    window = MainWindow(ctx, build_panes=False)
    if prompter is None:
        ctx.prompter = QtPrompter(window)
    errors.set_parent_widget(window)
    return AppParts(app, ctx, window, runner, errors, paths)


def complete_app(parts: AppParts) -> AppParts:
    """The panes and the book controller: this is where the storage stack gets imported."""
    from sdrdesk.ui.book_controller import BookController

    parts.window.install_panes()
    ctx, paths = parts.ctx, parts.paths
    books = BookController(ctx, paths, parent=parts.window)
    parts.window.sig_open_book_requested.connect(lambda p: _open_requested(ctx, books, p))
    parts.window.sig_new_book_requested.connect(lambda: _new_requested(ctx, books))
    parts.window.sig_demo_book_requested.connect(lambda: books.open(paths.demo_book, is_demo=True))
    parts.window.sig_restore_backup_requested.connect(books.offer_restore)
    parts.app.installEventFilter(FileOpenEventFilter(books))
    parts.books = books
    from sdrdesk.ui.repfile_actions import RepFileActions

    parts.repfile = RepFileActions(parts.window, ctx, books)
    return parts


def build_app(args: argparse.Namespace, *, clock: Clock | None = None,
              prompter: Prompter | None = None, runner: BackgroundRunner | None = None) -> AppParts:
    return complete_app(build_shell(args, clock=clock, prompter=prompter, runner=runner))


class FileOpenEventFilter(QObject):
    """macOS delivers double-clicked documents as QFileOpenEvent on the application."""

    def __init__(self, books: BookController) -> None:
        super().__init__(books)
        self._books = books

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            self._books.open_file(Path(event.file()))
            return True
        return super().eventFilter(watched, event)


def _open_requested(ctx: PaneContext, books: BookController, path: str) -> None:
    chosen = Path(path) if path else ctx.prompter.open_file(
        "Open book", str(books.paths.data_dir), "sdrdesk books (*.db *.sqlite);;All files (*)")
    if chosen:
        books.open(chosen)


def _new_requested(ctx: PaneContext, books: BookController) -> None:
    chosen = ctx.prompter.save_file("New book", str(books.paths.data_dir / "book.db"),
                                    "sdrdesk books (*.db)")
    if chosen:
        if chosen.exists():
            ctx.bus.sig_status_message.emit(f"{chosen.name} already exists; opening it instead")
        books.open(chosen)


def wait_until_settled(parts: AppParts, then: Callable[[bool], object]) -> None:
    """Call `then(ok)` once a book is open and no background job is pending (or on timeout)."""
    timer = QTimer(parts.window)
    waited = {"ms": 0}

    def poll() -> None:
        waited["ms"] += 50
        ready = parts.ctx.workspace is not None and parts.runner.pending == 0
        if ready or waited["ms"] >= SETTLE_TIMEOUT_MS:
            timer.stop()
            # One more turn of the loop so the last results paint.
            QTimer.singleShot(150, lambda: then(ready))

    timer.timeout.connect(poll)
    timer.start(50)


class _FirstPaintTrigger(QObject):
    """Calls `then` once, on the next loop turn after the window's first paint (or a fallback)."""

    FALLBACK_MS = 400  # a window that never paints (minimised, off-screen) still loads

    def __init__(self, window: MainWindow, then: Callable[[], object]) -> None:
        super().__init__(window)
        self._then: Callable[[], object] | None = then
        window.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._then is not None:
            QTimer.singleShot(0, self._fire)  # let this paint reach the screen first
        return False

    def _fire(self) -> None:
        then, self._then = self._then, None
        if then is not None:
            self.parent().removeEventFilter(self)
            then()


def _open_startup_book(parts: AppParts, args: argparse.Namespace) -> None:
    book, is_demo = parts.books.startup_book(getattr(args, "demo", False))
    requested = getattr(args, "open_file", None)
    coach = getattr(args, "coach", None)
    if coach:
        parts.books.own_book = book
        parts.repfile.open_for_coaching(Path(coach))
        return
    if requested and Path(requested).suffix.lower() != ".sdrdesk":
        parts.books.open_file(Path(requested))
        return
    parts.books.open(book, is_demo=is_demo)
    if requested:
        parts.books.open_file(Path(requested))  # asks: merge into my book, or coach


def _warm_imports() -> None:
    """Import the storage stack and the panes on a side thread while Qt builds and paints the
    window; by the first paint most of complete_app's imports are done. Import locks make
    this safe; a failure here only means the GUI thread imports them itself."""
    import importlib

    try:
        importlib.import_module("sdrdesk.ui.book_controller")
        importlib.import_module("sdrdesk.ui.panes.registry")
    except Exception:  # the GUI thread will hit and report the same error properly
        log.debug("warming imports failed", exc_info=True)


def run_gui(args: argparse.Namespace) -> int:
    paths = resolve_data_paths(getattr(args, "data", None))
    setup_logging(paths.logs)
    log.info("sdrdesk %s starting", __version__)
    if args.self_test:
        from sdrdesk.ui.self_test_window import run_self_test

        return run_self_test(args)
    import threading

    instance = None
    if not args.screenshot:
        ensure_qapplication()
        instance = _single_instance(paths, args)
        if instance is None:
            return 0  # handed over to the window already open on this data folder
    threading.Thread(target=_warm_imports, name="sdrdesk-warm-imports", daemon=True).start()
    parts = build_shell(args)
    if instance is not None:
        instance.setParent(parts.window)
        instance.sig_message.connect(lambda message: _on_second_start(parts, message))
    parts.errors.install_excepthook()
    parts.window.restore_window_state()
    parts.window.show()
    exit_code = {"value": 0}
    started: dict[str, object] = {}
    failures: list[str] = []

    def finish_start() -> None:
        from sdrdesk.ui.scheduler import AppScheduler

        complete_app(parts)
        if args.screenshot:
            parts.books.sig_open_failed.connect(lambda _e: (exit_code.update(value=1), parts.app.quit()))
            # A pane that failed while loading must not pass for a good screenshot.
            parts.ctx.bus.sig_error.connect(lambda exc: failures.append(type(exc).__name__))
            parts.ctx.bus.sig_book_state_changed.connect(
                lambda ws: failures.append("BookDamaged") if ws.damaged else None)
            parts.books.offer_restore_on_damage = False
            wait_until_settled(parts, shoot)
        _open_startup_book(parts, args)
        jobs = AppScheduler(parts.ctx, paths.backups)
        jobs.start()
        started["jobs"] = jobs
        from sdrdesk.ui.reminders import TrayNotifier

        tray = TrayNotifier(parts.ctx, parts.window, parts.window.windowIcon(), parts.window)
        jobs.reminders.sig_due_batch.connect(tray.notify)
        started["tray"] = tray

    def shoot(ready: bool) -> None:
        target = Path(args.screenshot)
        target.parent.mkdir(parents=True, exist_ok=True)
        saved = parts.window.grab().save(str(target), "PNG")
        if not (ready and saved):
            print(f"sdrdesk: screenshot {'not saved' if not saved else 'taken before the book loaded'}",
                  file=sys.stderr)
            exit_code["value"] = 1
        elif failures:
            print(f"sdrdesk: screenshot saved, but {len(failures)} error(s) were shown while loading "
                  f"({', '.join(sorted(set(failures)))})", file=sys.stderr)
            exit_code["value"] = 1
        parts.app.quit()

    _FirstPaintTrigger(parts.window, finish_start)  # the rest of the app loads after the first paint
    parts.app.aboutToQuit.connect(parts.window.save_window_state)
    result = parts.app.exec()
    jobs = started.get("jobs")
    if jobs is not None:
        jobs.shutdown()  # type: ignore[attr-defined]
    parts.runner.shutdown()
    if parts.ctx.workspace is not None:
        parts.ctx.workspace.close()
    if instance is not None:
        instance.release()
    return exit_code["value"] or int(result)


def _single_instance(paths: DataPaths, args: argparse.Namespace) -> SingleInstance | None:
    """This start's single-instance guard, or None when another window took the request."""
    from sdrdesk.ui.single_instance import SingleInstance, instance_key

    instance = SingleInstance(instance_key(paths.data_dir))
    if instance.acquire():
        return instance
    requested = getattr(args, "open_file", None)
    coach = getattr(args, "coach", None)
    message = {"open": str(Path(requested).resolve()) if requested else ""}
    if coach:
        message["coach"] = str(Path(coach).resolve())
    if instance.send(message):
        print("sdrdesk is already open on this data folder: the request was handed to that window")
        return None
    log.warning("another window holds the lock but does not answer; starting anyway")
    return instance


def _on_second_start(parts: AppParts, message: dict[str, str]) -> None:
    """A later `sdrdesk` on the same data folder: come forward, open what it was asked to."""
    window = parts.window
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
    requested = message.get("open")
    if requested and getattr(parts, "books", None) is not None:
        parts.books.open_file(Path(requested))
    coach = message.get("coach")
    if coach and getattr(parts, "repfile", None) is not None:
        parts.repfile.open_for_coaching(Path(coach))  # `sdrdesk --coach FILE` while open
