"""The default scripts and objections, loaded into a book that has never had any.

"Never had": tombstoned rows count, so a rep who deleted the defaults does not get them back.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from sdrdesk.resources_path import resource_path
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LibraryLoad:
    scripts: int
    objections: int

    @property
    def loaded(self) -> bool:
        return bool(self.scripts or self.objections)


def _read(name: str, folder: Path | None) -> list[dict[str, str]]:
    path = (folder / name) if folder else resource_path("data", name)
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("items", []))


def ensure_default_library(uow_factory: UowFactory, folder: Path | None = None) -> LibraryLoad:
    """Load the shipped library into an empty book; a no-op (0, 0) once any row exists."""
    with uow_factory() as uow:
        has_scripts = bool(uow.session.scalar(select(func.count()).select_from(m.Script)))
        has_objections = bool(uow.session.scalar(select(func.count()).select_from(m.Objection)))
        if has_scripts and has_objections:
            return LibraryLoad(0, 0)
        scripts = [] if has_scripts else _read("scripts.json", folder)
        objections = [] if has_objections else _read("objections.json", folder)
        for item in scripts:
            uow.scripts.add(m.Script(name=item["name"], persona=item.get("persona") or None,
                                     step_kind=item["step_kind"], body=item["body"], is_builtin=True))
        for item in objections:
            uow.objections.add(m.Objection(category=item["category"], prompt=item["prompt"],
                                           answer=item["answer"], hotkey=item.get("hotkey"),
                                           is_builtin=True))
        uow.commit()
    log.info("default library loaded: %d scripts, %d objections", len(scripts), len(objections))
    return LibraryLoad(len(scripts), len(objections))
