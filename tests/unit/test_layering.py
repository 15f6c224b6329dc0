"""Qt stays at the edge: domain, storage and services never load PySide6."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import sdrdesk.domain, sdrdesk.storage, sdrdesk.services, sdrdesk.commands, sdrdesk.cli
for package in (sdrdesk.domain, sdrdesk.storage, sdrdesk.services, sdrdesk.commands):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "shiboken6"))
print("QT:" + ",".join(loaded))
"""


def test_domain_storage_services_import_no_qt() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("QT:"), result.stdout


def test_domain_imports_neither_qt_nor_sqlalchemy() -> None:
    probe = ("import importlib, pkgutil, sys, sdrdesk.domain\n"
             "for i in pkgutil.walk_packages(sdrdesk.domain.__path__, 'sdrdesk.domain.'):\n"
             "    importlib.import_module(i.name)\n"
             "print(sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'sqlalchemy')))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
