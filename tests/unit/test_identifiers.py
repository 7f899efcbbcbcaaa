"""TERYT and PESEL validation."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cus_shared.identifiers import OrganisationIdError, parse_krs, parse_nip, parse_regon
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


# Organisations: NIP, REGON, KRS (check digits from their official definitions).


@pytest.mark.parametrize(
    ("raw", "nip"),
    [
        ("5261040828", "5261040828"),  # GUS (Statistics Poland)
        ("526-10-40-828", "5261040828"),
        ("PL 526 104 08 28", "5261040828"),
        ("7010021013", "7010021013"),
    ],
)
def test_valid_nip(raw: str, nip: str) -> None:
    assert parse_nip(raw) == nip


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("5261040829", "nip.checksum"),
        ("526104082", "nip.format"),
        ("52610408２8", "nip.format"),  # a full-width digit is not a digit here
        ("abcdefghij", "nip.format"),
        ("1234567890", "nip.checksum"),  # its weighted sum leaves 10: no valid check digit
    ],
)
def test_invalid_nip(raw: str, key: str) -> None:
    with pytest.raises(OrganisationIdError) as caught:
        parse_nip(raw)
    assert caught.value.key == key
    assert caught.value.problems[0].field == "nip"


@pytest.mark.parametrize("raw", ["000331501", "012100784", "00033150100017"])
def test_valid_regon(raw: str) -> None:
    assert parse_regon(raw) == raw


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("000331502", "regon.checksum"),
        ("00033150100018", "regon.checksum"),
        ("0003315010001", "regon.format"),
        ("12345", "regon.format"),
    ],
)
def test_invalid_regon(raw: str, key: str) -> None:
    with pytest.raises(OrganisationIdError) as caught:
        parse_regon(raw)
    assert caught.value.key == key


def test_krs_is_ten_digits() -> None:
    assert parse_krs("0000123456") == "0000123456"
    for bad in ("123456", "00001234567", "000012345X"):
        with pytest.raises(OrganisationIdError) as caught:
            parse_krs(bad)
        assert caught.value.key == "krs.format"
