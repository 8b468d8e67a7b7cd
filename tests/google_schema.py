"""Check an API answer against Google's own description of it: the discovery documents that
google-api-python-client ships unmodified, and, for the v4 reviews API (which has none), a
schema written from Google's reference page (tests/data/google/mybusiness-v4.json).

Discovery schemas say which fields exist, their JSON types (int64 and dates travel as strings)
and their enums. An answer fails on a field Google does not define, a value of the wrong type,
or an enum value Google does not list: what real Google could never send."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
V4_REVIEWS = Path(__file__).parent / "data" / "google" / "mybusiness-v4.json"


@cache
def document(name: str) -> dict[str, Any]:
    """A discovery document by file stem (`places.v1`), or the written v4 reviews schema."""
    path = V4_REVIEWS if name == "mybusiness.v4" else DISCOVERY / f"{name}.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def response_schema(name: str, method_id: str) -> str:
    """The schema id a method answers with, e.g. `places.places.get` -> GoogleMapsPlacesV1Place."""
    for method in _methods(document(name).get("resources", {})):
        if method["id"] == method_id:
            return str(method["response"]["$ref"])
    raise KeyError(f"{method_id} is not in {name}")


def _methods(resources: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for resource in resources.values():
        found += list(resource.get("methods", {}).values())
        found += _methods(resource.get("resources", {}))
    return found


def problems(name: str, schema_id: str, value: Any, where: str = "$") -> list[str]:
    """Every way `value` differs from the schema, as `path: what` lines (empty when it fits)."""
    return _check(document(name)["schemas"], {"$ref": schema_id}, value, where)


def _check(schemas: dict[str, Any], schema: dict[str, Any], value: Any, where: str) -> list[str]:
    if "$ref" in schema:
        return _check(schemas, schemas[schema["$ref"]], value, where)
    kind = schema.get("type")
    if kind == "object":
        return _object(schemas, schema, value, where)
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {type(value).__name__}"]
        return [
            p
            for i, item in enumerate(value)
            for p in _check(schemas, schema["items"], item, f"{where}[{i}]")
        ]
    return _scalar(schema, value, where)


def _object(schemas: dict[str, Any], schema: dict[str, Any], value: Any, where: str) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object, got {type(value).__name__}"]
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties")
    found = []
    for key, item in value.items():
        if key in properties:
            found += _check(schemas, properties[key], item, f"{where}.{key}")
        elif extra is not None:
            found += _check(schemas, extra, item, f"{where}.{key}")
        else:
            found.append(f"{where}.{key}: Google's schema has no such field")
    return found


def _scalar(schema: dict[str, Any], value: Any, where: str) -> list[str]:
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "any":
        return []
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string ({fmt or 'text'}), got {value!r}"]
        if fmt in ("int64", "uint64"):
            try:
                int(value)
            except ValueError:
                return [f"{where}: expected an int64 as a string, got {value!r}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of {schema['enum']}"]
        return []
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer, got {value!r}"]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number, got {value!r}"]
    if kind == "boolean":
        return (
            [] if isinstance(value, bool) else [f"{where}: expected true or false, got {value!r}"]
        )
    return [f"{where}: the schema's type {kind!r} is not understood here"]
