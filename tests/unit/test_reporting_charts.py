"""Charts of published reports (SVG): well-formed, accessible (title, desc, no style
attributes or scripts), in the report's language, and drawing only what disclosure control
published — a hidden point is a gap, a hidden bar a marked placeholder, never a zero.

The reports are built by hand (pure rendering, no database). Each hidden figure has a "true"
value the test knows (``HIDDEN_VALUES``) that appears nowhere among the shown ones, so any
of them turning up in a chart or a file would be a leak.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

import cus_reporting
from cus_reporting.indicators.definitions import REGISTRY
from cus_reporting.indicators.quarters import Quarter
from cus_reporting.publication.charts import (
    budget_share_charts,
    comparison_chart,
    share_chart,
    trend_chart,
)
from cus_reporting.publication.tables import Figure, Hidden, Line, PublishedTable, Report
from cus_shared.i18n.catalogues import register_locale_dir

S = Figure.shown
H = Figure.hide
SVG = "{http://www.w3.org/2000/svg}"

#: What the hidden figures "really" are; none of these numbers is shown anywhere.
HIDDEN_VALUES = (7, 8, 58, 61, 311)

GMINY = (
    Line("3010052", "Kramsk"),
    Line("3010013", "Golina"),
    Line("3010001", "Konin"),
    Line("1465011", "Warszawa"),
)


@pytest.fixture(autouse=True)
def reporting_catalogue() -> None:
    """The reporting service's translations (the app registers them with its templates)."""
    register_locale_dir(Path(cus_reporting.__file__).parent / "locale")


def people_report(language: str = "pl") -> Report:
    """Residents served in four gminy: Golina's count is small (true 7, hidden), Konin's
    hidden with it (true 58); the trend has gaps and a quarter with no snapshot."""
    indicator = REGISTRY["residents_served"]
    quarter = Quarter(2026, 3)
    quarters = tuple(quarter.back(4))
    value = (Line("total", "Wartość"),)
    comparison = PublishedTable(
        indicator,
        "Mieszkańcy objęci usługami według gmin, 2026-Q3",
        GMINY,
        value,
        ((S(120),), (H(Hidden.PRIMARY),), (H(Hidden.SECONDARY),), (S(431),)),
        column_totals=(S(616),),
        rows_heading="Gmina",
    )
    trend = PublishedTable(
        indicator,
        "Mieszkańcy objęci usługami według kwartałów",
        GMINY,
        tuple(Line(q.label, q.label) for q in quarters),
        (
            (S(100), S(110), H(Hidden.SECONDARY), S(120)),  # true 61 in 2026-Q2
            (H(Hidden.PRIMARY), S(12), S(15), H(Hidden.PRIMARY)),  # true 8 and 7
            (S(40), H(Hidden.MISSING), S(44), H(Hidden.SECONDARY)),  # true 58
            (S(400), S(410), S(420), S(431)),
        ),
        column_totals=(S(545), S(571), S(540), S(616)),
        rows_heading="Gmina",
    )
    sex = PublishedTable(
        indicator,
        "Według płci",
        (Line("F", "Kobiety"), Line("M", "Mężczyźni"), Line("X", "Inna")),
        value,
        ((S(300),), (H(Hidden.PRIMARY),), (H(Hidden.SECONDARY),)),  # true 8 and 311
        column_totals=(S(616),),
        rows_heading="Płeć",
    )
    return Report(
        audience_label="Województwo wielkopolskie",
        indicator=indicator,
        quarter=quarter,
        quarters=quarters,
        comparison=comparison,
        trend=trend,
        breakdowns={"sex": sex},
        computed_at=datetime(2026, 10, 2, 3, 4, tzinfo=UTC),
        language=language,
    )


def budget_report(language: str = "pl") -> Report:
    """A planned budget (grosze) of three partner CUS by funding source; the state budget
    and co-payments are hidden (true 3000 and 2000 zł across the rows)."""
    indicator = REGISTRY["budget_planned"]
    quarter = Quarter(2026, 3)
    rows = (Line("a1", "CUS Kramsk-Golina"), Line("a2", "CUS Konin"), Line("a3", "CUS Słupca"))
    sources = tuple(Line(c, c.replace("_", " ")) for c in indicator.categories)
    base = H(Hidden.BASE)
    comparison = PublishedTable(
        indicator,
        "Budżet planowany według źródeł",
        rows,
        sources,
        (
            (S(10_000_000), S(2_000_000), base, base),
            (S(20_000_000), S(3_000_000), base, base),
            (S(5_000_000), S(1_000_000), base, base),
        ),
        row_totals=(base, base, base),
        column_totals=(S(35_000_000), S(6_000_000), base, base),
        grand_total=S(41_500_000),
        rows_heading="Porozumienie",
    )
    trend = PublishedTable(
        indicator,
        "Budżet planowany według kwartałów",
        rows,
        tuple(Line(q.label, q.label) for q in quarter.back(2)),
        ((S(12_000_000), base), (S(23_000_000), base), (S(6_000_000), base)),
        column_totals=(S(41_000_000), S(41_500_000)),
        rows_heading="Porozumienie",
    )
    services = PublishedTable(
        indicator,
        "Budżet planowany według usług",
        (Line("s1", "Opieka wytchnieniowa"), Line("s2", "Asystent osobisty")),
        (Line("total", "Wartość"),),
        ((S(26_500_000),), (S(15_000_000),)),
        column_totals=(S(41_500_000),),
        rows_heading="Usługa",
    )
    return Report(
        audience_label="Województwo wielkopolskie",
        indicator=indicator,
        quarter=quarter,
        quarters=tuple(quarter.back(2)),
        comparison=comparison,
        trend=trend,
        breakdowns={"service": services},
        computed_at=datetime(2026, 10, 2, 3, 4, tzinfo=UTC),
        language=language,
    )


def numbers_in(text: str) -> set[int]:
    """Every whole number written in a text ("1\u00a0234,56" counts as 1234 and 56), leaving
    out the numbers of a legend's entries ("2. Kramsk")."""
    compact = re.sub(r"(?<=\d)\u00a0(?=\d{3}\b)", "", text)
    return {int(n) for n in re.findall(r"(?<![\w.])\d+(?![\w]|\.\s)", compact)}


def parse_svg(markup: str) -> ET.Element:
    """The chart as XML, after checking what the content security policy and screen readers
    need: role=img named by its title and desc, no style attribute, no script, no handlers."""
    root = ET.fromstring(markup)  # noqa: S314 - our own chart, not untrusted input
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert element.tag != f"{SVG}script"
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def texts(root: ET.Element) -> str:
    """All the text a chart writes (title, desc, labels)."""
    return " | ".join(t for element in root.iter() for t in (element.text,) if t)


@pytest.mark.parametrize("language", ["pl", "en", "uk"])
def test_charts_are_well_formed_accessible_svg(language: str) -> None:
    report = people_report(language)
    for markup in (trend_chart(report), comparison_chart(report)):
        root = parse_svg(str(markup))
        assert not numbers_in(texts(root)) & set(HIDDEN_VALUES)
    assert {120, 431} <= numbers_in(texts(parse_svg(str(comparison_chart(report)))))
    for markup in budget_share_charts(budget_report(language)):
        root = parse_svg(str(markup))
        assert not numbers_in(texts(root)) & {3000, 2000}  # the two hidden sources, in zł


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Przerwa w linii to wartość niepublikowana"),
        ("en", "A gap in a line is a figure that is not published"),
        ("uk", "Розрив лінії — це неопубліковане значення"),
    ],
)
def test_descriptions_follow_the_report_language(language: str, expected: str) -> None:
    root = parse_svg(str(trend_chart(people_report(language))))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text and expected in desc.text


def _series(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{SVG}g")


def test_hidden_points_are_gaps_in_the_lines() -> None:
    root = parse_svg(str(trend_chart(people_report())))
    total, kramsk, golina, konin, warszawa = _series(root)

    def points(series: ET.Element) -> int:
        return len([e for e in series if e.tag != f"{SVG}path" or e.get("fill") != "none"])

    def segments(series: ET.Element) -> list[int]:
        return [
            len(re.findall(r"[ML]", e.get("d", "")))
            for e in series
            if e.tag == f"{SVG}path" and e.get("fill") == "none"
        ]

    assert points(total) == 4 and segments(total) == [4]
    assert points(kramsk) == 3 and segments(kramsk) == [2]  # 2026-Q2 hidden: the line stops
    assert points(golina) == 2 and segments(golina) == [2]  # only the two shown quarters
    assert points(konin) == 2 and segments(konin) == []  # isolated points, markers only
    assert points(warszawa) == 4 and segments(warszawa) == [4]
    # The baseline (zero) is never reached by a line: no point sits on it.
    baseline = 280.0
    for series in _series(root):
        for element in series:
            for y in re.findall(r"[ML] [\d.]+ ([\d.]+)", element.get("d", "")):
                assert float(y) < baseline


def test_trend_draws_at_most_the_chosen_gminy() -> None:
    report = people_report("en")
    root = parse_svg(str(trend_chart(report, limit=2)))
    assert len(_series(root)) == 3  # the total and the two largest in the latest quarter
    assert "Warszawa" in texts(root) and "Kramsk" in texts(root) and "Golina" not in texts(root)
    assert "2 of 4 gminy are drawn" in texts(root)
    chosen = parse_svg(str(trend_chart(report, keys=["3010013"])))
    assert len(_series(chosen)) == 2 and "Golina" in texts(chosen)


def test_hidden_bars_are_marked_placeholders_not_zero_bars() -> None:
    root = parse_svg(str(comparison_chart(people_report("en"))))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#0b4f8a"]
    placeholders = [r for r in root.iter(f"{SVG}rect") if r.get("stroke-dasharray")]
    assert len(bars) == 2 and len(placeholders) == 2
    assert all(float(r.get("width", "0")) > 0 for r in bars + placeholders)
    labels = texts(root)
    assert "#a not published" in labels and "#b not published" in labels
    assert "120" in labels and "431" in labels
    # The axis starts at 0; nothing else is written as 0.
    assert labels.split().count("0") == 1


def test_budget_donuts_show_hidden_parts_as_one_segment() -> None:
    report = budget_report("en")
    sources, services = budget_share_charts(report)
    root = parse_svg(str(sources))
    legend = texts(root)
    assert "Not published (#)" in legend
    # 415 000 zł in all, 350 000 + 60 000 published: the hidden part is the 5 000 zł left.
    assert "5 000,00" in legend.replace("\u00a0", " ")
    assert "415 000,00" in legend.replace("\u00a0", " ")
    assert "Not published" not in texts(parse_svg(str(services)))


def test_no_donut_when_it_would_reveal_a_single_hidden_part() -> None:
    report = budget_report()
    one_hidden = PublishedTable(
        report.indicator,
        "Usługi",
        (Line("s1", "A"), Line("s2", "B"), Line("s3", "C")),
        (Line("total", "Wartość"),),
        ((S(26_500_000),), (H(Hidden.BASE),), (S(10_000_000),)),
        column_totals=(S(41_500_000),),
    )
    assert share_chart(one_hidden, by="rows", title="t") is None
    hidden_total = PublishedTable(
        report.indicator,
        "Usługi",
        (Line("s1", "A"),),
        (Line("total", "Wartość"),),
        ((S(1),),),
        column_totals=(H(Hidden.BASE),),
    )
    assert share_chart(hidden_total, by="rows", title="t") is None
    assert budget_share_charts(people_report()) == []
