"""CSV import of accounts and contacts (DESIGN.md section 5). Pure Python: no Qt.

`import_csv` runs an import, `preview_csv` shows what it would do, `undo_last_import`
reverses the latest one. See `importer.py` for the duplicate and rejection rules.
"""

from sdrdesk.services.csv_import.detect import Detection, detect
from sdrdesk.services.csv_import.importer import (
    POLICIES,
    ImportOptions,
    import_csv,
    inspect_file,
    preview_csv,
)
from sdrdesk.services.csv_import.mapping import (
    ColumnMapping,
    guess_mapping,
    load_overrides,
    refine_with_samples,
)
from sdrdesk.services.csv_import.remember import remember_mapping, remembered_mapping
from sdrdesk.services.csv_import.report import ImportReport, RowOutcome
from sdrdesk.services.csv_import.undo import LastImport, UndoResult, last_import, undo_last_import

__all__ = [
    "POLICIES", "ColumnMapping", "Detection", "ImportOptions", "ImportReport", "LastImport", "RowOutcome",
    "UndoResult", "detect", "guess_mapping", "import_csv", "inspect_file", "last_import", "load_overrides",
    "preview_csv", "refine_with_samples", "remember_mapping", "remembered_mapping", "undo_last_import",
]
