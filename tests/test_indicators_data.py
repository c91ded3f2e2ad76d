"""Indicators in the real data: pinned Kolada KPIs, links from goals and targets to KPIs and SDG indicators, their
SHACL shapes (shapes/indicators.*.ttl) and the examples in shapes/examples/{valid,invalid}/indicator-*.ttl.

An invalid example names the results it must produce in comment lines "# expect: kms:<shape> <severity>"; it must
produce exactly those from the indicator shapes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kommunmal.dataset import parse_file
from kommunmal.validation import parse_shapes

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT.parent / "shared" / "notes" / "domain.md"
BASE = "https://w3id.org/kommunmal/"
KM = Namespace(BASE + "def/kommunmal#")
KMS = Namespace(BASE + "def/kommunmal/shapes#")
KPI = Namespace(BASE + "id/kolada/kpi/")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCT = Namespace("http://purl.org/dc/terms/")
QB = Namespace("http://purl.org/linked-data/cube#")
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
ACTION = Namespace(BASE + "id/ostersund/budget-2024/action/")
ONTOLOGY = ROOT / "ontology" / "indicators.ttl"
KPIS = ROOT / "data" / "reference" / "kolada" / "kpis.ttl"
INDICATORS = ROOT / "data" / "ostersund" / "2024" / "indicators.ttl"
SDG_KOS = ROOT / "data" / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl"
SHAPE_FILES = (ROOT / "shapes" / "indicators.required.ttl", ROOT / "shapes" / "indicators.recommended.ttl")
EXAMPLES = ROOT / "shapes" / "examples"
VALID_EXAMPLES = sorted(EXAMPLES.glob("valid/indicator-*.ttl"))
INVALID_EXAMPLES = sorted(EXAMPLES.glob("invalid/indicator-*.ttl"))
NO_KPI_NOTE = "Ingen Kolada-KPI funnen; eget mått behövs."


def parse(*paths: Path) -> Graph:
    g = Graph()
    for path in paths:
        parse_file(path, BASE, g)
    return g


def local(node) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def kpis() -> Graph:
    return parse(KPIS)


@pytest.fixture(scope="module")
def pinned(kpis: Graph) -> set[URIRef]:
    return set(kpis.subjects(RDF.type, KM.Indicator))


@pytest.fixture(scope="module")
def kos() -> Graph:
    return parse(SDG_KOS)


@pytest.fixture(scope="module")
def indicator_shapes() -> Graph:
    return parse_shapes(SHAPE_FILES, BASE)


def validate(data: Graph, shapes: Graph) -> tuple[bool, list[tuple[str, str, str]]]:
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True
    )
    results = [
        (
            local(report.value(r, SH.sourceShape)),
            local(report.value(r, SH.resultSeverity)),
            str(report.value(r, SH.focusNode)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, results


# ── pinned KPIs ───────────────────────────────────────────────────────────────────────────────────────────────────


def test_every_kpi_has_id_title_source_status_and_a_note_in_words(kpis: Graph, pinned: set[URIRef]) -> None:
    assert len(pinned) >= 30
    for kpi in pinned:
        notation = kpis.value(kpi, SKOS.notation)
        assert str(notation) == local(kpi) and re.fullmatch(r"[A-Z][0-9]{5}", str(notation)), kpi
        assert kpis.value(kpi, SKOS.inScheme) == URIRef(BASE + "id/kolada/kpi"), kpi
        assert [lbl for lbl in kpis.objects(kpi, SKOS.prefLabel) if lbl.language == "sv"], kpi
        sources = list(kpis.objects(kpi, DCT.source))
        assert sources and all(isinstance(s, URIRef) and str(s).startswith("https://") for s in sources), kpi
        status = kpis.value(kpi, KM.verificationStatus)
        assert status in (KM.verified, KM.unverified), kpi
        notes = {n.language: str(n) for n in kpis.objects(kpi, SKOS.editorialNote)}
        assert set(notes) == {"sv", "en"}, kpi
        # The note says in words which status letter of the research applies and what it means.
        word_sv, word_en = (
            ("Verifierad (", "Verified (") if status == KM.verified else ("Ej verifierad (", "Unverified (")
        )
        assert notes["sv"].startswith(word_sv) and notes["en"].startswith(word_en), kpi


def test_the_scheme_names_kolada_and_its_publisher(kpis: Graph) -> None:
    scheme = URIRef(BASE + "id/kolada/kpi")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in kpis
    assert Literal("Kolada nyckeltal", lang="sv") in set(kpis.objects(scheme, SKOS.prefLabel))
    assert "RKA" in str(kpis.value(scheme, DCT.publisher))
    assert kpis.value(scheme, DCT.source) == URIRef("https://www.kolada.se/")


@pytest.mark.skipif(not NOTES.exists(), reason="the research notes are not beside the checkout")
def test_only_ids_the_research_gives_are_pinned_and_none_of_the_uncertain_ones(pinned: set[URIRef]) -> None:
    text = NOTES.read_text(encoding="utf-8")
    section = text[text.index("### 3.3") : text.index("## 4.")]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    given = {m for row in rows for m in re.findall(r"\b([NU][0-9]{5})\b(?!\?)", row)}
    uncertain = {m for row in rows for m in re.findall(r"\b([NU][0-9]{5})\?", row)}
    ids = {local(k) for k in pinned}
    assert ids <= given, f"pinned without an id in the notes: {sorted(ids - given)}"
    assert not ids & uncertain, f"ids the notes mark as uncertain are pinned: {sorted(ids & uncertain)}"
    assert uncertain, "the notes' uncertain ids were not found; the check would prove nothing"


# ── links in the real data ────────────────────────────────────────────────────────────────────────────────────────


def test_every_measured_by_points_to_a_pinned_kpi(union: Graph, pinned: set[URIRef]) -> None:
    used = set(union.objects(None, KM.measuredBy))
    assert used, "no km:measuredBy in the data"
    assert used <= pinned, sorted(used - pinned)
    links = set(union.subjects(RDF.type, KM.IndicatorLink))
    assert {union.value(link, KM.object) for link in links} <= pinned


def test_every_sdg_indicator_used_exists_in_the_kos(union: Graph, kos: Graph) -> None:
    used = set(union.objects(None, KM.sdgIndicator))
    used |= {union.value(link, KM.object) for link in union.subjects(RDF.type, KM.SdgIndicatorLink)}
    assert used, "no SDG indicator is linked"
    for iri in used:
        assert str(iri).startswith("http://metadata.un.org/sdg/C"), iri
        assert (iri, RDF.type, SDGO.Indicator) in kos, f"{iri} is not an indicator of the SDG KOS"


def test_links_start_from_goals_and_targets_that_exist(union: Graph) -> None:
    links = set(union.subjects(RDF.type, KM.IndicatorLink)) | set(union.subjects(RDF.type, KM.SdgIndicatorLink))
    for link in links:
        subject = union.value(link, KM.subject)
        assert (subject, RDF.type, KM.Goal) in union or (subject, RDF.type, KM.Target) in union, (link, subject)
    for subject in set(union.subjects(KM.measuredBy, None)) | set(union.subjects(KM.sdgIndicator, None)):
        assert (subject, RDF.type, KM.Goal) in union or (subject, RDF.type, KM.Target) in union, subject


def test_every_link_is_sourced_and_inferred_links_state_their_rule(union: Graph) -> None:
    for cls in (KM.IndicatorLink, KM.SdgIndicatorLink):
        for link in union.subjects(RDF.type, cls):
            assert isinstance(union.value(link, DCT.source), URIRef), link
            assert union.value(link, KM.basis) == KM.inferred, link
            rules = {r.language for r in union.objects(link, KM.rule)}
            assert rules == {"sv", "en"}, link


def test_goal_links_cite_a_page_where_the_kpi_stands_and_stay_unverified(union: Graph, kpis: Graph) -> None:
    goal_links = [
        link
        for link in union.subjects(RDF.type, KM.IndicatorLink)
        if (union.value(link, KM.subject), RDF.type, KM.Goal) in union
    ]
    assert goal_links
    for link in goal_links:
        kpi, page = union.value(link, KM.object), union.value(link, DCT.source)
        assert page in set(kpis.objects(kpi, DCT.source)), (link, page)
        assert "stratsys" in str(page), link
        # The pages do not say which goal they belong to: the goal is inferred, so the link stays unverified.
        assert union.value(link, KM.verificationStatus) == KM.unverified, link
        assert union.value(link, SKOS.editorialNote) is not None, link


def test_target_links_are_as_verified_as_their_kpi(union: Graph, kpis: Graph) -> None:
    target_links = [
        link
        for link in union.subjects(RDF.type, KM.IndicatorLink)
        if (union.value(link, KM.subject), RDF.type, KM.Target) in union
    ]
    assert target_links
    for link in target_links:
        kpi = union.value(link, KM.object)
        assert union.value(link, KM.verificationStatus) == kpis.value(kpi, KM.verificationStatus), link


def test_every_target_has_a_kpi_or_says_why_not(union: Graph) -> None:
    targets = set(union.subjects(RDF.type, KM.Target))
    assert len(targets) >= 9
    for target in targets:
        has_kpi = (target, KM.measuredBy, None) in union
        notes = [str(n) for n in union.objects(target, SKOS.editorialNote) if n.language == "sv"]
        says_none = any(n.startswith(NO_KPI_NOTE) for n in notes)
        assert has_kpi != says_none, f"{local(target)}: either a KPI or the note {NO_KPI_NOTE!r}, not both or neither"


@pytest.mark.parametrize("slug", ["mer-lokala-livsmedel", "fler-kvinnor-driver-foretag"])
def test_targets_without_a_kolada_kpi_are_not_given_a_wrong_one(union: Graph, slug: str) -> None:
    target = ACTION[slug]
    assert (target, RDF.type, KM.Target) in union
    assert (target, KM.measuredBy, None) not in union
    assert any(str(n).startswith(NO_KPI_NOTE) for n in union.objects(target, SKOS.editorialNote))


def test_no_kolada_values_ship_unless_fetched_from_the_api(union: Graph) -> None:
    # Kolada data sets (<id/kolada/…>) come only from the API; other outcomes (data/ostersund/outcomes.ttl) are
    # official statistics read from public pages, and each of their values names its page.
    for dataset in union.subjects(RDF.type, QB.DataSet):
        sources = [str(s) for s in union.objects(dataset, DCT.source)]
        if "/id/kolada/" in str(dataset):
            assert sources and all(s.startswith("https://api.kolada.se/") for s in sources), (dataset, sources)
        else:
            assert sources and all(s.startswith(("https://", "http://")) for s in sources), (dataset, sources)
    for obs in union.subjects(RDF.type, QB.Observation):
        assert (union.value(obs, QB.dataSet), RDF.type, QB.DataSet) in union, obs
        if "/id/kolada/" not in str(union.value(obs, QB.dataSet)):
            assert str(union.value(obs, DCT.source)).startswith(("https://", "http://")), obs


def test_the_real_data_conforms_to_the_indicator_shapes(union: Graph, indicator_shapes: Graph) -> None:
    conforms, results = validate(union, indicator_shapes)
    assert conforms and not results, sorted(results)


# ── vocabulary ──────────────────────────────────────────────────────────────────────────────────────────────────────


def test_every_term_is_labelled_and_defined_in_swedish_and_english() -> None:
    g = parse(ONTOLOGY)
    terms = {s for s in g.subjects(RDFS.isDefinedBy, URIRef(BASE + "def/kommunmal"))}
    assert {KM.IndicatorLink, KM.SdgIndicatorLink, KM.sdgIndicator, KM.indicator, KM.koladaStructure} <= terms
    for term in terms:
        assert {lbl.language for lbl in g.objects(term, RDFS.label)} == {"sv", "en"}, term
        assert {d.language for d in g.objects(term, SKOS.definition)} == {"sv", "en"}, term


def test_the_structure_names_declared_dimensions_measure_and_attribute() -> None:
    g = parse(ONTOLOGY)
    components = list(g.objects(KM.koladaStructure, QB.component))
    kinds = {QB.dimension: QB.DimensionProperty, QB.measure: QB.MeasureProperty, QB.attribute: QB.AttributeProperty}
    found = {}
    for component in components:
        for link, cls in kinds.items():
            for prop in g.objects(component, link):
                assert (prop, RDF.type, cls) in g, prop
                found.setdefault(link, set()).add(prop)
    sdmx = "http://purl.org/linked-data/sdmx/2009/"
    assert found[QB.dimension] == {
        URIRef(sdmx + "dimension#refArea"),
        URIRef(sdmx + "dimension#refPeriod"),
        URIRef(sdmx + "dimension#sex"),
        KM.indicator,
    }
    assert found[QB.measure] == {URIRef(sdmx + "measure#obsValue")}
    assert found[QB.attribute] == {KM.koladaStatus}


# ── shapes and examples ─────────────────────────────────────────────────────────────────────────────────────────────


def test_required_and_recommended_shapes_are_split_by_file() -> None:
    for path, severity in zip(SHAPE_FILES, (SH.Violation, SH.Warning), strict=True):
        g = parse(path)
        shapes = set(g.subjects(SH.severity, None))
        assert shapes
        for shape in shapes:
            assert g.value(shape, SH.severity) == severity, f"{local(shape)} in {path.name}"


def test_every_shape_is_named_and_explained_in_swedish_and_english(indicator_shapes: Graph) -> None:
    nodes = set(indicator_shapes.subjects(RDF.type, SH.NodeShape)) | set(indicator_shapes.objects(None, SH.property))
    for shape in nodes:
        assert isinstance(shape, URIRef) and str(shape).startswith(str(KMS)), f"unnamed or foreign shape {shape}"
        assert {n.language for n in indicator_shapes.objects(shape, SH.name)} == {"sv", "en"}, local(shape)
        messages = set(indicator_shapes.objects(shape, SH.message))
        messages |= {
            m for c in indicator_shapes.objects(shape, SH.sparql) for m in indicator_shapes.objects(c, SH.message)
        }
        has_own = bool(messages) or (shape, SH.property, None) in indicator_shapes
        assert has_own, f"{local(shape)} has no message"
        if messages:
            assert {"sv", "en"} <= {m.language for m in messages}, local(shape)


def example_graph(path: Path) -> Graph:
    return parse(*sorted((ROOT / "ontology").glob("*.ttl")), *sorted(SDG_KOS.parent.glob("*.ttl")), path)


def expected_results(path: Path) -> set[tuple[str, str]]:
    found = re.findall(r"^# expect: kms:(\S+) (Violation|Warning)$", path.read_text(encoding="utf-8"), re.M)
    assert found, f"{path.name} names no expected result (# expect: kms:<shape> <severity>)"
    return set(found)


@pytest.mark.parametrize("path", VALID_EXAMPLES, ids=lambda p: p.stem)
def test_valid_example_raises_nothing(indicator_shapes: Graph, path: Path) -> None:
    conforms, results = validate(example_graph(path), indicator_shapes)
    assert conforms and not results, sorted(results)


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=lambda p: p.stem)
def test_invalid_example_raises_exactly_what_it_states(indicator_shapes: Graph, path: Path) -> None:
    conforms, results = validate(example_graph(path), indicator_shapes)
    assert {(shape, severity) for shape, severity, _ in results} == expected_results(path)
    assert conforms is all(severity == "Warning" for _, severity, _ in results)


def test_every_shape_has_an_invalid_and_a_valid_example(indicator_shapes: Graph) -> None:
    reporting = {local(s) for s in indicator_shapes.subjects(SH.severity, None)}
    grouping_only = {
        local(s)
        for s in indicator_shapes.subjects(SH.property, None)
        if not set(indicator_shapes.predicates(s)) & {SH["or"], SH.sparql}
    }
    covered = {shape for path in INVALID_EXAMPLES for shape, _ in expected_results(path)}
    assert reporting - grouping_only <= covered, f"no invalid example for {sorted(reporting - grouping_only - covered)}"
    valid = parse(*VALID_EXAMPLES)
    assert {KM.Indicator, KM.IndicatorLink, KM.SdgIndicatorLink, QB.DataSet, QB.Observation} <= set(
        valid.objects(None, RDF.type)
    )
    assert {KM.measuredBy, KM.sdgIndicator, KM.direction, KM.koladaStatus} <= set(valid.predicates())
