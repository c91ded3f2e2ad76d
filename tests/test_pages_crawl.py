"""A crawl of the whole site in process: every internal link answers, and every page reads as Swedish should
(no "1 andra mål", no SDG code with a leading zero).

Every page kind is fetched and read (up to PER_KIND pages of each, a kind being a path less its last segment);
beyond that, a link to a resource document is checked against the store (the /doc/ route answers 200 exactly
when the store describes the resource), which keeps the crawl to seconds."""

from __future__ import annotations

import re
import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from fastapi.testclient import TestClient

from kommunmal.analysis import LAYER_CHOICES
from kommunmal.config import Settings
from kommunmal.describe import exists
from kommunmal.iris import SDG
from kommunmal.store import Store
from kommunmal.web.render import split_extension
from kommunmal.web.routes.analysis import BY_EXTENSION

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Words that must not follow the number 1 (their singular differs).
PLURAL_AFTER_ONE = re.compile(
    r"(?<![\d,.\u202f])\b1 (andra|gemensamma|åtaganden|kopplingar|organisationer|indikatorer|överträdelser|"
    r"förbindelser|tripplar|globala mål och|ansvariga organ)\b"
)
SDG_ZERO = re.compile(r'class="notation">\d+\.0\d')
# Not followed: the query page runs what it is given; analysis exports and dumps are checked, not parsed.
PER_KIND = 5
NOT_PARSED = ("/sparql", "/analysis/", "/dumps/", "/static/", "/.well-known/", "/catalog")


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for k, v in attrs:
            if k in ("href", "src") and v and tag in ("a", "link", "img", "script"):
                self.hrefs.append(v)
            if k == "id" and v:
                self.ids.add(v)


def test_crawl_finds_no_broken_internal_link(client: TestClient, store: Store, settings: Settings) -> None:
    start = time.monotonic()
    queue: deque[tuple[str, str]] = deque([("/", "start")])
    seen: set[str] = {"/"}
    broken: list[tuple[str, int, str]] = []
    wording: list[tuple[str, str]] = []
    pages = 0
    timing: dict[str, float] = {}
    read: dict[str, int] = {}
    while queue:
        path, source = queue.popleft()
        if path.startswith("/sparql?"):
            continue  # a query link: the page exists (checked as /sparql); running it is the endpoint's test
        if path.startswith("/analysis/goal-graph."):
            # An export: valid when its format and layer exist (rendering all 30 is the analysis tests' job).
            name = urlsplit(path)
            layer = dict(p.split("=", 1) for p in name.query.split("&") if "=" in p).get("layer", "actions")
            if name.path.rsplit(".", 1)[-1] not in BY_EXTENSION or layer not in LAYER_CHOICES:
                broken.append((path, 404, source))
            continue
        kind = re.sub(r"/[^/?]+$", "/…", path.split("?")[0])
        read[kind] = read.get(kind, 0) + 1
        if path.startswith(("/doc/", "/sdg/")) and "?" not in path and read[kind] > PER_KIND:
            stem, _ = split_extension(path)
            base = settings.base_iri + "id/" if path.startswith("/doc/") else SDG
            if not any(exists(store, base + p[5:]) for p in (path, stem)):
                broken.append((path, 404, source))
            continue
        t0 = time.monotonic()
        r = client.get(path, headers={"accept": BROWSER})
        timing[kind] = timing.get(kind, 0.0) + time.monotonic() - t0
        if r.status_code != 200:
            broken.append((path, r.status_code, source))
            continue
        if not r.headers.get("content-type", "").startswith("text/html") or path.startswith(NOT_PARSED):
            continue
        pages += 1
        text = r.text
        for pattern in (PLURAL_AFTER_ONE, SDG_ZERO):
            hit = pattern.search(text.split("<main", 1)[-1].split("</main>", 1)[0])
            if hit:
                wording.append((path, hit.group(0)))
        parser = Hrefs()
        parser.feed(text)
        for href in parser.hrefs:
            url, fragment = urldefrag(urljoin("http://testserver" + path, href))
            parts = urlsplit(url)
            if parts.netloc != "testserver":
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if fragment and local == path and fragment not in parser.ids:
                broken.append((f"{path}#{fragment}", 0, "missing anchor"))
            if local not in seen:
                seen.add(local)
                queue.append((local, path))
    assert pages > 60 and len(seen) > 500, f"only {pages} pages read, {len(seen)} links seen"
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:8]}"
    assert not wording, wording[:8]
    slowest = sorted(timing.items(), key=lambda kv: -kv[1])[:8]
    print(f"crawled {pages} pages, {len(seen)} links in {time.monotonic() - start:.0f} s; slowest: {slowest}")
