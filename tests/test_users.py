"""Dashboard users: salted slow hashes, constant-time checks, clear refusals."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from seo_monitor.errors import UserError
from seo_monitor.users import (
    LoginThrottle,
    add_user,
    authenticate,
    hash_password,
    remove_user,
    user_exists,
    verify_password,
)
from tests.collectors.test_google_client import FakeClock


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
        ("ok", " " * 10, "at least 10"),
        ("ok", "  short   ", "at least 10"),
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


def test_user_names_do_not_depend_on_case(session: Session) -> None:
    add_user(session, "Alice", "correct horse battery")
    assert authenticate(session, "ALICE", "correct horse battery") == "alice"
    assert user_exists(session, "alice")
    with pytest.raises(UserError, match="exists already"):
        add_user(session, "alice", "another long password")
    remove_user(session, "aLiCe")
    assert not user_exists(session, "alice")


def test_wrong_passwords_slow_down_sign_in_per_key_and_the_right_one_waits_too() -> None:
    clock = FakeClock()
    clock.now = 1000.0
    throttle = LoginThrottle(free_failures=5, clock=clock)
    for _ in range(5):
        assert throttle.wait_seconds("user:alice", "client:1") == 0
        throttle.failed("user:alice", "client:1")
    assert throttle.wait_seconds("user:alice") == 2  # the sixth try waits
    assert throttle.wait_seconds("client:1") == 2
    assert throttle.wait_seconds("user:bob", "client:2") == 0  # others are not affected
    clock.sleep(2)
    throttle.failed("user:alice", "client:1")
    assert throttle.wait_seconds("user:alice") == 4  # each further failure doubles the wait
    for _ in range(30):
        throttle.failed("user:alice")
    assert throttle.wait_seconds("user:alice") == 15 * 60  # never more than the cap
    throttle.succeeded("user:alice")
    assert throttle.wait_seconds("user:alice") == 0
    assert throttle.wait_seconds("client:1") == 4  # the client's count stays
