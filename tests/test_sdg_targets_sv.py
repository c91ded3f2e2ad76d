"""Swedish texts of UN SDG targets (data/reference/sdg-targets-sv.ttl): each has its source page and publisher, and
the target pages and goal pages show it with its source beside the English KOS text."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kommunmal/"
KM = Namespace(BASE + "def/kommunmal#")
DCT = Namespace("http://purl.org/dc/terms/")
SKOSXL = Namespace("http://www.w3.org/2008/05/skos-xl#")
SDG = "http://metadata.un.org/sdg/"
BROWSER = "text/html,application/xhtml+xml"
SCB_PAGES = r"https://(www\.)?scb\.se/hitta-statistik/temaomraden/agenda-2030/"


def _targets() -> Graph:
    g = Graph()
    g.parse(ROOT / "data" / "reference" / "sdg-targets-sv.ttl", format="turtle", publicID=BASE)
    return g


def _kos() -> Graph:
    g = Graph()
    g.parse(ROOT / "data" / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl", format="turtle")
    return g


def test_every_swedish_target_text_has_source_publisher_and_status() -> None:
    g = _targets()
    kos = _kos()
    texts = {s: o for s, o in g.subject_objects(SKOS.prefLabel) if o.language == "sv"}
    header = (ROOT / "data" / "reference" / "sdg-targets-sv.ttl").read_text(encoding="utf-8").split("@prefix")[0]
    coverage = re.search(r"Coverage: (\d+) of the 169 targets \(([^)]*)\)", " ".join(header.replace("#", " ").split()))
    listed = {c.strip() for c in coverage.group(2).split(",")}
    assert {str(s)[len(SDG) :] for s in texts} == listed and int(coverage.group(1)) == len(listed)
    for target, text in texts.items():
        assert (target, SKOS.broader, None) in kos, f"{target} is not a target of the UN KOS"
        xl = g.value(target, SKOSXL.prefLabel)
        assert g.value(xl, SKOSXL.literalForm) == text
        sources = [str(s) for s in g.objects(xl, DCT.source)]
        assert len(sources) == 1 and re.match(SCB_PAGES, sources[0])
        code = str(target)[len(SDG) :]
        goal = code.split(".")[0]
        assert f"/mal-{goal}/" in sources[0], f"{code}: source page is not under goal {goal}"
        assert str(g.value(xl, DCT.publisher)) == "Statistiska centralbyrån (SCB)"
        assert g.value(xl, KM.verificationStatus) == KM.verified
        assert {n.language for n in g.objects(xl, SKOS.editorialNote)} == {"sv", "en"}


def test_target_page_shows_swedish_text_its_source_and_the_english(client: TestClient) -> None:
    g = _targets()
    target = URIRef(SDG + "4.1")
    sv = str(g.value(target, SKOS.prefLabel))
    source = str(g.value(g.value(target, SKOSXL.prefLabel), DCT.source))
    html = client.get("/sdg/4.1", headers={"accept": BROWSER}).text
    assert sv in html
    assert f'<a href="{source}">Statistiska centralbyrån (SCB)</a>' in html
    assert '<p class="lead" lang="en">By 2030, ensure that all girls and boys complete free' in html


def test_target_without_swedish_text_says_so(client: TestClient) -> None:
    html = client.get("/sdg/13.2", headers={"accept": BROWSER}).text
    assert "ingen svensk text från en officiell källa" in html
    assert "Svensk text:" not in html


def test_goal_page_lists_swedish_text_beside_english(client: TestClient) -> None:
    html = client.get("/sdg/3", headers={"accept": BROWSER}).text
    sv = str(_targets().value(URIRef(SDG + "3.4"), SKOS.prefLabel))
    item = re.search(r'<a href="/sdg/3\.4">.*?</li>', html, re.S)
    assert item is not None
    assert f'<span lang="sv">{sv}</span>' in item.group(0)
    assert 'lang="en">By 2030, reduce by one third premature mortality' in item.group(0)
