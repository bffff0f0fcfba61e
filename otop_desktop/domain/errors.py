"""Errors the user can read: raised by the core, shown by the GUI, printed by the CLI."""

from __future__ import annotations

from otop_desktop.i18n import _


class OtopError(Exception):
    """Base of every error whose message is meant for the user (already translated)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(OtopError):
    """Input that breaks a rule; `field` names the form field to show the message next to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(OtopError):
    """An id that names nothing in this database."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(_("No {kind} with id {id}.").format(kind=kind, id=record_id))
        self.kind = kind
        self.record_id = record_id


class DatabaseError(OtopError):
    """The database cannot be opened or used (not SQLite, newer version, read-only...)."""


class CaptureError(OtopError):
    """A write that would escape change capture (and so never reach other laptops)."""


class OperationCancelled(OtopError):
    """The user cancelled long work; whatever it was writing was left out entirely."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Cancelled; nothing was changed."))
