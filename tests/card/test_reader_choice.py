"""Which reader the ``reader`` setting designates: ``pcsc.matching_readers``, the one rule that
``choose_reader`` (the card operations) and the window's card desk (what it shows and watches)
share. Without pcscd: ``list_readers`` is replaced by a fixed list (the same rules on the real
stack: test_pcscd.py)."""

from __future__ import annotations

import pytest

from station.card import errors, pcsc
from station.card.pcsc import ReaderInfo, matching_readers

ACR39 = "ACS ACR39U 00 00"
ACR1252 = "ACS ACR1252 00 00"
OMNIKEY = "HID OMNIKEY 3121 00 00"
VPCD = "Virtual PCD 00 00"
VPCD2 = "Virtual PCD 00 01"
ALL = [ACR39, ACR1252, OMNIKEY, VPCD, VPCD2]


@pytest.mark.parametrize(
    ("name", "allow_virtual", "expected"),
    [
        (None, False, [ACR39, ACR1252, OMNIKEY]),
        ("", True, ALL),
        (ACR39, False, [ACR39]),  # exact
        ("acr39", False, [ACR39]),  # the one reader with this in its name, any case
        ("ACS", False, []),  # two readers: ambiguous, none
        ("00 00", False, []),
        (VPCD, False, []),  # virtual readers switched off are not there
        (VPCD, True, [VPCD]),  # exact, though "Virtual PCD 00 0" would match two
        ("pcd", True, []),
        ("pcd 00 01", True, [VPCD2]),
        ("Nonexistent", True, []),
    ],
)
def test_matching_readers(name: str | None, allow_virtual: bool, expected: list[str]) -> None:
    assert matching_readers(name, ALL, allow_virtual=allow_virtual) == expected


def test_an_exact_name_wins_over_longer_names_containing_it() -> None:
    assert matching_readers("ACS ACR39U", ["ACS ACR39U 00", "ACS ACR39U"]) == ["ACS ACR39U"]


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[ReaderInfo]:
    """What pcscd would list: the OMNIKEY and the second vpcd reader hold a card."""
    infos = [ReaderInfo(n, pcsc.is_virtual(n), n in (OMNIKEY, VPCD2), None) for n in ALL]

    def list_readers(*, allow_virtual: bool = False) -> list[ReaderInfo]:
        return [r for r in infos if allow_virtual or not r.virtual]

    monkeypatch.setattr(pcsc, "list_readers", list_readers)
    return infos


@pytest.mark.usefixtures("readers")
def test_choose_reader_takes_the_one_reader_the_setting_designates() -> None:
    assert pcsc.choose_reader(ACR39) == ACR39
    assert pcsc.choose_reader("acr1252") == ACR1252
    assert pcsc.choose_reader(None) == OMNIKEY  # the first usable reader holding a card
    assert pcsc.choose_reader(None, allow_virtual=True) == OMNIKEY
    assert pcsc.choose_reader("pcd 00 01", allow_virtual=True) == VPCD2
    with pytest.raises(errors.ReaderNotFound):
        pcsc.choose_reader("ACS")  # two ACS readers: which one is not guessed
    with pytest.raises(errors.ReaderNotFound):
        pcsc.choose_reader("Nonexistent")
    with pytest.raises(errors.NoReader, match="virtual"):
        pcsc.choose_reader(VPCD)  # named, but virtual readers are switched off
    with pytest.raises(errors.NoReader, match="virtual"):
        pcsc.choose_reader("pcd 00 01")


def test_choose_reader_with_only_virtual_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    infos = [ReaderInfo(VPCD, True, False, None)]
    monkeypatch.setattr(pcsc, "list_readers", lambda *, allow_virtual=False: infos)
    with pytest.raises(errors.NoReader, match="only virtual readers"):
        pcsc.choose_reader(None)
    assert pcsc.choose_reader(None, allow_virtual=True) == VPCD
    monkeypatch.setattr(pcsc, "list_readers", lambda *, allow_virtual=False: [])
    with pytest.raises(errors.NoReader):
        pcsc.choose_reader(None, allow_virtual=True)


@pytest.mark.usefixtures("readers")
@pytest.mark.parametrize("name", [None, ACR39, "acr", "ACS", "omnikey", VPCD, "pcd", "00 01", "x"])
@pytest.mark.parametrize("allow_virtual", [False, True])
def test_choose_reader_picks_among_the_matching_readers(name: str | None, allow_virtual: bool) -> None:
    """Whatever the setting: choose_reader answers one of matching_readers, and fails exactly
    when there is none (what the card desk shows is what an encode uses)."""
    matching = matching_readers(name, ALL, allow_virtual=allow_virtual)
    try:
        chosen = pcsc.choose_reader(name, allow_virtual=allow_virtual)
    except errors.ReaderError:
        assert matching == []
    else:
        assert chosen in matching
        if name:
            assert matching == [chosen]
