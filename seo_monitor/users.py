"""Dashboard users: salted, slow password hashes (scrypt), checked in constant time.

User names are case-insensitive (`Alice` signs in as `alice`); repeated wrong passwords are
slowed down per user name and per client by `LoginThrottle`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from seo_monitor.db import rows_changed
from seo_monitor.errors import UserError
from seo_monitor.models import User
from seo_monitor.times import utcnow

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


def normalize_username(username: str) -> str:
    return username.strip().casefold()


def add_user(session: Session, username: str, password: str) -> None:
    username = normalize_username(username)
    if not USERNAME.match(username):
        raise UserError("a user name is 1 to 100 letters, digits or . _ @ -")
    if len(password.strip()) < MIN_PASSWORD:
        raise UserError(
            f"the password needs at least {MIN_PASSWORD} characters besides spaces at its ends"
        )
    if user_exists(session, username):
        raise UserError(f"user {username!r} exists already; remove it first to change the password")
    session.add(User(username=username, password_hash=hash_password(password)))


def remove_user(session: Session, username: str) -> None:
    if not rows_changed(session, delete(User).where(_named(username))):
        raise UserError(f"there is no user {normalize_username(username)!r}")


def user_exists(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(_named(username))) is not None


def _named(username: str) -> ColumnElement[bool]:
    # lower() on the column too: users added before names were case-folded still match.
    return func.lower(User.username) == normalize_username(username)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(session: Session, username: str, password: str) -> str | None:
    """The user's name for the right password, else None.

    The same work is done for an unknown user, so the time taken does not tell which names exist.
    """
    user = session.scalar(select(User).where(_named(username)))
    stored = user.password_hash if user else _dummy_hash()
    if not verify_password(password, stored) or user is None:
        return None
    user.last_login_at = utcnow()
    return user.username


@dataclass
class LoginThrottle:
    """Slows down guessing: after `free_failures` wrong passwords for a key (a user name, a
    client), each further failure doubles the wait before the next try, up to `max_wait`.

    It lives in the dashboard process's memory: a restart forgets it, and each dashboard
    process behind a load balancer counts on its own.
    """

    free_failures: int = 5
    max_wait: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, *keys: str) -> float:
        """How long before any of these keys may try again (0: now)."""
        with self._lock:
            return max((self._wait(key) for key in keys), default=0.0)

    def failures(self, key: str) -> int:
        with self._lock:
            return self._failures.get(key, (0, 0.0))[0]

    def failed(self, *keys: str) -> None:
        with self._lock:
            now = self.clock()
            self._forget_old(now)
            for key in keys:
                count, _ = self._failures.get(key, (0, now))
                self._failures[key] = (count + 1, now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _wait(self, key: str) -> float:
        count, last = self._failures.get(key, (0, 0.0))
        if count < self.free_failures:
            return 0.0
        delay = min(self.max_wait, 2.0 ** (count - self.free_failures + 1))
        return max(0.0, last + delay - self.clock())

    def _forget_old(self, now: float) -> None:
        # Keys quiet for twice the longest wait start again from zero; memory stays bounded.
        if len(self._failures) > 10_000 or len(self._failures) % 100 == 0:
            stale = [k for k, (_, last) in self._failures.items() if now - last > 2 * self.max_wait]
            for key in stale:
                del self._failures[key]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode())


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
