"""Work-arounds for defects in the PySide6 build we ship. Each one is measured before it acts.

PySide6/shiboken6 6.12.0 on CPython 3.11 loses references to singletons:
- every wrapped C++ call returning `void` (`setText`, `update`, `QTimer.stop`,
  `processEvents`, ...) drops one reference to `None`;
- every `SignalInstance.emit()` drops one reference to `True`.
A GUI makes thousands of such calls a minute, so after a while the interpreter aborts with
"Fatal Python error: none_dealloc" (or "bool_dealloc"); our benchmark hit it within a
minute of scrolling. `install()` measures both leaks and, when present, pins the three
singletons the way CPython 3.12 makes them immortal: their reference counts are raised by
2**40 once, so no realistic number of lost references can bring them to zero.
Call it first thing (the composition root should; the book pane's import also does).
"""

from __future__ import annotations

import ctypes
import sys
import threading

from PySide6.QtCore import QObject, Signal

_PIN = 1 << 40
_lock = threading.Lock()
_installed = False


class _Probe(QObject):
    sig_probe = Signal(object)
    """Emitted only to measure the leak."""


def _leaks(samples: int = 50) -> tuple[int, int]:
    """(references to None lost, references to True lost) over `samples` calls each."""
    probe = _Probe()
    before = sys.getrefcount(None)
    for _ in range(samples):
        probe.setObjectName("sdrdesk.probe")  # a void C++ call
    none_lost = before - sys.getrefcount(None)
    before = sys.getrefcount(True)
    for _ in range(samples):
        probe.sig_probe.emit(0)
    true_lost = before - sys.getrefcount(True)
    return none_lost, true_lost


def _pin(obj: object) -> None:
    # CPython < 3.12 only: ob_refcnt is the object's first field (Py_ssize_t).
    ctypes.c_ssize_t.from_address(id(obj)).value += _PIN


def install() -> bool:
    """Pin None/True/False when this PySide6 leaks references to them. True when pinned."""
    global _installed
    with _lock:
        if _installed:
            return True
        if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
            return False  # immortal singletons already
        if hasattr(sys, "gettotalrefcount"):
            return False  # a debug build: the object header has other fields first
        none_lost, true_lost = _leaks()
        if none_lost <= 0 and true_lost <= 0:
            return False
        for singleton in (None, True, False):
            _pin(singleton)
        _installed = True
        return True
