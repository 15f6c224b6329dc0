"""A size-capped rotating log file in the per-user log folder.

Phone numbers and notes are never logged at INFO: log record ids, not personal data.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE = "sdrdesk.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, level: int = logging.INFO) -> Path | None:
    """Log to a rotating file; returns its path, or None when the folder cannot be written."""
    root = logging.getLogger()
    root.setLevel(level)
    # APScheduler logs every job added, run and removed at INFO: a reminder rebuild would flood
    # the file. Its warnings (a misfired job, a failing one) still come through.
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_dir / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        logging.basicConfig(level=logging.WARNING, format=_FORMAT)
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    for old in [h for h in root.handlers if getattr(h, "_sdrdesk", False)]:
        root.removeHandler(old)
        old.close()
    handler._sdrdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    return log_dir / LOG_FILE
