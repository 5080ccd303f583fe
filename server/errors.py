"""Errors a request can end in. Raised anywhere below the handlers, turned into HTTP in app.py.

Messages are gettext calls made when the error is raised, inside the request, so they come out in
the requester's language.
"""

from __future__ import annotations

from datetime import date

from server.i18n import gettext as _


class ApiError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None, **extra: object) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "fields": self.fields, **self.extra}
        return {"error": error}


class MalformedBody(ApiError):
    status, code = 400, "malformed_json"

    def __init__(self) -> None:
        super().__init__(_("The request body is not valid JSON."))


class InvalidInput(ApiError):
    status, code = 422, "invalid"

    def __init__(self, fields: dict[str, str]) -> None:
        names = ", ".join(fields)
        super().__init__(_("Please check these fields: %(fields)s.", fields=names), fields)


class Unauthenticated(ApiError):
    status, code = 401, "unauthenticated"

    def __init__(self) -> None:
        super().__init__(_("Please sign in."))


class InvalidCredentials(ApiError):
    status, code = 401, "invalid_credentials"

    def __init__(self) -> None:
        super().__init__(_("Wrong username or password."))


class Forbidden(ApiError):
    status, code = 403, "forbidden"

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message or _("Your role may not do this."), fields)


class NotFound(ApiError):
    status, code = 404, "not_found"

    def __init__(self, field: str | None = None) -> None:
        message = _("Not found.")
        super().__init__(message, {field: message} if field else None)


class Conflict(ApiError):
    status, code = 409, "conflict"


class NotPublished(ApiError):
    status, code = 409, "not_published"

    def __init__(self, available_on: date) -> None:
        super().__init__(
            _("This period is not published yet. It will be on %(day)s.", day=available_on.isoformat()),
            available_on=available_on.isoformat(),
        )


class TooLarge(ApiError):
    status, code = 413, "too_large"

    def __init__(self) -> None:
        super().__init__(_("The request is too large."))


class TooManyAttempts(ApiError):
    status, code = 429, "too_many_attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(_("Too many failed attempts. Try again in %(seconds)s seconds.", seconds=retry_after))
        self.retry_after = retry_after
