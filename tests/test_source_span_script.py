"""scripts/source_span.py, the steward's helper for a km:SourceSpan block: the block pasted into a data file gives
the very triples the curated data holds, for any goal document, and a line range outside the file is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kommunmal.dataset import parse_file

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "source_span.py"
BASE = "https://w3id.org/kommunmal/"
HEADER = "@prefix km: <def/kommunmal#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n\n"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60)


def test_the_block_is_the_curated_span(tmp_path: Path) -> None:
    done = run(str(ROOT / "data/ostersund/2024/source.txt"), "56", "64", "--section", "1.1")
    assert done.returncode == 0, done.stderr
    pasted = tmp_path / "pasted.ttl"
    pasted.write_text(HEADER + done.stdout, encoding="utf-8")
    block = parse_file(pasted, BASE)
    curated = parse_file(ROOT / "data/ostersund/2024/texts/1.1.ttl", BASE)
    assert len(block) == 6 and not block - curated


def test_another_year_gets_its_own_document(tmp_path: Path) -> None:
    """The block named b24:source whatever the source text: in a 2023 file the prefix was undeclared, or, declared
    by hand, the span was part of the 2024 source."""
    done = run(str(ROOT / "data/ostersund/2023/source.txt"), "1", "2", "--section", "1")
    assert done.returncode == 0, done.stderr
    assert "<id/ostersund/budget-2023/source> ;" in done.stdout and "b24" not in done.stdout
    elsewhere = tmp_path / "source.txt"
    elsewhere.write_text("rad ett\nrad två\n", encoding="utf-8")
    assert run(str(elsewhere), "1", "2", "--section", "1").returncode == 2
    done = run(str(elsewhere), "1", "2", "--section", "1", "--document", "id/ostersund/budget-2025")
    assert done.returncode == 0 and "<id/ostersund/budget-2025/source/L1-L2>" in done.stdout


@pytest.mark.parametrize(("start", "end"), [("64", "56"), ("0", "3"), ("56", "99999")])
def test_a_range_outside_the_file_is_refused(start: str, end: str) -> None:
    """Start after end printed a span with an empty km:ocrText; an end past the file, a span that cut short."""
    done = run(str(ROOT / "data/ostersund/2024/source.txt"), start, end, "--section", "1.1")
    assert done.returncode == 2 and done.stdout == ""
    assert "has lines 1-" in done.stderr and f"(got {start} {end})" in done.stderr
