"""Dashboard users: salted, slow password hashes (scrypt), checked in constant time."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from seo_monitor.db import rows_changed
from seo_monitor.errors import UserError
from seo_monitor.models import User, utcnow

# scrypt cost: about 0.1 s and 32 MiB per check, which makes guessing slow and a login quick.
N, R, P = 2**15, 8, 1
MAX_MEMORY = 64 * 1024 * 1024
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=MAX_MEMORY)
    return "$".join(["scrypt", str(N), str(R), str(P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode(), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), maxmem=MAX_MEMORY
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def add_user(session: Session, username: str, password: str) -> None:
    if not USERNAME.match(username):
        raise UserError("a user name is 1 to 100 letters, digits or . _ @ -")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password needs at least {MIN_PASSWORD} characters")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists already; remove it first to change the password")
    session.add(User(username=username, password_hash=hash_password(password)))


def remove_user(session: Session, username: str) -> None:
    if not rows_changed(session, delete(User).where(User.username == username)):
        raise UserError(f"there is no user {username!r}")


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(session: Session, username: str, password: str) -> bool:
    """True for the right password; the same work is done for an unknown user (no timing hint)."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user else _dummy_hash()
    valid = verify_password(password, stored) and user is not None
    if valid and user is not None:
        user.last_login_at = utcnow()
    return valid


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
