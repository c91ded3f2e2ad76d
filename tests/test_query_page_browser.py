"""The query page in headless Chromium against a real server: the editor highlights and completes SPARQL, the
query lives in the address (a shared address reopens it, the back button returns to the previous query),
results show labels, and a syntax error is shown in Swedish with its line and column marked."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from browsing import SHOTS

pytestmark = [pytest.mark.browser, pytest.mark.server]

VOCAB = "https://w3id.org/kommunmal/def/kommunmal#"
GOALS = (
    f'PREFIX km: <{VOCAB}>\nSELECT ?goal WHERE {{ ?goal a km:Goal FILTER(CONTAINS(STR(?goal), "budget-2024")) }} '
    "ORDER BY ?goal"
)
SDGS = "PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>\nSELECT ?sdg WHERE { ?sdg a sdgo:Goal } ORDER BY ?sdg"


def replace_query(pg: object, text: str) -> None:
    content = pg.locator(".cm-content")  # type: ignore[attr-defined]
    content.click()
    pg.keyboard.press("Control+A")  # type: ignore[attr-defined]
    pg.keyboard.press("Delete")  # type: ignore[attr-defined]
    # insertText: typed as one input, so completion and bracket closing do not add to it.
    pg.keyboard.insert_text(text)  # type: ignore[attr-defined]


def query_in_url(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("query", [""])[0]


def test_editor_highlights_sparql(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    editor = pg.locator(".cm-editor")
    editor.wait_for()
    assert not pg.locator("textarea#query").is_visible(), "the editor takes the textarea's place"
    keyword = pg.locator(".cm-line span", has_text="SELECT").first
    variable = pg.locator(".cm-line span", has_text="?mål").first
    plain = pg.evaluate("() => getComputedStyle(document.querySelector('.cm-content')).color")
    assert keyword.evaluate("e => getComputedStyle(e).color") != plain, "keywords are coloured"
    assert variable.evaluate("e => getComputedStyle(e).color") != plain, "variables are coloured"
    pg.screenshot(path=str(SHOTS / "query-editor.png"), full_page=True)


def test_completion_offers_our_terms_and_declares_the_prefix(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    pg.locator(".cm-editor").wait_for()
    replace_query(pg, "SELECT * WHERE { ?s a ")
    pg.keyboard.type("skos:Conc")
    option = pg.locator(".cm-tooltip-autocomplete li", has_text="skos:Concept").first
    option.wait_for(timeout=5000)
    # CodeMirror ignores Enter for a moment after the list opens (its interactionDelay); a click is taken at once.
    option.click()
    pg.wait_for_function("() => document.querySelector('.cm-content').innerText.includes('skos:Concept')")
    text = pg.locator(".cm-content").inner_text()
    assert text.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"), text[:80]


def test_shared_address_reopens_the_query_and_back_returns(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql?query=" + quote(GOALS))  # type: ignore[attr-defined]
    pg.locator(".cm-editor").wait_for()
    assert pg.locator(".cm-content").inner_text().strip() == GOALS
    rows = pg.locator("#results table tbody tr")
    assert rows.count() == 8
    first = pg.locator("#results table tbody a").first
    assert first.inner_text() == "1.1 Ledning", "results show labels, not IRIs"
    assert first.get_attribute("title").endswith("/goal/1.1")
    pg.screenshot(path=str(SHOTS / "query-results.png"), full_page=True)

    replace_query(pg, SDGS)
    pg.locator("#run").click()
    pg.wait_for_function("() => document.querySelectorAll('#results table tbody tr').length === 17", timeout=15000)
    assert query_in_url(pg.url) == SDGS, "the query that ran is in the address"
    assert pg.locator("#results table tbody a").first.get_attribute("href").endswith("/sdg/1")
    assert pg.locator("#status").inner_text().startswith("17 rader")

    pg.go_back()
    pg.wait_for_function("() => document.querySelectorAll('#results table tbody tr').length === 8", timeout=15000)
    assert query_in_url(pg.url) == GOALS
    assert pg.locator(".cm-content").inner_text().strip() == GOALS


def test_syntax_error_in_swedish_with_line_and_column(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    pg.locator(".cm-editor").wait_for()
    replace_query(pg, "SELECT * WHERE {\n  ?s ?p\n}")
    pg.locator("#run").click()
    error = pg.locator("#results .error")
    error.wait_for(timeout=10000)
    text = error.inner_text()
    assert re.search(r"Syntaxfel på rad 3, kolumn \d+: ", text), text
    assert pg.locator(".cm-lintRange-error, .cm-lint-marker-error").count() >= 1, "the position is marked"
    pg.screenshot(path=str(SHOTS / "query-error.png"), full_page=True)


def test_the_keyboard_leaves_the_editor_as_its_help_says(page: object, server: str) -> None:
    """Tab indents inside the editor (CodeMirror's indentWithTab), so a keyboard user needs the way out: Esc, then
    Tab (WCAG 2.1.2, no keyboard trap); the help the editor is described by says so."""
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    content = pg.locator(".cm-content")
    help_id = content.get_attribute("aria-describedby")
    help_text = pg.locator(f"#{help_id}").inner_text()
    assert "Esc" in help_text and "Tab" in help_text, help_text
    content.click()
    pg.keyboard.press("Tab")
    assert pg.evaluate("() => document.activeElement.classList.contains('cm-content')"), "Tab indents in the editor"
    pg.keyboard.press("Escape")
    pg.keyboard.press("Tab")
    assert not pg.evaluate("() => document.activeElement.classList.contains('cm-content')"), "Esc, Tab leaves it"
