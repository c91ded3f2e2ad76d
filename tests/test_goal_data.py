"""The Östersund 2024 goal data against its source text: goals, grouping, paragraphs, traceability, OCR debris."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "ostersund" / "2024" / "source.txt"
SOURCE_LINES = SOURCE.read_text(encoding="utf-8").split("\n")
# These tests check the 2024 document against its OCR source; other years' documents have their own sources.
IN_2024 = "/id/ostersund/budget-2024/"


@pytest.fixture(scope="module")
def km(settings) -> Namespace:
    return Namespace(settings.vocab)


def _goals(union: Graph, km: Namespace) -> dict[str, URIRef]:
    return {str(union.value(g, SKOS.notation)): g for g in union.subjects(RDF.type, km.Goal) if IN_2024 in str(g)}


def _fold(text: str) -> str:
    """Lower-case letters only, diacritics and OCR look-alikes folded, so restored text compares with OCR text."""
    text = text.lower().replace("&", "a").replace("6", "o").replace("0", "o").replace("|", "i")
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", "".join(c for c in text if not unicodedata.combining(c)))


def _span_lines(union: Graph, km: Namespace, span: URIRef) -> tuple[int, int]:
    return int(union.value(span, km.startLine)), int(union.value(span, km.endLine))


def _omitted(union: Graph, km: Namespace, span: URIRef) -> set[int]:
    lines: set[int] = set()
    for value in union.objects(span, km.omittedLines):
        first, _, last = str(value).split(":")[0].partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


def test_eight_goals_with_notations_1_1_to_1_8(union: Graph, km: Namespace) -> None:
    assert sorted(_goals(union, km)) == [f"1.{n}" for n in range(1, 9)]


def test_short_names_are_those_the_source_gives_in_brackets(union: Graph, km: Namespace) -> None:
    # The source closes each statement in its list of goals (lines 10-37) with the short name in brackets.
    listed = re.findall(r"\(([^()]+)\)", " ".join(SOURCE_LINES[9:37]).replace("\n", " "))
    goals = _goals(union, km)
    sv_names = [
        next(str(label) for label in union.objects(goals[f"1.{n}"], SKOS.prefLabel) if label.language == "sv")
        for n in range(1, 9)
    ]
    assert len(listed) == 8
    for name, ocr in zip(sv_names, listed, strict=True):
        ratio = difflib.SequenceMatcher(None, _fold(name), _fold(ocr)).ratio()
        assert ratio > 0.85, f"short name {name!r} does not match the source's {ocr!r}"


def test_grouping_three_and_five(union: Graph, km: Namespace) -> None:
    goals = _goals(union, km)
    kinds = {n: union.value(g, km.goalKind) for n, g in goals.items()}
    assert {n for n, k in kinds.items() if k == km.genomgripande} == {"1.1", "1.2", "1.3"}
    assert {n for n, k in kinds.items() if k == km.karnverksamhet} == {"1.4", "1.5", "1.6", "1.7", "1.8"}
    groups = [g for g in union.subjects(RDF.type, km.GoalGroup) if IN_2024 in str(g)]
    members = sorted(sorted(str(union.value(m, SKOS.notation)) for m in union.objects(g, SKOS.member)) for g in groups)
    assert members == [["1.1", "1.2", "1.3"], ["1.4", "1.5", "1.6", "1.7", "1.8"]]


def test_each_statement_matches_its_source_lines(union: Graph, km: Namespace) -> None:
    for notation, goal in _goals(union, km).items():
        statement = _fold(str(union.value(goal, km.statement)))
        spans = list(union.objects(goal, km.sourceSpan))
        assert len(spans) >= 1
        matches = []
        for span in spans:
            first, last = _span_lines(union, km, span)
            source = _fold(" ".join(SOURCE_LINES[first - 1 : last]))
            blocks = difflib.SequenceMatcher(None, statement, source, autojunk=False).get_matching_blocks()
            matches.append(sum(b.size for b in blocks) / len(statement))
        assert max(matches) > 0.93, f"goal {notation}: statement not found in its source lines"


def _paragraphs(union: Graph, km: Namespace) -> list[URIRef]:
    return sorted(p for p in union.subjects(RDF.type, km.Paragraph) if IN_2024 in str(p))


def test_every_paragraph_has_a_source_span_inside_its_goals_section(union: Graph, km: Namespace) -> None:
    paragraphs = _paragraphs(union, km)
    assert len(paragraphs) >= 50
    for para in paragraphs:
        spans = list(union.objects(para, km.sourceSpan))
        assert spans, f"{para} has no source"
        text = union.value(para, URIRef(str(km) + "isPartOf")) or union.value(
            para, URIRef("http://purl.org/dc/terms/isPartOf")
        )
        goal = union.value(text, km.textOf)
        section = next(iter(union.objects(text, km.sourceSpan)))
        s_first, s_last = _span_lines(union, km, section)
        for span in spans:
            first, last = _span_lines(union, km, span)
            assert s_first <= first <= last <= s_last, f"{para} lies outside the section of {goal}"
            assert str(union.value(span, km.section)) == str(union.value(goal, SKOS.notation))


def test_every_ocr_text_is_the_source_lines_verbatim(union: Graph, km: Namespace) -> None:
    spans = [s for s in union.subjects(RDF.type, km.SourceSpan) if IN_2024 in str(s)]
    assert len(spans) >= 70
    for span in spans:
        first, last = _span_lines(union, km, span)
        assert str(union.value(span, km.ocrText)) == "\n".join(SOURCE_LINES[first - 1 : last]), span


def test_paragraph_text_reads_as_its_source_lines(union: Graph, km: Namespace) -> None:
    """The rebuilt text covers the same words as the OCR lines minus the omitted ones (no caption left in,
    no sentence lost): after folding diacritics and OCR look-alikes the two agree closely."""
    for para in _paragraphs(union, km):
        span = next(iter(union.objects(para, km.sourceSpan)))
        first, last = _span_lines(union, km, span)
        skip = _omitted(union, km, span)
        ocr = _fold(" ".join(SOURCE_LINES[n - 1] for n in range(first, last + 1) if n not in skip))
        text = _fold(str(union.value(para, km.text)))
        ratio = difflib.SequenceMatcher(None, text, ocr, autojunk=False).ratio()
        assert ratio > 0.93, f"{para}: rebuilt text and source lines differ too much ({ratio:.2f})"
        assert abs(len(text) - len(ocr)) / len(ocr) < 0.05, f"{para}: length differs from the source"


def test_paragraph_positions_run_from_one(union: Graph, km: Namespace) -> None:
    for text in union.subjects(RDF.type, km.PoliticalText):
        positions = sorted(int(union.value(p, km.position)) for p in union.objects(text, km.paragraph))
        assert positions == list(range(1, len(positions) + 1)), text


# Tokens the OCR produced; none may reach a published literal. Verbatim OCR text (km:ocrText) and the
# editorial notes that quote it on purpose are the two exceptions.
DEBRIS = re.compile(
    r"hallbar|\b6ka|&r\b|férandring|Uthildning|\bsttd\b|\b\d+ \(\d+\)|[A-Za-zåäö]&|&[a-zåäö]|\b1ag-|I&ng|Gvriga|"
    r"ssmman|\bOstersund|\bW0y|[0-9][a-zåäö]{2,}|\bkanner\b|\bmal\b|\bfor\b|\bar\b|\bpa\b|\bdar\b"
)


def test_no_published_literal_contains_ocr_debris(dataset, loaded, km: Namespace) -> None:
    _dataset, sources = loaded
    skip_predicates = {km.ocrText, SKOS.editorialNote}
    checked = 0
    for source in sources:
        if source.role == "reference":
            continue
        for s, p, o in dataset.graph(source.graph):
            if isinstance(o, Literal) and p not in skip_predicates and (o.language in (None, "sv")):
                checked += 1
                found = DEBRIS.search(str(o))
                assert not found, f"{source.path.name}: {s} {p} contains {found.group()!r}: {str(o)[:120]}"
    assert checked > 500


def test_reference_files_are_unchanged_copies_with_attribution(union: Graph, settings) -> None:
    import hashlib

    spdx = Namespace("http://spdx.org/rdf/terms#")
    citation = URIRef("http://purl.org/dc/terms/bibliographicCitation")
    for name in ("sdg-kos-goals-targets-indicators", "sdgs-ontology"):
        graph = URIRef(f"{settings.base_iri}graph/reference/sdg/{name}")
        assert "Knowledge Organization System" in str(union.value(graph, citation))
        recorded = str(union.value(union.value(graph, spdx.checksum), spdx.checksumValue))
        actual = hashlib.sha256((ROOT / "data" / "reference" / "sdg" / f"{name}.ttl").read_bytes()).hexdigest()
        assert recorded == actual
