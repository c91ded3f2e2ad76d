"""A release with two goal documents, for the tests of document-aware pages: the embedded data plus a copy of
Östersund's budget 2024 presented as budget 2025 (its own IRIs, year and period; two goals renamed so the
documents differ). Imported by test modules; not a test module itself."""

from __future__ import annotations

import shutil
from pathlib import Path

from kommunmal import resources
from kommunmal.config import Settings
from kommunmal.release import build

YEAR = "2025"


def copy_with_second_year(target: Path) -> Path:
    """The embedded data folder copied to `target`, with data/ostersund/2025 made from data/ostersund/2024."""
    shutil.copytree(resources.data_dir(), target)
    old, new = target / "ostersund" / "2024", target / "ostersund" / YEAR
    shutil.copytree(old, new)
    for path in new.rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        text = (
            text.replace("budget-2024", f"budget-{YEAR}")
            .replace("data/ostersund/2024/", f"data/ostersund/{YEAR}/")
            .replace('"2024-01-01"', f'"{YEAR}-01-01"')
            .replace('"2024-12-31"', f'"{YEAR}-12-31"')
            .replace("Budget 2024", f"Budget {YEAR}")
            .replace("budget 2024", f"budget {YEAR}")
            .replace('"Ledning"@sv', '"Ledning och styrning"@sv')
        )
        path.write_text(text, encoding="utf-8")
    return target


def build_two_documents(settings: Settings, tmp: Path) -> Path:
    """Build a release of the two-document data into tmp/release; returns the release folder."""
    data = copy_with_second_year(tmp / "data")
    out = tmp / "release"
    build(settings.with_(data_dir=data), out)
    return out
