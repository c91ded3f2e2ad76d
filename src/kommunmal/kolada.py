"""Kolada API v3 client, and the mapping of its values to RDF Data Cube observations.

Request: ``GET {base}/data/kpi/{kpi}/municipality/{kommunkod}[/year/{y1},{y2},…]`` (base
``https://api.kolada.se/v3``), the path form of the data endpoint that v3 clients use; a response is
``{"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender", "count", "status", "value"}]}],
"next_url": url | null}``. ``next_url`` is followed until it is absent, at most `max_pages` pages, and only on the
host of the base URL.

Mapping: one ``qb:DataSet`` per KPI and municipality (``<id/kolada/kpi/N01951/dataset/2380>``) with the structure
``km:koladaStructure``; one ``qb:Observation`` per year and gender. Kolada's gender codes T, K and M become
``sdmx-code:sex-T``, ``sex-F`` and ``sex-M``; F is read as female too, because the API documentation writes F where
clients see K. Values that are null are left out and counted.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, QB, RDF, SKOS, XSD

from kommunmal.config import Settings
from kommunmal.dataset import load, parse_file, union_graph
from kommunmal.errors import KommunmalError, NotConformant, Unreachable
from kommunmal.validation import Report, load_shapes, validate

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
MAX_PAGES = 100
TIMEOUT_S = 30.0

SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
CV = Namespace("http://data.europa.eu/m8g/")

# Kolada gender code -> SDMX sex code; K and F both mean women (the codes are not confirmed, see the module doc).
SEX_CODES = {"T": "T", "K": "F", "F": "F", "M": "M"}

KPI_ID = re.compile(r"^[A-Z][0-9]{5}$")
MUNICIPALITY_ID = re.compile(r"^[0-9]{4}$")

Progress = Callable[[str], None]


class KoladaResponseError(KommunmalError):
    """The Kolada API answered, but with an error status or with something other than the documented JSON."""


@dataclass(frozen=True)
class KoladaValue:
    """One value of a KPI for a municipality, year and gender; `value` is None where Kolada has no number."""

    kpi: str
    municipality: str
    period: int
    gender: str
    value: Decimal | None
    status: str = ""


@dataclass
class Fetched:
    """Everything one request (all its pages) returned."""

    kpi: str
    municipality: str
    years: tuple[int, ...]
    urls: list[str] = field(default_factory=list)
    values: list[KoladaValue] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))


def data_url(base_url: str, kpi: str, municipality: str, years: Iterable[int] = ()) -> str:
    """The first page's URL for one KPI and municipality, optionally limited to some years."""
    url = f"{base_url.rstrip('/')}/data/kpi/{kpi}/municipality/{municipality}"
    years = sorted(set(years))
    return url + "/year/" + ",".join(str(y) for y in years) if years else url


def check_ids(kpis: Iterable[str], municipality: str, years: Iterable[int] = ()) -> None:
    """Refuse malformed ids before anything is fetched."""
    for kpi in kpis:
        if not KPI_ID.match(kpi):
            raise KommunmalError(
                f"{kpi!r} är inget Kolada-id (en versal och fem siffror, till exempel N01951) / "
                "not a Kolada KPI id (a capital letter and five digits, such as N01951)"
            )
    if not MUNICIPALITY_ID.match(municipality):
        raise KommunmalError(
            f"{municipality!r} är ingen kommunkod (fyra siffror, till exempel 2380) / "
            "not a municipality code (four digits, such as 2380)"
        )
    for year in years:
        if not 1900 <= year <= 2100:
            raise KommunmalError(f"{year} är inget rimligt år / not a plausible year")


class KoladaClient:
    """Fetches KPI values from the Kolada API v3, page by page."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = TIMEOUT_S,
        max_pages: int = MAX_PAGES,
        progress: Progress | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages
        self._say = progress or (lambda _msg: None)
        self._http = httpx.Client(
            timeout=timeout, follow_redirects=True, transport=transport, headers={"Accept": "application/json"}
        )

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def fetch(self, kpi: str, municipality: str, years: Iterable[int] = ()) -> Fetched:
        """All values of `kpi` for `municipality`, following `next_url` until it is absent."""
        years = tuple(sorted(set(years)))
        check_ids([kpi], municipality, years)
        result = Fetched(kpi, municipality, years)
        url: str | None = data_url(self.base_url, kpi, municipality, years)
        while url is not None:
            if len(result.urls) >= self.max_pages:
                raise KoladaResponseError(
                    f"{kpi}: fler än {self.max_pages} sidor från {self.base_url}; avbryter utan att skriva något / "
                    f"more than {self.max_pages} pages; stopped without writing anything"
                )
            page = len(result.urls) + 1
            self._say(f"{kpi}: sida {page} … {url}")
            payload = self._get(url)
            values, next_url = parse_page(payload, url)
            result.urls.append(url)
            for v in values:
                if v.kpi != kpi or v.municipality != municipality:
                    raise KoladaResponseError(
                        f"{url}: svaret gäller {v.kpi}/{v.municipality}, inte {kpi}/{municipality} / "
                        "the response is about another KPI or municipality than asked for"
                    )
            result.values.extend(values)
            url = self._next(url, next_url)
        return result

    def _get(self, url: str) -> object:
        try:
            response = self._http.get(url)
        except httpx.TransportError as exc:
            raise Unreachable(
                f"Kolada-API:t kan inte nås på {url} ({type(exc).__name__}: {exc or 'inget svar'}). Kontrollera "
                "nätverket eller ange en annan adress med --base-url och försök igen; inget har skrivits. / "
                "The Kolada API cannot be reached; check the network or give another address with --base-url "
                "and try again; nothing was written."
            ) from None
        if response.status_code >= 400:
            hint = (
                "kontrollera KPI-id och kommunkod / check the KPI id and municipality code"
                if response.status_code == 404
                else "försök igen senare / try again later"
                if response.status_code >= 500
                else "kontrollera anropet / check the request"
            )
            raise KoladaResponseError(
                f"Kolada-API:t svarade {response.status_code} {response.reason_phrase} på {url}; {hint}. "
                "Inget har skrivits / nothing was written."
            )
        try:
            return response.json(parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise KoladaResponseError(f"{url}: svaret är inte JSON ({exc}) / the response is not JSON") from None

    def _next(self, current: str, next_url: str | None) -> str | None:
        if not next_url:
            return None
        resolved = urljoin(current, next_url)
        here, there = urlsplit(self.base_url), urlsplit(resolved)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise KoladaResponseError(
                f"{current}: next_url pekar utanför {self.base_url} ({resolved}); följer den inte / "
                "next_url points away from the API; not followed"
            )
        return resolved


def parse_page(payload: object, url: str) -> tuple[list[KoladaValue], str | None]:
    """The values and the next page's URL of one response in the documented shape."""

    def bad(what: str) -> KoladaResponseError:
        return KoladaResponseError(f"{url}: oväntat svar, {what} / unexpected response shape")

    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise bad('saknar listan "values"')
    next_url = payload.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise bad('"next_url" är ingen text')
    values = []
    for item in payload["values"]:
        if not isinstance(item, dict) or not isinstance(item.get("values"), list):
            raise bad('ett element saknar "values"')
        try:
            period = int(str(item["period"]))
            kpi, municipality = str(item["kpi"]), str(item["municipality"])
        except (KeyError, ValueError):
            raise bad("ett element saknar kpi, municipality eller ett heltal i period") from None
        for entry in item["values"]:
            if not isinstance(entry, dict) or "gender" not in entry:
                raise bad('ett värde saknar "gender"')
            values.append(
                KoladaValue(
                    kpi,
                    municipality,
                    period,
                    str(entry["gender"]),
                    _decimal(entry.get("value"), bad),
                    str(entry.get("status") or ""),
                )
            )
    return values, next_url or None


def _decimal(raw: object, bad: Callable[[str], KoladaResponseError]) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise bad(f"värdet {raw!r} är inget tal")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise bad(f"värdet {raw!r} är inget tal") from None
    if not number.is_finite():
        raise bad(f"värdet {raw!r} är inget ändligt tal")
    return number


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


def default_path(settings: Settings, area: URIRef, kpi: str) -> Path:
    """data/<municipality slug>/kolada/<KPI>.ttl, where the next build picks the file up."""
    prefix = settings.base_iri + "id/"
    slug = str(area)[len(prefix) :] if str(area).startswith(prefix) else str(area).rsplit("/", 1)[-1]
    return settings.data_dir / slug.replace("/", "-") / "kolada" / f"{kpi}.ttl"


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


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step: a failure leaves the previous file (or no file) as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Written:
    kpi: str
    path: Path
    observations: int
    skipped: int
    pages: int


def import_values(
    settings: Settings,
    kpis: list[str],
    municipality: str,
    years: Iterable[int] = (),
    out: Path | None = None,
    base_url: str = DEFAULT_BASE_URL,
    progress: Progress | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[Written]:
    """Fetch, map and validate every KPI first; write the files only when all of that succeeded."""
    say = progress or (lambda _msg: None)
    years = tuple(sorted(set(years)))
    check_ids(kpis, municipality, years)
    if out is not None and len(kpis) > 1 and out.suffix:
        raise KommunmalError(
            f"--out {out} är en fil men {len(kpis)} KPI:er hämtas; ange en mapp / give a folder for several KPIs"
        )
    dataset, _sources = load(settings)
    data = union_graph(dataset)
    km = Namespace(settings.vocab)
    area = municipality_iri(data, municipality, settings.base_iri)
    area_label = next((x for x in data.objects(area, SKOS.prefLabel) if getattr(x, "language", None) == "sv"), None)
    for kpi in kpis:
        if (URIRef(f"{settings.base_iri}id/kolada/kpi/{kpi}"), RDF.type, km.Indicator) not in data:
            raise KommunmalError(
                f"{kpi} är inte fastlagd i data/reference/kolada/kpis.ttl; lägg till den där med titel, källa och "
                "verifieringsstatus och kör igen / is not pinned in data/reference/kolada/kpis.ttl: add it there "
                "with title, source and verification status, then run again"
            )
    cubes = []
    with KoladaClient(base_url, progress=say, transport=transport) as client:
        for kpi in kpis:
            fetched = client.fetch(kpi, municipality, years)
            label = data.value(URIRef(f"{settings.base_iri}id/kolada/kpi/{kpi}"), SKOS.prefLabel)
            cubes.append(
                (
                    fetched,
                    to_cube(fetched, area, settings.base_iri, label and str(label), area_label and str(area_label)),
                )
            )
    say("Validerar mot SHACL / validating against SHACL …")
    for _fetched, cube in cubes:
        report = check_cube(cube, settings)
        if not report.conforms:
            raise NotConformant(
                f"{cube.kpi}: värdena följer inte formerna; inget har skrivits / "
                f"the values do not conform; nothing was written\n{report.text()}"
            )
    written = []
    for fetched, cube in cubes:
        if out is None:
            path = default_path(settings, area, cube.kpi)
        elif out.suffix and len(kpis) == 1:
            path = out
        else:
            path = out / f"{cube.kpi}.ttl"
        header = (
            f"Värden för Kolada-KPI {cube.kpi}, kommunkod {municipality},"
            f"\nhämtade {fetched.fetched_at.isoformat()} från {fetched.urls[0]}"
            f"\nSkriven av `kommunmal kolada`; hämta om i stället för att redigera."
        )
        write_atomically(path, to_turtle(cube.graph, settings.base_iri, header))
        written.append(Written(cube.kpi, path, cube.observations, cube.skipped, len(fetched.urls)))
    return written
