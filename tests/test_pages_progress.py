"""A measurable target's page shows its target value, the latest outcome with year and source, and a trend chart
(server-rendered SVG) where outcomes exist, and says so plainly where none do."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kommunmal.progress import progress
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store

HTML = {"accept": "text/html"}
POPULATION = "id/ostersund/budget-2024/action/invanare-75000-ar-2040"


def test_target_with_outcomes_shows_latest_and_chart(client: TestClient, store: Store, settings) -> None:
    tracked = progress(StoreSource(store, settings.vocab), settings.base_iri + POPULATION)
    latest = tracked.latest
    assert latest is not None
    page = client.get("/doc/" + POPULATION.removeprefix("id/"), headers=HTML).text
    section = page[page.index('id="progress"') :]
    assert f"år {latest.year}" in section
    assert f'href="{latest.source}"' in section
    svg = re.search(r"<svg.*?</svg>", section, re.S)
    assert svg and "<title" in svg.group() and "<script" not in svg.group()
    view = client.get("/doc/" + POPULATION.removeprefix("id/"), params={"format": "json"}).json()
    assert view["progress"]["latest"]["year"] == latest.year and view["chart"].startswith("<svg")


def test_target_without_outcomes_says_so(client: TestClient, store: Store, settings) -> None:
    population = settings.base_iri + POPULATION
    rows = store.query(
        f"PREFIX km: <{settings.vocab}> SELECT ?t WHERE {{ ?t a km:Target FILTER(?t != <{population}>) }}"
    )
    target = next(iter(rows))["t"].value
    page = client.get("/doc/" + target.removeprefix(settings.base_iri + "id/"), headers=HTML).text
    assert "Inga utfall finns ännu" in page and "<svg" not in page[page.index('id="progress"') :].split("</div>")[0]
