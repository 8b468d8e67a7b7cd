"""Check an API answer against Google's own description of it: the discovery documents that
google-api-python-client ships unmodified, and, for the v4 reviews API (which has none), a
schema written from Google's reference page (tests/data/google/mybusiness-v4.json).

Discovery schemas say which fields exist, their JSON types (int64 and dates travel as strings),
their formats and their enums. An answer fails on a field Google does not define, a value of the
wrong type, a value outside its format (a `google-datetime` that is not an RFC 3339 timestamp, an
int32 beyond 32 bits, an int64 that is not a decimal string, a `google-fieldmask` that is not a
list of field paths) or an enum value Google does not list: what real Google could never send.

Formats, as the discovery format reference and proto3's JSON mapping define them
(https://developers.google.com/discovery/v1/type-format,
https://protobuf.dev/programming-guides/json/): int32/uint32 are JSON numbers within 32 bits;
int64/uint64 are decimal strings within 64 bits; google-datetime is RFC 3339 with `Z` or an
offset and 0 to 9 fractional digits; date is YYYY-MM-DD; google-duration is seconds with an `s`;
google-fieldmask is comma-separated camelCase field paths; byte is base64.

A schema written here (not by Google) may also type a polymorphic object by its `@type`, as
google.protobuf.Any travels: `"x-typed-by": {"type.googleapis.com/...": "SchemaId"}`."""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import googleapiclient

DISCOVERY = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
WRITTEN = Path(__file__).parent / "data" / "google"
# Schemas written from Google's reference pages, for what ships no discovery document: the v4
# reviews API, google.rpc.Status error bodies and the OAuth token endpoint.
WRITTEN_SCHEMAS = {
    "mybusiness.v4": WRITTEN / "mybusiness-v4.json",
    "google.rpc": WRITTEN / "google-rpc-status.json",
    "oauth2.token": WRITTEN / "oauth2-token.json",
}
INT32 = (-(2**31), 2**31 - 1)
UINT32 = (0, 2**32 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT64 = (0, 2**64 - 1)
DECIMAL = re.compile(r"-?[0-9]+")
RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
)
DURATION = re.compile(r"-?[0-9]+(\.[0-9]{1,9})?s")
FIELD_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


@cache
def document(name: str) -> dict[str, Any]:
    """A discovery document by file stem (`places.v1`), or one of the schemas written here."""
    path = WRITTEN_SCHEMAS.get(name) or DISCOVERY / f"{name}.json"
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
    if "x-typed-by" in schema:  # google.protobuf.Any: the fields of the type @type names
        kind = value.get("@type")
        if kind not in schema["x-typed-by"]:
            return [f"{where}.@type: {kind!r} is not one of {sorted(schema['x-typed-by'])}"]
        rest = {k: v for k, v in value.items() if k != "@type"}
        return _check(schemas, {"$ref": schema["x-typed-by"][kind]}, rest, where)
    for key in schema.get("x-required", []):
        if key not in value:
            found.append(f"{where}.{key}: required, and missing")
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
        problem = _string_format(fmt, value)
        if problem:
            return [f"{where}: {problem}, got {value!r}"]
        if "enum" in schema and value not in schema["enum"]:
            return [f"{where}: {value!r} is not one of {schema['enum']}"]
        return []
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: expected an integer, got {value!r}"]
        low, high = UINT32 if fmt == "uint32" else INT32
        if not low <= value <= high:
            return [f"{where}: expected an {fmt or 'int32'} ({low} to {high}), got {value!r}"]
        return []
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected a number, got {value!r}"]
    if kind == "boolean":
        return (
            [] if isinstance(value, bool) else [f"{where}: expected true or false, got {value!r}"]
        )
    return [f"{where}: the schema's type {kind!r} is not understood here"]


def _string_format(fmt: str | None, value: str) -> str | None:
    """What is wrong with a string of this format, or None when it fits (or has no format)."""
    if fmt in ("int64", "uint64"):
        low, high = UINT64 if fmt == "uint64" else INT64
        if not DECIMAL.fullmatch(value) or not low <= int(value) <= high:
            return f"expected an {fmt} as a decimal string"
    elif fmt == "google-datetime":
        if not _timestamp(value):
            return "expected an RFC 3339 timestamp (google-datetime)"
    elif fmt == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "expected a date, YYYY-MM-DD"
        if len(value) != 10:
            return "expected a date, YYYY-MM-DD"
    elif fmt == "google-duration":
        if not DURATION.fullmatch(value):
            return "expected a duration in seconds, e.g. '3.5s' (google-duration)"
    elif fmt == "google-fieldmask":
        if value and not all(FIELD_PATH.fullmatch(path) for path in value.split(",")):
            return "expected comma-separated field paths (google-fieldmask)"
    elif fmt == "byte":
        try:
            base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            return "expected base64 (byte)"
    return None


def _timestamp(value: str) -> bool:
    match = RFC3339.fullmatch(value)
    if not match:
        return False
    text = value[:19].replace("t", "T")
    try:
        datetime.fromisoformat(text)  # a real day and time of day (not 2026-02-30, not 25:00)
    except ValueError:
        return False
    offset = match.group(8)
    return offset in "Zz" or (int(offset[1:3]) < 24 and int(offset[4:6]) < 60)


def problems_in(schema: dict[str, Any], value: Any, where: str = "$") -> list[str]:
    """Every way `value` differs from one schema written inline (no document's `$ref`s)."""
    return _check({}, schema, value, where)
