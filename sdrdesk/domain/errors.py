"""Typed errors for expected failures. Each carries a message fit to show a user."""

from __future__ import annotations


class SdrdeskError(Exception):
    """Base of every expected failure. `user_message` is plain language for a dialog."""

    title = "sdrdesk"

    def __init__(self, user_message: str, *, detail: str = "") -> None:
        super().__init__(user_message)
        self.user_message = user_message
        self.detail = detail


class NotAnSdrdeskDatabase(SdrdeskError):
    title = "Not an sdrdesk book"


class NewerSchemaError(SdrdeskError):
    title = "Book made by a newer sdrdesk"


class DatabaseOpenError(SdrdeskError):
    title = "Could not open the book"


class MigrationError(SdrdeskError):
    title = "Could not upgrade the book"


class ImportFileRejected(SdrdeskError):
    title = "File not imported"


class KeychainUnavailable(SdrdeskError):
    title = "Keychain unavailable"


class RecordNotFound(SdrdeskError):
    title = "Record not found"


class ValidationError(SdrdeskError):
    title = "Invalid value"


# -- the book refusing or failing a write (reliability, issue #11) ---------------------
class BookBusy(SdrdeskError):
    """Another program (an import, a second window) holds the book's write lock."""

    title = "Book busy"


class BookDamaged(SdrdeskError):
    """SQLite said the file is malformed: nothing more is written to it."""

    title = "Book damaged"


class BookReadOnly(SdrdeskError):
    """The book file or its folder cannot be written."""

    title = "Book is read-only"


class DiskFull(SdrdeskError):
    title = "Disk full"
