from __future__ import annotations

from pathlib import Path

from sdrdesk.services.paths import resolve_data_paths


def test_data_flag_beats_environment(tmp_path: Path) -> None:
    paths = resolve_data_paths(str(tmp_path / "flag"), {"SDRDESK_DATA": str(tmp_path / "env")})
    assert paths.data_dir == tmp_path / "flag"
    assert paths.book == tmp_path / "flag" / "book.db"
    assert paths.demo_book == tmp_path / "flag" / "demo.db"


def test_environment_beats_platform_default(tmp_path: Path) -> None:
    paths = resolve_data_paths(None, {"SDRDESK_DATA": str(tmp_path / "env")})
    assert paths.book == tmp_path / "env" / "book.db"
    assert paths.logs == tmp_path / "env" / "logs"


def test_a_book_file_can_be_named_directly(tmp_path: Path) -> None:
    paths = resolve_data_paths(str(tmp_path / "work.db"), {})
    assert paths.book == tmp_path / "work.db"
    assert paths.data_dir == tmp_path


def test_platform_default_is_the_per_user_data_folder(isolated_user_dirs: Path) -> None:
    paths = resolve_data_paths(None, {})
    assert paths.book.name == "book.db"
    assert str(paths.data_dir).startswith(str(isolated_user_dirs))
