"""Statistical disclosure control (kontrola ujawniania danych statystycznych) of published tables.

Every table of counts leaves the reporting service (API, pages, exports) only through
:func:`protect` or :func:`protect_linked`. The method, for the README:

**Tables.** A table is two-dimensional (rows x columns, e.g. gmina x quarter, area x sex) and
*additive*: each person or case is counted in exactly one cell, and the row totals, column
totals and grand total, which are published too, are the sums of the cells. (A total of
distinct persons over areas is not a sum of the area cells; publish it as its own table.)
Internally a table is the extended grid of (R+1) x (C+1) figures, the last row and column being
the totals, and a *line* is one row or column of that grid: its cells and its total.

**Primary suppression (ukrycie pierwotne).** A figure from 1 to ``threshold - 1`` (default
threshold 10: counts 1 to 9) is hidden, totals included. Zero is shown by default: it
identifies nobody, and a hidden zero is weak anyway, because when every hidden cell of a line
is zero the published total minus the shown cells is zero and non-negativity gives all of them
away. ``suppress_zeros=True`` hides zeros too, for tables where "nobody" is itself sensitive
(then see the limits). For regional aggregates, a figure built from fewer than
``min_contributors`` gminy (default 3) with non-zero counts is hidden as well, so that a region
of two active gminy cannot be read as one gmina's figure by a neighbour who knows their own.

**Secondary suppression (ukrycie wtórne).** Hidden cells must not be recoverable from what is
shown. Two passes run until nothing changes:

1. *Line rule.* No line may hold exactly one hidden figure, or its total minus the shown cells
   would give it back. The complement is the smallest positive shown figure of the line
   (cells before the total); a line with only two cells hides its total instead of the other
   cell, which keeps the other category readable. Zeros are never complements: a zero
   complement would make the published difference an exact upper bound equal to the hidden
   value, and a line whose hidden figures are all zero is fully disclosed (see above).
2. *Audit.* The line rule is not enough: two blocks of hidden cells joined by one hidden cell
   leave that cell determined by a combination of lines. With the totals written as a grid,
   the published equations are those of the complete bipartite graph of rows and columns
   (hidden figures are its edges), and a hidden figure is determined by them exactly when it is
   a bridge of the graph of hidden figures, i.e. lies on no cycle of hidden figures. Each
   bridge gets a cycle: the cheapest path between its row and its column over shown positive
   figures (cost: their values) and hidden ones (cost 0) is hidden too.

Since hidden figures are all positive (primaries are >= 1, complements are chosen positive),
a cycle through a hidden figure lets it move up and down a little with every line still
adding up and nothing negative: no published figure pins it, exactly or by non-negativity.

**Linked tables.** Two tables of the same population sharing a margin (area x sex and area x
age band with the same area totals) are protected together by :func:`protect_linked`: the
shared totals must agree (else :class:`InconsistentMarginsError`), a shared total hidden in
one is hidden in all, and a joint audit solves all tables' equations together with exact
rational Gaussian elimination: a hidden figure is determined when its unit vector lies in
the row space of the equations over the hidden figures. Each determined figure gets one more
hidden figure, the cheapest that makes it undetermined (or simply the cheapest, and again),
and the single-table passes and the audit repeat until stable. The many trial eliminations
run modulo the prime 2**61 - 1 on the sparse equations (fast); the stable state is then
confirmed once with exact rationals, and the repairs go on exactly should the two ever
disagree. Bridges of the single-table audit are found in one pass (Tarjan's low-link).

**Limits.** No interval (linear programming) audit: a hidden figure is never pinned to one
value, but an attacker still learns bounds (a hidden 3 paired with a hidden 10 under a
published 13 lies somewhere in 0..13), combining lines can narrow them, and no minimum width
of those intervals is enforced. The heuristics are greedy, not the minimal-loss suppression of
tau-ARGUS. Only two dimensions, and linked tables only through their row margin (transpose
first to link on columns). Tables published at different times (revisions, earlier quarters
re-run) are not linked by this module: publish the same snapshot or protect them together.
With ``suppress_zeros=True`` the guarantee is the linear one plus the rule that no line hides
only zeros; rarer non-negativity inferences through several lines are not audited. The joint
audit is cubic in the number of hidden figures: meant for the small linked tables of
breakdowns (areas x sex x age bands), not for thousands of cells.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

DEFAULT_THRESHOLD = 10
DEFAULT_MIN_CONTRIBUTORS = 3

#: A figure's place in the extended grid: (row, column); row R and column C hold the totals.
Position = tuple[int, int]


class Reason(StrEnum):
    """Why a figure is hidden."""

    PRIMARY = "primary"  # a small count (1..threshold-1, or zero when zeros are hidden)
    CONTRIBUTORS = "contributors"  # a regional figure from too few gminy
    SECONDARY = "secondary"  # hidden so that another hidden figure cannot be recovered


class InconsistentMarginsError(ValueError):
    """Linked tables whose shared totals differ: they do not describe the same population."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The disclosure rules in force; the defaults are the reporting issue's."""

    threshold: int = DEFAULT_THRESHOLD
    suppress_zeros: bool = False
    min_contributors: int = DEFAULT_MIN_CONTRIBUTORS

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.min_contributors < 1:
            raise ValueError("min_contributors must be at least 1")

    def is_small(self, value: int) -> bool:
        """Whether a count is hidden by the primary rule."""
        return (value == 0 and self.suppress_zeros) or 0 < value < self.threshold


@dataclass(frozen=True, slots=True)
class Table:
    """An additive table of counts before disclosure control; its totals are derived.

    ``contributors`` (regional tables only) holds, per cell, the gminy with a non-zero count in
    it; totals take the union of their line.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    contributors: tuple[tuple[frozenset[str], ...], ...] | None = None

    def __post_init__(self) -> None:
        if not self.rows or not self.columns:
            raise ValueError("a table needs at least one row and one column")
        shape_ok = len(self.cells) == len(self.rows) and all(
            len(row) == len(self.columns) for row in self.cells
        )
        if not shape_ok:
            raise ValueError("cells do not match the rows and columns")
        if any(value < 0 for row in self.cells for value in row):
            raise ValueError("counts cannot be negative")
        if self.contributors is not None and (
            len(self.contributors) != len(self.rows)
            or any(len(row) != len(self.columns) for row in self.contributors)
        ):
            raise ValueError("contributors do not match the rows and columns")

    @classmethod
    def of(
        cls, rows: Sequence[str], columns: Sequence[str], cells: Sequence[Sequence[int]]
    ) -> Table:
        """A table from plain sequences."""
        return cls(tuple(rows), tuple(columns), tuple(tuple(row) for row in cells))

    @classmethod
    def from_gmina_counts(
        cls,
        rows: Sequence[str],
        columns: Sequence[str],
        counts: Mapping[str, Sequence[Sequence[int]]],
    ) -> Table:
        """A regional table summed over gminy (keyed by TERYT), remembering who contributed."""
        sums = [[0] * len(columns) for _ in rows]
        sources: list[list[set[str]]] = [[set() for _ in columns] for _ in rows]
        for gmina, grid in counts.items():
            if len(grid) != len(rows) or any(len(line) != len(columns) for line in grid):
                raise ValueError(f"counts of {gmina} do not match the rows and columns")
            for i, line in enumerate(grid):
                for j, value in enumerate(line):
                    sums[i][j] += value
                    if value:
                        sources[i][j].add(gmina)
        return cls(
            tuple(rows),
            tuple(columns),
            tuple(tuple(line) for line in sums),
            tuple(tuple(frozenset(s) for s in line) for line in sources),
        )

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.cells, strict=True))

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)

    def transposed(self) -> Table:
        """The same table with rows and columns swapped (to link tables on their columns)."""
        contributors = None
        if self.contributors is not None:
            contributors = tuple(zip(*self.contributors, strict=True))
        return Table(self.columns, self.rows, tuple(zip(*self.cells, strict=True)), contributors)


@dataclass(frozen=True, slots=True)
class Cell:
    """A published figure: its value stays inside the service when ``reason`` is set."""

    value: int
    reason: Reason | None = None

    @property
    def suppressed(self) -> bool:
        return self.reason is not None

    @property
    def shown(self) -> int | None:
        """What may leave the service: the value, or None when it is hidden."""
        return None if self.reason is not None else self.value


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    """A table after disclosure control, totals included; publish only ``Cell.shown``."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell

    def published(self) -> tuple[tuple[int | None, ...], ...]:
        """The extended grid as it may be published: totals last, hidden figures None."""
        lines = [(*row, total) for row, total in zip(self.cells, self.row_totals, strict=True)]
        lines.append((*self.column_totals, self.grand_total))
        return tuple(tuple(cell.shown for cell in line) for line in lines)


def transposed(table: ProtectedTable) -> ProtectedTable:
    """A protected table with rows and columns swapped (back from linking on columns)."""
    return ProtectedTable(
        rows=table.columns,
        columns=table.rows,
        cells=tuple(zip(*table.cells, strict=True)),
        row_totals=table.column_totals,
        column_totals=table.row_totals,
        grand_total=table.grand_total,
    )


def protect(table: Table, policy: Policy | None = None) -> ProtectedTable:
    """Apply primary and secondary suppression to one table and its totals."""
    policy = policy or Policy()
    grid = _Grid(table, policy)
    grid.secondary()
    return grid.result()


def protect_linked(
    tables: Sequence[Table], policy: Policy | None = None
) -> tuple[ProtectedTable, ...]:
    """Protect tables of the same population that share their rows and row totals, jointly."""
    policy = policy or Policy()
    if not tables:
        return ()
    first = tables[0]
    for other in tables[1:]:
        if other.rows != first.rows:
            raise InconsistentMarginsError("linked tables must have the same rows")
        if other.row_totals != first.row_totals:
            raise InconsistentMarginsError("linked tables must have the same row totals")
    grids = [_Grid(table, policy) for table in tables]
    # The audit's many trial eliminations run modulo a large prime (fast); the final state is
    # then checked once with exact rationals, and should that ever disagree (a prime dividing
    # a minor: practically never), the repairs go on with exact arithmetic alone.
    exact = False
    while True:
        for grid in grids:
            grid.secondary()
        if _share_margins(grids):
            continue
        if _repair_joint(grids, exact=exact):
            continue
        if exact or not _determined(_joint_equations(grids), exact=True):
            break
        exact = True
    return tuple(grid.result() for grid in grids)


def protect_together(
    main: Table,
    splits: Sequence[Table],
    policy: Policy | None = None,
) -> tuple[ProtectedTable, tuple[ProtectedTable, ...]]:
    """Protect a table and tables that split the same totals another way, published together.

    ``main`` (e.g. gminy x categories) and each of ``splits`` (e.g. age bands x categories)
    have the same columns and the same column totals (each person or case in exactly one row
    of each). All of them go through one exact joint audit (:func:`protect_linked` on their
    transposes, whose shared row totals are these column totals): no hidden figure of any of
    them is determined by everything they publish together. (Protecting the main table alone
    and only sharing the hidden state of the totals is not enough: Hypothesis found a
    two-gmina case that leaks that way.) The audit is cubic in the hidden figures: about 2 s
    for 300 gminy x 3 categories here, 3.5 s for 7; reports keep the result per snapshot.
    """
    policy = policy or Policy()
    for split in splits:
        if split.columns != main.columns or split.column_totals != main.column_totals:
            raise InconsistentMarginsError("tables published together must share their totals")
    if not splits:
        return protect(main, policy), ()
    everything = (main, *splits)
    protected = protect_linked([t.transposed() for t in everything], policy)
    first, *rest = (transposed(p) for p in protected)
    return first, tuple(rest)


def regional_aggregate(counts_by_gmina: Mapping[str, int], policy: Policy | None = None) -> Cell:
    """One regional figure, hidden when small or built from too few gminy with non-zero counts.

    A zero region follows the zero rule: there is nobody to protect and nobody contributed.
    """
    policy = policy or Policy()
    value = sum(counts_by_gmina.values())
    if policy.is_small(value):
        return Cell(value, Reason.PRIMARY)
    contributing = sum(1 for count in counts_by_gmina.values() if count)
    if value and contributing < policy.min_contributors:
        return Cell(value, Reason.CONTRIBUTORS)
    return Cell(value)


class _Grid:
    """The extended grid of one table while suppression is decided."""

    def __init__(self, table: Table, policy: Policy) -> None:
        self.table = table
        self.n_rows = len(table.rows)  # index of the totals row
        self.n_columns = len(table.columns)  # index of the totals column
        self.values: list[list[int]] = [
            [*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)
        ]
        self.values.append([*table.column_totals, table.grand_total])
        self.hidden: dict[Position, Reason] = {}
        sources = _contributor_grid(table)
        for i, line in enumerate(self.values):
            for j, value in enumerate(line):
                if policy.is_small(value):
                    self.hidden[(i, j)] = Reason.PRIMARY
                elif sources is not None and value and len(sources[i][j]) < policy.min_contributors:
                    self.hidden[(i, j)] = Reason.CONTRIBUTORS

    def value(self, position: Position) -> int:
        return self.values[position[0]][position[1]]

    def hide(self, position: Position) -> bool:
        """Hide a figure as a complement; whether it was shown before."""
        if position in self.hidden:
            return False
        self.hidden[position] = Reason.SECONDARY
        return True

    def lines(self) -> Iterable[list[Position]]:
        """Every row and column of the extended grid, its total last."""
        for i in range(self.n_rows + 1):
            yield [(i, j) for j in range(self.n_columns + 1)]
        for j in range(self.n_columns + 1):
            yield [(i, j) for i in range(self.n_rows + 1)]

    def secondary(self) -> None:
        """Line rule and bridge audit, until no hidden figure can be recovered."""
        while self._line_rule() or self._zero_lines() or self._repair_bridge():
            pass

    def _line_rule(self) -> bool:
        changed = False
        for line in self.lines():
            hidden = [p for p in line if p in self.hidden]
            if len(hidden) != 1:
                continue
            total = line[-1]
            if len(line) == 3 and hidden[0] != total and self.value(total) > 0:
                changed |= self.hide(total)
                continue
            changed |= self.hide(self._cheapest_complement(line))
        return changed

    def _zero_lines(self) -> bool:
        """Hidden zeros (``suppress_zeros``) must not be the only hidden figures of a line."""
        changed = False
        for line in self.lines():
            hidden = [p for p in line if p in self.hidden]
            if hidden and all(self.value(p) == 0 for p in hidden):
                shown = [p for p in line if p not in self.hidden and self.value(p) > 0]
                if shown:
                    changed |= self.hide(self._cheapest_complement(line))
        return changed

    def _cheapest_complement(self, line: list[Position]) -> Position:
        """The smallest positive shown figure of a line, cells before the total."""
        total = line[-1]
        shown = [p for p in line if p not in self.hidden]
        positive = [p for p in shown if self.value(p) > 0] or shown
        return min(positive, key=lambda p: (self.value(p), p == total, p))

    def _repair_bridge(self) -> bool:
        """Give the first hidden figure that lies on no cycle of hidden figures a cycle."""
        bridges = self._bridges()
        if not bridges:
            return False
        for step in self._cheapest_path(min(bridges)):
            self.hide(step)
        return True

    def _bridges(self) -> set[Position]:
        """Hidden figures on no cycle of hidden figures: the bridges of the bipartite graph of
        rows and columns whose edges are the hidden figures (Tarjan's low-link, one pass)."""
        adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Position]]] = {}
        for i, j in self.hidden:
            adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
            adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
        order: dict[tuple[str, int], int] = {}
        low: dict[tuple[str, int], int] = {}
        bridges: set[Position] = set()
        for root in sorted(adjacency):
            if root in order:
                continue
            order[root] = low[root] = len(order)
            # (node, the edge it was reached by, iterator over its neighbours)
            stack: list[
                tuple[tuple[str, int], Position | None, Iterator[tuple[tuple[str, int], Position]]]
            ] = [(root, None, iter(adjacency[root]))]
            while stack:
                node, via, neighbours = stack[-1]
                advanced = False
                for nxt, edge in neighbours:
                    if edge == via:
                        continue
                    if nxt in order:
                        low[node] = min(low[node], order[nxt])
                    else:
                        order[nxt] = low[nxt] = len(order)
                        stack.append((nxt, edge, iter(adjacency[nxt])))
                        advanced = True
                        break
                if advanced:
                    continue
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        assert via is not None
                        bridges.add(via)
        return bridges

    def _cheapest_path(self, edge: Position) -> list[Position]:
        """Figures to hide so that ``edge`` lies on a cycle: Dijkstra from its row to its column.

        Hidden figures cost nothing, shown positive ones their value (a small complement loses
        little information); shown zeros and the edge itself are not used.
        """
        start, goal = ("r", edge[0]), ("c", edge[1])
        best: dict[tuple[str, int], tuple[int, int]] = {start: (0, 0)}
        previous: dict[tuple[str, int], tuple[tuple[str, int], Position]] = {}
        queue: list[tuple[int, int, tuple[str, int]]] = [(0, 0, start)]
        while queue:
            cost, added, node = heapq.heappop(queue)
            if node == goal:
                break
            if (cost, added) > best[node]:
                continue
            kind, index = node
            far = self.n_columns if kind == "r" else self.n_rows
            for other in range(far + 1):
                position = (index, other) if kind == "r" else (other, index)
                if position == edge:
                    continue
                hidden = position in self.hidden
                if not hidden and self.value(position) == 0:
                    continue
                step = (0, 0) if hidden else (self.value(position), 1)
                nxt = ("c" if kind == "r" else "r", other)
                candidate = (cost + step[0], added + step[1])
                if nxt not in best or candidate < best[nxt]:
                    best[nxt] = candidate
                    previous[nxt] = (node, position)
                    heapq.heappush(queue, (*candidate, nxt))
        if goal not in previous:
            # Cannot happen while every hidden figure is positive (its row total, column total
            # and grand total give a path); a zero table leaves nothing to protect.
            return []
        path: list[Position] = []
        node = goal
        while node != start:
            node, position = previous[node]
            path.append(position)
        return path

    def result(self) -> ProtectedTable:
        def cell(i: int, j: int) -> Cell:
            return Cell(self.values[i][j], self.hidden.get((i, j)))

        rows, columns = range(self.n_rows), range(self.n_columns)
        return ProtectedTable(
            rows=self.table.rows,
            columns=self.table.columns,
            cells=tuple(tuple(cell(i, j) for j in columns) for i in rows),
            row_totals=tuple(cell(i, self.n_columns) for i in rows),
            column_totals=tuple(cell(self.n_rows, j) for j in columns),
            grand_total=cell(self.n_rows, self.n_columns),
        )


def _contributor_grid(table: Table) -> list[list[frozenset[str]]] | None:
    """Contributing gminy of every figure of the extended grid (totals: union of the line)."""
    if table.contributors is None:
        return None
    grid = [[*row, frozenset().union(*row)] for row in table.contributors]
    columns = [frozenset().union(*column) for column in zip(*table.contributors, strict=True)]
    grid.append([*columns, frozenset().union(*columns)])
    return grid


def _share_margins(grids: Sequence[_Grid]) -> bool:
    """Hide in every linked table a shared total hidden in any of them."""
    shared = {i for grid in grids for (i, j) in grid.hidden if j == grid.n_columns}
    changed = False
    for grid in grids:
        column = grid.n_columns
        for i in shared:
            changed |= grid.hide((i, column))
    return changed


#: A variable of the joint system: ("m", row) for a shared total, ("c", table, row, col) else.
_Variable = tuple[object, ...]


def _variable(table: int, grid: _Grid, position: Position) -> _Variable:
    i, j = position
    return ("m", i) if j == grid.n_columns else ("c", table, i, j)


def _joint_equations(grids: Sequence[_Grid]) -> list[dict[_Variable, int]]:
    """Coefficients of the hidden figures in every line equation of every linked table."""
    equations: list[dict[_Variable, int]] = []
    for t, grid in enumerate(grids):
        for line in grid.lines():
            equation: dict[_Variable, int] = {}
            for position in line:
                if position in grid.hidden:
                    sign = -1 if position == line[-1] else 1
                    equation[_variable(t, grid, position)] = sign
            if equation:
                equations.append(equation)
    return equations


def _determined(
    equations: Sequence[Mapping[_Variable, int]], *, exact: bool = False
) -> set[_Variable]:
    """Unknowns that the equations fix uniquely.

    An unknown is fixed exactly when its unit vector lies in the row space, i.e. when in the
    reduced row echelon form its pivot row has no other non-zero entry. ``exact``: over the
    rationals (Fractions); else modulo the prime 2**61 - 1, which gives the same echelon form
    unless the prime divides one of the matrix's minors.
    """
    unknowns = sorted({v for equation in equations for v in equation}, key=repr)
    index = {v: k for k, v in enumerate(unknowns)}
    if exact:
        rational = [[Fraction(0)] * len(unknowns) for _ in equations]
        for r, equation in enumerate(equations):
            for v, coefficient in equation.items():
                rational[r][index[v]] = Fraction(coefficient)
        pivots = _reduce(rational, len(unknowns))
        rows: Sequence[Sequence[object]] = rational
    else:
        modular = [[0] * len(unknowns) for _ in equations]
        for r, equation in enumerate(equations):
            for v, coefficient in equation.items():
                modular[r][index[v]] = coefficient % _PRIME
        pivots = _reduce_modulo(modular, len(unknowns))
        rows = modular
    return {
        unknowns[column] for row, column in pivots if sum(1 for value in rows[row] if value) == 1
    }


#: A Mersenne prime: residues stay machine-sized, inverses are one ``pow``.
_PRIME = 2**61 - 1


def _reduce(matrix: list[list[Fraction]], width: int) -> list[tuple[int, int]]:
    """Bring a matrix to reduced row echelon form in place; its (row, pivot column) pairs.
    Only the non-zero entries of the pivot row are visited (the line equations are sparse)."""
    pivots: list[tuple[int, int]] = []
    row = 0
    for column in range(width):
        found = next((r for r in range(row, len(matrix)) if matrix[r][column]), None)
        if found is None:
            continue
        matrix[row], matrix[found] = matrix[found], matrix[row]
        lead = matrix[row][column]
        pivot = matrix[row]
        support = [k for k, value in enumerate(pivot) if value]
        if lead != 1:
            for k in support:
                pivot[k] /= lead
        for r in range(len(matrix)):
            factor = matrix[r][column]
            if r != row and factor:
                target = matrix[r]
                for k in support:
                    target[k] -= factor * pivot[k]
        pivots.append((row, column))
        row += 1
    return pivots


def _reduce_modulo(matrix: list[list[int]], width: int) -> list[tuple[int, int]]:
    """:func:`_reduce` modulo ``_PRIME``, touching only the non-zero entries of the pivot row
    (the line equations are sparse)."""
    pivots: list[tuple[int, int]] = []
    row = 0
    for column in range(width):
        found = next((r for r in range(row, len(matrix)) if matrix[r][column]), None)
        if found is None:
            continue
        matrix[row], matrix[found] = matrix[found], matrix[row]
        inverse = pow(matrix[row][column], -1, _PRIME)
        pivot = [value * inverse % _PRIME for value in matrix[row]]
        matrix[row] = pivot
        support = [k for k, value in enumerate(pivot) if value]
        for r in range(len(matrix)):
            factor = matrix[r][column]
            if r != row and factor:
                target = matrix[r]
                for k in support:
                    target[k] = (target[k] - factor * pivot[k]) % _PRIME
        pivots.append((row, column))
        row += 1
    return pivots


def _repair_joint(grids: Sequence[_Grid], *, exact: bool = False) -> bool:
    """Hide one more figure for the first hidden figure the linked tables fix jointly."""
    fixed = _determined(_joint_equations(grids), exact=exact)
    if not fixed:
        return False
    target = min(fixed, key=repr)
    owner = grids[0] if target[0] == "m" else grids[int(str(target[1]))]
    # The owner's own figures first; when all of them are hidden, any other table's.
    for grid in (owner, *grids):
        candidates = _complements(grid)
        if candidates:
            break
    else:
        raise RuntimeError("joint suppression found nothing left to hide")
    for position in candidates:
        if target not in _determined_with(grids, grid, position, exact=exact):
            _hide_everywhere(grids, grid, position)
            return True
    _hide_everywhere(grids, grid, candidates[0])
    return True


def _complements(grid: _Grid) -> list[Position]:
    """Shown positive figures of a table, smallest first, cells before totals."""
    shown = [p for p in _positions(grid) if p not in grid.hidden and grid.value(p) > 0]
    return sorted(shown, key=lambda p: (grid.value(p), p[1] == grid.n_columns, p))


def _determined_with(
    grids: Sequence[_Grid], grid: _Grid, position: Position, *, exact: bool = False
) -> set[_Variable]:
    """What the linked tables would fix if one more figure were hidden (a trial, undone)."""
    saved = [g.hidden.copy() for g in grids]
    _hide_everywhere(grids, grid, position)
    try:
        return _determined(_joint_equations(grids), exact=exact)
    finally:
        for g, hidden in zip(grids, saved, strict=True):
            g.hidden = hidden


def _hide_everywhere(grids: Sequence[_Grid], grid: _Grid, position: Position) -> None:
    """Hide a figure; a shared total is hidden in every linked table at once."""
    if position[1] != grid.n_columns:
        grid.hide(position)
        return
    for g in grids:
        g.hide((position[0], g.n_columns))


def _positions(grid: _Grid) -> Iterable[Position]:
    for i in range(grid.n_rows + 1):
        for j in range(grid.n_columns + 1):
            yield (i, j)
