"""Patients as keyed hashes: enough to count and de-duplicate referrals and visits, never to say
who.

HMAC-SHA256 with a secret kept outside the database (referrals.patient_key or its file, which
the visit lists use too): a plain hash of an account number or an address could be reversed by
hashing every candidate; a keyed one cannot without the key."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from seo_monitor.config import Settings
from seo_monitor.errors import UserError
from seo_monitor.private_files import write_private_text


def patient_key(secret: str, account: str) -> str:
    return hmac.new(secret.encode(), account.strip().encode(), hashlib.sha256).hexdigest()


def patient_secret(settings: Settings) -> str:
    """The configured secret, else the key file's, created (owner-only) when missing."""
    if settings.referrals.patient_key is not None:
        return settings.referrals.patient_key.get_secret_value()
    path = settings.referral_key_file
    if not path.exists():
        create_key_file(path)
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UserError(f"cannot read the referral key file {path}: {exc.strerror}") from None
    if len(secret) < 32:
        raise UserError(
            f"{path} holds no usable key (32 characters or more); restore it from the backup, "
            "or delete it to start a new one (patients imported before are then counted anew)"
        )
    return secret


def create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_private_text(path, secrets.token_hex(32) + "\n")
