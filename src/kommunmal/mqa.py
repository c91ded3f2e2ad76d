"""The catalog's metadata-quality self-assessment: the data.europa.eu MQA score of every dataset, as DQV.

Indicators and points are those of the piveau MQA software used by data.europa.eu (notes/mqa.md: Findability
100, Accessibility 100, Interoperability 110, Reusability 75, Contextuality 20; 405 in all). Distribution-level
indicators give the share of the dataset's distributions that meet them, times the points. Each measurement is a
dqv:QualityMeasurement of a km:mqa… metric (ontology/mqa.ttl) computed on the dataset, with dqv:value in points;
where points are missing, an rdfs:comment in Swedish and English says why.

Two indicators ask whether a URL answers over HTTP. A catalog cannot request its own public address while it is
being built, so this module checks instead that the URL is one this deployment serves (the SPARQL endpoint, or a
file of the release under /dumps/); the comment says so, and a harvester checks it for real.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SH, XSD

from kommunmal.config import Settings
from kommunmal.iris import Iris
from kommunmal.release import Release

DQV = Namespace("http://www.w3.org/ns/dqv#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
# Licences the MQA recognises as from a known vocabulary: Creative Commons and the EU licence table.
KNOWN_LICENCES = ("http://creativecommons.org/", "https://creativecommons.org/", EU + "licence/")
# Our classification of the EU file types we publish: all are open W3C or IETF standards (non-proprietary) and
# structured data a program reads without guessing (machine-readable). Formats not listed score neither.
OPEN_MACHINE_READABLE = {
    EU + "file-type/" + code
    for code in ("RDF_TURTLE", "RDF_XML", "JSON_LD", "RDF_N_TRIPLES", "RDF_TRIG", "RDF_N_QUADS", "SPARQLQ", "CSV")
}
RATINGS = ((351, "Utmärkt", "Excellent"), (221, "Bra", "Good"), (121, "Tillräcklig", "Sufficient"), (0, "Dålig", "Bad"))
MAXIMUM = 405


@dataclass(frozen=True)
class Indicator:
    """One MQA indicator: the km: metric's local name, its points, and whether it is judged per distribution."""

    metric: str
    points: int
    per_distribution: bool
    why_sv: str
    why_en: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("mqaKeyword", 30, False, "inga nyckelord", "no keywords"),
    Indicator("mqaTheme", 30, False, "inget tema", "no theme"),
    Indicator("mqaSpatial", 20, False, "ingen källbelagd plats för kommunen", "no sourced place for the municipality"),
    Indicator("mqaTemporal", 20, False, "ingen tidsperiod", "no period of time"),
    Indicator(
        "mqaAccessUrlStatus",
        50,
        True,
        "åtkomstadress som denna tjänst inte svarar på",
        "an access URL this deployment does not serve",
    ),
    Indicator(
        "mqaDownloadUrl",
        20,
        True,
        "SPARQL-distributionen har ingen nedladdningsadress (den är en tjänst, inte en fil)",
        "the SPARQL distribution has no download URL (it is a service, not a file)",
    ),
    Indicator(
        "mqaDownloadUrlStatus",
        30,
        True,
        "ingen nedladdningsadress som kan svara för SPARQL-distributionen",
        "no download URL that could answer for the SPARQL distribution",
    ),
    Indicator("mqaFormat", 20, True, "distribution utan format", "a distribution without a format"),
    Indicator("mqaMediaType", 10, True, "distribution utan medietyp", "a distribution without a media type"),
    Indicator(
        "mqaFormatFromVocabulary",
        10,
        True,
        "format utanför EU:s filtypslista",
        "a format outside the EU file-type table",
    ),
    Indicator("mqaNonProprietary", 20, True, "format som inte är öppet", "a format that is not open"),
    Indicator(
        "mqaMachineReadable", 20, True, "format som inte är maskinläsbart", "a format that is not machine-readable"
    ),
    Indicator("mqaDcatApCompliance", 30, False, "brott mot DCAT-AP 3.0.1", "violations of DCAT-AP 3.0.1"),
    Indicator("mqaLicence", 20, True, "distribution utan licens", "a distribution without a licence"),
    Indicator("mqaKnownLicence", 10, True, "licens utanför kända förteckningar", "a licence from no known vocabulary"),
    Indicator("mqaAccessRights", 10, False, "ingen åtkomsträtt", "no access rights"),
    Indicator(
        "mqaAccessRightsFromVocabulary",
        5,
        False,
        "åtkomsträtt utanför EU:s lista",
        "access rights outside the EU table",
    ),
    Indicator("mqaContactPoint", 20, False, "ingen kontaktpunkt", "no contact point"),
    Indicator("mqaPublisher", 10, False, "ingen utgivare", "no publisher"),
    Indicator("mqaRights", 5, True, "distribution utan rättighetsuppgift", "a distribution without a rights statement"),
    Indicator(
        "mqaByteSize",
        5,
        True,
        "distribution utan storlek (SPARQL-tjänsten har ingen)",
        "a distribution without a byte size (the SPARQL service has none)",
    ),
    Indicator("mqaIssued", 5, True, "distribution utan utgivningsdatum", "a distribution without a date of issue"),
    Indicator("mqaModified", 5, True, "distribution utan ändringsdatum", "a distribution without a modification date"),
)
assert sum(i.points for i in INDICATORS) == MAXIMUM


def scores(g: Graph, dataset: URIRef, served: Callable[[URIRef], bool], compliant: bool) -> dict[str, float]:
    """Points per indicator (metric local name -> points, 0..max) for `dataset` as described in catalog `g`.

    `served(url)` says whether this deployment answers at `url`; `compliant` whether the dataset and its
    distributions have no DCAT-AP 3.0.1 violation.
    """
    dists = sorted(g.objects(dataset, DCAT.distribution), key=str)

    def has(subject: URIRef, predicate: URIRef, test: Callable[[object], bool] = lambda _v: True) -> bool:
        return any(test(v) for v in g.objects(subject, predicate))

    per_distribution: dict[str, Callable[[URIRef], bool]] = {
        "mqaAccessUrlStatus": lambda d: has(d, DCAT.accessURL, served),
        "mqaDownloadUrl": lambda d: has(d, DCAT.downloadURL),
        "mqaDownloadUrlStatus": lambda d: has(d, DCAT.downloadURL, served),
        "mqaFormat": lambda d: has(d, DCTERMS["format"]),
        "mqaMediaType": lambda d: has(d, DCAT.mediaType),
        "mqaFormatFromVocabulary": lambda d: (
            has(d, DCTERMS["format"], lambda v: str(v).startswith(EU + "file-type/"))
            or has(d, DCAT.mediaType, lambda v: str(v).startswith(IANA))
        ),
        "mqaNonProprietary": lambda d: has(d, DCTERMS["format"], lambda v: str(v) in OPEN_MACHINE_READABLE),
        "mqaMachineReadable": lambda d: has(d, DCTERMS["format"], lambda v: str(v) in OPEN_MACHINE_READABLE),
        "mqaLicence": lambda d: has(d, DCTERMS.license),
        "mqaKnownLicence": lambda d: has(d, DCTERMS.license, lambda v: str(v).startswith(KNOWN_LICENCES)),
        "mqaRights": lambda d: has(d, DCTERMS.rights),
        "mqaByteSize": lambda d: has(d, DCAT.byteSize),
        "mqaIssued": lambda d: has(d, DCTERMS.issued),
        "mqaModified": lambda d: has(d, DCTERMS.modified),
    }
    per_dataset: dict[str, bool] = {
        "mqaKeyword": has(dataset, DCAT.keyword),
        "mqaTheme": has(dataset, DCAT.theme),
        "mqaSpatial": has(dataset, DCTERMS.spatial),
        "mqaTemporal": has(dataset, DCTERMS.temporal),
        "mqaDcatApCompliance": compliant,
        "mqaAccessRights": has(dataset, DCTERMS.accessRights),
        "mqaAccessRightsFromVocabulary": has(
            dataset, DCTERMS.accessRights, lambda v: str(v).startswith(EU + "access-right/")
        ),
        "mqaContactPoint": has(dataset, DCAT.contactPoint),
        "mqaPublisher": has(dataset, DCTERMS.publisher),
    }
    result: dict[str, float] = {}
    for ind in INDICATORS:
        if ind.per_distribution:
            share = sum(1 for d in dists if per_distribution[ind.metric](d)) / len(dists) if dists else 0.0
        else:
            share = 1.0 if per_dataset[ind.metric] else 0.0
        result[ind.metric] = round(ind.points * share, 2)
    return result


def rating(total: float) -> tuple[str, str]:
    """The MQA rating (Swedish, English) of a total: Excellent above 350, Good 221–350, Sufficient 121–220, Bad."""
    return next((sv, en) for floor, sv, en in RATINGS if total >= floor)


def add_measurements(g: Graph, settings: Settings, release: Release) -> None:
    """Add a DQV measurement per indicator, plus the total and rating, to every dcat:Dataset in catalog `g`."""
    iris = Iris(settings.base_iri)
    km = Namespace(settings.vocab)
    files = set(release.meta["files"])
    public = settings.public_url

    def served(url: object) -> bool:
        path = str(url)[len(public) :] if str(url).startswith(public) else None
        return path == "sparql" or (path is not None and path.startswith("dumps/") and path[6:] in files)

    violating = _violating_nodes(g, settings.shapes_dir)
    g.bind("dqv", DQV)
    for dataset in sorted(g.subjects(RDF.type, DCAT.Dataset), key=str):
        if not str(dataset).startswith(iris.dataset):
            continue
        nodes = {dataset, *g.objects(dataset, DCAT.distribution)}
        points = scores(g, dataset, served, compliant=not (nodes & violating))
        for ind in INDICATORS:
            _measure(g, km, dataset, ind.metric, points[ind.metric], ind if points[ind.metric] < ind.points else None)
        total = round(sum(points.values()), 2)
        _measure(g, km, dataset, "mqaTotal", total, None)
        sv, en = rating(total)
        measurement = URIRef(f"{dataset}#mqa-mqaTotal")
        g.add((measurement, RDFS.label, Literal(f"MQA: {total:g} av {MAXIMUM} poäng ({sv})", lang="sv")))
        g.add((measurement, RDFS.label, Literal(f"MQA: {total:g} of {MAXIMUM} points ({en})", lang="en")))


def _measure(g: Graph, km: Namespace, dataset: URIRef, metric: str, value: float, short: Indicator | None) -> None:
    measurement = URIRef(f"{dataset}#mqa-{metric}")
    g.add((dataset, DQV.hasQualityMeasurement, measurement))
    g.add((measurement, RDF.type, DQV.QualityMeasurement))
    g.add((measurement, DQV.computedOn, dataset))
    g.add((measurement, DQV.isMeasurementOf, km[metric]))
    g.add((measurement, DQV.value, Literal(Decimal(f"{value:.2f}"), datatype=XSD.decimal)))
    if metric in ("mqaAccessUrlStatus", "mqaDownloadUrlStatus"):
        g.add((measurement, RDFS.comment, Literal("Kontrollerat mot releasen, inte över nätet.", lang="sv")))
        g.add((measurement, RDFS.comment, Literal("Checked against the release, not over the network.", lang="en")))
    if short is not None:
        g.add((measurement, RDFS.comment, Literal(f"Poäng saknas: {short.why_sv}.", lang="sv")))
        g.add((measurement, RDFS.comment, Literal(f"Points missing: {short.why_en}.", lang="en")))


def _violating_nodes(catalog: Graph, shapes_dir: Path) -> set:
    """Focus nodes with a DCAT-AP 3.0.1 violation (core and range shapes, vendored in shapes/dcat-ap/)."""
    shapes, background = _dcat_ap(shapes_dir)
    data = Graph()
    data += catalog
    data += background
    # pySHACL, imported when first used: the DCAT-AP shapes use sh:shape, which pyshacl-turbo 0.6 refuses.
    import pyshacl

    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    return {
        report.value(r, SH.focusNode)
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if report.value(r, SH.resultSeverity) == SH.Violation
    }


@cache
def _dcat_ap(shapes_dir: Path) -> tuple[Graph, Graph]:
    folder = shapes_dir / "dcat-ap"
    shapes = Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(folder / name, format="turtle")
    return shapes, Graph().parse(folder / "background-subclasses.ttl", format="turtle")
