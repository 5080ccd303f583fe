"""The OpenAPI 3.1 description of /api, made from the table of operations (server.web.api.operations)
that the routes are made from: request bodies are the JSON Schema of their pydantic models."""

from __future__ import annotations

from typing import Any

from server.web.api.answers import CSV, ERROR, INT, STR
from server.web.api.operations import OPERATIONS, Operation

# What a path parameter carries, by its convertor (server.web.convertors): row ids are integers.
CONVERTED = {"id": INT}


def _parameters(operation: Operation) -> list[dict[str, Any]]:
    found = [
        {"name": name, "in": "path", "required": True, "schema": CONVERTED.get(convertor, STR)}
        for name, convertor in operation.path_parameters().items()
    ]
    return found + [
        {"name": name, "in": "query", "required": False, "schema": schema} for name, schema in operation.query.items()
    ]


def _operation(operation: Operation, schemas: dict[str, Any]) -> dict[str, Any]:
    success: dict[str, Any] = {"description": operation.summary}
    if operation.answer is not None:
        success["content"] = {
            "text/csv" if operation.answer is CSV else "application/json": {"schema": operation.answer}
        }
    statuses = [operation.status] + ([200] if operation.upsert else [])
    responses = {
        **{str(code): success for code in statuses},
        "default": {"description": "Error", "content": {"application/json": {"schema": ERROR}}},
    }
    described: dict[str, Any] = {"summary": operation.summary, "responses": responses}
    if parameters := _parameters(operation):
        described["parameters"] = parameters
    if operation.body is not None:
        schema = operation.body.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[operation.body.__name__] = schema
        reference = {"$ref": f"#/components/schemas/{operation.body.__name__}"}
        described["requestBody"] = {"required": True, "content": {"application/json": {"schema": reference}}}
    return described


def openapi_document(operations: list[Operation] = OPERATIONS) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemas: dict[str, Any] = {}
    for operation in operations:
        paths.setdefault(operation.described_path, {})[operation.method] = _operation(operation, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jianfu", "version": "1", "description": "Burden ledger for grassroots cadres."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
        "security": [{"bearer": []}],
        "paths": paths,
    }
