"""The SPARQL query page (HTML at /sparql for browsers): examples, the editor's completion data, results with
labels instead of bare IRIs, and the endpoint's errors in Swedish with line and column.

kommunmal.web.routes.sparql runs the query and calls `render`; `POST /sparql/labels` gives the page's script the
same labels for results it fetched itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from kommunmal.config import Settings
from kommunmal.resources import package_file
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.render import PREFIXES, Site, curie, environment

router = APIRouter()

MAX_LABELS = 2000
LABEL_CHARS = 90


def _examples() -> tuple[tuple[str, str], ...]:
    """The query page's examples: queries/examples/*.rq in name order, the first comment line their title; the
    text carries `{vocab}` for the deployment's vocabulary namespace (str.format)."""
    found = []
    for path in sorted(package_file("queries", "examples").glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        title = lines[0].lstrip("# ").strip()
        body = "\n".join(line for line in lines if not line.startswith("#")).strip()
        found.append(
            (
                title,
                "PREFIX km: <{vocab}>\n" + body.replace("{", "{{").replace("}", "}}").replace("{{vocab}}", "{vocab}"),
            )
        )
    return tuple(found)


EXAMPLES: tuple[tuple[str, str], ...] = _examples()

FORMAT_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "Tabell (HTML)"),
    ("srj", "SPARQL JSON"),
    ("srx", "SPARQL XML"),
    ("csv", "CSV"),
    ("tsv", "TSV"),
    ("turtle", "Turtle (CONSTRUCT/DESCRIBE)"),
    ("ntriples", "N-Triples (CONSTRUCT/DESCRIBE)"),
    ("rdfxml", "RDF/XML (CONSTRUCT/DESCRIBE)"),
    ("jsonld", "JSON-LD (CONSTRUCT/DESCRIBE)"),
)

# The endpoint's own wording (kommunmal.query_errors): a Swedish line, then an English one.
_READABLE = re.compile(r"^Syntaxfel på rad (\d+), kolumn (\d+): ")
# The parser's (Oxigraph's) wording, as a remote store may pass it on: "error at 3:2: expected OPTIONAL".
_POSITION = re.compile(r"(?:error )?at (\d+):(\d+)(?:\s*-\s*\d+:\d+)?:?\s*(.*)", re.DOTALL)
_PHRASES = (
    (re.compile(r"^expected one of (.+)$", re.DOTALL), "parsern väntade sig något av {0}"),
    (re.compile(r"^expected (.+)$", re.DOTALL), "parsern väntade sig {0}"),
    (re.compile(r"^unexpected end of input$"), "frågan tar slut för tidigt"),
    (re.compile(r"^(?:The prefix|Prefix) (\S+) (?:is )?not (?:declared|found)\.?$", re.I), "{0} är inte deklarerat"),
)


@dataclass(frozen=True)
class QueryProblem:
    """An error answer of the endpoint as the page shows it: Swedish `message`, the 1-based `line` and `column`
    the parser names (or None), and the endpoint's own text in `detail`."""

    message: str
    line: int | None
    column: int | None
    detail: str


def problem(status: int | None, text: str) -> QueryProblem:
    """The Swedish message for an endpoint error (`status`, its plain-text body); without a status it is
    told from the text."""
    text = text.strip()
    readable = _READABLE.match(text)
    if readable:
        line, column = int(readable.group(1)), int(readable.group(2))
        return QueryProblem(text.split("\n", 1)[0], line, column, text)
    match = _POSITION.search(text)
    if status is None:
        timed_out = "longer than the limit" in text or "worker" in text or "no worker" in text
        status = 503 if timed_out else 400
    if status == 400 and match:
        line, column, rest = int(match.group(1)), int(match.group(2)), match.group(3).strip()
        said = rest
        for pattern, swedish in _PHRASES:
            found = pattern.match(rest)
            if found:
                said = swedish.format(*found.groups())
                break
        return QueryProblem(f"Syntaxfel på rad {line}, kolumn {column}: {said}.", line, column, text)
    if status == 400 and "SERVICE" in text:
        return QueryProblem("Frågan avvisades: SERVICE (federerade frågor) är inte tillåtet här.", None, None, text)
    if status in (400, 403) and ("update" in text.lower() or "read-only" in text):
        return QueryProblem(
            "Frågan avvisades: ändpunkten är skrivskyddad och tar bara emot frågor, inte uppdateringar.",
            None,
            None,
            text,
        )
    if status == 503:
        return QueryProblem(
            "Frågan hann inte bli klar inom tidsgränsen, eller servern är upptagen. Förenkla frågan eller försök igen.",
            None,
            None,
            text,
        )
    if status == 400:
        return QueryProblem("Frågan kunde inte tolkas.", None, None, text)
    return QueryProblem(f"Frågan kunde inte besvaras (fel {status}).", None, None, text)


@dataclass(frozen=True)
class Labelled:
    """How a result IRI is shown: `text` (a label, a prefixed name or the IRI), `href` (the page here, or the
    IRI), and the full `iri` for the title attribute."""

    text: str
    href: str
    iri: str


class Labels:
    """Swedish labels (else English, else any) of every labelled resource in a release's store (labels.rq),
    after its notation when it has a plain one ("1.1 Ledning"); read once per release."""

    def __init__(self, store: Store, vocab: str) -> None:
        rank: dict[str, int] = {}
        self.names: dict[str, str] = {}
        order = {"sv": 0, "": 1, "en": 2}
        for row in StoreSource(store, vocab).select("labels"):
            iri, text, lang = row["resource"], row["label"], row.get("lang", "")
            if row.get("notation") and not text.startswith(row["notation"]):
                text = f"{row['notation']} {text}"
            r = order.get(lang.split("-")[0], 3)
            if iri not in rank or r < rank[iri]:
                rank[iri], self.names[iri] = r, text

    def show(self, site: Site, iri: str) -> Labelled:
        label = self.names.get(iri)
        if label and len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1].rstrip() + "…"
        return Labelled(label or short_name(site, iri), href(site, iri), iri)


def href(site: Site, iri: str) -> str:
    """Where a result IRI links: our things at their /id/ address here (which leads on to the page), our
    vocabulary's terms to the vocabulary page, UN goals to their /sdg/ page, other IRIs as they are."""
    if site.iris.is_local(iri) and not iri.startswith(site.iris.vocab):
        return site.path(iri)
    return site.href(iri)


def short_name(site: Site, iri: str) -> str:
    """A prefixed name for an unlabelled IRI: km: for our vocabulary, the common prefixes, the path under /id/
    for our own things; otherwise the IRI."""
    if iri.startswith(site.iris.vocab):
        return "km:" + iri[len(site.iris.vocab) :]
    shortened = curie(iri)
    if shortened != iri:
        return shortened
    if iri.startswith(site.iris.base + "id/"):
        return iri[len(site.iris.base + "id/") :]
    return iri


@cache
def _labels(release_id: str, store_path: str, vocab: str) -> Labels:
    return Labels(Store(store_path), vocab)


def labels_for(settings: Settings, release: Any) -> Labels:
    return _labels(release.id, str(release.store_path), settings.vocab)


@cache
def _terms(release_id: str, store_path: str, vocab: str) -> str:
    """The editor's completion data as JSON: {"prefixes": {name: namespace}, "terms": [{curie, kind, label}]}."""
    prefixes = {"km": vocab, **PREFIXES}
    labels = _labels(release_id, store_path, vocab)
    terms: dict[str, dict[str, str]] = {}
    for row in StoreSource(Store(store_path), vocab).select("query_page_terms"):
        iri = row["term"]
        name = "km:" + iri[len(vocab) :] if iri.startswith(vocab) else curie(iri)
        if name == iri or not re.fullmatch(r"[\w-]+:[\w.-]*", name):
            continue
        kind = "class" if row["kind"] == "class" else "property"
        if name not in terms or kind == "class":
            terms[name] = {"curie": name, "kind": kind, "label": labels.names.get(iri, "")}
    data = {"prefixes": prefixes, "terms": sorted(terms.values(), key=lambda t: t["curie"])}
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def render(
    settings: Settings, release: Any, query: str, answer: dict | None = None, status: int | None = None
) -> bytes:
    """The query page for `query` (empty: the first example) with `answer` rendered: {"vars", "rows"} of SPARQL
    JSON terms, {"boolean"}, {"text"} or {"error"} (the endpoint's text; `status` its HTTP status)."""
    vocab = settings.vocab
    examples = [(title, text.format(vocab=vocab)) for title, text in EXAMPLES]
    site = Site(settings)
    error = problem(status or answer.get("status"), answer["error"]) if answer and "error" in answer else None
    if answer and "rows" in answer:
        labels = labels_for(settings, release)
        answer = {
            **answer,
            "rows": [[_cell(site, labels, term) for term in row] for row in answer["rows"]],
        }
    html = (
        environment()
        .get_template("sparql.html")
        .render(
            site=site,
            alternates=[(site.url("sparql"), "text/turtle", "Tjänstebeskrivning (Turtle)")],
            current=site.url("sparql"),
            release=release,
            query=query or examples[0][1],
            answer=answer,
            error=error,
            examples=examples,
            formats=FORMAT_CHOICES,
            endpoint=settings.public_url + "sparql",
            timeout=settings.sparql_timeout_s,
            max_rows=settings.sparql_max_rows,
            # Inside <script>: no "<" may close the element early.
            examples_json=json.dumps([text for _, text in examples], ensure_ascii=False).replace("<", "\\u003c"),
            editor_json=_terms(release.id, str(release.store_path), vocab),
            quote=quote,
        )
    )
    return html.encode()


def _cell(site: Site, labels: Labels, term: dict | None) -> dict | None:
    if term and term.get("type") == "uri":
        shown = labels.show(site, term["value"])
        return {**term, "text": shown.text, "href": shown.href}
    return term


@router.post("/sparql/labels", include_in_schema=False)
async def labels(request: Request) -> Response:
    """{"iris": [...]} → {iri: {"text", "href"}}: how the query page shows result IRIs (at most MAX_LABELS)."""
    try:
        body = await request.json()
        iris = [str(i) for i in body.get("iris", [])][:MAX_LABELS]
    except (ValueError, AttributeError):
        return JSONResponse({"error": 'send JSON {"iris": ["…"]}'}, status_code=400)
    site = Site(request.app.state.settings)
    found = labels_for(request.app.state.settings, request.app.state.release)
    return JSONResponse({iri: {"text": s.text, "href": s.href} for iri in iris for s in (found.show(site, iri),)})
