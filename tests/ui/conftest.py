"""UI fixtures: a fully wired app per test, on its own data folder and settings file."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sdrdesk.ui.prompter import ScriptedPrompter


def app_args(folder: Path, **overrides: object) -> argparse.Namespace:
    values: dict[str, object] = {"data": str(folder / "data"), "settings": str(folder / "settings.ini"),
                                 "theme": None, "demo": False, "screenshot": None, "self_test": False}
    values.update(overrides)
    return argparse.Namespace(**values)


@pytest.fixture
def make_app(qtbot, tmp_path: Path, fake_clock) -> Iterator[Callable[..., object]]:  # type: ignore[no-untyped-def]
    """Build (and later tear down) wired apps; several may share one settings file."""
    from sdrdesk.app import build_app

    built: list[object] = []

    def make(folder: Path | None = None, prompter: ScriptedPrompter | None = None,
             **overrides: object):  # type: ignore[no-untyped-def]
        parts = build_app(app_args(folder or tmp_path, **overrides), clock=fake_clock,
                          prompter=prompter or ScriptedPrompter())
        qtbot.addWidget(parts.window)
        built.append(parts)
        return parts

    yield make
    for parts in built:
        parts.runner.shutdown()  # type: ignore[attr-defined]
        if parts.ctx.workspace is not None:  # type: ignore[attr-defined]
            parts.ctx.workspace.close()  # type: ignore[attr-defined]


def open_and_wait(qtbot, parts, path: Path, **kwargs: object) -> None:  # type: ignore[no-untyped-def]
    parts.books.open(path, **kwargs)
    qtbot.waitUntil(lambda: parts.ctx.workspace is not None and parts.ctx.workspace.path == path
                    and parts.runner.pending == 0, timeout=20_000)
