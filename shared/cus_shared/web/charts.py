"""Charts drawn on the server as inline SVG, shared by every service that draws one (budgets,
regional reports): the palette and patterns, a donut's geometry, a round top for an axis and
the SVG elements the charts are made of.

The SVG carries no scripts and no style attributes, so the content security policy holds.
Colour is never the only cue: every series has a number (on the chart and in its legend), a
pattern of white marks or a line style and marker shape, as well as a colour; each colour has
a contrast of at least 4.5:1 with white, so every segment stands out against the white gaps
between them and against the page. A chart is an image (``role="img"``) named by its
``<title>`` and ``<desc>``; the data table beside it is its text alternative. Geometry is in
floats (drawing only; amounts stay integers or Decimals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Sequence

#: Colours (contrast with white: 8.4, 4.8, 6.2, 8.8, 7.7, 7.3, 7.5, 8.9) and patterns.
PALETTE = ("#0b4f8a", "#b35900", "#00703c", "#6a2c91", "#a4123f", "#00606b", "#7a4a00", "#4a4a4a")
PATTERNS = ("solid", "diagonal", "dots", "horizontal", "crosshatch", "vertical", "reverse", "grid")
#: Line styles (``stroke-dasharray``) and point markers, the line chart's second and third cue.
DASHES = ("", "9 4", "3 3", "12 4 3 4", "6 6", "1 4", "14 3", "4 2 1 2")
MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross", "circle", "square")
INK = "#1b1b1b"
GRID = "#b1b4b6"
WHITE = "#ffffff"
#: The pattern of a placeholder for a figure that is not shown (white, hatched in ink).
HIDDEN_PATTERN = "hidden"

#: A slice smaller than this gets no number on it (the legend still names it).
MIN_LABEL_FRACTION = 0.03

#: The white marks of each pattern on an 8×8 tile.
_PATTERN_PATHS: dict[str, str] = {
    "diagonal": "M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6",
    "reverse": "M-2 6 L2 10 M0 0 L8 8 M6 -2 L10 2",
    "horizontal": "M0 4 H8",
    "vertical": "M4 0 V8",
    "crosshatch": "M0 0 L8 8 M8 0 L0 8",
    "grid": "M0 4 H8 M4 0 V8",
    HIDDEN_PATTERN: "M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6",
}


@dataclass(frozen=True, slots=True)
class Swatch:
    """How one series is drawn: its number, colour and pattern."""

    number: int
    name: str
    colour: str
    pattern: str
    pattern_id: str

    @property
    def dash(self) -> str:
        """Its line style on a line chart (empty: a solid line)."""
        return DASHES[(self.number - 1) % len(DASHES)]

    @property
    def marker(self) -> str:
        """The shape of its points on a line chart."""
        return MARKERS[(self.number - 1) % len(MARKERS)]


@dataclass(frozen=True, slots=True)
class Slice:
    """A segment of the donut."""

    swatch: Swatch
    path: str
    share_text: str
    label_x: float
    label_y: float
    labelled: bool
    whole: bool


def swatches(names: Sequence[str], prefix: str) -> list[Swatch]:
    """A number, colour and pattern per series, in the given order."""
    return [
        Swatch(
            number=index + 1,
            name=name,
            colour=PALETTE[index % len(PALETTE)],
            pattern=PATTERNS[(index + index // len(PALETTE)) % len(PATTERNS)],
            pattern_id=f"{prefix}-pattern-{index + 1}",
        )
        for index, name in enumerate(names)
    ]


def hidden_swatch(name: str, prefix: str) -> Swatch:
    """The swatch of figures that are not shown: white hatched in ink, no number."""
    return Swatch(
        number=0,
        name=name,
        colour=WHITE,
        pattern=HIDDEN_PATTERN,
        pattern_id=f"{prefix}-pattern-hidden",
    )


def _point(cx: float, cy: float, radius: float, angle: float) -> tuple[float, float]:
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def svg_number(value: float) -> str:
    """A coordinate as SVG text: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def donut(
    amounts: Sequence[int | Decimal],
    marks: Sequence[Swatch],
    share_texts: Sequence[str],
    *,
    cx: float = 150,
    cy: float = 150,
    outer: float = 130,
    inner: float = 62,
) -> list[Slice]:
    """Segments of a donut, clockwise from the top, one per positive amount."""
    total = sum(amounts, Decimal(0))
    if total <= 0:
        return []
    slices: list[Slice] = []
    start = -math.pi / 2
    for amount, swatch, share in zip(amounts, marks, share_texts, strict=True):
        if amount <= 0:
            continue
        # Exact for integer grosze below 2**53: the same float as ``amount / total``.
        fraction = float(amount) / float(total)
        end = start + 2 * math.pi * fraction
        middle = (start + end) / 2
        label_x, label_y = _point(cx, cy, (outer + inner) / 2, middle)
        whole = fraction >= 1
        if whole:
            path = ""
        else:
            large = 1 if end - start > math.pi else 0
            ox0, oy0 = _point(cx, cy, outer, start)
            ox1, oy1 = _point(cx, cy, outer, end)
            ix1, iy1 = _point(cx, cy, inner, end)
            ix0, iy0 = _point(cx, cy, inner, start)
            f = svg_number
            path = (
                f"M {f(ox0)} {f(oy0)} A {f(outer)} {f(outer)} 0 {large} 1 "
                f"{f(ox1)} {f(oy1)} L {f(ix1)} {f(iy1)} A {f(inner)} "
                f"{f(inner)} 0 {large} 0 {f(ix0)} {f(iy0)} Z"
            )
        slices.append(
            Slice(
                swatch=swatch,
                path=path,
                share_text=share,
                label_x=round(label_x, 2),
                label_y=round(label_y, 2),
                labelled=fraction >= MIN_LABEL_FRACTION,
                whole=whole,
            )
        )
        start = end
    return slices


def nice_ceiling(value: int) -> int:
    """A round top for an axis: 1, 2, 2.5 or 5 times a power of ten, at least ``value``
    (amounts in grosze give round złoty, as ``100`` is a power of ten)."""
    if value <= 0:
        return 100
    magnitude: int = pow(10, len(str(value)) - 1)
    for tenths in (10, 20, 25, 50):
        top = tenths * magnitude // 10
        if top >= value:
            return top
    return 10 * magnitude


def whole_zloty(grosze: int) -> str:
    """``70099200`` → ``"700 992 zł"`` (non-breaking spaces), for labels on charts."""
    return f"{grosze // 100:,}".replace(",", "\u00a0") + "\u00a0zł"


# SVG elements ---------------------------------------------------------------------------------


def element(name: str, content: str = "", /, **attributes: object) -> Markup:
    """An SVG element with escaped attributes (``stroke_width`` → ``stroke-width``; None
    leaves an attribute out) and content (escaped unless it is already Markup)."""
    opening = Markup("{}").format(name)
    for key, value in attributes.items():
        if value is None:
            continue
        text = svg_number(value) if isinstance(value, float) else str(value)
        opening += Markup(' {}="{}"').format(key.rstrip("_").replace("_", "-"), text)
    if not content:
        return Markup("<{}/>").format(opening)
    return Markup("<{}>{}</{}>").format(opening, content, name)


def join(parts: Sequence[str]) -> Markup:
    """Elements one after another (each escaped unless it is already Markup)."""
    return Markup("").join(escape(part) for part in parts)


def pattern(swatch: Swatch) -> Markup:
    """The ``<pattern>`` filling a swatch's shapes: its colour with white (or ink) marks."""
    tile = [element("rect", width=8, height=8, fill=swatch.colour)]
    if swatch.pattern == "dots":
        tile.append(element("circle", cx=4, cy=4, r=1.7, fill=WHITE))
    elif swatch.pattern in _PATTERN_PATHS:
        d = _PATTERN_PATHS[swatch.pattern]
        hidden = swatch.pattern == HIDDEN_PATTERN
        width = 1.2 if swatch.pattern in {"crosshatch", "grid"} else 1.5
        tile.append(element("path", d=d, stroke=INK if hidden else WHITE, stroke_width=width))
    return element(
        "pattern",
        join(tile),
        id=swatch.pattern_id,
        patternUnits="userSpaceOnUse",
        width=8,
        height=8,
    )


def pattern_defs(marks: Sequence[Swatch]) -> Markup:
    """An invisible SVG holding the patterns of several charts on one page."""
    return element(
        "svg",
        element("defs", join([pattern(s) for s in marks])),
        width=0,
        height=0,
        aria_hidden="true",
        focusable="false",
    )


def number_badge(x: float, y: float, number: int | str) -> Markup:
    """A series' number in a white circle, placed on its slice, segment or line."""
    return join(
        [
            element(
                "circle", cx=float(x), cy=float(y), r=10, fill=WHITE, stroke=INK, stroke_width=1
            ),
            text(x, y, str(number), dy="0.35em", anchor="middle", weight="700"),
        ]
    )


def text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 12,
    weight: str | None = None,
    dy: str | None = None,
    fill: str = INK,
) -> Markup:
    """A label (escaped)."""
    return element(
        "text",
        content,
        x=float(x),
        y=float(y),
        dy=dy,
        text_anchor=anchor,
        font_size=size,
        font_weight=weight,
        fill=fill,
    )


def marker(shape: str, x: float, y: float, colour: str, size: float = 4.5) -> Markup:
    """A point of a line chart, in one of :data:`MARKERS`' shapes, with a white edge."""
    s = size
    edge = {"stroke": WHITE, "stroke_width": 1.5, "fill": colour}
    if shape == "circle":
        return element("circle", cx=float(x), cy=float(y), r=s, **edge)
    if shape == "square":
        return element("rect", x=x - s, y=y - s, width=2 * s, height=2 * s, **edge)
    points = {
        "triangle": [(x, y - s * 1.2), (x + s * 1.1, y + s * 0.8), (x - s * 1.1, y + s * 0.8)],
        "down": [(x, y + s * 1.2), (x + s * 1.1, y - s * 0.8), (x - s * 1.1, y - s * 0.8)],
        "diamond": [(x, y - s * 1.3), (x + s * 1.3, y), (x, y + s * 1.3), (x - s * 1.3, y)],
    }.get(shape)
    if points is not None:
        return element(
            "polygon",
            points=" ".join(f"{svg_number(a)},{svg_number(b)}" for a, b in points),
            **edge,
        )
    # cross
    d = (
        f"M {svg_number(x - s)} {svg_number(y - s)} L {svg_number(x + s)} {svg_number(y + s)} "
        f"M {svg_number(x - s)} {svg_number(y + s)} L {svg_number(x + s)} {svg_number(y - s)}"
    )
    return element("path", d=d, stroke=colour, stroke_width=2.5, fill="none")


def chart(
    prefix: str, width: int, height: int, title: str, description: str, body: Sequence[str]
) -> Markup:
    """The ``<svg>`` of a chart: an image named by its title and described by its desc."""
    return element(
        "svg",
        join(
            [
                element("title", title, id=f"{prefix}-title"),
                element("desc", description, id=f"{prefix}-desc"),
                *body,
            ]
        ),
        xmlns="http://www.w3.org/2000/svg",
        role="img",
        aria_labelledby=f"{prefix}-title {prefix}-desc",
        viewBox=f"0 0 {width} {height}",
        width="100%",
    )
