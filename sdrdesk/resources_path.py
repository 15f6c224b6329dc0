"""Where the read-only app resources (icons, default data files) are, in every way we ship.

* Frozen (PyInstaller one-folder, `installers/sdrdesk.spec`): the spec copies the repo's
  `resources/` to `resources/` next to the bundled Python modules, i.e. `sys._MEIPASS/resources`
  (`_internal/resources` on Windows/Linux; `Contents/Frameworks/resources` in the macOS .app,
  which PyInstaller links to `Contents/Resources/resources`).
* An installed wheel: `sdrdesk/resources/` inside the package, if the packaging put it there.
* A source checkout: `resources/` at the top of the repository.

No Qt import here: sub-commands and storage code may ask for data files without loading Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

RESOURCES_DIRNAME = "resources"


def resources_dir() -> Path:
    """The folder holding `icons/` and `data/`; it may be missing only in a broken install."""
    if getattr(sys, "frozen", False):
        bundle = getattr(sys, "_MEIPASS", None)
        base = Path(bundle) if bundle else Path(sys.executable).resolve().parent
        return base / RESOURCES_DIRNAME
    package = Path(__file__).resolve().parent
    inside = package / RESOURCES_DIRNAME
    if inside.is_dir():
        return inside
    return package.parent / RESOURCES_DIRNAME


def resource_path(*parts: str) -> Path:
    """A file under the resources folder, e.g. `resource_path("icons", "sdrdesk.svg")`."""
    return resources_dir().joinpath(*parts)
