"""The pages in a real browser: headless Chromium (Playwright) against a real uvicorn server.

Follows the paths a person takes (home → goal → action, the query page, the action index with filters, the goal
graph and its layers), saves screenshots to test-artifacts/screenshots/, and checks every page kind at 1280 and
390 px: axe-core (tests/vendor/axe.min.js) finds no violation, nothing scrolls sideways on a phone, and
language, landmarks, alt texts, contrast and keyboard use hold.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from browsing import SHOTS

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WIDTHS = (1280, 390)
PAGES = [
    ("home", "/"),
    ("document", "/doc/ostersund/budget-2024/document"),
    ("actions", "/atgarder?mal=1.4"),
    ("organisations", "/organisationer"),
    ("statement", "/doc/ostersund/budget-2024/statement/helhetstank-och-samsyn--1.1"),
    ("goal", "/doc/ostersund/budget-2024/goal/1.4"),
    ("action", "/doc/ostersund/budget-2024/action/invanare-75000-ar-2040"),
    ("organisation", "/doc/ostersund/org/kommunstyrelsen"),
    ("municipality", "/doc/ostersund"),
    ("paragraph", "/doc/ostersund/budget-2024/paragraph/1.1-4"),
    ("sdg-overview", "/sdg"),
    ("sdg-goal", "/sdg/11"),
    ("sdg-target", "/sdg/11.2"),
    ("vocabulary", "/def/kommunmal"),
    ("graph", "/graph"),
    ("catalog", "/catalog"),
    ("dumps", "/dumps/"),
    ("not-found", "/id/ostersund/budget-2024/goal/9.9"),
    ("compare", "/jamfor?from=ostersund/2023&to=ostersund/2024"),
    ("change-vocabulary", "/def/changes"),
    ("unknown-path", "/finns-inte"),
]

pytestmark = [pytest.mark.browser, pytest.mark.server]

# WCAG 2.x relative luminance and contrast ratio of two computed CSS colours "rgb(r, g, b)".
CONTRAST_JS = """
(el) => {
  function rgb(s) {
    const m = s.match(/[\\d.]+/g).map(Number);
    return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1};
  }
  function lin(c) { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }
  function lum(c) { return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b); }
  function background(node) {
    for (; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.a > 0) return c;
    }
    return {r: 255, g: 255, b: 255, a: 1};
  }
  const fg = rgb(getComputedStyle(el).color), bg = background(el);
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}
"""


def shoot(pg: object, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_home_to_goal_to_action(page: object, server: str) -> None:
    pg = page
    pg.goto(server)  # type: ignore[attr-defined]
    # Several goal documents: the home page lists them; the 2024 budget opens on its goals.
    pg.get_by_role("link", name="Budget 2024 – Kommunövergripande mål").click()
    pg.wait_for_load_state()
    assert pg.locator("h1").first.inner_text().startswith("Budget 2024")
    groups = pg.locator("section.group h2").all_inner_texts()
    assert len(groups) == 2 and groups[0].startswith("Genomgripande") and groups[1].startswith("Fokus")
    assert [pg.locator("section.group").nth(i).locator(".goal-card").count() for i in range(2)] == [3, 5]
    shoot(pg, "home")

    pg.get_by_role("link", name="1.4 Näringsliv och tillväxt").click()
    pg.wait_for_load_state()
    assert pg.url.endswith("/doc/ostersund/budget-2024/goal/1.4")
    assert "Näringsliv och tillväxt" in pg.locator("h1").inner_text()
    marks = pg.locator(".paragraph mark a")
    assert marks.count() >= 5, "the actions' quotes are marked in the political text"
    assert pg.locator("#shared-heading + ul.shared li").count() >= 1
    shoot(pg, "goal-1.4")

    href = marks.first.get_attribute("href")
    marks.first.click()
    pg.wait_for_load_state()
    assert pg.url.endswith(href)
    assert pg.locator("#goals-heading").is_visible()
    assert pg.locator("ul.evidence q").count() >= 1
    shoot(pg, "action")


def test_query_page_runs_an_example(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    pg.locator("[data-example]").first.click()
    pg.locator("#run").click()
    table = pg.locator("#results table")
    table.wait_for(timeout=15000)
    assert table.locator("tbody tr").count() >= 1
    assert table.locator("thead th").count() >= 1
    shoot(pg, "sparql")
    # IRIs in the answer lead to this server's pages, not to the deployment's base IRI.
    first = table.locator("tbody a").first
    href = first.get_attribute("href")
    assert href.startswith("/id/"), href
    first.click()
    pg.wait_for_load_state()
    assert pg.url.startswith(server + "doc/")
    assert pg.locator("h1").count() == 1


def test_graph_layer_switch(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "graph")  # type: ignore[attr-defined]
    layers = pg.locator("nav.layers a")
    assert layers.count() == 6 and "related" in layers.evaluate_all("ls => ls.map(l => l.dataset.layer)")
    assert pg.locator("nav.layers a[aria-current]").get_attribute("data-layer") == "actions"
    nodes = pg.locator("figure.graph-view svg a.node")
    assert nodes.count() == 8
    assert all(
        "/doc/ostersund/budget-2024/goal/" in h for h in nodes.evaluate_all("ns => ns.map(n => n.getAttribute('href'))")
    )
    actions_edges = pg.locator("figure.graph-view line").count()
    pg.locator("nav.layers a[data-layer=sdg]").click()
    pg.wait_for_load_state()
    assert "lager=sdg" in pg.url
    assert pg.locator("nav.layers a[aria-current]").get_attribute("data-layer") == "sdg"
    assert pg.locator("figure.graph-view line").count() != actions_edges, "another layer, other edges"
    assert pg.locator("#pairs-heading").inner_text() == "Mål som delar FN-delmål"
    assert pg.locator("dl.measures dt").all_inner_texts() == [
        "Viktad grad",
        "Mellanhet",
        "Egenvektorcentralitet",
        "Grupper",
    ]
    shoot(pg, "graph-sdg")
    pg.locator("figure.graph-view svg a.node circle").first.click()
    pg.wait_for_load_state()
    assert "/doc/ostersund/budget-2024/goal/" in pg.url


def test_graph_on_a_phone(browser: object, server: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE", has_touch=True)  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.goto(server + "graph?lager=all")
    svg = pg.locator("figure.graph-view svg").bounding_box()
    assert svg["width"] <= 390 and svg["height"] > 200, "the picture fits the screen"
    first = pg.locator("figure.graph-view svg a.node circle").first.bounding_box()
    assert first["width"] >= 20, "a goal is big enough to tap"
    shoot(pg, "graph-390")
    with pg.expect_navigation():
        pg.locator("figure.graph-view svg a.node circle").first.tap()
    assert "/goal/" in pg.url
    context.close()


def test_action_index_filtered_by_goal_and_body(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "atgarder")  # type: ignore[attr-defined]
    everything = pg.locator("li.action-item").count()
    assert everything > 100
    pg.select_option("#f-mal", "1.4")
    pg.select_option("#f-organ", "kommunstyrelsen")
    pg.locator("form.filters button[type=submit]").click()
    pg.wait_for_load_state()
    assert "mal=1.4" in pg.url and "organ=kommunstyrelsen" in pg.url
    items = pg.locator("li.action-item")
    assert 0 < items.count() < everything
    for i in range(items.count()):
        assert "mål 1.4" in items.nth(i).locator(".meta").inner_text()
        assert "Kommunstyrelsen" in items.nth(i).inner_text()
    shown = items.count()
    shoot(pg, "actions-filtered")
    pg.goto(pg.url)  # the address is shareable: the same list again
    assert pg.locator("li.action-item").count() == shown
    csv = httpx.get(pg.locator("main a[type='text/csv']").evaluate("a => a.href"))
    assert csv.status_code == 200 and len(csv.text.strip().splitlines()) == shown + 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[n for n, _ in PAGES])
def test_axe_and_width(name: str, path: str, width: int, browser: object, server: str) -> None:
    """axe-core finds no violation (WCAG 2.x A/AA and best practices), and at phone width the document is no
    wider than the screen."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")  # type: ignore[attr-defined]
    pg = context.new_page()
    response = pg.goto(server + path.lstrip("/"), wait_until="load")
    assert response.status == (404 if name in ("not-found", "unknown-path") else 200)
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]]
    assert not violations, violations
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow} px at {width} px"
    if width < 1000:
        shoot(pg, f"page-{name}-{width}")
    context.close()


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[n for n, _ in PAGES])
def test_accessibility(name: str, path: str, page: object, server: str) -> None:
    pg = page
    response = pg.goto(server + path.lstrip("/"), wait_until="load")  # type: ignore[attr-defined]
    assert response.status == (404 if name in ("not-found", "unknown-path") else 200)
    shoot(pg, f"page-{name}")
    assert pg.locator("html").get_attribute("lang") == "sv"
    for landmark in ("header", "nav", "main", "footer"):
        assert pg.locator(landmark).count() >= 1, f"no <{landmark}>"
    assert pg.locator("h1").count() == 1
    for img in pg.locator("img").all():
        assert (img.get_attribute("alt") or "").strip(), "every image has alt text"
    texts = pg.locator("main p, main td, main li, main dd, footer p").all()[:40]
    for el in [*texts, pg.locator("nav a").first, pg.locator("main a").first]:
        if el.count() and el.is_visible():
            ratio = el.evaluate(CONTRAST_JS)
            assert ratio >= 4.5, f"contrast {ratio:.2f} < 4.5 for {el.evaluate('e => e.outerHTML.slice(0, 80)')}"
    pg.keyboard.press("Tab")
    focused = pg.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
    assert focused == ["skip", "#main"], "the first Tab stop is the skip link"
    pg.keyboard.press("Tab")
    first_nav = pg.locator("nav a").first.get_attribute("href")
    assert pg.evaluate("() => document.activeElement.getAttribute('href')") == first_nav, (
        "the second Tab stop is the first navigation link"
    )
    pg.keyboard.press("Shift+Tab")
    pg.keyboard.press("Enter")
    assert pg.evaluate("() => document.activeElement.id") == "main", "the skip link moves focus to main"
