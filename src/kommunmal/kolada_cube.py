"""Kolada values as RDF Data Cube observations, checked against the shapes and written as relative Turtle.

Mapping: one ``qb:DataSet`` per KPI and municipality (``<id/kolada/kpi/N01951/dataset/2380>``) with the structure
``km:koladaStructure``; one ``qb:Observation`` per year and gender. Kolada's gender codes T, K and M become
``sdmx-code:sex-T``, ``sex-F`` and ``sex-M``; F is read as female too, because the API documentation writes F where
clients see K. Values that are null are left out and counted. kommunmal.kolada_client fetches the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, QB, RDF, SKOS, XSD

from kommunmal.config import Settings
from kommunmal.dataset import parse_file
from kommunmal.errors import KommunmalError
from kommunmal.kolada_client import Fetched, KoladaResponseError
from kommunmal.validation import Report, load_shapes, validate

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
CV = Namespace("http://data.europa.eu/m8g/")

# Kolada gender code -> SDMX sex code; K and F both mean women (the codes are not confirmed, see the module doc).
SEX_CODES = {"T": "T", "K": "F", "F": "F", "M": "M"}


@dataclass(frozen=True)
class Cube:
    """One KPI's values for one municipality as RDF, ready to write."""

    kpi: str
    graph: Graph
    dataset: URIRef
    observations: int
    skipped: int


def to_cube(
    fetched: Fetched, area: URIRef, base_iri: str, kpi_label: str | None = None, area_label: str | None = None
) -> Cube:
    """The fetched values as a qb:DataSet with one qb:Observation per year and gender; nulls are counted, not kept."""
    km = Namespace(base_iri + "def/kommunmal#")
    kpi = URIRef(f"{base_iri}id/kolada/kpi/{fetched.kpi}")
    dataset = URIRef(f"{base_iri}id/kolada/kpi/{fetched.kpi}/dataset/{fetched.municipality}")
    g = Graph()
    for prefix, ns in (
        ("km", km),
        ("kpi", Namespace(base_iri + "id/kolada/kpi/")),
        ("qb", QB),
        ("sdmx-dimension", SDMX_DIMENSION),
        ("sdmx-measure", SDMX_MEASURE),
        ("sdmx-code", SDMX_CODE),
        ("dct", DCTERMS),
        ("prov", PROV),
        ("skos", SKOS),
        ("xsd", XSD),
    ):
        g.bind(prefix, ns, override=True)
    g.add((dataset, RDF.type, QB.DataSet))
    g.add((dataset, QB.structure, km.koladaStructure))
    g.add((dataset, km.indicator, kpi))
    g.add((dataset, SDMX_DIMENSION.refArea, area))
    title = f"{kpi_label or fetched.kpi} – {area_label or 'kommun ' + fetched.municipality}"
    g.add((dataset, DCTERMS.title, Literal(title, lang="sv")))
    for url in fetched.urls:
        g.add((dataset, DCTERMS.source, URIRef(url)))
    g.add((dataset, PROV.generatedAtTime, Literal(fetched.fetched_at.isoformat(), datatype=XSD.dateTime)))
    seen: dict[tuple[int, str], Decimal] = {}
    skipped = 0
    for v in fetched.values:
        sex = SEX_CODES.get(v.gender)
        if sex is None:
            raise KoladaResponseError(
                f"{fetched.kpi} {v.period}: okänd könskod {v.gender!r} (väntade T, K, F eller M) / unknown gender code"
            )
        if v.value is None:
            skipped += 1
            continue
        key = (v.period, sex)
        if key in seen:
            raise KoladaResponseError(
                f"{fetched.kpi}: två värden för {v.period} och kön {v.gender} ({seen[key]} och {v.value}) / "
                "two values for the same year and sex"
            )
        seen[key] = v.value
        obs = URIRef(f"{dataset}/{v.period}-{sex}")
        g.add((obs, RDF.type, QB.Observation))
        g.add((obs, QB.dataSet, dataset))
        g.add((obs, SDMX_DIMENSION.refArea, area))
        g.add((obs, SDMX_DIMENSION.refPeriod, Literal(str(v.period), datatype=XSD.gYear)))
        g.add((obs, SDMX_DIMENSION.sex, SDMX_CODE[f"sex-{sex}"]))
        g.add((obs, km.indicator, kpi))
        g.add((obs, SDMX_MEASURE.obsValue, _decimal_literal(v.value)))
        if v.status:
            g.add((obs, km.koladaStatus, Literal(v.status)))
    pages = len(fetched.urls)
    note_sv = (
        f"Hämtat från Koladas API v3 ({counted(pages, 'sida', 'sidor')}): {counted(len(seen), 'värde', 'värden')}; "
        f"{counted(skipped, 'tomt värde', 'tomma värden')} (null) togs inte med."
    )
    note_en = (
        f"Fetched from the Kolada API v3 ({counted(pages, 'page', 'pages')}): {counted(len(seen), 'value', 'values')}; "
        f"{counted(skipped, 'empty value', 'empty values')} (null) left out."
    )
    g.add((dataset, SKOS.editorialNote, Literal(note_sv, lang="sv")))
    g.add((dataset, SKOS.editorialNote, Literal(note_en, lang="en")))
    return Cube(fetched.kpi, g, dataset, len(seen), skipped)


def counted(n: int, one: str, many: str) -> str:
    """`n` with the singular or the plural noun: "1 sida", "2 sidor"."""
    return f"{n} {one if n == 1 else many}"


def _decimal_literal(value: Decimal) -> Literal:
    """An xsd:decimal whose lexical form Turtle writes back unchanged (always with a decimal point)."""
    text = format(value, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def municipality_iri(graph: Graph, code: str, base_iri: str) -> URIRef:
    """The municipality whose skos:notation is `code` in the data; `<id/kommun/{code}>` when there is none."""
    found = set()
    for subject in graph.subjects(SKOS.notation, None):
        if not isinstance(subject, URIRef):
            continue
        if not any(str(n) == code for n in graph.objects(subject, SKOS.notation)):
            continue
        types = set(graph.objects(subject, RDF.type))
        if types & {CV.PublicOrganisation, ORG.FormalOrganization, ORG.Organization}:
            found.add(subject)
    return found.pop() if len(found) == 1 else URIRef(f"{base_iri}id/kommun/{code}")


def check_cube(cube: Cube, settings: Settings) -> Report:
    """Validate the cube with the vocabulary, the pinned KPIs and all shapes; only results about the cube count."""
    g = Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        parse_file(path, settings.base_iri, g)
    for path in sorted((settings.data_dir / "reference" / "kolada").glob("*.ttl")):
        parse_file(path, settings.base_iri, g)
    g += cube.graph
    report = validate(g, load_shapes(settings), engine=settings.shacl_engine)
    ours = {str(s) for s in cube.graph.subjects()}
    report.results = [r for r in report.results if r.focus in ours]
    return report


def to_turtle(graph: Graph, base_iri: str, header: str = "") -> bytes:
    """Turtle with the IRIs under `base_iri` written relative, as in every source file."""
    text = graph.serialize(format="turtle")
    text = text.replace(f"<{base_iri}", "<")
    back = Graph()
    back.parse(data=text, format="turtle", publicID=base_iri)
    if not isomorphic(back, graph):
        raise KommunmalError("the relative Turtle does not read back as the same graph; nothing was written")
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return (comment + text).encode("utf-8")
