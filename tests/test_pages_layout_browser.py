"""What the layout shows a reader in headless Chromium against a real server: counts and short words are never
broken inside (the site lets long IRIs wrap anywhere, which must not split "20" into "2" over "0" or a table's
heading into one letter per line), and on a phone a table shown as cards names no field it has no value for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browsing import SHOTS
from live_server import running_server

from kommunmal.config import Settings
from kommunmal.release import Release

pytestmark = [pytest.mark.browser, pytest.mark.server]

# For each element matched: its text and the number of lines the text is laid out on.
LINES_JS = """
(els) => els.filter(e => e.offsetParent !== null && e.textContent.trim()).map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [e.textContent.trim(), tops.size];
})
"""


# For each word of the text in the elements matched: the words laid out on more than one line (not counting
# words with a hyphen, dash or slash, which may break there, nor the hidden text of a closed <details>).
SPLIT_WORDS_JS = """
(els) => { const out = [];
  for (const el of els) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const closed = n.parentElement.closest("details:not([open])");
      if (closed && !n.parentElement.closest("summary")) continue;  // not shown
      const re = /[^\\s\\-\u2013\\/]{2,}/g; let m;
      while ((m = re.exec(n.data))) {
        const r = document.createRange(); r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def many_server(many: tuple[Settings, Release], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server for the release of three goal documents (two municipalities): rows in /jamfor/mal."""
    settings, _release = many
    with running_server(Path(settings.release_dir), tmp_path_factory.mktemp("many-server")) as live:
        yield live.url


def lines(pg: object, selector: str) -> list[tuple[str, int]]:
    return [tuple(x) for x in pg.locator(selector).evaluate_all(LINES_JS)]  # type: ignore[attr-defined]


def test_search_facet_counts_stay_on_one_line(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "search?q=trygghet")  # type: ignore[attr-defined]
    counts = lines(pg, ".facets .count")
    assert any(len(text) > 1 for text, _ in counts), "the test needs a count of two digits"
    broken = [text for text, n in counts if n > 1]
    pg.screenshot(path=str(SHOTS / "search-facets.png"), full_page=True)
    assert not broken, f"facet counts broken over lines: {broken}"


@pytest.mark.parametrize("path", ["jamfor/globala-mal", "jamfor/globala-mal?niva=delmal"])
def test_the_comparison_matrix_on_a_phone_breaks_no_word(browser: object, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.goto(server + path)
    cells = lines(pg, "main table th, main table td")
    # One word per cell may not be split: a heading, a number, or a word of a document's name.
    broken = [text for text, n in cells if n > len(text.split())]
    pg.screenshot(path=str(SHOTS / f"compare-sdg-390{'-targets' if 'delmal' in path else ''}.png"), full_page=True)
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert not broken, f"words split over lines: {broken[:8]}"
    assert overflow <= 0, "the page scrolls sideways (the table should scroll in its box instead)"


@pytest.mark.parametrize(
    "path", ["doc/ostersund/budget-2024/goal/1.4", "organisationer", "sdg/11.2?dokument=ostersund/2024", "graph"]
)
def test_cards_on_a_phone_name_only_fields_with_a_value(browser: object, server: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.goto(server + path)
    labelled = pg.locator("table.cards td[data-label]")
    assert labelled.count() > 0
    empty = labelled.evaluate_all(
        "els => els.filter(e => e.offsetParent !== null && !e.textContent.trim()).map(e => e.dataset.label)"
    )
    pg.screenshot(path=str(SHOTS / f"cards-390-{path.replace('/', '-')}.png"), full_page=True)
    context.close()
    assert not empty, f"labels shown without a value: {sorted(set(empty))}"


def split_words(browser: object, url: str, width: int, cells: str, shot: str) -> tuple[list, int]:
    """(words split over lines in the `cells` of the page at `url`, how far the page scrolls sideways), at `width`
    px; a screenshot is kept as `shot`."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="sv-SE")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.goto(url)
    assert pg.locator(cells).count() > 0
    split = pg.locator(cells).evaluate_all(SPLIT_WORDS_JS)
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    pg.screenshot(path=str(SHOTS / shot), full_page=True)
    context.close()
    return split, overflow


@pytest.mark.parametrize("width", [1280, 390])
def test_similar_goals_table_breaks_no_word(browser: object, many_server: str, width: int) -> None:
    url = many_server + "jamfor/mal?dokument=ostersund/2024"
    split, _ = split_words(browser, url, width, "main table tbody td", f"similar-goals-{width}.png")
    assert not split, f"words split over lines: {split[:8]}"


@pytest.mark.parametrize("width", [1280, 390])
def test_year_comparison_table_breaks_no_word(browser: object, server: str, width: int) -> None:
    """The goals' numbers and names in /jamfor ("Mål 1", "1.5 Infrastruktur") and the years heading the columns."""
    url = server + "jamfor?from=ostersund/2023&to=ostersund/2024"
    cells = "main table.compact th, main table.compact td, main table.compare th, main table.compare td"
    split, overflow = split_words(browser, url, width, cells, f"compare-years-{width}.png")
    assert not split, f"words split over lines: {split[:8]}"
    assert overflow <= 0
