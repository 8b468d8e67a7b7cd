"""Load settings once: config.toml, then SEO_MONITOR_* environment overrides, then secret files.

Every problem becomes a `ConfigError` whose message names where the value came from (the file
or the environment variable), the key, and what would fix it. Nothing else in the project
reads the environment.
"""

from __future__ import annotations

import difflib
import errno
import json
import logging
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic_core import ErrorDetails

from seo_monitor.config.settings import Settings, is_secret, section_models
from seo_monitor.errors import ConfigError
from seo_monitor.masking import mask_url

log = logging.getLogger(__name__)
ENV_PREFIX = "SEO_MONITOR_"
CONFIG_PATH_ENV = "SEO_MONITOR_CONFIG"
# Reserved for the project's own test suite (e.g. SEO_MONITOR_TEST_POSTGRES_URL).
TEST_ENV_PREFIX = "SEO_MONITOR_TEST_"
DEFAULT_CONFIG_NAME = "config.toml"

Key = tuple[str, ...]


def config_path(cli_value: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """The config file in force: --config, else $SEO_MONITOR_CONFIG, else ./config.toml."""
    environ = os.environ if environ is None else environ
    if cli_value is not None:
        return cli_value
    if environ.get(CONFIG_PATH_ENV):
        return Path(environ[CONFIG_PATH_ENV])
    return Path(DEFAULT_CONFIG_NAME)


def environment_with_config(path: Path) -> dict[str, str]:
    """This process's environment, pointing a child process (the dashboard) at `path`."""
    return {**os.environ, CONFIG_PATH_ENV: str(path.resolve())}


def load_settings(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and validate the configuration; raise ConfigError on any problem."""
    environ = os.environ if environ is None else environ
    values = read_toml(path)
    reject_inline_secrets(values, path.name)
    overrides = env_overrides(environ)
    for key, (_, value) in overrides.items():
        _set(values, key, value)
    base_dir = path.resolve().parent
    read_secret_files(values, base_dir, overrides, path.name)
    try:
        return Settings.model_validate(values, context={"base_dir": base_dir})
    except ValidationError as exc:
        origins = {key: var for key, (var, _) in overrides.items()}
        lines = [describe_error(err, path.name, origins) for err in exc.errors()]
        raise ConfigError("\n".join(lines)) from None


def read_toml(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: editors on Windows save a byte-order mark that TOML itself does not allow.
        text = read_regular_file(path).decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"config file not found: {path}\n"
            "Create one with `seo-monitor init` (or point --config / SEO_MONITOR_CONFIG at yours)."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise ConfigError(f"cannot read config file {path}: {reason}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: {describe_toml_error(exc)}") from None


MAX_FILE_BYTES = 1_000_000  # a config or a secret is a few kilobytes


def read_regular_file(path: Path) -> bytes:
    """The file's bytes; a FIFO, a device (/dev/zero) or a huge file is refused instead of
    hanging or filling memory. Opened without blocking, then checked, then read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise OSError(errno.EFBIG, f"larger than {MAX_FILE_BYTES:,} bytes")
    except OSError:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def describe_toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """'Invalid value (at line 3, column 9)' -> 'line 3, column 9: invalid value'."""
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not match:
        return f"not valid TOML: {message}"
    reason = message[: match.start()].strip()
    return f"line {match[1]}, column {match[2]}: not valid TOML: {reason[:1].lower()}{reason[1:]}"


def reject_inline_secrets(values: dict[str, Any], file_name: str) -> None:
    for section, model in section_models().items():
        table = values.get(section)
        if not isinstance(table, dict):
            continue
        for name in table:
            if name in model.model_fields and is_secret(model, name):
                raise ConfigError(
                    f"{file_name}: {section}.{name}: secrets are not read from the config file; "
                    f"set {env_name((section, name))} or put it in a file named by "
                    f"{section}.{name}_file"
                )


def env_name(key: Key) -> str:
    return ENV_PREFIX + "__".join(part.upper() for part in key)


def env_overrides(environ: Mapping[str, str]) -> dict[Key, tuple[str, Any]]:
    """SEO_MONITOR_ALERTS__SMTP_PORT=25 -> {("alerts", "smtp_port"): ("SEO_MONITOR_…", "25")}.

    A value that starts with '[' is read as a JSON list (e.g. recipients).
    """
    overrides: dict[Key, tuple[str, Any]] = {}
    for var, raw in environ.items():
        if not var.startswith(ENV_PREFIX) or var == CONFIG_PATH_ENV:
            continue
        if var.startswith(TEST_ENV_PREFIX):
            continue
        key = tuple(part.lower() for part in var[len(ENV_PREFIX) :].split("__"))
        overrides[key] = (var, parse_env_value(var, raw, key))
    return overrides


def parse_env_value(var: str, raw: str, key: Key = ()) -> Any:
    if raw.strip().lower() in ("true", "false") and is_boolean(key):
        return raw.strip().lower() == "true"  # the settings take true/false only, as in TOML
    if not raw.lstrip().startswith("["):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f'{var}: expected a JSON list such as ["a@b.org"]: {exc}') from None


def is_boolean(key: Key) -> bool:
    model: type[BaseModel] = Settings
    for part in key[:-1]:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return False
        model = annotation
    field = model.model_fields.get(key[-1]) if key else None
    return field is not None and field.annotation is bool


def read_secret_files(
    values: dict[str, Any], base_dir: Path, overrides: Mapping[Key, Any], source: str
) -> None:
    """Fill each secret from its *_file unless the environment already set it."""
    for section, model in section_models().items():
        table = values.get(section)
        if not isinstance(table, dict):
            continue
        for name in model.model_fields:
            file_value = table.get(f"{name}_file")
            if not is_secret(model, name) or (section, name) in overrides or not file_value:
                continue
            path = Path(str(file_value)).expanduser()
            path = path if path.is_absolute() else base_dir / path
            table[name] = read_secret_file(path, f"{source}: {section}.{name}_file")


def read_secret_file(path: Path, where: str) -> str:
    try:
        text = read_regular_file(path).decode("utf-8-sig").strip()
        mode = path.stat().st_mode
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(
            f"{where}: cannot read {path}: {reason}; fix the path or set the secret in the "
            "environment"
        ) from None
    if mode & stat.S_IROTH:
        log.warning(
            "%s: %s is readable by every user of this machine; make it private with `chmod 600 %s`",
            where,
            path,
            path,
        )
    return text


def _set(values: dict[str, Any], key: Key, value: Any) -> None:
    table = values
    for part in key[:-1]:
        existing = table.get(part)
        if not isinstance(existing, dict):
            existing = {}
            table[part] = existing
        table = existing
    table[key[-1]] = value


def describe_error(err: ErrorDetails, file_name: str, origins: Mapping[Key, str]) -> str:
    key = tuple(str(part) for part in err["loc"])
    dotted = ".".join(key)
    # The variable that set this key or a table holding it (SEO_MONITOR_LOCATIONS: a list).
    origin = next((origins[key[:n]] for n in range(len(key), 0, -1) if key[:n] in origins), None)
    source = f"{origin} ({dotted})" if origin else f"{file_name}: {dotted}"
    return f"{source}: {describe_problem(err, key)}"


def describe_problem(err: ErrorDetails, key: Key) -> str:
    kind, value = err["type"], err.get("input")
    got = f"got {json.dumps(shown(value))}" if isinstance(value, str | int | float | bool) else ""
    if kind == "extra_forbidden":
        known = field_names_at(key[:-1])
        close = difflib.get_close_matches(key[-1], known, n=1)
        hint = f'; did you mean "{close[0]}"?' if close else f"; known keys: {', '.join(known)}"
        return f"unknown key{hint}"
    expected = {
        "int_parsing": "an integer",
        "int_type": "an integer",
        "int_from_float": "a whole number",
        "float_parsing": "a number",
        "float_type": "a number",
        "bool_parsing": "true or false",
        "bool_type": "true or false",
        "string_type": "a text value in quotes",
        "list_type": 'a list such as ["a", "b"]',
        "model_type": "a [table] of settings",
    }.get(kind)
    if expected:
        return f"expected {expected}, {got}".rstrip(", ")
    if kind == "literal_error":
        return f"expected one of {err['ctx']['expected']}, {got}".rstrip(", ")
    return f"{err['msg'][:1].lower()}{err['msg'][1:]}" + (f", {got}" if got else "")


def field_names_at(key: Key) -> list[str]:
    """The valid keys of the table at `key` (the top level for an empty key)."""
    model: type[BaseModel] = Settings
    for part in key:
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return [name for name in model.model_fields if not is_secret(model, name)]


def masked_settings(settings: Settings) -> dict[str, Any]:
    """The resolved settings as plain data with every secret replaced by '********' and every
    URL's secrets (password, ?password=, ?api_key= …) by '***'."""

    def mask(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********" if value.get_secret_value() else ""
        if isinstance(value, BaseModel):
            return {name: mask(getattr(value, name)) for name in type(value).model_fields}
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, list):
            return [mask(item) for item in value]
        if isinstance(value, dict):
            return {key: mask(item) for key, item in value.items()}
        return shown(value)

    data: dict[str, Any] = mask(settings)
    data["database"]["url"] = mask_url(settings.database_url)
    return data


def shown(value: Any) -> Any:
    """A value fit to print: any URL in it with its secrets masked."""
    return mask_url(value) if isinstance(value, str) and "://" in value else value
