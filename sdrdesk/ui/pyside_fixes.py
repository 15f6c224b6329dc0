"""Work-arounds for defects in the PySide6 build we ship. Each one detects its bug first.

PySide6 6.12.0: `SignalInstance.emit()` returns `True` without taking a reference to it, so
every emit from Python drops one reference to `True`. After a few thousand emits (a day of
searching, or one benchmark run) the interpreter aborts with "Fatal Python error:
bool_dealloc: deallocating True or False". `install()` measures one emit; if it leaks, it
wraps `emit` to give the reference back. Idempotent and cheap (~0.3 us per emit).
Call it before the first emit (the composition root should; the book pane also does).
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_lock = threading.Lock()
_installed = False


class _Probe(QObject):
    sig_probe = Signal(object)
    """Emitted only to measure the leak."""


def emit_leaks_true(samples: int = 20) -> bool:
    """Whether `emit()` drops references to True on this PySide6 (measured, not assumed)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(samples):
        probe.sig_probe.emit(None)
    leaked = before - sys.getrefcount(True)
    if leaked > 0:
        ctypes.pythonapi.Py_IncRef.argtypes = [ctypes.py_object]
        for _ in range(leaked):  # give back what the measurement itself lost
            ctypes.pythonapi.Py_IncRef(True)
    return leaked >= samples


def install() -> bool:
    """Patch `SignalInstance.emit` when it leaks; returns True when the patch is active."""
    global _installed
    with _lock:
        if _installed:
            return True
        if not emit_leaks_true():
            return False
        original = SignalInstance.emit
        incref = ctypes.pythonapi.Py_IncRef
        incref.argtypes = [ctypes.py_object]

        def emit(self: SignalInstance, *args: Any) -> Any:
            result = original(self, *args)
            if result is True:
                incref(True)  # the reference PySide forgot to take
            return result

        SignalInstance.emit = emit  # type: ignore[method-assign]
        _installed = True
        return True
