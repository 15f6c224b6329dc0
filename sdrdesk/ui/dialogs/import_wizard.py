"""Import wizard: file -> detection (with overrides) -> column mapping -> preview and duplicate
policy -> source label -> run off the GUI thread (progress, cancel) -> report.

Non-modal: `open_import_wizard` shows it and returns at once. All the work is done by
`sdrdesk.services.csv_import`; this module only asks and shows. The import itself runs on the
serial database worker of `ui/workers.py`, so the window stays responsive and a cancel leaves
the book untouched (the service's single transaction rolls back).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from sdrdesk.domain.cancel import CancelToken, OperationCancelled
from sdrdesk.domain.changes import Changes, OpResult
from sdrdesk.domain.errors import SdrdeskError
from sdrdesk.services.csv_import import (
    ColumnMapping,
    Detection,
    ImportOptions,
    ImportReport,
    detect,
    guess_mapping,
)
from sdrdesk.services.csv_import.aliases import ALL_FIELDS, DROP, FIELD_LABELS, IGNORE
from sdrdesk.services.csv_import.service import ImportService
from sdrdesk.services.csv_import.undo import UndoResult
from sdrdesk.ui import settings as S
from sdrdesk.ui.file_opener import DesktopFileOpener, FileOpener
from sdrdesk.ui.prompter import Prompter
from sdrdesk.ui.settings import Settings
from sdrdesk.ui.workers import BackgroundRunner, Runner

log = logging.getLogger(__name__)

ENCODINGS = (("Detect automatically", ""), ("UTF-8", "utf-8"), ("UTF-8 with BOM", "utf-8-sig"),
             ("UTF-16 (with BOM)", "utf-16"), ("UTF-16 LE", "utf-16-le"), ("UTF-16 BE", "utf-16-be"),
             ("Windows-1252", "cp1252"), ("Latin-1", "latin-1"))
DELIMITERS = (("Detect automatically", ""), ("Comma ,", ","), ("Semicolon ;", ";"), ("Tab", "\t"),
              ("Pipe |", "|"))
POLICY_LABELS = (("skip", "Skip rows already in the book (count them as duplicates)"),
                 ("update", "Update the existing records with the file's values"),
                 ("keep_both", "Keep both (create new records anyway)"))
_PHONE_LABELS = ("", "work", "mobile", "direct", "home", "corporate", "other")
PAGE_FILE, PAGE_DETECT, PAGE_MAPPING, PAGE_PREVIEW, PAGE_SOURCE, PAGE_RUN, PAGE_REPORT = range(7)


def _field_choices() -> list[tuple[str, str]]:
    choices = [(FIELD_LABELS[IGNORE], IGNORE), (FIELD_LABELS[DROP], DROP)]
    for field in ALL_FIELDS:
        if field == "contact.phone":
            choices.extend((f"Phone ({label})" if label else "Phone", f"contact.phone:{label}" if label
                            else "contact.phone") for label in _PHONE_LABELS)
        else:
            choices.append((FIELD_LABELS.get(field, field), field))
    return choices


class _FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose a CSV file")
        self.setSubTitle("Exports from HubSpot, Salesforce, Apollo, LinkedIn Sales Navigator, Outlook, "
                         "Thunderbird, Odoo or any spreadsheet saved as CSV.")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("import.path")
        self.path_edit.textChanged.connect(self.completeChanged)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        self.error = QLabel()
        self.error.setObjectName("import.file_error")
        self.error.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addStretch(1)

    @Slot()
    def _on_browse_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # only on a user's click, never in tests

        folder = self._wizard.settings.get(S.LAST_IMPORT_FOLDER) or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "Import CSV", folder,
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if name:
            self.path_edit.setText(name)

    def isComplete(self) -> bool:
        return Path(self.path_edit.text().strip()).is_file()

    def validatePage(self) -> bool:
        path = Path(self.path_edit.text().strip())
        try:
            self._wizard.detection = detect(path)
        except SdrdeskError as exc:
            self.error.setText(exc.user_message)
            return False
        self.error.clear()
        self._wizard.path = path
        self._wizard.settings.set(S.LAST_IMPORT_FOLDER, str(path.parent))
        return True


class _DetectPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("What sdrdesk found in the file")
        self.setSubTitle("Change anything that looks wrong; the sample below updates at once.")
        self.summary = QLabel()
        self.summary.setObjectName("import.detection_summary")
        self.summary.setWordWrap(True)
        self.encoding = QComboBox()
        self.encoding.setObjectName("import.encoding")
        for label, value in ENCODINGS:
            self.encoding.addItem(label, value)
        self.delimiter = QComboBox()
        self.delimiter.setObjectName("import.delimiter")
        for label, value in DELIMITERS:
            self.delimiter.addItem(label, value)
        self.header_row = QSpinBox()
        self.header_row.setObjectName("import.header_row")
        self.header_row.setRange(1, 1000)
        self.sample = QTableWidget()  # at most 20 sample rows: no model needed
        self.sample.setObjectName("import.sample")
        self.sample.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.error = QLabel()
        self.error.setWordWrap(True)
        # How the columns will be read and why, and the region of numbers without a code.
        self.reading = QLabel()
        self.reading.setObjectName("import.reading")
        self.reading.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Encoding", self.encoding)
        form.addRow("Delimiter", self.delimiter)
        form.addRow("Header row (line)", self.header_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.reading)
        layout.addWidget(self.sample, 1)
        self._loading = False
        self.encoding.currentIndexChanged.connect(self._on_override_changed)
        self.delimiter.currentIndexChanged.connect(self._on_override_changed)
        self.header_row.valueChanged.connect(self._on_override_changed)

    def initializePage(self) -> None:
        self._loading = True
        d = self._wizard.detection
        assert d is not None
        self.encoding.setCurrentIndex(0)
        self.delimiter.setCurrentIndex(0)
        self.header_row.setValue(d.header_row + 1)
        self._loading = False
        self._show(d)

    def _show(self, d: Detection) -> None:
        text = (f"Encoding: {d.encoding_label}. Delimiter: {d.delimiter_name}. Header on line "
                f"{d.header_row + 1} ({len(d.headers)} columns). Line ends: {d.line_ending}.")
        if d.warnings:
            text += " " + " ".join(d.warnings)
        self.summary.setText(text)
        try:
            reading = self._wizard.imports.describe(d, self._wizard.settings.get(S.DEFAULT_REGION) or None)
        except SdrdeskError as exc:
            self.reading.setText(exc.user_message)
        else:
            lines = list(reading.notes)
            if reading.has_phones:
                lines.append(reading.region_reason)
            self.reading.setText("\n".join(lines))
        self.sample.clear()
        self.sample.setColumnCount(len(d.headers))
        self.sample.setHorizontalHeaderLabels([h or f"(column {i + 1})" for i, h in enumerate(d.headers)])
        self.sample.setRowCount(len(d.sample_rows))
        for r, row in enumerate(d.sample_rows):
            for c, cell in enumerate(row[:len(d.headers)]):
                self.sample.setItem(r, c, QTableWidgetItem(cell))

    @Slot()
    def _on_override_changed(self) -> None:
        if self._loading or self._wizard.path is None:
            return
        try:
            d = detect(self._wizard.path, encoding=self.encoding.currentData() or None,
                       delimiter=self.delimiter.currentData() or None,
                       header_row=self.header_row.value() - 1)
        except SdrdeskError as exc:
            self.error.setText(exc.user_message)
            self._wizard.detection_error = True
            self.completeChanged.emit()
            return
        self.error.clear()
        self._wizard.detection_error = False
        self._wizard.detection = d
        self._show(d)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self._wizard.detection_error


class _MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Which column holds what")
        self.setSubTitle("Known export headers are matched for you. Columns set to "
                         "'(do not import)' are left out.")
        self.table = QTableWidget()
        self.table.setObjectName("import.mapping")
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(["Column", "First value", "Import as"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.remember = QCheckBox("Remember this mapping for files with these columns")
        self.remember.setObjectName("import.remember_mapping")
        self.remember.setChecked(True)
        self.kind = QLabel()
        self.kind.setWordWrap(True)
        self.kind.setObjectName("import.kind")
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.kind)
        layout.addWidget(self.remember)
        self.combos: list[QComboBox] = []
        self._choices = _field_choices()

    def initializePage(self) -> None:
        d = self._wizard.detection
        assert d is not None
        remembered = self._wizard.imports.remembered_mapping(d.headers)
        mapping = remembered or guess_mapping(d.headers, d.sample_rows)
        self._notes = ("Using the mapping remembered for these columns.",) if remembered else mapping.notes
        self._guess = mapping
        self.table.setRowCount(len(d.headers))
        self.combos = []
        first = d.sample_rows[0] if d.sample_rows else ()
        for i, header in enumerate(d.headers):
            self.table.setItem(i, 0, QTableWidgetItem(header or f"(column {i + 1})"))
            self.table.setItem(i, 1, QTableWidgetItem(first[i] if i < len(first) else ""))
            combo = QComboBox()
            for label, value in self._choices:
                combo.addItem(label, value)
            index = combo.findData(mapping.fields[i])
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            self.table.setCellWidget(i, 2, combo)
            self.combos.append(combo)
        self._on_mapping_changed()

    def mapping(self) -> ColumnMapping:
        d = self._wizard.detection
        assert d is not None
        fields = {(h or f"#{i + 1}"): c.currentData() for i, (h, c) in enumerate(zip(d.headers, self.combos,
                                                                                     strict=True))}
        base = ColumnMapping(d.headers, tuple(IGNORE for _ in d.headers))
        chosen = base.with_overrides(fields)
        guess = getattr(self, "_guess", None)
        if guess is not None and guess.fields == chosen.fields and guess.headers == chosen.headers:
            # Unchanged: keep the guess's notes (how the columns were read, and why) for the report.
            return ColumnMapping(chosen.headers, chosen.fields, chosen.warnings, guess.notes)
        return chosen

    def set_field(self, column: int, field: str) -> None:
        """Choose `field` for `column` (what a user's pick in the combo does)."""
        self.combos[column].setCurrentIndex(self.combos[column].findData(field))

    @Slot()
    def _on_mapping_changed(self) -> None:
        try:
            mapping = self.mapping()
        except SdrdeskError as exc:
            self.kind.setText(exc.user_message)
            return
        names = {"contacts": "contacts (with their companies)", "accounts": "accounts (companies)",
                 "both": "contacts and accounts"}
        self.kind.setText(" ".join([f"This file will import as {names[mapping.kind]}.",
                                    *getattr(self, "_notes", ())]))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return any(c.currentData() not in (IGNORE, DROP) for c in self.combos)

    def validatePage(self) -> bool:
        self._wizard.mapping = self.mapping()
        if self.remember.isChecked():
            mapping = self._wizard.mapping
            # Through the serial writer: never a write on the GUI thread.
            self._wizard.runner.run(lambda: self._wizard.imports.remember_mapping(mapping), None,
                                    lambda exc: log.warning("mapping not remembered: %s", type(exc).__name__))
        return True


class _PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Preview")
        self.setSubTitle("What the first rows would do. Choose what happens to rows already in the book.")
        self.policy = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for i, (value, label) in enumerate(POLICY_LABELS):
            button = QRadioButton(label)
            button.setObjectName(f"import.policy.{value}")
            button.setChecked(i == 0)
            self.policy.addButton(button, i)
            layout.addWidget(button)
        self.policy.idClicked.connect(self._on_policy_clicked)
        self.summary = QLabel()
        self.summary.setObjectName("import.preview_summary")
        self.summary.setWordWrap(True)
        self.rows = QTableWidget()  # at most MAX_LISTED preview rows
        self.rows.setObjectName("import.preview_rows")
        self.rows.setColumnCount(4)
        self.rows.setHorizontalHeaderLabels(["Row", "Outcome", "Record", "Reason"])
        header = self.rows.horizontalHeader()
        # Names are short; the reason ("same name and company already in the book", "has 12
        # fields but the header has 11 ...") is what the user reads to decide, so it gets the room.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.rows.setColumnWidth(0, 60)
        self.rows.setColumnWidth(1, 90)
        self.rows.setColumnWidth(2, 260)
        self.rows.setWordWrap(False)
        self.rows.verticalHeader().setDefaultSectionSize(22)
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows.verticalHeader().setVisible(False)  # the "Row" column is the file's data row number
        self.similar = QLabel()
        self.similar.setObjectName("import.near_duplicates")
        self.similar.setWordWrap(True)
        # Same e-mail or website, clearly different name: the rep's choice (default keep both).
        self.possible = QLabel()
        self.possible.setObjectName("import.possible_duplicates")
        self.possible.setWordWrap(True)
        self.skip_possible = QCheckBox("Skip possible duplicates instead of keeping both")
        self.skip_possible.setObjectName("import.skip_possible_duplicates")
        self.skip_possible.toggled.connect(self._on_choice_toggled)
        # Rows split by an unquoted delimiter that one join repairs: offered, imported if accepted.
        self.repairs = QLabel()
        self.repairs.setObjectName("import.repairs")
        self.repairs.setWordWrap(True)
        self.repair = QCheckBox("Repair these rows and import them")
        self.repair.setObjectName("import.repair_splits")
        self.repair.toggled.connect(self._on_choice_toggled)
        self.notes = QLabel()
        self.notes.setObjectName("import.preview_notes")
        self.notes.setWordWrap(True)
        layout.addWidget(self.summary)
        layout.addWidget(self.notes)
        layout.addWidget(self.similar)
        layout.addWidget(self.possible)
        layout.addWidget(self.skip_possible)
        layout.addWidget(self.repairs)
        layout.addWidget(self.repair)
        layout.addWidget(self.rows, 1)

    @property
    def policy_value(self) -> str:
        return POLICY_LABELS[max(0, self.policy.checkedId())][0]

    def set_policy(self, value: str) -> None:
        index = [p for p, _ in POLICY_LABELS].index(value)
        self.policy.button(index).setChecked(True)
        self._refresh()

    def initializePage(self) -> None:
        self._refresh()

    @Slot(int)
    def _on_policy_clicked(self, _index: int) -> None:
        self._refresh()

    @Slot(bool)
    def _on_choice_toggled(self, _checked: bool) -> None:
        self._refresh()

    def _refresh(self) -> None:
        wizard = self._wizard
        wizard.policy = self.policy_value
        wizard.possible_duplicates = "skip" if self.skip_possible.isChecked() else "keep_both"
        wizard.repair_splits = self.repair.isChecked()
        try:
            assert wizard.path is not None
            preview = wizard.imports.preview(wizard.path, wizard.options(), max_rows=200)
        except SdrdeskError as exc:
            self.summary.setText(exc.user_message)
            return
        self.preview = preview
        details = [f"{preview.accounts_created} new companies"]
        if preview.phones_invalid:
            details.append(f"{preview.phones_invalid} of {preview.phones} new phone numbers not valid: "
                           "they are kept and flagged")
        self.summary.setText(
            f"In the first {preview.rows} rows: {preview.imported} new, {preview.updated} updates, "
            f"{preview.duplicates} already in the book, {preview.rejected} rejected "
            f"({'; '.join(details)}).")
        similar = [f"“{d['name']}” looks like “{d['similar_to']}”" for d in preview.near_duplicates[:8]]
        self.similar.setText(("Possible duplicate companies (both are kept): " + "; ".join(similar))
                             if similar else "")
        self.notes.setText("\n".join([*preview.decisions, *preview.warnings]))
        self.notes.setVisible(bool(self.notes.text()))
        self.similar.setVisible(bool(similar))
        self._show_choices(preview)
        self.rows.setRowCount(len(preview.row_outcomes))
        for r, outcome in enumerate(preview.row_outcomes):
            for c, value in enumerate((str(outcome.number), outcome.outcome, outcome.label, outcome.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(value if c >= 2 else "")  # long names and reasons are elided in the cell
                self.rows.setItem(r, c, item)


    def _show_choices(self, preview: ImportReport) -> None:
        listed = [f"row {p['row']} “{p['label']}”: {p['why']}, like {p['matched']}"
                  for p in preview.possible_duplicates[:6]]
        count = preview.possible_duplicate_count
        self.possible.setText(
            f"{count} possible duplicate(s) (the same e-mail or website, a clearly different name); "
            f"{'skipped' if self.skip_possible.isChecked() else 'both are kept'}:\n" + "\n".join(listed)
            if count else "")
        if preview.possible_duplicate_companies:
            self.possible.setText(
                (self.possible.text() + "\n" if count else "")
                + f"{preview.possible_duplicate_companies} row(s) name a company that shares its website "
                "with a clearly different company: each keeps its own.")
        self.possible.setVisible(bool(count or preview.possible_duplicate_companies))
        self.skip_possible.setVisible(bool(count) or self.skip_possible.isChecked())
        repairs = preview.repairs[:6]
        self.repairs.setText(
            f"{preview.repairable_rows} row(s) have one field too many where an unquoted delimiter split "
            "a value; joined back they fit the columns:\n"
            + "\n".join(f"row {r['row']}: {r['column']} = “{r['value']}”" for r in repairs)
            if preview.repairable_rows else "")
        self.repairs.setVisible(bool(preview.repairable_rows))
        self.repair.setVisible(bool(preview.repairable_rows))


class _SourcePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        # The last page before the import: its button says "Import", and no page after it has a
        # Back button (going back from a running import would let the rep start it twice).
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.setTitle("Source label")
        self.setSubTitle("Every imported record is tagged with where it came from.")
        self.label = QLineEdit()
        self.label.setObjectName("import.source_label")
        self.label.textChanged.connect(self.completeChanged)
        form = QFormLayout(self)
        form.addRow("Source", self.label)

    def initializePage(self) -> None:
        names = self._wizard.imports.source_label_names()
        completer = QCompleter(names, self.label)  # reuse a label: "Apollo Q3 list" across files
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.label.setCompleter(completer)
        if not self.label.text() and self._wizard.path is not None:
            self.label.setText(f"{self._wizard.path.stem} ({datetime.now().strftime('%Y-%m-%d')})")

    def isComplete(self) -> bool:
        return bool(self.label.text().strip())

    def validatePage(self) -> bool:
        self._wizard.source_label = self.label.text().strip()
        return True


class _RunPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Importing")
        self.progress = QProgressBar()
        self.progress.setObjectName("import.progress")
        self.progress.setRange(0, 1000)
        self.status = QLabel("Starting…")
        self.status.setObjectName("import.status")
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.setObjectName("import.cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self.finished = False

    def initializePage(self) -> None:
        self.finished = False
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        QTimer.singleShot(0, self._wizard.start_import)

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self._wizard.cancel_import()

    def isComplete(self) -> bool:
        return self.finished


class _ReportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Import report")
        self.text = QPlainTextEdit()
        self.text.setObjectName("import.report")
        self.text.setReadOnly(True)
        self.open_rejects = QPushButton("Open rejected rows")
        self.open_rejects.setObjectName("import.open_rejects")
        self.open_rejects.setToolTip("The rejected rows in the file's own columns, with an error column: "
                                     "fix them there and import that file again.")
        self.open_rejects.clicked.connect(lambda: self._open(self._rejects_file()))
        self.open_skipped = QPushButton("Open skipped rows")
        self.open_skipped.setObjectName("import.open_skipped")
        self.open_skipped.setToolTip("The rows skipped as duplicates, with why and the record each matched.")
        self.open_skipped.clicked.connect(lambda: self._open(self._skipped_file()))
        self.open_folder = QPushButton("Show report folder")
        self.open_folder.setObjectName("import.open_folder")
        self.open_folder.clicked.connect(lambda: self._open(self._report_folder()))
        self.show_records = QPushButton("Show the imported records")
        self.show_records.setObjectName("import.show_records")
        self.show_records.setToolTip("List this import's source label in Accounts and contacts")
        self.show_records.clicked.connect(self._on_show_records_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_records)
        buttons.addWidget(self.open_rejects)
        buttons.addWidget(self.open_skipped)
        buttons.addWidget(self.open_folder)
        buttons.addStretch(1)
        # Sequences (issue 13): the last step of an import is putting the people to work.
        self.enrol = QPushButton("Enrol the imported contacts…")
        self.enrol.setObjectName("import.enrol")
        self.enrol.setToolTip("Put this import's contacts in a sequence, so they appear in Today")
        self.enrol.clicked.connect(self._on_enrol_clicked)
        buttons.addWidget(self.enrol)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(buttons)

    def _rejects_file(self) -> Path | None:
        report = self._wizard.report
        return Path(report.rejects_file) if report is not None and report.rejects_file else None

    def _skipped_file(self) -> Path | None:
        report = self._wizard.report
        return Path(report.skipped_file) if report is not None and report.skipped_file else None

    def _report_folder(self) -> Path | None:
        report = self._wizard.report
        return Path(report.report_file).parent if report is not None and report.report_file else None

    @Slot()
    def _on_show_records_clicked(self) -> None:
        report = self._wizard.report
        if report is not None and report.source_label_id:
            self._wizard.sig_show_source_requested.emit(uuid.UUID(report.source_label_id))

    @Slot()
    def _on_enrol_clicked(self) -> None:
        report = self._wizard.report
        if report is not None and report.import_run_id:
            self._wizard.sig_enrol_requested.emit(uuid.UUID(report.import_run_id))

    def _open(self, path: Path | None) -> None:
        if path is not None and not self._wizard.file_opener.open(path):
            self.text.appendPlainText(f"\nCould not open {path}: open it from your file manager.")

    def initializePage(self) -> None:
        report = self._wizard.report
        if report is not None:
            lines = report.summary_lines()
            if report.rejected:
                lines.append("")
                lines.append("Fix the rejected rows in that file (its \"error\" column says why) and import "
                             "it again.")
            self.text.setPlainText("\n".join(lines))
        else:
            self.text.setPlainText(self._wizard.failure or "Nothing was imported.")
        self.show_records.setVisible(report is not None and bool(report.imported + report.updated))
        self.open_rejects.setVisible(self._rejects_file() is not None)
        self.open_skipped.setVisible(self._skipped_file() is not None)
        self.open_folder.setVisible(self._report_folder() is not None)
        self.enrol.setVisible(report is not None and bool(report.import_run_id)
                              and bool(report.imported + report.updated))


class ImportWizard(QWizard):
    sig_import_finished = Signal(object, object)
    """An import committed: (`ImportReport`, `Changes`). The main window broadcasts the changes."""

    sig_show_source_requested = Signal(object)
    """The rep asked to see what the import brought in: its source label's UUID."""

    sig_enrol_requested = Signal(object)
    """The rep asked to enrol this import's contacts in a sequence: the import run's UUID."""

    def __init__(self, book_path: Path, imports: ImportService, settings: Settings,
                 parent: QWidget | None = None, *, runner: Runner | None = None,
                 file_opener: FileOpener | None = None) -> None:
        super().__init__(parent)
        self.file_opener: FileOpener = file_opener or DesktopFileOpener()
        self.setObjectName("dialog.import_wizard")
        self.setWindowTitle("Import CSV")
        self.book_path = Path(book_path)
        self.imports = imports
        self.settings = settings
        self.runner: Runner = runner or BackgroundRunner(self)
        self.path: Path | None = None
        self.detection: Detection | None = None
        self.detection_error = False
        self.mapping: ColumnMapping | None = None
        self.policy = "skip"
        self.possible_duplicates = "keep_both"  # or "skip": same e-mail/website, clearly other name
        self.repair_splits = False  # the rep accepted joining rows split by a stray delimiter
        self.source_label = ""
        self.report: ImportReport | None = None
        self.failure: str | None = None
        self._token: CancelToken | None = None
        self._started = 0.0  # time.monotonic() when the running import began
        self._close_when_done = False
        self.file_page = _FilePage(self)
        self.detect_page = _DetectPage(self)
        self.mapping_page = _MappingPage(self)
        self.preview_page = _PreviewPage(self)
        self.source_page = _SourcePage(self)
        self.run_page = _RunPage(self)
        self.report_page = _ReportPage(self)
        pages = (self.file_page, self.detect_page, self.mapping_page, self.preview_page, self.source_page,
                 self.run_page, self.report_page)
        for page_id, page in enumerate(pages):
            self.setPage(page_id, page)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.resize(820, 600)

    def start_with(self, path: Path) -> None:
        """Begin with `path` chosen (a file dropped on the window): straight to what was detected,
        or the first page with the reason when the file is refused."""
        self.file_page.path_edit.setText(str(path))
        if self.currentId() == PAGE_FILE and self.file_page.isComplete():
            self.next()

    def options(self) -> ImportOptions:
        d = self.detection
        return ImportOptions(
            source_label=self.source_label or None,
            default_region=None, region_fallback=self.settings.get(S.DEFAULT_REGION) or None,
            policy=self.policy, mapping=self.mapping, possible_duplicates=self.possible_duplicates,
            repair_splits=self.repair_splits,
            encoding=d.encoding if d else None, delimiter=d.delimiter if d else None,
            header_row=d.header_row if d else None,
            report_dir=self.book_path.parent / "imports")

    @property
    def running(self) -> bool:
        return self._token is not None

    @Slot()
    def start_import(self) -> None:
        if self._token is not None or self.path is None:
            return
        token = self._token = CancelToken()
        path, options, imports = self.path, self.options(), self.imports

        def job(progress: Any = None, cancel: CancelToken | None = None) -> ImportReport:
            return imports.run(path, options, progress=progress, cancel=cancel)

        self.run_page.status.setText(f"Importing {path.name}…")
        self._started = time.monotonic()
        self.runner.run(job, self._on_import_done, self._on_import_failed, serial_db=True,
                        progress=self._on_progress, cancel=token)

    def cancel_import(self) -> None:
        if self._token is not None:
            self._token.cancel()
            self.run_page.status.setText("Cancelling: nothing will be imported…")
            self.run_page.cancel_button.setEnabled(False)

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.run_page.progress.setValue(int(1000 * min(done, total) / total))
        if self._token is not None and not self._token.cancelled and self.path is not None:
            self.run_page.status.setText(
                progress_text(self.path.name, done, total, time.monotonic() - self._started))

    def _finish_run(self) -> None:
        self._token = None
        self.run_page.finished = True
        self.run_page.cancel_button.setEnabled(False)
        self.run_page.completeChanged.emit()
        if self._close_when_done:
            QTimer.singleShot(0, self.reject)

    def _on_import_done(self, report: ImportReport) -> None:
        self.report = report
        self.run_page.progress.setValue(1000)
        self.run_page.status.setText("Done.")
        self._finish_run()
        self.sig_import_finished.emit(report, Changes(book_reloaded=True))
        if self.currentId() == PAGE_RUN:
            self.next()

    def _on_import_failed(self, exc: BaseException) -> None:
        if isinstance(exc, OperationCancelled):
            self.failure = "Import cancelled. Nothing was imported; the book is as it was."
        elif isinstance(exc, SdrdeskError):
            self.failure = exc.user_message
        else:
            log.error("import failed", exc_info=exc)
            self.failure = f"The import failed and nothing was imported: {exc}"
        self.run_page.status.setText(self.failure)
        self._finish_run()
        if self.currentId() == PAGE_RUN:
            self.next()

    def reject(self) -> None:
        # Closing while an import runs cancels it and closes once the worker has rolled back, so
        # the wizard (and a runner it owns) outlives the job that reports to it.
        if self.running:
            self._close_when_done = True
            self.cancel_import()
            return
        super().reject()


def progress_text(name: str, done: int, total: int, elapsed: float) -> str:
    """"Importing x.csv… 4.2 of 12.8 MB, about 20 s left": the estimate once it means something."""
    text = f"Importing {name}…"
    if total <= 0:
        return text
    text += f" {done / 1e6:.1f} of {total / 1e6:.1f} MB"
    if elapsed < 1.0 or done < total * 0.02 or done >= total:
        return text
    left = elapsed * (total - done) / done
    if left < 60:
        return f"{text}, about {max(5, round(left / 5) * 5)} s left"
    return f"{text}, about {round(left / 60)} min left"


def open_import_wizard(parent: QWidget | None, book_path: Path, imports: ImportService,
                       settings: Settings, *, runner: Runner | None = None,
                       file_opener: FileOpener | None = None) -> ImportWizard:
    """Create and show the import wizard non-modally; connect `sig_import_finished` to refresh panes."""
    wizard = ImportWizard(book_path, imports, settings, parent, runner=runner, file_opener=file_opener)
    wizard.show()
    return wizard


def undo_last_import_confirmed(prompter: Prompter, imports: ImportService, runner: Runner,
                               on_undone: Callable[[Changes], None]) -> None:
    """File > Undo last import: say what will be undone, ask, then undo on the serial writer;
    `on_undone(changes)` broadcasts what changed once it landed."""
    title = "Undo last import"
    latest = imports.last()
    if latest is None:
        prompter.inform(title, "There is no import to undo.")
        return
    when = latest.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if not prompter.confirm(title, f"Undo the import of {latest.file_name} ({when})? The {latest.imported:,} "
                                   f"records it added are removed and the {latest.updated:,} it updated get "
                                   "their previous values back."):
        return

    def landed(done: OpResult[UndoResult]) -> None:
        result = done.value
        prompter.inform(title, f"Removed {result.contacts_removed:,} contacts and "
                               f"{result.accounts_removed:,} accounts; restored "
                               f"{result.records_restored:,} records.")
        on_undone(done.changes)

    def failed(exc: BaseException) -> None:
        prompter.inform(title, exc.user_message if isinstance(exc, SdrdeskError)
                        else f"The import could not be undone; nothing changed ({type(exc).__name__}).")

    import_run_id = latest.import_run_id
    runner.run(lambda: imports.undo_last(import_run_id), landed, failed, serial_db=True)


def export_csv_prompted(prompter: Prompter, imports: ImportService, what: str, runner: Runner,
                        suggested_folder: Path) -> None:
    """File > Export CSV: ask where, then write contacts or accounts on a worker."""
    title = f"Export {what}"
    target = prompter.save_file(title, str(suggested_folder / f"{what}.csv"), "CSV files (*.csv)")
    if target is None:
        return

    def job() -> Any:
        return imports.export(what, target)

    runner.run(job, lambda result: prompter.inform(title, f"Wrote {result.rows:,} {what} to {result.path}."),
               lambda exc: prompter.inform(title, f"The export failed; nothing was written: {exc}"),
               serial_db=False)
