"""Ordered schema steps. A step is a module `mNNNN_<what>.py` with VERSION, DESCRIPTION, SQL.

Never edit a step that has shipped: add the next one. `STEPS` is sorted by VERSION;
`CURRENT_VERSION` is the newest, which `PRAGMA user_version` reaches after migrating.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    sql: str


def _discover() -> tuple[Step, ...]:
    steps = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        steps.append(Step(module.VERSION, module.DESCRIPTION, module.SQL))
    steps.sort(key=lambda s: s.version)
    versions = [s.version for s in steps]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration steps share a version: {versions}")
    return tuple(steps)


STEPS: tuple[Step, ...] = _discover()
CURRENT_VERSION: int = STEPS[-1].version
