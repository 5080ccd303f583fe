"""Errors a request can end in. Raised anywhere below the handlers, turned into HTTP in app.py.

Messages are gettext calls made when the error is raised, inside the request, so they come out in
the requester's language.
"""

from __future__ import annotations

import traceback
from datetime import date

from server.web.i18n import format_list
from server.web.i18n import gettext as _
from server.web.labels import field_name


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

    def rejection(self, client_id: str | None) -> dict:
        """This error as one item of a batch's `rejected` list (POST /api/entries)."""
        return {"client_id": client_id, "error": self.body()["error"]}


class MalformedBody(ApiError):
    status, code = 400, "malformed_json"

    def __init__(self) -> None:
        super().__init__(_("The request body is not valid JSON."))


class InvalidInput(ApiError):
    status, code = 422, "invalid"

    def __init__(self, fields: dict[str, str]) -> None:
        # `fields` stays keyed by the wire names (the contract); `labels` says what each is called.
        names = {key: field_name(key) for key in fields}
        super().__init__(
            _("Please check these fields: %(fields)s.", fields=format_list(names.values())), fields, labels=names
        )


class Unauthenticated(ApiError):
    status, code = 401, "unauthenticated"

    def __init__(self) -> None:
        super().__init__(_("Please sign in."))


class InvalidCredentials(ApiError):
    status, code = 401, "invalid_credentials"

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        """A sign-in names no field (which one was wrong is not said); a password change names its own."""
        message = message or _("Wrong username or password.")
        super().__init__(message, {field: message} if field else None)


class AccountDisabled(ApiError):
    status, code = 403, "account_disabled"

    def __init__(self) -> None:
        super().__init__(_("This account has been disabled. Ask your administrator to enable it again."))


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


class StoreUnavailable(ApiError):
    status, code = 503, "store_unavailable"
    retry_after = 5

    def __init__(self) -> None:
        super().__init__(
            _("The data store is not answering. Nothing was saved from this request; please try again shortly.")
        )


class StorageFull(ApiError):
    status, code = 507, "storage_full"
    retry_after = 60

    def __init__(self) -> None:
        super().__init__(
            _(
                "The server has run out of disk space. Nothing was saved from this request; it is kept on your phone "
                "until there is room."
            )
        )


# SQLite's words for a store that cannot be used right now (the file, the disk, the lock).
_SQLITE_UNAVAILABLE = ("unable to open", "disk i/o error", "database is locked", "readonly database")


def store_failure(error: BaseException) -> ApiError | None:
    """The answer for an exception that means the store is away or full, else None.

    Looks along the chain of causes: Tortoise wraps some driver errors and lets others through.
    """
    import asyncpg  # noqa: PLC0415 -- only PostgreSQL deployments reach this with its errors
    from tortoise.exceptions import DBConnectionError  # noqa: PLC0415

    seen: BaseException | None = error
    while seen is not None:
        text = str(seen).lower()
        if "database or disk is full" in text or "no space left" in text:
            return StorageFull()
        away = (
            ConnectionError,
            TimeoutError,
            DBConnectionError,
            asyncpg.PostgresConnectionError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.OperatorInterventionError,
            asyncpg.exceptions.CannotConnectNowError,
        )
        if isinstance(seen, away) or (isinstance(seen, OSError) and not isinstance(seen, FileNotFoundError)):
            return StoreUnavailable()
        if any(words in text for words in _SQLITE_UNAVAILABLE):
            return StoreUnavailable()
        seen = seen.__cause__ or seen.__context__
    return None


def redacted_traceback(error: BaseException) -> str:
    """Where an error happened, for the log, without what it says: messages quote values (an
    ORM's "Length of '<the typed username>' 41 > 40", a driver's rejected text), and nothing a
    person typed may reach the log. Each exception in the chain gives its type and its frames."""
    parts, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        frames = "".join(traceback.format_tb(current.__traceback__))
        parts.append(f"{kind.__module__}.{kind.__qualname__} (message withheld)\n{frames}")
        current = current.__cause__ or current.__context__
    return "\nwhile handling or caused by:\n".join(parts).rstrip()
