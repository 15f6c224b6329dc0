"""`Workspace.imports`: CSV import and export as the window reaches them (no Qt).

Thin methods over the import pipeline, so the wizard and the File menu never see a unit of
work. Writes (`remember_mapping`, `run`, `undo_last`) are meant for the serial runner.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.domain.changes import OpResult
from sdrdesk.domain.clock import Clock
from sdrdesk.services.csv_export import ExportResult, export_accounts, export_contacts
from sdrdesk.services.csv_import.detect import Detection
from sdrdesk.services.csv_import.importer import ImportOptions, ProgressFn, import_csv, preview_csv
from sdrdesk.services.csv_import.mapping import ColumnMapping, guess_mapping
from sdrdesk.services.csv_import.region import infer_region
from sdrdesk.services.csv_import.remember import remember_mapping, remembered_mapping
from sdrdesk.services.csv_import.report import ImportReport
from sdrdesk.services.csv_import.undo import LastImport, UndoResult, last_import, undo_last_import
from sdrdesk.storage.unit_of_work import UowFactory


@dataclass(frozen=True)
class FileReading:
    """How the importer reads a detected file, and why (the wizard's detection page shows it)."""

    kind: str  # accounts, contacts or both
    notes: tuple[str, ...]  # which reading of the columns, and why
    region: str | None  # for numbers written without a country code
    region_reason: str
    has_phones: bool


class ImportService:
    def __init__(self, uow_factory: UowFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def source_label_names(self) -> list[str]:
        with self._uow() as uow:
            return sorted(label.name for label in uow.source_labels.list())

    def remembered_mapping(self, headers: tuple[str, ...]) -> ColumnMapping | None:
        return remembered_mapping(self._uow, headers)

    def remember_mapping(self, mapping: ColumnMapping) -> OpResult[None]:
        remember_mapping(self._uow, mapping)
        return OpResult(None)

    def describe(self, detection: Detection, region_fallback: str | None,
                 mapping: ColumnMapping | None = None) -> FileReading:
        """The reading the importer takes of `detection` (no book needed)."""
        mapping = mapping or guess_mapping(detection.headers, detection.sample_rows)
        guess = infer_region(mapping, detection.sample_rows, region_fallback)
        has_phones = bool(mapping.mapped_fields & {"contact.phone", "account.phone"})
        return FileReading(mapping.kind, mapping.notes, guess.region, guess.reason, has_phones)

    def preview(self, path: Path, options: ImportOptions, max_rows: int = 200) -> ImportReport:
        """The first rows imported and rolled back: exact outcomes, nothing written."""
        return preview_csv(path, self._uow, options, max_rows=max_rows, clock=self._clock)

    def run(self, path: Path, options: ImportOptions, *, progress: ProgressFn | None = None,
            cancel: CancelToken | None = None) -> ImportReport:
        return import_csv(path, self._uow, options, clock=self._clock, progress=progress, cancel=cancel)

    def last(self) -> LastImport | None:
        return last_import(self._uow)

    def undo_last(self, import_run_id: uuid.UUID | None = None) -> OpResult[UndoResult]:
        result, changes = undo_last_import(self._uow, clock=self._clock, import_run_id=import_run_id)
        return OpResult(result, changes)

    def export(self, what: str, target: Path) -> ExportResult:
        """Contacts or accounts, in the import's column conventions (a read: any worker)."""
        export = export_contacts if what == "contacts" else export_accounts
        return export(self._uow, target)

