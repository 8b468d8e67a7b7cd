"""Settings: every bad value names its source, key and fix; env overrides; secrets stay masked."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from pydantic import Strict

from qr.wording import BUILT_IN
from seo_monitor.config import (
    POSTER_LANGUAGES,
    Settings,
    config_path,
    load_settings,
    masked_settings,
    section_models,
    table_list_models,
)
from seo_monitor.errors import ConfigError


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def config_error(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(write_config(tmp_path, text), environ or {})
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[alerts]\nsmtp_port = "abc"\n',
            'config.toml: alerts.smtp_port: expected an integer, got "abc"',
        ),
        (
            "[alerts]\nsmtp_port = 70000\n",
            "config.toml: alerts.smtp_port: input should be less than or equal to 65535, got 70000",
        ),
        (
            "[alerts]\nsmtp_prot = 25\n",
            'config.toml: alerts.smtp_prot: unknown key; did you mean "smtp_port"?',
        ),
        ("[alert]\nsmtp_port = 25\n", 'config.toml: alert: unknown key; did you mean "alerts"?'),
        (
            '[alerts]\nsmtp_security = "ssl"\n',
            "config.toml: alerts.smtp_security: expected one of 'starttls', 'tls' or 'none', got \"ssl\"",
        ),
        (
            '[alerts]\nrecipients = "a@b.org"\n',
            'config.toml: alerts.recipients: expected a list such as ["a", "b"], got "a@b.org"',
        ),
        (
            '[alerts]\nrecipients = ["not-an-address"]\n',
            "config.toml: alerts.recipients.0: value is not a valid email address",
        ),
        (
            "[google]\nquota_per_minute = 0\n",
            "config.toml: google.quota_per_minute: input should be greater than or equal to 1, got 0",
        ),
        (
            '[database]\nurl = "mysql://x@y/z"\n',
            "config.toml: database.url: value error, unsupported database 'mysql'",
        ),
        (
            '[database]\nurl = "not a url"\n',
            "config.toml: database.url: value error, expected an SQLAlchemy URL",
        ),
        ("alerts = 5\n", "config.toml: alerts: expected a [table] of settings, got 5"),
        (
            '[referral_kit]\nphone = "call us"\n',
            "config.toml: referral_kit.phone: value error, 'call us' is not a phone number",
        ),
        (
            '[referral_kit]\nfax = "512"\n',
            "config.toml: referral_kit.fax: value error, '512' is not a phone number",
        ),
        (
            '[referral_kit]\naddress = "1200 S Lamar Blvd"\n',
            'config.toml: referral_kit.address: expected a list such as ["a", "b"], got "1200 S',
        ),
        (
            '[alerts]\nsmtp_password = "hunter2"\n',
            "config.toml: alerts.smtp_password: secrets are not read from the config file; set SEO_MONITOR_ALERTS__SMTP_PASSWORD",
        ),
    ],
)
def test_a_bad_value_names_the_file_the_key_and_the_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    assert message in config_error(tmp_path, text)


def test_a_secret_in_the_file_is_not_echoed_back(tmp_path: Path) -> None:
    assert "hunter2" not in config_error(tmp_path, '[alerts]\nsmtp_password = "hunter2"\n')


def test_unparseable_toml_names_the_line_and_column(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[alerts]\nsmtp_port = 25\nsmtp_host = \n")
    assert message.startswith("config.toml: line 3, column 13: not valid TOML")


def test_a_missing_file_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="seo-monitor init"):
        load_settings(tmp_path / "nope.toml", {})


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[alerts]\nsmtp_port = "x"\nsmtp_host = ""\n')
    assert "alerts.smtp_port" in message and "alerts.smtp_host" in message


def test_environment_overrides_the_file_and_is_named_when_wrong(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[alerts]\nsmtp_port = 25\n")
    assert load_settings(path, {"SEO_MONITOR_ALERTS__SMTP_PORT": "465"}).alerts.smtp_port == 465
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"SEO_MONITOR_ALERTS__SMTP_PORT": "abc"})
    assert str(caught.value) == (
        'SEO_MONITOR_ALERTS__SMTP_PORT (alerts.smtp_port): expected an integer, got "abc"'
    )


def test_environment_lists_are_json(tmp_path: Path) -> None:
    path = write_config(tmp_path, "")
    env = {
        "SEO_MONITOR_ALERTS__RECIPIENTS": '["pm@clinic.example.org"]',
        "SEO_MONITOR_ALERTS__FROM_ADDRESS": "seo@clinic.example.org",
    }
    assert load_settings(path, env).alerts.recipients == ["pm@clinic.example.org"]


def test_recipients_need_a_sender(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[alerts]\nrecipients = ["pm@clinic.example.org"]\n')
    assert "alerts.from_address" in message and message.startswith("config.toml: alerts:")


def test_an_unknown_environment_key_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, "", {"SEO_MONITOR_ALERTS__SMTP_PROT": "25"})
    assert (
        message
        == 'SEO_MONITOR_ALERTS__SMTP_PROT (alerts.smtp_prot): unknown key; did you mean "smtp_port"?'
    )


def test_test_suite_variables_are_not_settings(tmp_path: Path) -> None:
    path = write_config(tmp_path, "")
    settings = load_settings(
        path, {"SEO_MONITOR_TEST_POSTGRES_URL": "postgresql://x", "SEO_MONITOR_CONFIG": "x"}
    )
    assert settings == load_settings(path, {})  # as if neither variable were set


def test_secrets_come_from_the_environment_or_a_file_and_are_masked(tmp_path: Path) -> None:
    (tmp_path / "smtp-password").write_text("s3cret-pass\n", encoding="utf-8")
    path = write_config(tmp_path, '[alerts]\nsmtp_password_file = "smtp-password"\n')
    settings = load_settings(path, {"SEO_MONITOR_GOOGLE__PLACES_API_KEY": "AIza-key"})
    assert settings.alerts.smtp_password is not None
    assert settings.alerts.smtp_password.get_secret_value() == "s3cret-pass"
    shown = json.dumps(masked_settings(settings))
    assert "s3cret-pass" not in shown and "AIza-key" not in shown
    assert masked_settings(settings)["alerts"]["smtp_password"] == "********"
    assert "s3cret-pass" not in repr(settings)


def test_a_missing_secret_file_is_named(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[alerts]\nsmtp_password_file = "missing"\n')
    assert message.startswith("config.toml: alerts.smtp_password_file: cannot read ")


def test_database_passwords_are_masked(tmp_path: Path) -> None:
    path = write_config(tmp_path, '[database]\nurl = "postgresql+psycopg://u:pw123@db:5432/seo"\n')
    assert "pw123" not in json.dumps(masked_settings(load_settings(path, {})))


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    path = tmp_path / "etc" / "config.toml"
    path.write_text('data_dir = "var"\n', encoding="utf-8")
    settings = load_settings(path, {})
    assert settings.data_dir == tmp_path / "etc" / "var"
    assert settings.database_url == f"sqlite:///{tmp_path / 'etc' / 'var' / 'seo-monitor.db'}"
    assert settings.google_token_file == tmp_path / "etc" / "var" / "google-token.json"


def test_config_path_prefers_the_option_then_the_environment() -> None:
    assert config_path(Path("a.toml"), {"SEO_MONITOR_CONFIG": "b.toml"}) == Path("a.toml")
    assert config_path(None, {"SEO_MONITOR_CONFIG": "b.toml"}) == Path("b.toml")
    assert config_path(None, {}) == Path("config.toml")


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf[alerts]\nsmtp_port = 25\n")
    assert load_settings(path, {}).alerts.smtp_port == 25


def test_a_fifo_or_a_device_as_the_config_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with pytest.raises(ConfigError, match="not a regular file"):
            load_settings(path, {})


def test_a_fifo_as_a_secret_file_is_refused_without_hanging(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "smtp-password")
    message = config_error(tmp_path, '[alerts]\nsmtp_password_file = "smtp-password"\n')
    assert "alerts.smtp_password_file" in message and "not a regular file" in message


def test_a_secret_file_every_user_can_read_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "smtp-password"
    secret.write_text("s3cret-pass\n", encoding="utf-8")
    path = write_config(tmp_path, '[alerts]\nsmtp_password_file = "smtp-password"\n')
    secret.chmod(0o600)
    load_settings(path, {})
    assert caplog.records == []
    secret.chmod(0o644)
    load_settings(path, {})
    [record] = caplog.records
    assert "readable by every user" in record.getMessage() and "chmod 600" in record.getMessage()
    assert "s3cret-pass" not in caplog.text


@pytest.mark.parametrize("value", ['"yes"', "1", '"true"', "0"])
def test_booleans_are_true_or_false_only(tmp_path: Path, value: str) -> None:
    message = config_error(tmp_path, f"[dashboard]\nrequire_login = {value}\n")
    assert message.startswith("config.toml: dashboard.require_login: expected true or false")


def test_booleans_from_the_environment_are_true_or_false_only(tmp_path: Path) -> None:
    path = write_config(tmp_path, "")
    for raw, expected in (("true", True), ("False", False)):
        environ = {"SEO_MONITOR_DASHBOARD__REQUIRE_LOGIN": raw}
        assert load_settings(path, environ).dashboard.require_login is expected
    with pytest.raises(ConfigError, match=r"SEO_MONITOR_DASHBOARD__REQUIRE_LOGIN .*true or false"):
        load_settings(path, {"SEO_MONITOR_DASHBOARD__REQUIRE_LOGIN": "yes"})


def test_every_boolean_setting_is_strict() -> None:
    models = [Settings, *section_models().values(), *table_list_models().values()]
    loose = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if field.annotation is bool and not any(isinstance(m, Strict) for m in field.metadata)
    ]
    assert loose == []


def test_errors_in_seo_monitor_locations_blame_the_variable(tmp_path: Path) -> None:
    environ = {"SEO_MONITOR_LOCATIONS": '[{"match": "ATX-1", "enabled": "yes"}, {"x": 1}]'}
    message = config_error(tmp_path, "", environ)
    lines = message.splitlines()
    assert lines and all(line.startswith("SEO_MONITOR_LOCATIONS (locations.") for line in lines)
    assert "config.toml" not in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[posters]\nlanguages = ["xx"]\n', "no wording for 'xx' (posters have en, es)"),
        ('[posters]\nlanguages = ["en", "fr"]\n', "no wording for 'fr'"),
    ],
)
def test_poster_languages_need_wording(tmp_path: Path, text: str, message: str) -> None:
    assert message in config_error(tmp_path, text)


def test_a_poster_language_with_its_own_wording_is_accepted(tmp_path: Path) -> None:
    text = '[posters]\nlanguages = ["fr"]\nwording = { fr = { headline = "Votre avis" } }\n'
    assert load_settings(write_config(tmp_path, text), {}).posters.languages == ["fr"]


def test_the_settings_know_the_languages_posters_have() -> None:
    assert set(POSTER_LANGUAGES) == set(BUILT_IN)


def test_secrets_in_any_url_setting_are_masked(tmp_path: Path) -> None:
    text = (
        '[database]\nurl = "postgresql+psycopg://u@db:5432/seo?password=S3cret"\n'
        '[rankings]\nserp_endpoint = "https://serp.example/v1?api_key=S3cret&hl=en"\n'
        '[[locations]]\nmatch = "ATX-1"\nreview_link = "https://r.example/?token=S3cret"\n'
    )
    shown = json.dumps(masked_settings(load_settings(write_config(tmp_path, text), {})))
    assert "S3cret" not in shown
    assert "password=***" in shown and "api_key=***&hl=en" in shown and "token=***" in shown
