"""One family of errors for every surface (REST, OGC API, tiles, pages, the write path).

Code raises these; each surface renders them once, in its own shape (DRF JSON, OGC exception
JSON or HTML, a plain page). A message is for a person: it names the parameter and says what is
allowed. No traceback or internal detail (socket paths, SQL) ever goes into one.
"""


class ServiceError(Exception):
    """Base of the family. `status` is the HTTP status; `code` a stable machine-readable name
    (OGC API's exception `code`); `parameter` the query parameter at fault, when there is one."""

    status = 500
    code = "ServerError"

    def __init__(self, message: str, *, parameter: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = str(message)
        self.parameter = parameter
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body = {"code": self.code, "description": self.message, "status": self.status}
        if self.parameter:
            body["parameter"] = self.parameter
        return body


class BadRequest(ServiceError):
    """A malformed or impossible request: a bad value, an unknown parameter, a broken file.

    `errors` maps each parameter at fault to its message when there are several."""

    status = 400
    code = "InvalidParameterValue"

    def __init__(self, message: str, *, parameter=None, code=None, errors=None):
        super().__init__(message, parameter=parameter, code=code)
        self.errors = dict(errors or {})

    @classmethod
    def collect(cls, errors: dict[str, str]) -> "BadRequest":
        """One error for several bad parameters (the first one names the error)."""
        first = next(iter(errors))
        message = " ".join(errors.values())
        return cls(message, parameter=first, errors=errors)

    def as_dict(self) -> dict:
        body = super().as_dict()
        if len(self.errors) > 1:
            body["errors"] = self.errors
        return body


class UnknownParameter(BadRequest):
    code = "UnknownParameter"


class NotAuthenticated(ServiceError):
    """A write (or a private page) by someone who has not signed in or sent a token."""

    status = 401
    code = "NotAuthenticated"


class Forbidden(ServiceError):
    """Signed in, but the user's role does not allow this."""

    status = 403
    code = "PermissionDenied"


class PreconditionFailed(ServiceError):
    """The caller's copy (If-Match) is not the current version; nothing was written."""

    status = 412
    code = "PreconditionFailed"

    def __init__(self, message: str, *, current: int | None = None):
        super().__init__(message)
        self.current = current


class PreconditionRequired(ServiceError):
    """A write that does not say which version it changes (no If-Match)."""

    status = 428
    code = "PreconditionRequired"


class NotFound(ServiceError):
    status = 404
    code = "NotFound"


class MethodNotAllowed(ServiceError):
    status = 405
    code = "MethodNotAllowed"


class NotAcceptable(ServiceError):
    status = 406
    code = "NotAcceptable"


class UnsupportedMediaType(ServiceError):
    """A body in a format the address does not read."""

    status = 415
    code = "UnsupportedMediaType"


class Conflict(ServiceError):
    """A write lost a race: someone else changed the record since the caller read it."""

    status = 409
    code = "Conflict"


class Unavailable(ServiceError):
    """The service cannot answer now (the database is down); it recovers by itself."""

    status = 503
    code = "ServiceUnavailable"
