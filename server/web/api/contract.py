"""Request bodies as pydantic v2 models: the field types they are made of, reading a request's
body into the model its operation declares (server.web.api.operations), and pydantic's errors said in
the reader's language with the shape DESIGN.md §4 gives (422 `invalid`, `fields` keyed by the wire
name, `regions[3].code`).

Every field is checked by one of server.web.fields' checks, so the API, the forms and the rules that
read a dict refuse the same values with the same sentence; pydantic brings the structure: a list
where a number belongs, or an object where text belongs, fails its field by construction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, ValidationError, WithJsonSchema
from pydantic_core import ErrorDetails
from starlette.requests import Request

from server.web import fields
from server.web.errors import InvalidInput, MalformedBody

# pydantic's own error types, as the kinds of server.web.fields.message; any other is said as "invalid".
_PYDANTIC_KINDS = {
    "missing": "required",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
}


def _describe_required(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """A field checked even when absent (`validate_default`) is required on the wire."""
    for name, info in model.model_fields.items():
        if info.validate_default:
            schema["properties"][name].pop("default", None)
            schema.setdefault("required", []).append(name)


class Body(BaseModel):
    """A request body: unknown keys are ignored, as clients older and newer than us send them."""

    model_config = ConfigDict(extra="ignore", frozen=True, json_schema_extra=_describe_required)

    def given(self) -> dict[str, Any]:
        """What the client sent, as the checks read it (dates as ISO text), for rules that take a dict."""
        return self.model_dump(mode="json", exclude_unset=True)


BodyModel = TypeVar("BodyModel", bound=Body)


def checked(kind: Any, check: Callable[..., Any], schema: dict[str, Any], **options: Any) -> Any:
    """A field type read by `check` (a server.web.fields check) and described by `schema`."""
    return Annotated[kind, PlainValidator(lambda value: check(value, **options)), WithJsonSchema(schema)]


def batch(item: Any, kind: str, count: int, *, least: int = 1) -> Any:
    """A list of `least` to `count` items; anything else fails as the list (`kind`: its sentence)."""

    def sized(value: Any) -> Any:
        if not isinstance(value, list) or not least <= len(value) <= count:
            raise fields.problem(kind, count=count)
        return value

    return Annotated[list[item], BeforeValidator(sized)]


def text(max_length: int = 200, *, required: bool = True) -> Any:
    schema = (
        {"type": "string", "maxLength": max_length}
        if required
        else {"type": ["string", "null"], "maxLength": max_length}
    )
    return checked(str | None, fields.text, schema, required=required, max_length=max_length)


def password(shortest: int = 8) -> Any:
    return checked(str, fields.password, {"type": "string", "minLength": shortest, "maxLength": 200}, shortest=shortest)


def integer(low: int, high: int, *, required: bool = True) -> Any:
    schema = {"type": "integer", "minimum": low, "maximum": high}
    return checked(
        int | None,
        fields.integer,
        schema if required else {**schema, "type": ["integer", "null"]},
        low=low,
        high=high,
        required=required,
    )


def number(low: float, high: float) -> Any:
    return checked(
        float | None,
        fields.number,
        {"type": ["number", "null"], "minimum": low, "maximum": high},
        low=low,
        high=high,
        required=False,
    )


def choice(options: tuple[str, ...], *, required: bool = True) -> Any:
    schema = (
        {"type": "string", "enum": list(options)}
        if required
        else {"type": ["string", "null"], "enum": [*options, None]}
    )
    return checked(str | None, fields.choice, schema, options=options, required=required)


def choices(options: tuple[str, ...]) -> Any:
    return checked(
        list[str],
        fields.choices,
        {"type": "array", "items": {"type": "string", "enum": list(options)}, "uniqueItems": True},
        options=options,
    )


def ident(unknown: str, *, required: bool = False) -> Any:
    schema = {"type": "integer", "minimum": 1, "maximum": fields.ID_LIMIT}
    return checked(
        int | None,
        fields.ident,
        schema if required else {**schema, "type": ["integer", "null"]},
        unknown=unknown,
        required=required,
    )


def day(*, required: bool = True) -> Any:
    return checked(
        Any,
        fields.day,
        {"type": "string", "format": "date"} if required else {"type": ["string", "null"], "format": "date"},
        required=required,
    )


def moment() -> Any:
    return checked(Any, fields.moment, {"type": "string", "format": "date-time"})


def minutes() -> Any:
    """A duration; DESIGN.md §4 lets it be typed as people say it."""
    return checked(
        int,
        fields.minutes,
        {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 1440}, {"type": "string", "maxLength": 40}]},
    )


def wire_name(location: tuple[int | str, ...]) -> str:
    """("regions", 3, "code") as the contract names it: regions[3].code."""
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def sentence(error: ErrorDetails) -> str:
    """One pydantic error in the reader's language."""
    kind = _PYDANTIC_KINDS.get(error["type"], error["type"])
    try:
        return fields.message(kind, **error.get("ctx", {}))
    except KeyError:
        return fields.message("invalid")


def invalid(error: ValidationError) -> InvalidInput:
    """Every field's first problem, keyed by its wire name."""
    found: dict[str, str] = {}
    for item in error.errors(include_url=False):
        found.setdefault(wire_name(item["loc"]), sentence(item))
    return InvalidInput(found)


async def json_object(request: Request) -> dict[str, Any]:
    """The request's JSON object, or 400 malformed_json (bad UTF-8, bad JSON, not an object)."""
    raw = await request.body()
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise MalformedBody() from None
    if not isinstance(data, dict):
        raise MalformedBody()
    return data


def _reject_constant(name: str) -> None:
    raise ValueError(name)  # NaN and Infinity are not JSON numbers


def read(model: type[BodyModel], data: Any) -> BodyModel:
    """`data` read into `model`, or 422 naming each field that is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid(error) from None


async def read_body(request: Request) -> Any:
    """The body of this request read into the model its operation declares (server.web.api.operations)."""
    return read(request.state.operation.body, await json_object(request))
