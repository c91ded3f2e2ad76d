"""The layout parser: the shipped Östersund OCR source against the curated data, and one fixture per layout kind
(tests/fixtures/ingest/, written for these tests)."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from rdflib import Graph, Namespace

from kommunmal.errors import KommunmalError, SourceError
from kommunmal.ingest.layout import NoGoalSection, parse_document
from kommunmal.ingest.model import ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
CURATED = ROOT / "data" / "ostersund" / "2024"
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
BASE = "https://kommunmal.test/"
KM = Namespace(BASE + "def/kommunmal#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture(scope="module")
def ostersund() -> ParsedDocument:
    return parse_document(CURATED / "source.txt")


@pytest.fixture(scope="module")
def curated() -> Graph:
    graph = Graph()
    for path in [CURATED / "goals.ttl", *sorted((CURATED / "texts").glob("*.ttl"))]:
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


def _curated_goals(graph: Graph) -> dict[str, tuple[str, str]]:
    goals = {}
    for goal, notation in graph.subject_objects(SKOS.notation):
        if (goal, KM.statement, None) in graph:
            label = next(str(x) for x in graph.objects(goal, SKOS.prefLabel) if x.language == "sv")
            goals[str(notation)] = (label, str(graph.value(goal, KM.statement)))
    return goals


def _curated_paragraphs(graph: Graph, notation: str) -> list[tuple[int, int, str]]:
    rows = []
    for para in graph.subjects(KM.position, None):
        if str(para).rsplit("/", 1)[-1].split("-")[0] != notation:
            continue
        span = graph.value(para, KM.sourceSpan)
        rows.append((int(graph.value(para, KM.position)), span, str(graph.value(para, KM.text))))
    rows.sort()
    return [(int(graph.value(s, KM.startLine)), int(graph.value(s, KM.endLine)), t) for _, s, t in rows]


def test_ostersund_gives_eight_goals_with_notation_and_short_name(ostersund, curated) -> None:
    expected = _curated_goals(curated)
    assert len(expected) == 8
    assert [g.notation for g in ostersund.goals] == sorted(expected)
    assert {g.notation: g.short_name for g in ostersund.goals} == {n: v[0] for n, v in expected.items()}
    assert ostersund.layout == "numbered-with-text"
    assert ostersund.stripped


def test_ostersund_statements_match_the_curated_wording(ostersund, curated) -> None:
    expected = _curated_goals(curated)
    assert {g.notation: g.statement.text for g in ostersund.goals} == {n: v[1] for n, v in expected.items()}
    # 1.3's heading is cut off in the source: its statement comes from the summary list
    goal = next(g for g in ostersund.goals if g.notation == "1.3")
    assert goal.summary_span is not None and goal.summary_span.start == 16


def test_ostersund_groups_follow_the_summary_list(ostersund) -> None:
    assert list(ostersund.groups.values()) == [["1.1", "1.2", "1.3"], ["1.4", "1.5", "1.6", "1.7", "1.8"]]
    assert all(label.endswith(("verksamhet", "kärnverksamhet")) for label in ostersund.groups)


def test_ostersund_paragraphs_have_the_curated_spans_and_words(ostersund, curated) -> None:
    total = same = 0
    for goal in ostersund.goals:
        expected = _curated_paragraphs(curated, goal.notation)
        assert [(p.span.start, p.span.end) for p in goal.paragraphs] == [(a, b) for a, b, _ in expected]
        theirs = " ".join(t for _, _, t in expected).split()
        ours = " ".join(p.text.text for p in goal.paragraphs).split()
        matcher = difflib.SequenceMatcher(a=theirs, b=ours, autojunk=False)
        total += len(theirs)
        same += sum(block.size for block in matcher.get_matching_blocks())
    assert same / total >= 0.99


def test_ostersund_pull_quotes_and_page_numbers_are_left_out_and_reported(ostersund) -> None:
    goal = next(g for g in ostersund.goals if g.notation == "1.5")
    interrupted = next(p for p in goal.paragraphs if p.span.start == 325)
    assert interrupted.span.omitted == (328, 329, 330, 331)
    assert "Bristerna i Jämtlands infrastruktur" in interrupted.text.text
    assert "kollektivtrafik och infrastruktur, med framför allt" in interrupted.text.text
    assert "7 (10)" not in " ".join(p.text.text for g in ostersund.goals for p in g.paragraphs)
    reasons = {span.start: reason for span, reason in ostersund.unused}
    assert reasons[355].startswith("sidnummer") and "citatruta" in reasons[50]
    assert goal.title is not None and goal.title.text == "Infrastruktur"


def test_ostersund_keeps_the_verbatim_ocr_and_reports_confidence(ostersund) -> None:
    paragraph = ostersund.goals[0].paragraphs[0]
    assert paragraph.text.ocr.startswith("Med framatanda och en vision om ett Ostersund som vaxer,\n")
    assert paragraph.text.text.startswith("Med framåtanda och en vision om ett Östersund som växer,")
    assert 0.95 < ostersund.confidence < 1.0
    assert any(p.text.unsure for g in ostersund.goals for p in g.paragraphs)


def test_progress_is_reported_per_goal(tmp_path: Path) -> None:
    messages: list[str] = []
    parse_document(FIXTURES / "short-titles.txt", progress=messages.append)
    assert messages[0].startswith("läser") and sum(m.startswith("mål ") for m in messages) == 3


def test_multi_level_keeps_the_hierarchy_and_shared_indicators() -> None:
    doc = parse_document(FIXTURES / "multi-level.txt")
    assert doc.layout == "multi-level"
    tree = {g.notation: (g.parent, g.level) for g in doc.goals}
    assert tree == {
        "1": (None, 1),
        "1:1": ("1", 2),
        "1:1:1": ("1:1", 3),
        "1:1:2": ("1:1", 3),
        "1:2": ("1", 2),
        "1:2:1": ("1:2", 3),
        "2": (None, 1),
        "2:1": ("2", 2),
        "2:1:1": ("2:1", 3),
        "2:1:2": ("2:1", 3),
    }
    goals = {g.notation: g for g in doc.goals}
    assert goals["1:1:1"].statement.text == "Alla barn ska erbjudas plats i förskola nära hemmet."
    assert goals["1:1:2"].paragraphs[0].text.text.startswith("Barn och unga ska mötas av vuxna")
    target = goals["2:1:1"].indicators[0]
    assert (target.target_value, target.target_unit, target.target_year) == ("60", "%", "2030")
    assert not goals["1:2:1"].paragraphs  # the page footer after it is furniture, not text
    assert [r.label for r in doc.indicators] == [
        "Andel invånare som har förtroende för kommunen, %",
        "Antal nya företag per 1000 invånare",
        "Nettokostnadsavvikelse totalt, %",
    ]
    assert all(r.applies_to_all_goals for r in doc.indicators)
    assert doc.section.end == 44  # the economy chapter after the indicators is not part of the section


def test_goal_areas_with_sdg_labels_and_flattened_tables() -> None:
    doc = parse_document(FIXTURES / "goal-areas-with-tables.txt")
    goals = {g.notation: g for g in doc.goals}
    assert goals["1.1"].statement.text == "Kommunen växer på ett hållbart sätt"
    assert goals["1.1"].sdg_numbers == ["8", "11"] and goals["2.1"].sdg_numbers == ["3"]
    assert goals["1.1.1"].parent == "1.1" and goals["1.1"].parent == "1"
    rows = goals["1.1.1"].indicators
    assert [r.label for r in rows] == [
        "Antal färdigställda bostäder per år",
        "Andel invånare som kan rekommendera kommunen som boendeort, %",
    ]
    assert rows[1].outcomes == {"2023": "61", "2024": "63"}
    assert (rows[1].target_value, rows[1].target_unit, rows[1].target_year) == ("70", "%", "2026")
    alternating = goals["1.1.2"].indicators
    assert [(r.label, r.target_value, r.target_year) for r in alternating] == [
        ("Antal nystartade företag per 1000 invånare", "4,5", "2027"),
        ("Företagsklimat enligt nöjd kund-index, NKI", "75", "2027"),
    ]
    assert not goals["1.1.1"].paragraphs  # table cells are not political text
    over = goals["2.1.1"].indicators[0]
    assert (over.kind, over.target_value, over.target_unit) == ("statement", "80", "%")
    assert goals["2.1.1"].paragraphs[0].text.text.startswith("Äldreomsorgen ska präglas")


def test_short_titles_explained_on_the_next_line() -> None:
    doc = parse_document(FIXTURES / "short-titles.txt")
    assert doc.layout == "short-title-explained"
    assert [(g.notation, g.short_name) for g in doc.goals] == [
        ("1", "Attraktiv arbetsgivare"),
        ("2", "Trygg vård och omsorg"),
        ("3", "Levande centrum"),
    ]
    assert doc.goals[1].statement.text == (
        "Den som behöver stöd ska få det i tid, med god kvalitet och med respekt för den egna viljan."
    )
    assert "Resultatet" not in doc.goals[2].statement.text and doc.section.end == 13


def test_un_goals_adopted_as_own() -> None:
    doc = parse_document(FIXTURES / "un-goals.txt")
    assert doc.layout == "un-goals-as-own"
    assert [(g.notation, g.sdg_numbers, g.short_name) for g in doc.goals] == [
        ("1", ["3"], "Hälsa och välbefinnande"),
        ("2", ["4"], "God utbildning för alla"),
        ("3", ["7"], "Hållbar energi för alla"),
    ]


def test_bullets_in_a_news_page_with_cookie_banner_and_caption() -> None:
    doc = parse_document(FIXTURES / "news-bullets.html")
    assert doc.layout == "bullets-in-prose"
    assert [g.statement.text for g in doc.goals] == [
        "Minskad arbetslöshet bland unga",
        "Fler bostäder i kommunens alla delar",
        "Kommunen ska ha 30 000 invånare år 2030",
        "Andelen förnybar energi i kommunens verksamheter ska öka",
    ]
    assert all(g.notation_assigned for g in doc.goals) and [g.notation for g in doc.goals] == ["1", "2", "3", "4"]
    target = doc.goals[2].indicators[0]
    assert (target.target_value, target.target_unit, target.target_year) == ("30 000", "invånare", "2030")
    assert not any(re.search(r"kakor|Start|sessionssalen", line) for line in doc.lines[: doc.section.end])


def test_one_web_page_per_goal_leaves_out_follow_up_sections() -> None:
    doc = parse_document(FIXTURES / "goal-page.html")
    assert doc.layout == "web-page-per-goal"
    [goal] = doc.goals
    assert (goal.notation, goal.statement.text) == ("2", "Alla invånare har en trygg och säker vardag")
    texts = [p.text.text for p in goal.paragraphs]
    assert texts[0].startswith("Mål 2 handlar om trygghet")
    assert "Kommunen ska samverka med polisen och föreningslivet i det brottsförebyggande arbetet." in texts
    assert "Trygghet är en förutsättning för ett gott liv, i hela kommunen." in texts  # loose text in a div
    assert not any("uppdrag" in t.lower() or "Målbeskrivning" in t for t in texts)
    [row] = goal.indicators
    assert row.outcomes == {"2024": "72"} and (row.target_value, row.target_year) == ("80", "2026")
    assert {reason for _, reason in doc.unused} >= {"mellanrubrik", "uppföljning, inte politisk text"}


def test_no_goal_section_is_a_clear_error() -> None:
    path = FIXTURES / "no-goals.txt"
    with pytest.raises(NoGoalSection) as caught:
        parse_document(path)
    error = caught.value
    assert isinstance(error, KommunmalError) and error.exit_code == 2
    assert error.path == path and str(path) in str(error) and error.reason


def test_unsupported_or_missing_input_is_a_source_error(tmp_path: Path) -> None:
    odd = tmp_path / "budget.docx"
    odd.write_bytes(b"PK")
    with pytest.raises(SourceError, match=r"give a \.pdf, \.txt or \.html"):
        parse_document(odd)
    with pytest.raises(SourceError, match="no such file"):
        parse_document(tmp_path / "missing.txt")


def test_goals_inside_one_numbered_chapter_skip_contents_menus_and_other_chapters() -> None:
    doc = parse_document(FIXTURES / "chapters-with-toc.txt")
    assert [g.notation for g in doc.goals] == ["3.1", "3.2", "3.3", "3.4"]
    assert all(g.parent is None and g.level == 1 for g in doc.goals)
    goals = {g.notation: g for g in doc.goals}
    assert goals["3.3"].paragraphs == []
    assert [p.text.text for p in goals["3.4"].paragraphs] == ["Alla nya fordon ska vara fossilfria."]
    assert goals["3.4"].short_name is None  # one short heading among long ones is a statement, not a title
    assert goals["3.4"].indicators[0].target_year == "2035"
    assert "6 (12)" not in " ".join(p.text.text for p in goals["3.1"].paragraphs)
    assert doc.section.end == 37  # chapter 4 is not part of the goal section
    assert goals["3.1"].statement.unsure == ["Exempelås"]  # a place name not in the word list is kept and marked


def test_region_effect_goals_with_indicators_on_the_same_line() -> None:
    doc = parse_document(FIXTURES / "region-effect-goals.txt")
    assert doc.layout == "effect-goals-with-indicators"
    first, second, third = doc.goals
    assert first.statement.text == "Fler invånare i Exempellän har ett arbete"
    assert [(r.group, r.target_value, r.target_unit, r.target_year) for r in first.indicators] == [
        ("Sysselsättning", "82", "%", "2030"),
        ("Sysselsättning", "lägre än i jämförbara län", None, None),
    ]
    assert second.statement.text == "Ett hållbart transportsystem i hela Västlandet"  # "Väst- landet" joined
    assert [r.label for r in second.indicators][1] == "Andel resor med kollektivtrafik, %"
    assert not third.indicators and third.paragraphs[0].text.text.startswith("Regionen ska arbeta")


def test_goals_in_council_minutes_end_at_the_next_agenda_item() -> None:
    doc = parse_document(FIXTURES / "minutes-with-agenda.txt")
    assert [g.statement.text for g in doc.goals] == [
        "Alla barn ska ha en trygg skolgång",
        "Fler invånare ska ha ett arbete",
        "Kommunens klimatutsläpp ska minska med 5 procent per år",
    ]
    assert doc.section == type(doc.section)(8, 10)
    assert not doc.goals[2].paragraphs  # "§ 46 Motion om cykelvägar" and its decision are not the goal's text


def test_a_numbered_list_that_never_speaks_of_goals_gives_way_to_the_goal_bullets() -> None:
    doc = parse_document(FIXTURES / "newsletter-numbered-then-bullets.txt")
    assert doc.layout == "bullets-in-prose"
    assert [g.statement.text for g in doc.goals] == [
        "Fler unga ska ha ett feriejobb",
        "Alla kommunens fordon ska vara fossilfria 2030",
        "Kommunen ska vara en attraktiv arbetsgivare",
    ]
    assert doc.goals[1].indicators[0].target_year == "2030"


def test_web_page_named_for_an_area_takes_its_statement_from_the_first_paragraph() -> None:
    doc = parse_document(FIXTURES / "goal-page-named.html")
    [goal] = doc.goals
    assert goal.notation_assigned and goal.short_name == "barn och utbildning"
    assert goal.statement.text == "Alla elever lämnar grundskolan med behörighet till gymnasiet."
    assert [p.text.text[:20] for p in goal.paragraphs] == ["Skolorna ska arbeta "]  # the empty key figures are not text
