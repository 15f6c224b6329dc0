"""Search as you type: debounce, run off the GUI thread, and let only the latest query deliver.

Each keystroke restarts a single-shot timer (~200 ms). When it fires, the request is handed
to the runner with a fresh generation number and a cancel token; the previous token is
cancelled (a job that has not started yet gives up at once) and any result that comes back
with an old generation is dropped, so a slow "m" can never overwrite a fast "mül".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.ui.workers import Runner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 200

# job(request, cancel, partial) -> result; runs on a worker thread with its own unit of work.
# `partial(result)` may deliver an early, incomplete result (same rules: latest only).
SearchJob = Callable[[Any, CancelToken, Callable[[Any], None]], Any]


class SearchController(QObject):
    sig_results_ready = Signal(object, object)
    """(request, result) of the latest search; older ones never arrive."""

    sig_search_failed = Signal(object)
    """An exception from the latest search."""

    sig_busy_changed = Signal(bool)
    """True while the latest search is running."""

    _sig_partial = Signal(int, object, object)
    """(generation, request, result) emitted on a worker thread; queued to the GUI thread."""

    def __init__(self, runner: Runner, job: SearchJob, debounce_ms: int = DEBOUNCE_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._job = job
        self._generation = 0
        self._token: CancelToken | None = None
        self._pending_request: Any = None
        self.last_duration_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._sig_partial.connect(self._on_partial)

    @property
    def generation(self) -> int:
        return self._generation

    def request(self, request: Any) -> None:
        """A keystroke: search for `request` once typing pauses."""
        self._pending_request = request
        self._timer.start()

    def run_now(self, request: Any) -> None:
        """Search at once (a filter or sort changed, a book opened): no reason to wait."""
        self._timer.stop()
        self._pending_request = None
        self._submit(request)

    def cancel(self) -> None:
        """Forget the pending and running searches (e.g. the book closed)."""
        self._timer.stop()
        self._pending_request = None
        self._generation += 1
        if self._token is not None:
            self._token.cancel()
        self.sig_busy_changed.emit(False)

    @Slot(int, object, object)
    def _on_partial(self, generation: int, request: Any, result: Any) -> None:
        if generation == self._generation:
            self.sig_results_ready.emit(request, result)

    @Slot()
    def _on_timer_timeout(self) -> None:
        request, self._pending_request = self._pending_request, None
        if request is not None:
            self._submit(request)

    def _submit(self, request: Any) -> None:
        if self._token is not None:
            self._token.cancel()
        self._generation += 1
        generation = self._generation
        token = self._token = CancelToken()
        started = time.perf_counter()
        self.sig_busy_changed.emit(True)

        def partial(result: Any) -> None:
            if not token.cancelled:
                self._sig_partial.emit(generation, request, result)

        def work() -> Any:
            token.raise_if_cancelled()
            return self._job(request, token, partial)

        def done(result: Any) -> None:
            if generation != self._generation:
                return  # superseded while running: drop
            self.last_duration_ms = (time.perf_counter() - started) * 1000
            log.debug("search took %.1f ms", self.last_duration_ms)  # never the query: it names people
            self.sig_busy_changed.emit(False)
            self.sig_results_ready.emit(request, result)

        def failed(exc: BaseException) -> None:
            if generation != self._generation or isinstance(exc, OperationCancelled):
                return
            self.sig_busy_changed.emit(False)
            self.sig_search_failed.emit(exc)

        self._runner.run(work, done, failed, serial_db=False)
