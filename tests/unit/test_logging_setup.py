from __future__ import annotations

import logging
from pathlib import Path

from sdrdesk.services.logging_setup import BACKUP_COUNT, LOG_FILE, MAX_BYTES, setup_logging


def test_rotating_log_file_in_the_given_folder(tmp_path: Path) -> None:
    path = setup_logging(tmp_path / "logs")
    try:
        assert path == tmp_path / "logs" / LOG_FILE
        logging.getLogger("sdrdesk.test").warning("hello from the test")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert "hello from the test" in path.read_text(encoding="utf-8")
        rotating = [h for h in logging.getLogger().handlers if getattr(h, "_sdrdesk", False)]
        assert len(rotating) == 1
        assert rotating[0].maxBytes == MAX_BYTES and rotating[0].backupCount == BACKUP_COUNT
        setup_logging(tmp_path / "logs")  # a second call replaces, never duplicates
        assert len([h for h in logging.getLogger().handlers if getattr(h, "_sdrdesk", False)]) == 1
    finally:
        for handler in [h for h in logging.getLogger().handlers if getattr(h, "_sdrdesk", False)]:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_unwritable_log_folder_does_not_stop_the_app(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert setup_logging(blocker / "logs") is None
