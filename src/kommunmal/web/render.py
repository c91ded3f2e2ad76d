"""HTML rendering: the jinja2 environment, its filters, and the responses that carry alternates and negotiation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup, escape
from rdflib import Graph, Literal, URIRef

from kommunmal import resources
from kommunmal.catalog import SDG_CITATION
from kommunmal.compare import is_placeholder
from kommunmal.config import Settings
from kommunmal.formats import FORMATS, JSON_VIEW, RDF_GRAPH_FORMATS, Format, by_parameter, negotiate
from kommunmal.iris import Iris
from kommunmal.query_prefixes import COMMON
from kommunmal.views.browse import org_key
from kommunmal.views.sparql import jsonable, sdg_code
from kommunmal.views.swedish import count

# Swedish names for the predicates of other vocabularies that pages show; km: terms bring their own labels.
PREDICATE_LABELS: dict[str, tuple[str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("typ", "type"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("namn", "name"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("annat namn", "alternative name"),
    "http://www.w3.org/2004/02/skos/core#notation": ("beteckning", "notation"),
    "http://www.w3.org/2004/02/skos/core#definition": ("definition", "definition"),
    "http://www.w3.org/2004/02/skos/core#note": ("anmärkning", "note"),
    "http://www.w3.org/2004/02/skos/core#editorialNote": ("redaktionell anmärkning", "editorial note"),
    "http://www.w3.org/2004/02/skos/core#inScheme": ("i begreppsschema", "in scheme"),
    "http://www.w3.org/2004/02/skos/core#topConceptOf": ("toppbegrepp i", "top concept of"),
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": ("toppbegrepp", "top concept"),
    "http://www.w3.org/2004/02/skos/core#member": ("medlem", "member"),
    "http://www.w3.org/2004/02/skos/core#broader": ("överordnat", "broader"),
    "http://www.w3.org/2004/02/skos/core#narrower": ("underordnat", "narrower"),
    "http://www.w3.org/2004/02/skos/core#exactMatch": ("samma som", "exact match"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("etikett", "label"),
    "http://www.w3.org/2000/01/rdf-schema#seeAlso": ("se även", "see also"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("kommentar", "comment"),
    "http://www.w3.org/2000/01/rdf-schema#isDefinedBy": ("definieras av", "defined by"),
    "http://purl.org/dc/terms/title": ("titel", "title"),
    "http://purl.org/dc/terms/description": ("beskrivning", "description"),
    "http://purl.org/dc/terms/source": ("källa", "source"),
    "http://purl.org/dc/terms/isPartOf": ("del av", "part of"),
    "http://purl.org/dc/terms/hasPart": ("består av", "has part"),
    "http://purl.org/dc/terms/identifier": ("identifierare", "identifier"),
    "http://purl.org/dc/terms/language": ("språk", "language"),
    "http://purl.org/dc/terms/publisher": ("utgivare", "publisher"),
    "http://purl.org/dc/terms/temporal": ("tidsperiod", "period"),
    "http://purl.org/dc/terms/subject": ("ämne", "subject"),
    "http://purl.org/dc/terms/format": ("format", "format"),
    "http://www.w3.org/ns/org#classification": ("organisationsslag", "kind"),
    "http://www.w3.org/ns/org#unitOf": ("enhet i", "unit of"),
    "http://www.w3.org/ns/org#hasUnit": ("har enhet", "has unit"),
    "http://www.w3.org/ns/org#subOrganizationOf": ("underorganisation till", "sub-organisation of"),
    "http://www.w3.org/ns/org#hasSubOrganization": ("har underorganisation", "has sub-organisation"),
    "http://www.w3.org/ns/org#memberOf": ("medlem i", "member of"),
    "http://www.w3.org/ns/org#member": ("medlem", "member"),
    "http://www.w3.org/ns/org#organization": ("organisation", "organisation"),
    "http://www.w3.org/ns/org#identifier": ("identifierare", "identifier"),
    "http://www.w3.org/ns/adms#identifier": ("identifierare", "identifier"),
    "http://www.w3.org/ns/adms#schemaAgency": ("utfärdare", "schema agency"),
    "http://www.w3.org/ns/prov#wasAssociatedWith": ("utfört av", "associated with"),
    "http://www.w3.org/ns/prov#generated": ("gav upphov till", "generated"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("härlett från", "derived from"),
    "http://www.w3.org/ns/dcat#startDate": ("från", "start"),
    "http://www.w3.org/ns/dcat#endDate": ("till", "end"),
    "http://www.w3.org/2008/05/skos-xl#prefLabel": ("namn (SKOS-XL)", "label (SKOS-XL)"),
    "http://www.w3.org/2008/05/skos-xl#altLabel": ("annat namn (SKOS-XL)", "alternative label (SKOS-XL)"),
    "http://www.w3.org/2008/05/skos-xl#literalForm": ("lydelse", "literal form"),
}
# The prefixes pages write IRIs with: those the SPARQL endpoint declares for every query (one table).
PREFIXES = COMMON
NAV = (
    ("/", "Mål", "Goals"),
    ("/atgarder", "Åtaganden", "Actions"),
    ("/organisationer", "Organisationer", "Organisations"),
    ("/sdg", "Globala målen", "SDGs"),
    ("/graph", "Målgraf", "Goal graph"),
    ("/sparql", "SPARQL", "SPARQL"),
    ("/def/kommunmal", "Vokabulär", "Vocabulary"),
    ("/catalog", "Katalog", "Catalogue"),
    ("/dumps/", "Nedladdning", "Downloads"),
)
RDF_ALTERNATES = tuple(RDF_GRAPH_FORMATS)
# What an unlabelled resource is, by the path segment its IRI is minted under (for link texts, never a bare slug).
UNLABELLED_KINDS = {
    "statement": "belägg",
    "link": "koppling",
    "source": "källställe",
    "paragraph": "stycke",
    "indicator-link": "indikatorkoppling",
    "sdg-indicator-link": "SDG-indikatorkoppling",
    "sdg-sv": "svensk SDG-titel",
    "membership": "medlemskap",
}


@dataclass(frozen=True)
class Site:
    """What templates need to build links: the IRI scheme and the path the server answers under."""

    settings: Settings

    @property
    def iris(self) -> Iris:
        return Iris(self.settings.base_iri)

    @property
    def root(self) -> str:
        """Path prefix of public_url ("/" for a server at the root of its host)."""
        path = urlsplit(self.settings.public_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def path(self, iri: str) -> str:
        """The local, root-relative address of an IRI under base_iri (other IRIs unchanged)."""
        return self.iris.to_url(iri, self.root)

    def href(self, iri: Any) -> str:
        """Where a person follows `iri`: its page here when we describe it, else the IRI itself."""
        iri = str(iri)
        if iri.startswith(self.iris.vocab):
            return self.root + "def/kommunmal#" + iri[len(self.iris.vocab) :]
        return self.path(self.iris.page(iri))

    def short(self, iri: Any) -> str:
        """A readable Swedish stand-in for an unlabelled IRI of ours: what it is, by the path segment it is minted
        under, and which one ("belägg helhetstank och samsyn 1.1", "källställe rad 12–14"); else a CURIE."""
        iri = str(iri)
        if not iri.startswith(self.iris.base):
            return curie(iri)
        *parents, last = iri.rstrip("/").split("#")[0].split("/")
        noun = UNLABELLED_KINDS.get(parents[-1] if parents else "", "")
        span = re.fullmatch(r"L(\d+)-L(\d+)", last)
        if span:
            which = lines(span.group(1), span.group(2))
        else:
            which = re.sub(r"(?<=\d) (?=\d)", "-", re.sub(r"-+", " ", last)).strip()
        return f"{noun} {which}".strip()

    def local(self, url: Any) -> str:
        """An absolute address under public_url as a path on this server (others unchanged)."""
        url = str(url)
        public = self.settings.public_url
        return self.root + url[len(public) :] if url.startswith(public) else url

    def url(self, path: str) -> str:
        """A site path ("/sdg") below the server's root."""
        return self.root + path.lstrip("/")


def alternates(base_path: str, formats: Iterable[Format] = RDF_ALTERNATES) -> list[tuple[str, str, str]]:
    """(url, media type, label) for each machine-readable form of the document at `base_path`."""
    return [(f"{base_path}.{f.extension}", f.media_type, f.label) for f in formats]


def link_header(links: Sequence[tuple[str, str, str]]) -> str:
    return ", ".join(f'<{url}>; rel="alternate"; type="{media}"' for url, media, _ in links)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.package_file("web", "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["curie"] = curie
    env.filters["lines"] = lines
    env.filters["number"] = number
    env.filters["antal"] = count
    env.filters["org_key"] = org_key
    env.filters["sdg"] = sdg_code
    # `label is placeholder(notation)`: a goal's short name that only stands in for its number ("Mål 2").
    env.tests["placeholder"] = lambda label, notation: is_placeholder(str(label or ""), str(notation or ""))
    env.globals["nav"] = NAV
    env.globals["sdg_citation"] = SDG_CITATION
    env.globals["mark_quotes"] = mark_quotes
    return env


def page(
    request: Request,
    template: str,
    *,
    status: int = 200,
    links: Sequence[tuple[str, str, str]] = (),
    vary: bool = False,
    **context: Any,
) -> HTMLResponse:
    """Render `template` with the shared context; `links` become Link headers and <link rel="alternate">."""
    site = Site(request.app.state.settings)
    html = (
        environment()
        .get_template(template)
        .render(
            site=site,
            alternates=links,
            current=request.url.path,
            page_url=site.settings.public_url.rstrip("/") + request.url.path,
            release=getattr(request.app.state, "release", None),
            **context,
        )
    )
    headers = {"Link": link_header(links)} if links else {}
    if vary:
        headers["Vary"] = "Accept"
    return HTMLResponse(html, status_code=status, headers=headers)


PAGE_FORMATS = (FORMATS["html"], JSON_VIEW)  # a page and its JSON view


def wants_json(request: Request, html_default: bool = True) -> bool:
    """Whether the client asked for a page's JSON view: `?format=json`, or (where `html_default` allows content
    negotiation, i.e. not on /doc/ documents, which negotiate RDF) an Accept header preferring JSON to HTML."""
    asked = request.query_params.get("format")
    if asked:
        return by_parameter(asked, PAGE_FORMATS) is JSON_VIEW
    if not html_default:
        return False
    chosen = negotiate(request.headers.get("accept"), (FORMATS["html"], JSON_VIEW), FORMATS["html"])
    return chosen is JSON_VIEW


def view(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    negotiate_json: bool = True,
    status: int = 200,
    links: Sequence[tuple[str, str, str]] = (),
    vary: bool = True,
    **extra: Any,
) -> Response:
    """A page from its view data: the template rendered with `data` (and `extra`, HTML-only helpers), or the
    same `data` as JSON when the client asks for the page's JSON view (see wants_json); a `format` parameter that
    names neither (`?format=csv`, a typo) gets the 406 listing both, as the RDF resources' pages do."""
    asked = request.query_params.get("format")
    if asked and by_parameter(asked, PAGE_FORMATS) is None:
        return not_acceptable(PAGE_FORMATS)
    if wants_json(request, negotiate_json):
        headers = {"Link": link_header(links)} if links else {}
        if vary:
            headers["Vary"] = "Accept"
        return JSONResponse(jsonable(data), status_code=status, headers=headers)
    return page(request, template, status=status, links=links, vary=vary, **data, **extra)


def serialized(graph: Graph, fmt: Format, base_iri: str = "") -> bytes:
    """`graph` in `fmt` (UTF-8) with the site's prefixes bound; canonical IRIs are kept as they are."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=False)
    if base_iri:
        graph.bind("km", base_iri + "def/kommunmal#", override=True)
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def rdf_response(
    graph: Graph,
    fmt: Format,
    *,
    links: Sequence[tuple[str, str, str]] = (),
    vary: bool = True,
    base_iri: str = "",
    body: bytes | None = None,
) -> Response:
    """`graph` serialised in `fmt` (`serialized`), or `body` when the caller has it already."""
    body = serialized(graph, fmt, base_iri) if body is None else body
    headers = {"Link": link_header(links)} if links else {}
    if vary:
        headers["Vary"] = "Accept"
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(body, media_type=media, headers=headers)


def mark_quotes(text: str, marks: Sequence[tuple[str, Any, str]], site: Site | None = None) -> Markup:
    """`text` escaped, with each (quote, action, title) found in it wrapped in <mark><a href>…</a></mark>; the
    link goes to `site.href(action)` when a site is given, else to `action` as it is."""
    spans: list[tuple[int, int, str, str]] = []
    for quote, target, title in marks:
        start = text.find(quote) if quote else -1
        if start >= 0:
            href = site.href(target) if site is not None else str(target)
            spans.append((start, start + len(quote), href, title))
    spans.sort()
    out: list[str] = []
    pos = 0
    for start, end, href, title in spans:
        if start < pos:
            continue  # overlaps a quote already marked; the action is still listed below the paragraph
        out.append(str(escape(text[pos:start])))
        link = f'<a href="{escape(href)}" title="{escape(title)}">{escape(text[start:end])}</a>'
        out.append(f'<mark class="commitment">{link}</mark>')
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def curie(iri: Any) -> str:
    iri = str(iri)
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[\w.\-]*", iri[len(ns) :]):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def lines(start: Any, end: Any) -> str:
    return f"rad {start}" if str(start) == str(end) else f"rad {start}–{end}"


def number(value: Any) -> str:
    """A decimal as Swedish text: 75000 -> "75 000", 0.5 -> "0,5"."""
    text = str(value.toPython() if isinstance(value, Literal) else value)
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + "\u202f".join(groups) + ("," + frac if frac else "")


def predicate_label(iri: URIRef, own: str | None, lang: str = "sv") -> str:
    """The label pages show for a predicate: its own label from the data, else ours, else its CURIE."""
    if own:
        return own
    sv_en = PREDICATE_LABELS.get(str(iri))
    return sv_en[0 if lang == "sv" else 1] if sv_en else curie(iri)


def html_format() -> Format:
    return FORMATS["html"]


DOCUMENT_FORMATS = (FORMATS["html"], *RDF_GRAPH_FORMATS)


def split_extension(path: str, formats: Sequence[Format] = DOCUMENT_FORMATS) -> tuple[str, Format | None]:
    """`goal/1.1.ttl` -> (`goal/1.1`, turtle); a path without a known extension comes back unchanged."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext:
        for f in formats:
            if f.extension == ext:
                return stem, f
    return path, None


def choose(
    request: Request,
    forced: Format | None,
    offered: Sequence[Format] = DOCUMENT_FORMATS,
    default: Format | None = None,
    *,
    json_view: bool = False,
) -> Format | None:
    """The format an extension forces, else the one a `format` parameter names (kommunmal.formats.by_parameter:
    `?format=json` is JSON-LD for RDF), else the one the Accept header prefers (None: answer 406, also for a
    `format` parameter naming nothing offered). With `json_view`, `?format=json` is left to the page's own JSON
    view (render.view) and chooses HTML here."""
    if forced is not None:
        return forced
    asked = request.query_params.get("format")
    if asked:
        if json_view and asked.strip().lower() == "json":
            return FORMATS["html"] if FORMATS["html"] in offered else None
        return by_parameter(asked, tuple(offered))
    return negotiate(request.headers.get("accept"), tuple(offered), default or offered[0])


def not_acceptable(offered: Sequence[Format] = DOCUMENT_FORMATS) -> Response:
    """406 naming what is offered, Swedish first: media types for Accept, names for `?format=`."""
    types = ", ".join(f.media_type for f in offered)
    names = ", ".join(f.name for f in offered)
    return Response(
        f"406 Inte godtagbart: resursen finns som {types} (Accept), eller med ?format= {names}.\n"
        f"406 Not Acceptable: this resource is available as {types} (Accept), or with ?format= {names}.\n",
        status_code=406,
        media_type="text/plain; charset=utf-8",
        headers={"Vary": "Accept"},
    )


CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def csv_response(text: str | bytes, filename: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """A CSV download (RFC 4180: comma-separated, CRLF or LF lines as the writer made them) in UTF-8 with a byte
    order mark, which Excel needs to read UTF-8 (without it, Swedish Excel shows å, ä, ö as two characters
    each); the header says charset=utf-8 as well. `text` is the CSV without BOM."""
    body = text.encode("utf-8") if isinstance(text, str) else text
    if not body.startswith(b"\xef\xbb\xbf"):
        body = b"\xef\xbb\xbf" + body
    out = dict(headers or {})
    if filename:
        out["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=CSV_MEDIA_TYPE, headers=out)
