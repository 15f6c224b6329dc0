"""Running work off the GUI thread, with results delivered back on it.

`BackgroundRunner.run(fn, on_done, on_error, serial_db=True)`: database writes go through one
serial executor (SQLite has one writer); reads may run in parallel. Only ids and DTOs cross
threads: `fn` opens its own unit of work. Tests use `InlineRunner`, which runs at once.

The serial writer's thread is the book's writer (`domain/write_intent`): its transactions
begin IMMEDIATE, waiting out the busy timeout. A write that still finds the book busy (an
import in another process) is not failed: it is retried, in order, until it lands, and
`sig_busy_changed(True)` lets the window say so; queued writes wait behind it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal, Slot

from sdrdesk.domain import write_intent
from sdrdesk.domain.cancel import CancelToken, OperationCancelled

log = logging.getLogger(__name__)

DoneFn = Callable[[Any], None]
ErrorFn = Callable[[BaseException], None]
ProgressFn = Callable[[int, int], None]


class Runner(Protocol):
    def run(self, fn: Callable[..., Any], on_done: DoneFn | None = None,
            on_error: ErrorFn | None = None, *, serial_db: bool = True,
            progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None: ...

    @property
    def pending(self) -> int: ...

    def write_and_wait(self, fn: Callable[[], Any]) -> Any: ...


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from workers arrive there queued."""

    sig_deliver = Signal(object, object)
    """(callback, argument) to call on the GUI thread."""

    @Slot(object, object)
    def _on_deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        callback(value)


class BackgroundRunner(QObject):
    sig_idle_changed = Signal(bool)
    """True when no job is pending any more (used by --screenshot to wait for a settled window)."""

    sig_busy_changed = Signal(bool)
    """True while a write waits for a book another program is writing; False once it landed."""

    RETRY_FIRST_S = 0.2
    RETRY_MAX_S = 2.0
    GIVE_UP_AFTER_CLOSE_S = 30.0  # at quit, a book still busy this long fails its queued writes

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._serial = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sdrdesk-db",
                                          initializer=write_intent.mark_writer_thread)
        self._closing_since: float | None = None
        self._busy = False  # touched on the writer thread only
        self._stop = threading.Event()
        self._parallel = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sdrdesk-read")
        self._relay = _Relay(self)
        # Always queued: a job that finishes before add_done_callback runs its callback on the
        # calling (GUI) thread, and results must still arrive after run() has returned.
        self._relay.sig_deliver.connect(self._relay._on_deliver, Qt.ConnectionType.QueuedConnection)
        self._pending = 0  # touched on the GUI thread only

    @property
    def pending(self) -> int:
        return self._pending

    def run(self, fn: Callable[..., Any], on_done: DoneFn | None = None,
            on_error: ErrorFn | None = None, *, serial_db: bool = True,
            progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None:
        """Run `fn(**kwargs)` on a worker; `progress(done, total)` and results come back on the GUI thread.

        `fn` receives `progress=` and `cancel=` keyword arguments only when they were given.
        """
        kwargs: dict[str, Any] = {}
        if progress is not None:
            kwargs["progress"] = lambda done, total: self._relay.sig_deliver.emit(
                lambda pair: progress(*pair), (done, total))
        if cancel is not None:
            kwargs["cancel"] = cancel
        if self._closing_since is not None:
            if serial_db:  # a write asked for while the window closes (a last draft): still do it
                self._write_after_shutdown(fn, kwargs)
            else:  # a table still asking for a page: nothing will show it
                log.debug("read dropped: runner shut down")
            return
        self._pending += 1
        if serial_db:
            future = self._serial.submit(self._write_with_retry, fn, kwargs)
        else:
            future = self._parallel.submit(fn, **kwargs)
        future.add_done_callback(lambda f: self._finished(f, on_done, on_error))

    def _write_after_shutdown(self, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        """The writer is gone: run the write here and now, as the writer would (the book may
        be closed already; then it fails, and the log says which error, nothing more)."""
        try:
            with write_intent.writing():
                fn(**kwargs)
        except Exception as exc:
            log.warning("write after shutdown not done: %s", type(exc).__name__)

    def write_and_wait(self, fn: Callable[[], Any]) -> Any:
        """From a reader job (never the GUI thread): run `fn` on the serial writer, return its result.

        For a long job that talks to the network on a reader and writes what it learnt in
        small steps (the HubSpot push): each step waits behind queued writes, busy retries
        included, without holding the writer during the network wait.
        """
        if write_intent.is_writer_thread():  # already on the writer: a nested submit would deadlock
            return fn()
        return self._serial.submit(self._write_with_retry, fn, {}).result()

    def _write_with_retry(self, fn: Callable[..., Any], kwargs: dict[str, Any]) -> Any:
        """On the writer thread: run `fn`; while the book is busy, wait and run it again."""
        delay = self.RETRY_FIRST_S
        attempts = 0
        while True:
            try:
                result = fn(**kwargs)
            except Exception as exc:
                closing = self._closing_since
                if not write_intent.is_busy(exc) or (
                        closing is not None and time.monotonic() - closing > self.GIVE_UP_AFTER_CLOSE_S):
                    raise
                attempts += 1
                if not self._busy:
                    self._busy = True
                    log.warning("book busy, write queued for retry")
                    self._relay.sig_deliver.emit(lambda busy: self.sig_busy_changed.emit(busy), True)
                self._stop.wait(delay)
                delay = min(delay * 2, self.RETRY_MAX_S)
                continue
            if self._busy:
                self._busy = False
                log.info("book available again after %d retries", attempts)
                self._relay.sig_deliver.emit(lambda busy: self.sig_busy_changed.emit(busy), False)
            return result

    def _finished(self, future: Future[Any], on_done: DoneFn | None, on_error: ErrorFn | None) -> None:
        # Runs on the worker thread: hop to the GUI thread before touching anything.
        if future.cancelled():  # dropped at shutdown: nobody waits for it any more
            return
        exc = future.exception()
        if exc is None:
            self._relay.sig_deliver.emit(lambda value: self._complete(on_done, value), future.result())
        else:
            if not isinstance(exc, OperationCancelled):
                # The traceback and the error's class only: SQL parameters are hidden by the
                # engine, and services never put record content in an exception message.
                log.error("background job failed: %s", type(exc).__name__, exc_info=exc)
            self._relay.sig_deliver.emit(lambda value: self._complete(on_error, value), exc)

    def _complete(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        self._pending -= 1
        try:
            if callback is not None:
                callback(value)
        finally:
            if self._pending == 0:
                self.sig_idle_changed.emit(True)

    def shutdown(self) -> None:
        # Queued writes are the user's actions (a logged call, an edit): finish them all.
        # Queued reads only fed the screen that is closing: drop them. A book that stays busy
        # fails its queued writes after GIVE_UP_AFTER_CLOSE_S (call-note drafts are journalled).
        self._closing_since = time.monotonic()
        self._parallel.shutdown(wait=True, cancel_futures=True)
        self._serial.shutdown(wait=True, cancel_futures=False)


class InlineRunner:
    """Runs jobs at once on the calling thread (tests, and scripted use)."""

    pending = 0

    def run(self, fn: Callable[..., Any], on_done: DoneFn | None = None,
            on_error: ErrorFn | None = None, *, serial_db: bool = True,
            progress: ProgressFn | None = None, cancel: CancelToken | None = None) -> None:
        kwargs: dict[str, Any] = {}
        if progress is not None:
            kwargs["progress"] = progress
        if cancel is not None:
            kwargs["cancel"] = cancel
        try:
            if serial_db:
                with write_intent.writing():
                    result = fn(**kwargs)
            else:
                result = fn(**kwargs)
        except Exception as exc:
            if on_error is None:
                raise
            on_error(exc)
            return
        if on_done is not None:
            on_done(result)

    def write_and_wait(self, fn: Callable[[], Any]) -> Any:
        with write_intent.writing():
            return fn()
