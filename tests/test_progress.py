"""Progress of measurable targets (kommunmal.progress) on the real outcomes and on a small store of our own."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Namespace

from kommunmal.dataset import parse_file
from kommunmal.errors import NotFound
from kommunmal.progress import progress, swedish_number, trend_svg
from kommunmal.sparql_source import Row, SparqlSource, StoreSource

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
DCT = Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def source(store, settings, release) -> StoreSource:
    return StoreSource(store, settings.vocab, release)


@pytest.fixture(scope="module")
def population(source, settings):
    return progress(source, settings.base_iri + "id/ostersund/budget-2024/action/invanare-75000-ar-2040")


def test_the_population_target_has_its_value_and_the_sourced_outcomes(population, settings) -> None:
    assert (population.value, population.unit, population.year) == (Decimal(75000), "invånare", 2040)
    # The outcomes are exactly the totals in data/ostersund/outcomes.ttl, oldest first, each with its page.
    g = parse_file(ROOT / "data" / "ostersund" / "outcomes.ttl", settings.base_iri, Graph())
    expected = {
        int(str(g.value(o, SDMX_DIM.refPeriod))): (Decimal(str(v)), str(g.value(o, DCT.source)))
        for o, v in g.subject_objects(SDMX_MEASURE.obsValue)
    }
    got = {o.year: (o.value, o.source) for o in population.outcomes}
    assert got == expected and len(got) >= 8
    assert [o.year for o in population.outcomes] == sorted(got)
    assert population.latest.year == max(got) and population.latest.value == expected[max(got)][0]
    assert all(o.source.startswith(("http://", "https://")) and o.retrieved for o in population.outcomes)
    assert got[2023][0] == Decimal(64881) and "ostersund.se" in got[2023][1]
    assert any("stratsys" in page for page in population.follow_up)
    assert len(population.follow_up) == len(set(population.follow_up))


def test_the_trend_chart_is_accessible_swedish_svg(population) -> None:
    svg = population.svg()
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    assert [root.find(f".//*[@id='{i}']").tag for i in ids] == [SVG + "title", SVG + "desc"]
    desc = root.find(SVG + "desc").text
    assert "Målet är 75\u00a0000 invånare år 2040" in desc
    assert f"Senaste utfall: {swedish_number(population.latest.value)} invånare ({population.latest.year})" in desc
    assert len(root.findall(f".//{SVG}circle")) == len(population.outcomes)
    assert root.find(f".//{SVG}rect") is not None  # the target
    assert "<script" not in svg and "javascript:" not in svg


def test_a_target_without_outcomes_says_so(source, settings) -> None:
    p = progress(source, settings.base_iri + "id/ostersund/budget-2024/action/minskad-sjukfranvaro")
    assert p.outcomes == [] and p.latest is None and p.direction == "decrease"
    root = ET.fromstring(p.svg())
    assert "Inga utfall" in root.find(SVG + "desc").text and "minska" in root.find(SVG + "desc").text


def test_what_is_not_a_target_is_refused(source, settings) -> None:
    with pytest.raises(NotFound):
        progress(source, settings.base_iri + "id/ostersund/budget-2024/goal/1.1")


class OwnStore(SparqlSource):
    """An in-memory Oxigraph store loaded with the given Turtle files (a real store, not a stand-in)."""

    def __init__(self, vocab: str, base_iri: str, files: list[Path], extra: str = "") -> None:
        super().__init__(vocab)
        self.store = pyoxigraph.Store()
        for f in files:
            self.store.load(path=str(f), format=pyoxigraph.RdfFormat.TURTLE, base_iri=base_iri)
        if extra:
            self.store.load(extra.encode(), format=pyoxigraph.RdfFormat.TURTLE, base_iri=base_iri)

    def select_text(self, sparql: str) -> list[Row]:
        solutions = self.store.query(sparql)
        names = solutions.variables
        return [{v.value: s[v].value for v in names if s[v] is not None} for s in solutions]

    @property
    def describe(self) -> str:
        return "an in-memory store"

    @property
    def key(self) -> str:
        return "memory"


def test_a_second_source_disagreeing_on_a_year_is_kept_visible_and_women_are_not_totals(settings) -> None:
    files = [
        ROOT / "data" / "ostersund" / "2024" / "actions.ttl",
        ROOT / "data" / "ostersund" / "2024" / "indicators.ttl",
        ROOT / "data" / "ostersund" / "2024" / "budget.ttl",
        ROOT / "data" / "ostersund" / "2024" / "goals.ttl",
        ROOT / "data" / "ostersund" / "outcomes.ttl",
    ]
    extra = """
    @prefix qb: <http://purl.org/linked-data/cube#> .
    @prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
    @prefix sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#> .
    @prefix sdmx-code: <http://purl.org/linked-data/sdmx/2009/code#> .
    @prefix km: <def/kommunmal#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <id/test/other> a qb:DataSet .
    <id/test/other/2023-T> a qb:Observation ; qb:dataSet <id/test/other> ; km:indicator <id/kolada/kpi/N01951> ;
        sdmx-dimension:refArea <id/ostersund> ; sdmx-dimension:sex sdmx-code:sex-T ;
        sdmx-dimension:refPeriod "2023"^^xsd:gYear ; sdmx-measure:obsValue 99999.0 .
    <id/test/other/2030-F> a qb:Observation ; qb:dataSet <id/test/other> ; km:indicator <id/kolada/kpi/N01951> ;
        sdmx-dimension:refArea <id/ostersund> ; sdmx-dimension:sex sdmx-code:sex-F ;
        sdmx-dimension:refPeriod "2030"^^xsd:gYear ; sdmx-measure:obsValue 40000.0 .
    """
    src = OwnStore(settings.vocab, settings.base_iri, files, extra)
    p = progress(src, settings.base_iri + "id/ostersund/budget-2024/action/invanare-75000-ar-2040")
    by_year = {o.year: o.value for o in p.outcomes}
    assert 2030 not in by_year and p.latest.year == 2024
    # Kept: the first in observation-IRI order (ours); the other value is listed, not averaged in.
    assert by_year[2023] == Decimal(64881)
    assert [(c.year, c.value) for c in p.conflicts] == [(2023, Decimal(99999))]


def test_swedish_numbers() -> None:
    assert swedish_number(64979) == "64\u00a0979"
    assert swedish_number(Decimal("7.40")) == "7,4"
    assert swedish_number(Decimal("1234567.5")) == "1\u00a0234\u00a0567,5"
    assert swedish_number(-3) == "−3"


def test_an_empty_chart_is_still_valid_svg() -> None:
    from kommunmal.progress import Progress

    root = ET.fromstring(trend_svg(Progress("x/y", "", "", None, None, None, None)))
    assert root.find(SVG + "title").text == "Utfall och mål"
