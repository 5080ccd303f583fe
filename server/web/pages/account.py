"""Sign in, sign up with an invite code, sign out."""

from starlette.requests import Request
from starlette.responses import Response

from server.services import registration
from server.web import auth
from server.web.api.session import read_password_change
from server.web.auth import require_user
from server.web.context import settings_of, today_of
from server.web.errors import ApiError, InvalidCredentials, TooManyAttempts
from server.web.pages.render import form_writer, go, page, signed_in
from server.web.parse import storable

USERNAME_LENGTH = 40  # User.username


async def login_form(request: Request) -> Response:
    return await page(request, "login.html", errors={}, username="")


async def login(request: Request) -> Response:
    auth.check_same_origin(request)
    form = await request.form()
    username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    address = request.client.host if request.client else None
    try:
        if not could_be_username(username):  # no account has it: the answer any wrong guess gets
            raise InvalidCredentials()
        user = await auth.sign_in(request.app.state.throttle, username, password, address)
    except ApiError as error:
        return with_retry_after(
            error,
            await page(
                request, "login.html", status_code=error.status, errors={"form": error.message}, username=username
            ),
        )
    return signed_in(request, await auth.issue_token(user, settings_of(request).session_days))


def could_be_username(username: str) -> bool:
    """Whether some account could have this name. Others (over 40 characters, a U+0000 that
    PostgreSQL refuses even in a lookup, a lone surrogate) are not looked up at all."""
    return len(username) <= USERNAME_LENGTH and storable(username)


async def signup_form(request: Request) -> Response:
    return await page(request, "signup.html", errors={}, values={"code": request.query_params.get("code", "")})


async def signup(request: Request) -> Response:
    auth.check_same_origin(request)
    values = {k: str(v) for k, v in (await request.form()).items()}
    try:
        user = await registration.sign_up(values, today_of(request))
    except ApiError as error:
        return await page(
            request,
            "signup.html",
            status_code=error.status,
            errors=error.fields or {"form": error.message},
            values=values,
        )
    return signed_in(request, await auth.issue_token(user, settings_of(request).session_days))


async def logout(request: Request) -> Response:
    auth.check_same_origin(request)
    await auth.revoke_token(request)
    response = go("/login")
    auth.clear_session_cookie(response, settings_of(request).https)
    # The browser's own caches go too, the back/forward cache of the pages just shown included.
    # Not "storage": it would also wipe the outbox of every other account on a shared phone, their
    # unsent entries, without asking them, and unregister the worker that shows the next person the
    # offline page. The page's script and the worker drop this account's copies and outbox instead.
    response.headers["clear-site-data"] = '"cache"'
    return response


async def password_form(request: Request) -> Response:
    await require_user(request)
    return await page(request, "password.html", errors={}, changed=request.query_params.get("changed") == "1")


async def change_password(request: Request) -> Response:
    user, form = await form_writer(request)
    address = request.client.host if request.client else None
    try:
        current, new = read_password_change({k: str(v) for k, v in form.items()})
        token = await auth.change_password(
            request.app.state.throttle, user, current, new, address, settings_of(request).session_days
        )
    except ApiError as error:
        return with_retry_after(
            error,
            await page(
                request,
                "password.html",
                status_code=error.status,
                errors=error.fields or {"form": error.message},
                changed=False,
            ),
        )
    return signed_in(request, token, to="/password?changed=1")


def with_retry_after(error: ApiError, response: Response) -> Response:
    """A throttled form says when to try again, as the API does."""
    if isinstance(error, TooManyAttempts):
        response.headers["retry-after"] = str(error.retry_after)
    return response
