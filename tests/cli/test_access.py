"""Who acts on the command line (station.cli.auth): commands that write ask the operator's
password once operator accounts exist; without accounts the audit trail marks the name as
unverified; read-only commands ask nothing. In-process ``main`` on a SQLite data folder."""

from __future__ import annotations

import argparse
import getpass
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from station.cli import auth
from station.cli.context import Context, unverified_name
from station.cli.main import build_parser, main
from station.config import Settings
from station.db import open_database
from station.db.models import Applicant, AuditEvent, Operator, PhotoReceipt, Unit
from station.errors import InputError
from station.records import operators
from station.records.errors import AuthError
from tests.records.factory import applicant_json

ADMIN_PW, CLERK_PW = "Admin-pass-2025", "Clerk-pass-2025"


class Cli:
    def __init__(
        self, data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.data, self.mp, self.capsys = data, monkeypatch, capsys

    def __call__(self, *args: str, operator: str | None = "clerk", stdin: str = "") -> tuple[int, str, str]:
        self.mp.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal: no prompt possible
        head = ["--data-dir", str(self.data)] + (["--operator", operator] if operator else [])
        try:
            code = main([*head, *args])
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def counts(self) -> dict[str, int]:
        db = open_database(f"sqlite:///{(self.data / 'station.db').as_posix()}", data_dir=self.data)
        try:
            with db.session(readonly=True) as s:
                return {
                    m.__tablename__: int(s.execute(select(func.count()).select_from(m)).scalar_one())
                    for m in (Applicant, AuditEvent, Unit, PhotoReceipt, Operator)
                }
        finally:
            db.close()

    def audit(self) -> list[dict[str, str]]:
        code, out, err = self("audit", "show", "--limit", "100", "--json", operator=None)
        assert code == 0, err
        events: list[dict[str, str]] = json.loads(out)
        return events


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    for name in ("STATION_DB", "STATION_OPERATOR", "STATION_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    data.mkdir()
    return Cli(data, monkeypatch, capsys)


@pytest.fixture
def accounts(cli: Cli) -> Cli:
    """An admin ``boss`` and an operator ``clerk``."""
    code, _, err = cli(
        "user", "add", "boss", "--role", "admin", "--password-stdin", operator="boss", stdin=f"{ADMIN_PW}\n"
    )
    assert code == 0, err
    code, _, err = cli(
        "user", "add", "clerk", "--password-stdin", operator="boss", stdin=f"{ADMIN_PW}\n{CLERK_PW}\n"
    )
    assert code == 0, err
    return cli


def _person(tmp_path: Path, i: int = 1) -> Path:
    f = tmp_path / f"p{i}.json"
    f.write_text(json.dumps(applicant_json(i), ensure_ascii=False), encoding="utf-8")
    return f


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- the table in station.cli.auth is what the parsers declare --------------------------------


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _leaves(child, (*path, name))
            return
    yield " ".join(path), parser


def _declared() -> dict[str, str]:
    out: dict[str, str] = {}
    for name, parser in _leaves(build_parser()):
        access = parser.get_default("access")
        assert access is not None, f"station {name} declares no access (station.cli.auth)"
        if callable(access):  # depends on a positional choice, e.g. card pin ACTION
            positional = next(a for a in parser._actions if not a.option_strings and a.choices)
            for choice in positional.choices or ():
                out[f"{name} {choice}"] = access(argparse.Namespace(**{positional.dest: choice}))
        else:
            out[name] = access
    return out


def _documented() -> dict[str, str]:
    out: dict[str, str] = {}
    for m in re.finditer(r"^    ([a-z ]+): ([a-z, -]+?)\s{2,}(read|write|own)\b", auth.__doc__ or "", re.M):
        for action in m.group(2).split(", "):
            out[f"{m.group(1)} {action}"] = m.group(3)
    return out


def test_every_command_declares_its_access_as_documented() -> None:
    declared = _declared()
    assert declared == _documented()
    assert declared["enroll add"] == "write" and declared["card pin reset"] == "write"
    assert declared["enroll list"] == "read" and declared["card pin verify"] == "read"


# --- with operator accounts -------------------------------------------------------------------


def test_right_password_names_the_account(accounts: Cli, tmp_path: Path) -> None:
    code, out, err = accounts(
        "enroll", "add", "--from", str(_person(tmp_path)), "--json", "--password-stdin", stdin=f"{CLERK_PW}\n"
    )
    assert code == 0, err
    assert "password" not in out + err
    code, _, err = accounts(
        "unit",
        "add",
        "--number",
        "U1",
        "--name",
        "某单位",
        "--contact",
        "王",
        "--phone",
        "13800138000",
        "--password-stdin",
        stdin=f"{CLERK_PW}\n",
    )
    assert code == 0, err
    events = accounts.audit()
    mine = [
        e
        for e in events
        if e["action"] in ("applicant.create", "application.create", "unit.add") or e["entity"] == "unit"
    ]
    assert mine and all(e["operator"] == "clerk" for e in mine), events
    # the first admin was added while no account existed: the audit trail says so
    add_boss = next(e for e in events if e["action"] == "user.add" and e["entity_id"] == "boss")
    assert add_boss["operator"].startswith("boss (unverified, os user ")
    add_clerk = next(e for e in events if e["action"] == "user.add" and e["entity_id"] == "clerk")
    assert add_clerk["operator"] == "boss"
    for secret in (ADMIN_PW, CLERK_PW):
        assert all(secret not in json.dumps(e, ensure_ascii=False) for e in events)


WRITE_COMMANDS = [
    ("enroll", "add", "--from", "{person}"),
    ("enroll", "photo", "1", "{out}.jpg"),
    ("enroll", "edit", "1", "--set", "address=某地"),
    ("enroll", "delete", "1", "--yes"),
    ("enroll", "status", "1", "submitted"),
    ("enroll", "receipt"),
    ("unit", "add", "--number", "U9", "--name", "n", "--contact", "c", "--phone", "13800138000"),
    ("import", "reference", "{csv}"),
    ("import", "rejections", "{csv}"),
    ("export", "batch", "--all", "-o", "{out}"),
    ("db", "maintenance"),
    ("print", "receipt", "1", "-o", "{out}.pdf"),
    ("print", "application", "1", "-o", "{out}.pdf"),
    ("print", "unit-list", "U1", "-o", "{out}.pdf"),
    ("card", "encode", "1"),
    ("card", "pin", "reset"),
]


@pytest.mark.parametrize("command", WRITE_COMMANDS, ids=lambda c: " ".join(c[: 3 if c[0] == "card" else 2]))
def test_wrong_password_exits_2_and_writes_nothing(
    accounts: Cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    code, _, err = accounts(
        "enroll", "add", "--from", str(_person(tmp_path, 2)), "--password-stdin", stdin=f"{CLERK_PW}\n"
    )
    assert code == 0, err
    (tmp_path / "ref.csv").write_text("name\n", encoding="utf-8")
    args = [
        a.format(person=_person(tmp_path, 3), csv=tmp_path / "ref.csv", out=tmp_path / "out") for a in command
    ]
    before = accounts.counts()
    code, out, err = accounts(*args, "--password-stdin", stdin="Not-the-password\n")
    assert code == 2, (code, out, err)
    assert _one_line(err) == "station: wrong user name or password"
    after = accounts.counts()
    assert after.pop("audit_events") == before.pop("audit_events") + 1  # user.login_failed only
    assert after == before
    failed = accounts.audit()[0]
    assert (failed["action"], failed["operator"]) == ("user.login_failed", "clerk")
    assert "Not-the-password" not in json.dumps(failed)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.pdf").exists()


def test_unknown_operator_exits_2(accounts: Cli, tmp_path: Path) -> None:
    before = accounts.counts()
    code, _, err = accounts(
        "enroll",
        "add",
        "--from",
        str(_person(tmp_path)),
        "--password-stdin",
        operator="mallory",
        stdin=f"{CLERK_PW}\n",
    )
    assert code == 2 and _one_line(err) == "station: wrong user name or password"
    assert accounts.counts() == before


def test_no_password_given(accounts: Cli, tmp_path: Path) -> None:
    before = accounts.counts()
    code, _, err = accounts("enroll", "add", "--from", str(_person(tmp_path)))  # no terminal to prompt on
    assert code == 2 and "--password-stdin" in _one_line(err)
    code, _, err = accounts("enroll", "add", "--from", "-", "--password-stdin", stdin=f"{CLERK_PW}\n{{}}\n")
    assert code == 2 and "both read standard input" in _one_line(err)
    assert accounts.counts() == before


def test_lockout_applies(accounts: Cli, tmp_path: Path) -> None:
    f = str(_person(tmp_path))
    for _ in range(5):
        assert accounts("enroll", "add", "--from", f, "--password-stdin", stdin="wrong-wrong\n")[0] == 2
    code, _, err = accounts("enroll", "add", "--from", f, "--password-stdin", stdin=f"{CLERK_PW}\n")
    assert code == 2 and "locked" in _one_line(err)
    assert accounts.counts()["applicants"] == 0


def test_role_still_checked(accounts: Cli) -> None:
    code, _, err = accounts("enroll", "list", "--full", "--password-stdin", stdin=f"{CLERK_PW}\n")
    assert code == 1 and "needs supervisor" in _one_line(err)
    code, _, err = accounts(
        "enroll", "list", "--full", "--password-stdin", operator="boss", stdin=f"{ADMIN_PW}\n"
    )
    assert code == 0, err
    assert accounts.audit()[0]["action"] == "list.full" and accounts.audit()[0]["operator"] == "boss"


def test_read_only_commands_ask_nothing(accounts: Cli, tmp_path: Path) -> None:
    code, out, err = accounts(
        "enroll", "add", "--from", str(_person(tmp_path)), "--json", "--password-stdin", stdin=f"{CLERK_PW}\n"
    )
    assert code == 0, err
    applicant_id = str(json.loads(out)["applicant_id"])
    for args in (
        ("enroll", "list", "--json"),
        ("enroll", "search", applicant_json(1)["name"][:1]),
        ("enroll", "show", applicant_id, "--json"),
        ("unit", "list"),
        ("user", "list"),
        ("audit", "verify"),
        ("audit", "show"),
        ("db", "upgrade"),
        ("photo", "profiles"),
    ):
        before = accounts.counts()
        code, _, err = accounts(*args, operator="nobody")  # no password on stdin, no terminal
        assert code == 0, (args, err)
        assert accounts.counts() == before, args


# --- without operator accounts ------------------------------------------------------------------


def test_no_accounts_records_the_name_as_unverified(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("enroll", "add", "--from", str(_person(tmp_path)), operator="clerk")
    assert code == 0, err
    events = cli.audit()
    assert events and all(e["operator"] == f"clerk (unverified, os user {getpass.getuser()})" for e in events)
    code, _, err = cli(
        "unit",
        "add",
        "--number",
        "U1",
        "--name",
        "n",
        "--contact",
        "c",
        "--phone",
        "13800138000",
        "--password-stdin",
        operator="x",
    )
    assert code == 0, err  # --password-stdin is accepted and nothing is read
    assert cli.audit()[0]["operator"].startswith("x (unverified, os user ")


def test_unverified_name_is_one_short_line() -> None:
    name = unverified_name("a\tb\n" + "x" * 200, "root\n")
    assert name == f"a b {'x' * 36} (unverified, os user root)"
    assert len(unverified_name("y" * 500, "z" * 500)) <= 100


# --- once per invocation ------------------------------------------------------------------------


def test_authenticated_once_per_invocation(accounts: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{ADMIN_PW}\n"))
    args = argparse.Namespace(password_stdin=True)
    ctx = Context(
        args=args,
        data_dir=accounts.data,
        settings=Settings(),
        db_url=f"sqlite:///{(accounts.data / 'station.db').as_posix()}",
        operator="boss",
    )
    try:
        assert auth.establish_operator(ctx) == "boss"
        assert auth.authenticate(ctx, "admin", "again").username == "boss"  # no second line read
        assert auth.establish_operator(ctx) == "boss"
    finally:
        ctx.close()


def test_actor_before_it_is_settled_is_a_programming_error(tmp_path: Path) -> None:
    ctx = Context(
        args=argparse.Namespace(), data_dir=tmp_path, settings=Settings(), db_url="sqlite://", operator="t"
    )
    with pytest.raises(RuntimeError):
        _ = ctx.actor
    with pytest.raises(InputError):
        auth.read_password(ctx, "p: ")  # no --password-stdin and no terminal
    assert issubclass(auth.LoginFailed, AuthError) and auth.LoginFailed.exit_code == 2


# --- standard input: the operator's password first, whatever the database holds ---------------


class _FakeDesk:
    """Stands in for station.card.workflow.CardDesk: records what the command hands the card."""

    def __init__(self) -> None:
        self.new_pins: list[str | None] = []

    def reset_pin(self, new_pin: str | None, reader: str | None) -> str:
        self.new_pins.append(new_pin)
        return "new" if new_pin else "initial"


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch) -> _FakeDesk:
    fake = _FakeDesk()

    def make(ctx: Context, *, with_db: bool = False) -> _FakeDesk:
        assert not with_db or ctx.has_actor  # pin reset records in the name of a settled actor
        return fake

    monkeypatch.setattr("station.cli.card._desk", make)
    return fake


def test_pin_reset_new_pin_follows_the_password_without_accounts(cli: Cli, desk: _FakeDesk) -> None:
    """No accounts, so no password is asked; still the first line is the password line (dropped
    unread), never the new PIN."""
    code, out, err = cli(
        "card", "pin", "reset", "--new", "--password-stdin", stdin="Some-password-2025\n975310\n"
    )
    assert code == 0, err
    assert desk.new_pins == ["975310"]
    assert "Some-password-2025" not in out + err and "975310" not in out + err
    code, _, err = cli("card", "pin", "reset", "--new", "--password-stdin", stdin="975310\n")
    assert code == 2 and "no PIN on stdin after the operator's password" in _one_line(err)
    assert desk.new_pins == ["975310"]  # nothing reset with the PIN taken for a password


def test_pin_reset_new_pin_follows_the_password_with_accounts(accounts: Cli, desk: _FakeDesk) -> None:
    code, _, err = accounts(
        "card", "pin", "reset", "--new", "--password-stdin", stdin=f"{CLERK_PW}\n975310\n"
    )
    assert code == 0, err
    assert desk.new_pins == ["975310"]
    events = json.dumps(accounts.audit(), ensure_ascii=False)
    assert "975310" not in events and CLERK_PW not in events


@pytest.mark.parametrize("action", ["verify", "change", "tries"])
def test_password_stdin_only_where_a_password_is_read(cli: Cli, action: str) -> None:
    """card pin verify/change/tries ask no password: the flag would only be ignored there."""
    code, _, err = cli("card", "pin", action, "--password-stdin", stdin="1234\n")
    assert code == 2 and "--password-stdin" in _one_line(err)
    code, _, err = cli("card", "pin", "verify", "--new", stdin="1234\n")
    assert code == 2 and "--new" in _one_line(err)


@pytest.mark.parametrize(
    "command", [("enroll", "add", "--from", "-"), ("enroll", "edit", "1", "--from", "-")]
)
def test_input_and_password_both_on_stdin_refused_before_the_login(
    accounts: Cli, command: tuple[str, ...]
) -> None:
    """The JSON's first line is never tried as a password: no failed login audited or counted."""
    before = accounts.counts()
    stdin = json.dumps(applicant_json(1), ensure_ascii=False, indent=2)
    code, _, err = accounts(*command, "--password-stdin", stdin=stdin)
    assert code == 2
    assert _one_line(err) == (
        "station: --from - and --password-stdin both read standard input: give a file instead"
    )
    assert accounts.counts() == before
    assert not any(e["action"] == "user.login_failed" for e in accounts.audit())


# --- user add: only a database without any account takes the first one unauthenticated ---------


def test_the_first_account_must_be_an_admin(cli: Cli) -> None:
    """A first account that is not an admin would lock administration out for good (only an admin
    adds users, and nothing changes a role)."""
    code, _, err = cli("user", "add", "clerk", "--password-stdin", operator="clerk", stdin=f"{CLERK_PW}\n")
    assert code == 2
    assert _one_line(err) == "station: the first account must be an admin: add it with --role admin"
    assert cli.counts()["operators"] == 0
    code, _, err = cli(
        "user", "add", "boss", "--role", "admin", "--password-stdin", operator="boss", stdin=f"{ADMIN_PW}\n"
    )
    assert code == 0, err


def test_user_add_needs_an_admin_once_any_account_exists(cli: Cli) -> None:
    """A database with clerks only (made by another tool): nobody becomes admin without a login."""
    db = open_database(f"sqlite:///{(cli.data / 'station.db').as_posix()}", data_dir=cli.data)
    try:
        with db.session() as s:
            operators.add_operator(s, "clerk", CLERK_PW, role="operator", by="test")
    finally:
        db.close()
    before = cli.counts()
    code, _, err = cli(
        "user", "add", "boss", "--role", "admin", "--password-stdin", operator="boss", stdin=f"{ADMIN_PW}\n"
    )
    assert code == 2 and _one_line(err) == "station: wrong user name or password"
    code, _, err = cli(
        "user",
        "add",
        "boss",
        "--role",
        "admin",
        "--password-stdin",
        operator="clerk",
        stdin=f"{CLERK_PW}\n{ADMIN_PW}\n",
    )
    assert code == 1 and "needs admin" in _one_line(err)
    after = cli.counts()
    assert after.pop("audit_events") == before.pop("audit_events")  # boss unknown: nothing counted
    assert after == before


# --- receipts: the applicant's paper names the operator, the audit trail the actor --------------


def _receipt_names(cli: Cli, number: str) -> tuple[str, str]:
    """(the operator stored with receipt ``number`` and printed on it, the audit trail's actor)."""
    db = open_database(f"sqlite:///{(cli.data / 'station.db').as_posix()}", data_dir=cli.data)
    try:
        with db.session(readonly=True) as s:
            stored = s.execute(
                select(PhotoReceipt.operator).where(PhotoReceipt.number == number)
            ).scalar_one()
    finally:
        db.close()
    issued = [e for e in cli.audit() if e["action"] == "receipt.issue" and e["entity_id"] == number]
    assert len(issued) == 1, issued
    return stored, issued[0]["operator"]


def test_receipt_names_the_display_name_and_audits_the_user(accounts: Cli) -> None:
    code, _, err = accounts(
        "user",
        "add",
        "wang",
        "--display-name",
        "王小明",
        "--password-stdin",
        operator="boss",
        stdin=f"{ADMIN_PW}\n{CLERK_PW}\n",
    )
    assert code == 0, err
    code, out, err = accounts("enroll", "receipt", "--password-stdin", operator="wang", stdin=f"{CLERK_PW}\n")
    assert code == 0, err
    assert _receipt_names(accounts, out.strip()) == ("王小明", "wang")
    code, out, err = accounts("enroll", "receipt", "--password-stdin", stdin=f"{CLERK_PW}\n")
    assert code == 0, err
    assert _receipt_names(accounts, out.strip()) == ("clerk", "clerk")  # no display name


def test_receipt_without_accounts_carries_no_os_login(cli: Cli) -> None:
    code, out, err = cli("enroll", "receipt", operator="王\t小明")
    assert code == 0, err
    stored, actor = _receipt_names(cli, out.strip())
    assert stored == "王 小明"
    assert actor == unverified_name("王\t小明", getpass.getuser())
