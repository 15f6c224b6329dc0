"""Cooperative cancellation for long jobs (import, export, merge), checked between rows."""

from __future__ import annotations

import threading


class OperationCancelled(Exception):
    """Raised inside a job when its token was cancelled; the job's transaction rolls back."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise OperationCancelled()
