"""Dashboard users: salted slow hashes, constant-time checks, clear refusals."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from seo_monitor.errors import UserError
from seo_monitor.users import add_user, authenticate, hash_password, remove_user, verify_password


def test_the_same_password_hashes_differently_each_time_and_verifies() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second and first.startswith("scrypt$32768$8$1$")
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterY", first)


@pytest.mark.parametrize("stored", ["", "plain", "md5$x$y$z$a$b", "scrypt$x$8$1$AAAA$BBBB"])
def test_a_damaged_hash_never_verifies(stored: str) -> None:
    assert not verify_password("anything at all", stored)


def test_authentication(session: Session) -> None:
    add_user(session, "coordinator", "correct horse battery")
    assert authenticate(session, "coordinator", "correct horse battery")
    assert not authenticate(session, "coordinator", "wrong password")
    assert not authenticate(session, "nobody", "correct horse battery")


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("has space", "long enough pw", "letters, digits"),
        ("ok", "short", "at least 10"),
    ],
)
def test_bad_users_are_refused(
    session: Session, username: str, password: str, message: str
) -> None:
    with pytest.raises(UserError, match=message):
        add_user(session, username, password)


def test_duplicates_and_unknown_users_are_refused(session: Session) -> None:
    add_user(session, "coordinator", "correct horse battery")
    with pytest.raises(UserError, match="exists already"):
        add_user(session, "coordinator", "another long password")
    with pytest.raises(UserError, match="no user"):
        remove_user(session, "nobody")
