"""Domain errors that views turn into form messages or 4xx pages."""


class DomainError(Exception):
    """A request the rules refuse; the message is shown to the person."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class ValidationError(DomainError):
    """Bad input for a field: `field` names it so the form can show it there."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
