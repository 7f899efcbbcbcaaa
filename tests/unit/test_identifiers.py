"""TERYT and PESEL validation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cus_shared.identifiers.pesel import PeselError, check_digit, make_pesel, parse_pesel
from cus_shared.identifiers.teryt import TerytError, parse_teryt


@pytest.mark.parametrize("code", ["3010052", "1465011", "0201011", "3216033"])
def test_valid_gmina_teryt(code: str) -> None:
    assert parse_teryt(code) == code


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("301005", "teryt.format"),
        ("30100522", "teryt.format"),
        ("30a0052", "teryt.format"),
        ("０２０１０１１", "teryt.format"),  # full-width digits are not ASCII digits
        ("0101011", "teryt.voivodeship"),
        ("3401011", "teryt.voivodeship"),
        ("3000011", "teryt.unit"),
        ("3010002", "teryt.unit"),
        ("3010054", "teryt.type"),
        ("1465018", "teryt.type"),
    ],
)
def test_invalid_teryt_says_why(code: str, key: str) -> None:
    with pytest.raises(TerytError) as caught:
        parse_teryt(code)
    assert caught.value.key == key


def test_known_pesel() -> None:
    code, facts = parse_pesel("90010112318")
    assert code == "90010112318"
    assert facts.birth_date == date(1990, 1, 1)
    assert facts.sex == "M"


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("9001011231", "pesel.format"),
        ("9001011231X", "pesel.format"),
        ("90010112319", "pesel.checksum"),
        ("9013311231" + str(check_digit("9013311231")), "pesel.date"),
        ("9002301231" + str(check_digit("9002301231")), "pesel.date"),
        ("１２３４５６７８９０１", "pesel.format"),
    ],
)
def test_invalid_pesel_says_why(value: str, key: str) -> None:
    with pytest.raises(PeselError) as caught:
        parse_pesel(value)
    assert caught.value.key == key


@given(
    born=st.dates(min_value=date(1800, 1, 1), max_value=date(2299, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    sex=st.sampled_from("FM"),
)
def test_generated_pesel_round_trips(born: date, serial: int, sex: str) -> None:
    _, facts = parse_pesel(make_pesel(born, serial, sex))
    assert facts.birth_date == born
    assert facts.sex == sex


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_one_digit_changed_breaks_the_checksum(value: str) -> None:
    try:
        parse_pesel(value)
    except PeselError:
        return
    for position in range(10):
        changed = value[:position] + str((int(value[position]) + 1) % 10) + value[position + 1 :]
        with pytest.raises(PeselError):
            parse_pesel(changed)
