"""A long session does not abort: 100,000 void calls and 100,000 emits in one process (PySide6
6.12 on CPython 3.11 loses a reference to None/True on each; ui/pyside_fixes.py pins them, and
CPython 3.12+ has them immortal, which is what the installers ship)."""

from __future__ import annotations

import os
import subprocess
import sys

_SESSION = r"""
from sdrdesk.ui import pyside_fixes
pinned = pyside_fixes.install()
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Probe(QObject):
    sig = Signal(object)

app = QCoreApplication([])
probe = Probe()
seen = []
probe.sig.connect(seen.append)
for i in range(100_000):
    probe.setObjectName("p")  # a void C++ call
    probe.sig.emit(i)
    if len(seen) > 1000:
        seen.clear()
print("survived", pinned)
"""


def test_100000_void_calls_and_emits_do_not_abort() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _SESSION], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert "survived" in done.stdout
