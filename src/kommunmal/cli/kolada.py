"""`kommunmal kolada --kpi ID[,ID…] --municipality CODE`: fetch KPI values from Kolada as RDF Data Cube Turtle.

The files land where the next `kommunmal build` validates and publishes them (data/<municipality>/kolada/<KPI>.ttl).
Nothing is written unless every KPI was fetched and validated. Exit 0 written, 1 not conformant, 2 bad input or the
API unreachable or answering with an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kommunmal.cli.common import progress, settings
from kommunmal.kolada import import_values
from kommunmal.kolada_client import DEFAULT_BASE_URL
from kommunmal.kolada_cube import counted


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "kolada",
        help="fetch KPI values from the Kolada API as RDF Data Cube observations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--kpi",
        required=True,
        type=_ids,
        metavar="ID[,ID…]",
        help="Kolada KPI ids, pinned in data/reference/kolada/kpis.ttl (e.g. N01951)",
    )
    p.add_argument("--municipality", required=True, metavar="CODE", help="municipality code (kommunkod), e.g. 2380")
    p.add_argument(
        "--years",
        type=_years,
        default=(),
        metavar="YEAR[,YEAR…]",
        help="years to fetch, e.g. 2020,2021 or 2018-2023 (default: every year Kolada has)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="file to write (one KPI) or folder for <KPI>.ttl files (default: data/<municipality>/kolada/<KPI>.ttl)",
    )
    p.add_argument("--base-url", default=DEFAULT_BASE_URL, help=f"Kolada API v3 base URL (default: {DEFAULT_BASE_URL})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    written = import_values(
        settings(args),
        args.kpi,
        args.municipality,
        years=args.years,
        out=args.out,
        base_url=args.base_url,
        progress=None if args.quiet else progress,
    )
    for w in written:
        print(
            f"{w.kpi}: {counted(w.observations, 'värde', 'värden')} skrivna, "
            f"{counted(w.skipped, 'tomt värde', 'tomma värden')} (null) hoppades över, "
            f"{counted(w.pages, 'sida', 'sidor')} -> {w.path}"
        )
    return 0


def _ids(text: str) -> list[str]:
    ids = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not ids:
        raise argparse.ArgumentTypeError("ange minst ett KPI-id / give at least one KPI id")
    return list(dict.fromkeys(ids))


def _years(text: str) -> tuple[int, ...]:
    years: set[int] = set()
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                if last < first or last - first > 200:
                    raise ValueError(part)
                years.update(range(first, last + 1))
            elif part:
                years.add(int(part))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: ange år som 2020,2021 eller 2018-2023 / give years as 2020,2021 or 2018-2023"
        ) from None
    return tuple(sorted(years))
