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
    """A malformed or impossible request: a bad value, an unknown parameter, a broken file."""

    status = 400
    code = "InvalidParameterValue"


class UnknownParameter(BadRequest):
    code = "UnknownParameter"


class NotFound(ServiceError):
    status = 404
    code = "NotFound"


class MethodNotAllowed(ServiceError):
    status = 405
    code = "MethodNotAllowed"


class NotAcceptable(ServiceError):
    status = 406
    code = "NotAcceptable"


class Conflict(ServiceError):
    """A write lost a race: someone else changed the record since the caller read it."""

    status = 409
    code = "Conflict"


class Unavailable(ServiceError):
    """The service cannot answer now (the database is down); it recovers by itself."""

    status = 503
    code = "ServiceUnavailable"
