"""Progress of a measurable target (km:Target): target value, outcomes by year with their sources, the latest
outcome, and a small server-rendered SVG trend chart for action pages.

`progress(source, target_iri)` reads through a `SparqlSource` (queries progress_*.rq). Outcomes are the
qb:Observations (totals, sdmx-code:sex-T) of the indicators that measure the target (km:measuredBy) for the
municipality that publishes the target's goal document; nothing is interpolated or projected. When two data sets
give a value for the same year, the first in query order (by observation IRI) is kept and the others are listed
in `Progress.conflicts`, so a disagreement is visible, never averaged away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from kommunmal.errors import NotFound
from kommunmal.sparql_source import SparqlSource, query_text, with_values

DIRECTIONS_SV = {"increase": "öka", "decrease": "minska", "reach": "nå"}


@dataclass
class Outcome:
    """One outcome: year, value (in the indicator's unit), the page or request it was read from, the date the
    source gives for it (dct:issued) and when it was retrieved (its data set's prov:generatedAtTime), ISO 8601,
    each None when not known."""

    year: int
    value: Decimal
    source: str | None
    published: str | None
    retrieved: str | None
    indicator: str
    observation: str


@dataclass
class Progress:
    """A target and its outcomes, oldest first; value/unit/year are the target's (None when the text gives none)."""

    target: str
    label: str
    text: str
    value: Decimal | None
    unit: str | None
    year: int | None
    direction: str | None
    outcomes: list[Outcome] = field(default_factory=list)
    indicators: dict[str, str] = field(default_factory=dict)
    follow_up: list[str] = field(default_factory=list)
    conflicts: list[Outcome] = field(default_factory=list)

    @property
    def latest(self) -> Outcome | None:
        return self.outcomes[-1] if self.outcomes else None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: numbers as strings of their exact decimal value."""

        def o(x: Outcome) -> dict[str, object]:
            return {
                "year": x.year,
                "value": str(x.value),
                "source": x.source,
                "published": x.published,
                "retrieved": x.retrieved,
            }

        return {
            "target": self.target,
            "label": self.label,
            "value": str(self.value) if self.value is not None else None,
            "unit": self.unit,
            "year": self.year,
            "direction": self.direction,
            "outcomes": [o(x) for x in self.outcomes],
            "latest": o(self.latest) if self.latest else None,
            "follow_up": self.follow_up,
        }

    def svg(self, width: int = 480, height: int = 240) -> str:
        return trend_svg(self, width, height)


def _select(source: SparqlSource, name: str, values: str) -> list[dict[str, str]]:
    return source.select_text(with_values(query_text(name, source.vocab), values))


def progress(source: SparqlSource, target: str) -> Progress:
    """The progress of the target with IRI `target`. Raises NotFound when it is not a km:Target."""
    rows = _select(source, "progress_target", f"VALUES ?target {{ <{target}> }}")
    if not rows:
        raise NotFound(f"{target} is not a measurable target (km:Target) in {source.describe}")
    r = rows[0]
    year = r.get("year", "")
    p = Progress(
        target=target,
        label=r.get("label", ""),
        text=r.get("text", ""),
        value=Decimal(r["value"]) if "value" in r else None,
        unit=r.get("unit"),
        year=int(year[:4]) if year[:4].isdigit() else None,
        direction=r["direction"].rsplit("#", 1)[-1] if "direction" in r else None,
    )
    if "area" in r:
        seen: dict[int, Outcome] = {}
        values = f"VALUES (?target ?area) {{ (<{target}> <{r['area']}>) }}"
        for row in _select(source, "progress_outcomes", values):
            p.indicators[row["indicator"]] = row.get("indicatorLabel", row["indicator"])
            o = Outcome(
                year=int(row["year"][:4]),
                value=Decimal(row["value"]),
                source=row.get("source"),
                published=row.get("issued"),
                retrieved=row.get("fetched"),
                indicator=row["indicator"],
                observation=row["observation"],
            )
            kept = seen.get(o.year)
            if kept is None:
                seen[o.year] = o
            elif kept.observation != o.observation and kept.value != o.value:
                p.conflicts.append(o)
        p.outcomes = [seen[y] for y in sorted(seen)]
    pages = _select(source, "progress_follow_up", f"VALUES ?target {{ <{target}> }}")
    p.follow_up = list(dict.fromkeys(row["page"] for row in pages))
    return p


def swedish_number(value: Decimal | float | int) -> str:
    """A number as Swedish text: thousands grouped with a no-break space, decimal comma ("64 979", "7,4")."""
    d = Decimal(str(value)).normalize()
    sign = "−" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + "\u00a0".join(groups) + ("," + frac if frac else "")


def trend_svg(p: Progress, width: int = 480, height: int = 240) -> str:
    """An accessible SVG line chart (no script): the outcomes by year, and the target as a marked point with a
    dashed line from the latest outcome. Title and description in Swedish; ids unique per target."""
    key = "p-" + "".join(c if c.isalnum() else "-" for c in p.target.rsplit("/", 1)[-1])
    unit = f" {p.unit}" if p.unit else ""
    title = f"{p.label}: utfall och mål" if p.label else "Utfall och mål"
    if p.outcomes:
        first, last = p.outcomes[0], p.outcomes[-1]
        desc = (
            f"Utfall {first.year}–{last.year}: från {swedish_number(first.value)} till "
            f"{swedish_number(last.value)}{unit}. Senaste utfall: {swedish_number(last.value)}{unit} ({last.year})."
        )
    else:
        desc = "Inga utfall finns i uppgifterna."
    if p.value is not None and p.year:
        desc += f" Målet är {swedish_number(p.value)}{unit} år {p.year}."
    elif p.direction:
        desc += f" Målet är att {DIRECTIONS_SV.get(p.direction, p.direction)}."
    points = [(o.year, float(o.value)) for o in p.outcomes]
    goal = (p.year, float(p.value)) if p.value is not None and p.year else None
    every = points + ([goal] if goal else [])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{key}-title {key}-desc" class="trend">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(desc)}</desc>',
    ]
    if not every:
        out.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">Inga utfall ännu</text>')
        return "\n".join([*out, "</svg>"])
    left, right, top, bottom = 64, 16, 16, 32
    x0, x1 = min(y for y, _ in every), max(y for y, _ in every)
    lo, hi = min(v for _, v in every), max(v for _, v in every)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad

    def x(year: float) -> float:
        return left + (year - x0) / ((x1 - x0) or 1) * (width - left - right)

    def y(value: float) -> float:
        return top + (hi - value) / (hi - lo) * (height - top - bottom)

    base = height - bottom
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="currentColor"/>')
    for v in (lo + pad, hi - pad):
        out.append(
            f'<text x="{left - 6}" y="{y(v):.1f}" text-anchor="end" dominant-baseline="middle" font-size="11">'
            f"{escape(swedish_number(round(Decimal(str(v)), 2)))}</text>"
        )
    for year in sorted({x0, x1, *(o.year for o in p.outcomes[-1:])}):
        out.append(f'<text x="{x(year):.1f}" y="{height - 10}" text-anchor="middle" font-size="11">{year}</text>')
    if points:
        line = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in points)
        out.append(f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="2"/>')
        for a, b in points:
            label = f"{a}: {swedish_number(Decimal(str(b)))}{unit}"
            out.append(f'<circle cx="{x(a):.1f}" cy="{y(b):.1f}" r="3"><title>{escape(label)}</title></circle>')
    if goal:
        if points:
            a, b = points[-1]
            out.append(
                f'<line x1="{x(a):.1f}" y1="{y(b):.1f}" x2="{x(goal[0]):.1f}" y2="{y(goal[1]):.1f}" '
                'stroke="currentColor" stroke-dasharray="4 4"/>'
            )
        gx, gy = x(goal[0]), y(goal[1])
        label = f"Mål {goal[0]}: {swedish_number(p.value)}{unit}"
        out.append(
            f'<rect x="{gx - 5:.1f}" y="{gy - 5:.1f}" width="10" height="10" fill="none" stroke="currentColor">'
            f"<title>{escape(label)}</title></rect>"
        )
    return "\n".join([*out, "</svg>"])
