"""Operators: roles operator < supervisor < admin; passwords hashed with ``hashlib.scrypt``
(N=2^14, r=8, p=1, 16-byte salt of their own); ``MAX_FAILURES`` wrong passwords in a row lock
the account for ``LOCK_MINUTES``. The failure counter is saved even though the login fails, so
``login`` returns an ``AuthOutcome`` instead of raising (raise after the session commits)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.db.models import ROLES, Operator, utcnow
from station.errors import InputError
from station.records import audit
from station.records.errors import AuthError, Duplicate, NotFound
from station.records.types import AuthOutcome, OperatorInfo

__all__ = [
    "LOCK_MINUTES",
    "MAX_FAILURES",
    "MIN_PASSWORD",
    "add_operator",
    "get_operator",
    "has_admin",
    "has_role",
    "hash_password",
    "list_operators",
    "login",
    "set_password",
    "verify_password",
]

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
_N, _R, _P, _LEN = 2**14, 8, 1, 32
_RANK = {role: i for i, role in enumerate(ROLES)}


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_LEN)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, hash_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(hash_b64)
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def _info(o: Operator) -> OperatorInfo:
    return OperatorInfo(o.id, o.username, o.display_name, o.role, o.active, o.failed_attempts, o.locked_until)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"password: at least {MIN_PASSWORD} characters")
    if any(c in password for c in "\t\r\n"):
        raise InputError("password: no tabs or line breaks")


def _check_username(username: str) -> str:
    u = username.strip()
    if not u or len(u) > 64 or any(c.isspace() for c in u):
        raise InputError("username: 1-64 characters, no spaces")
    return u


def has_role(info: OperatorInfo, role: str) -> bool:
    return _RANK.get(info.role, -1) >= _RANK[role]


def add_operator(
    session: Session, username: str, password: str, *, role: str = "operator", display_name: str = "", by: str
) -> OperatorInfo:
    u = _check_username(username)
    if role not in ROLES:
        raise InputError(f"role: one of {', '.join(ROLES)}")
    _check_password(password)
    op = Operator(
        username=u, display_name=display_name.strip(), role=role, password_hash=hash_password(password)
    )
    try:
        with session.begin_nested():
            session.add(op)
    except IntegrityError as exc:
        raise Duplicate(f"user {u} already exists") from exc
    audit.record(session, "user.add", operator=by, entity="operator", entity_id=u, detail=f"role {role}")
    return _info(op)


def _load(session: Session, username: str) -> Operator:
    op = session.execute(
        select(Operator).where(Operator.username == username.strip()).with_for_update()
    ).scalar()
    if op is None:
        raise NotFound(f"no user {username}")
    return op


def has_admin(session: Session) -> bool:
    """True once an active admin exists (until then, setting up needs no login)."""
    return bool(session.execute(select(exists().where(Operator.role == "admin", Operator.active))).scalar())


def get_operator(session: Session, username: str) -> OperatorInfo:
    return _info(_load(session, username))


def list_operators(session: Session) -> tuple[OperatorInfo, ...]:
    return tuple(_info(o) for o in session.execute(select(Operator).order_by(Operator.username)).scalars())


def set_password(session: Session, username: str, new_password: str, *, by: str) -> OperatorInfo:
    """Set a new password (and unlock the account)."""
    _check_password(new_password)
    op = _load(session, username)
    op.password_hash = hash_password(new_password)
    op.password_changed_at = utcnow()
    op.failed_attempts = 0
    op.locked_until = None
    session.flush()
    audit.record(session, "user.passwd", operator=by, entity="operator", entity_id=op.username)
    return _info(op)


def login(
    session: Session,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    require_role: str | None = None,
) -> AuthOutcome:
    """Check a password. Never raises for a wrong password: the caller commits, then calls
    ``outcome.raise_for_failure()``. The message never says whether the user exists."""
    now = now or utcnow()
    op = session.execute(
        select(Operator).where(Operator.username == username.strip()).with_for_update()
    ).scalar()
    if op is None or not op.active:
        return AuthOutcome(False, None, "wrong user name or password")
    if op.locked_until is not None and op.locked_until > now:
        return AuthOutcome(False, None, f"account {op.username} is locked until {op.locked_until:%H:%M} UTC")
    if not verify_password(password, op.password_hash):
        op.failed_attempts += 1
        detail = f"failed attempt {op.failed_attempts}"
        if op.failed_attempts >= MAX_FAILURES:
            op.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            op.failed_attempts = 0
            detail += f", locked for {LOCK_MINUTES} min"
        audit.record(
            session,
            "user.login_failed",
            operator=op.username,
            entity="operator",
            entity_id=op.username,
            detail=detail,
        )
        return AuthOutcome(False, None, "wrong user name or password")
    op.failed_attempts = 0
    op.locked_until = None
    info = _info(op)
    if require_role and not has_role(info, require_role):
        return AuthOutcome(False, info, f"user {op.username} is {op.role}; this needs {require_role}")
    return AuthOutcome(True, info, "")


def require(outcome: AuthOutcome) -> OperatorInfo:
    if not outcome.ok or outcome.operator is None:
        raise AuthError(outcome.message or "authentication failed")
    return outcome.operator
