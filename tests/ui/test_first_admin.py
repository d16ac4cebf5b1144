"""First start of a new installation: with no operator accounts the window offers to create
the first administrator (``station.records.operators``); declined, it runs as the start user
as before and says so."""

from __future__ import annotations

from typing import Any

import pytest

from station.records import operators

pytestmark = pytest.mark.gui


def _offered(window: Any) -> Any:
    from ui.first_admin import FirstAdminDialog

    window.deps.extra["after_show"](window)
    dialogs = [d for d in window.findChildren(FirstAdminDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def _accounts(window: Any) -> list[tuple[str, str, str]]:
    with window.deps.records.db.session(readonly=True) as s:
        return [(o.username, o.display_name, o.role) for o in operators.list_operators(s)]


def test_first_start_creates_the_first_admin(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    dlg = _offered(w)
    assert dlg.isModal() and dlg.username.text() == "tester"  # the start user, changeable
    dlg.username.setText("chief")
    dlg.display_name.setText("王主任")
    # Passwords that differ: nothing is created, the dialog says why.
    dlg.password.setText("counter-2026")
    dlg.repeat.setText("counter-2027")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.isVisible() and dlg.message.text() and _accounts(w) == []
    # Too short for the records' password rule: the service's message is shown.
    dlg.password.setText("short")
    dlg.repeat.setText("short")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    assert dlg.isVisible() and "8" in dlg.message.text() and _accounts(w) == []
    dlg.password.setText("counter-2026")
    dlg.repeat.setText("counter-2026")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=2000)
    assert _accounts(w) == [("chief", "王主任", "admin")]
    assert (w.deps.operator, w.deps.role) == ("chief", "admin")
    assert w.deps.records.operator == "chief"
    assert w.status.states["operator"] == ("ok", "王主任 (admin)")
    ok, op, _msg = w.deps.records.login("chief", "counter-2026")
    assert ok and op.role == "admin"
    # A second "first admin" is refused by the adapter: that is the admin's job after login.
    with pytest.raises(Exception, match="already: log in"):
        w.deps.records.create_first_admin("other", "counter-2026")


def test_declining_keeps_the_station_running_and_says_so(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    dlg = _offered(w)
    dlg.buttons.button(dlg.buttons.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=2000)
    assert _accounts(w) == []
    state, text = w.status.states["operator"]
    assert state == "warn" and text.startswith("tester (admin)")
    assert w.isVisible()


def test_no_first_admin_on_a_database_with_clerks_only(make_window: Any, qtbot: Any) -> None:
    """A clerk's account exists (made on the command line): nobody becomes admin without a login."""
    from station.records import operators

    w = make_window()
    dlg = _offered(w)
    with w.deps.records.db.session() as s:
        operators.add_operator(s, "clerk1", "counter-2026", role="operator", by="test")
    with pytest.raises(Exception, match="already: log in"):
        w.deps.records.create_first_admin("sneaky", "counter-2026")
    assert [a[0] for a in _accounts(w)] == ["clerk1"]
    dlg.close()
