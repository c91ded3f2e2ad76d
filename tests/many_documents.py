"""Test data with several goal documents: the embedded data plus copies of Östersund 2024 relabelled as another
year and as another (fictitious, clearly named) municipality. Used by the tests of the many-documents features."""

from __future__ import annotations

import shutil
from pathlib import Path


def _rewrite(folder: Path, replacements: list[tuple[str, str]]) -> None:
    for path in folder.rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        for old, new in replacements:
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")


def add_second_year(data: Path, year: str = "2025") -> None:
    """Östersund 2024 copied as `year`: new IRIs (budget-<year>), period and title; the same goals and texts."""
    target = data / "ostersund" / year
    shutil.copytree(data / "ostersund" / "2024", target)
    _rewrite(
        target,
        [
            ("budget-2024", f"budget-{year}"),
            ("2024-01-01", f"{year}-01-01"),
            ("2024-12-31", f"{year}-12-31"),
            ("Budget 2024 –", f"Budget {year} –"),
        ],
    )


def add_other_municipality(data: Path, slug: str = "testby", name: str = "Testby kommun", code: str = "9999") -> None:
    """Östersund and its 2024 goals copied as a fictitious municipality `name` (kommunkod `code`, no organisation
    number), so that comparisons across municipalities have two to compare."""
    target = data / slug
    shutil.copytree(data / "ostersund", target)
    for extra in [p for p in target.iterdir() if p.is_dir() and p.name != "2024"]:
        shutil.rmtree(extra)
    _rewrite(
        target,
        [
            ("id/ostersund", f"id/{slug}"),
            ("Östersunds kommun", name),
            ('"2380"^^km:Kommunkod', f'"{code}"^^km:Kommunkod'),
            (' , "212000-2528"^^km:Organisationsnummer', ""),
        ],
    )
