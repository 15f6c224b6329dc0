"""Qt stays at the edge (domain, storage and services never load PySide6), and the UI reaches
data only through the Workspace facade (no storage, no unit of work, panes never import each other)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

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


# -- one door: the UI reaches data only through the Workspace facade ----------------------
UI = Path(__file__).resolve().parents[2] / "sdrdesk" / "ui"
SHARED_PANE_MODULES = {"base", "empty_state", "docks", "registry", "__init__"}


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_ui_never_imports_storage_or_sqlalchemy() -> None:
    offenders = {str(p.relative_to(UI)): name for p in UI.rglob("*.py") for name in _imports(p)
                 if name.startswith(("sdrdesk.storage", "sqlalchemy"))}
    assert offenders == {}


def test_ui_never_opens_a_unit_of_work() -> None:
    pattern = re.compile(r"\buow_factory\b|\bSqlUnitOfWork\b|\bsessionmaker\b|\bSession\(")
    offenders = [f"{p.relative_to(UI)}:{n}" for p in UI.rglob("*.py")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line.split("#")[0])]
    assert offenders == []


def test_panes_never_import_each_other() -> None:
    panes = UI / "panes"
    offenders = []
    for path in panes.glob("*.py"):
        if path.stem in SHARED_PANE_MODULES:
            continue
        for name in _imports(path):
            if name.startswith("sdrdesk.ui.panes."):
                target = name.split(".")[3]
                if target not in SHARED_PANE_MODULES and target != path.stem:
                    offenders.append(f"{path.name} -> {name}")
    assert offenders == []
