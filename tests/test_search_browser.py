"""The search journey in headless Chromium against a real server: type in the header's box, pick a suggestion
with the keyboard, land on its page; and the result page with facets (screenshots in test-artifacts/)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from browsing import SHOTS
from test_pages_browser import CONTRAST_JS

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_type_pick_a_suggestion_and_land_on_its_page(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sdg")  # type: ignore[attr-defined]
    box = pg.get_by_role("combobox", name="Sök")
    box.click()
    box.press_sequentially("äldreoms", delay=30)
    options = pg.locator("#site-search-list [role=option]")
    options.first.wait_for(timeout=10000)
    assert box.get_attribute("aria-expanded") == "true"
    texts = options.all_inner_texts()
    assert any("äldreomsorg" in t.lower() for t in texts), texts
    pg.screenshot(path=str(SHOTS / "search-suggestions.png"))
    # The keyboard picks the second suggestion.
    box.press("ArrowDown")
    box.press("ArrowDown")
    assert options.nth(1).get_attribute("aria-selected") == "true"
    href = options.nth(1).locator("a").get_attribute("href")
    box.press("Enter")
    pg.wait_for_url(lambda url: unquote(url).endswith(unquote(href)), timeout=10000)
    assert pg.locator("h1").count() == 1
    assert pg.locator("main").inner_text().strip()


def test_the_header_form_without_suggestions_opens_the_result_page(page: object, server: str) -> None:
    pg = page
    pg.goto(server)  # type: ignore[attr-defined]
    box = pg.get_by_role("combobox", name="Sök")
    box.fill("kultur")
    pg.locator(".site-search button").click()
    pg.wait_for_load_state()
    assert "/search?q=kultur" in pg.url
    heading = pg.locator("#results-heading").inner_text()
    total = int(pg.locator("#results-heading").get_attribute("data-total"))
    assert heading.startswith(f"{total} träff"), heading
    assert pg.locator("li.hit mark").count() >= 1, "the matching words are marked"
    pg.screenshot(path=str(SHOTS / "search-kultur.png"), full_page=True)
    assert pg.locator("h1").count() == 1 and pg.locator("html").get_attribute("lang") == "sv"
    for selector in (".hit-goal", ".passage", ".passage mark", ".facets .count", ".facets a", ".badge.kind"):
        ratio = pg.locator(selector).first.evaluate(CONTRAST_JS)
        assert ratio >= 4.5, f"contrast {ratio:.2f} < 4.5 for {selector}"
    # A facet narrows the hits; the page's own link does it, so it works without JavaScript too.
    facet = pg.locator("[data-facet=kind] a[data-value=action]")
    expected = int(facet.locator("xpath=..").locator(".count").inner_text())
    facet.click()
    pg.wait_for_load_state()
    assert int(pg.locator("#results-heading").get_attribute("data-total")) == expected
    assert set(pg.locator("li.hit .badge.kind").all_inner_texts()) == {"åtagande"}
