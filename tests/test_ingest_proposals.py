"""Proposals from parsed goal sections: commitment sentences, targets, shared actions, bodies, SDG candidates."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kommunmal.ingest.model import Paragraph, ParsedDocument, ParsedGoal, RepairedText, Span
from kommunmal.ingest.proposals import Body, modality, proposal_key, propose, sentences, target_of
from kommunmal.ingest.sdg_match import SdgMatcher

ROOT = Path(__file__).resolve().parents[1]
KOS = ROOT / "data" / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl"


@pytest.fixture(scope="module")
def matcher() -> SdgMatcher:
    return SdgMatcher(KOS)


def _doc(goals: dict[str, list[str]]) -> ParsedDocument:
    """A parsed document with one goal per key, one paragraph per text, each on its own line."""
    lines, parsed = [], []
    for notation, paragraphs in goals.items():
        lines.append(f"{notation} Mål {notation}")
        goal = ParsedGoal(notation, RepairedText(f"Mål {notation}", f"Mål {notation}"), Span(len(lines), len(lines)))
        for text in paragraphs:
            lines.append(text)
            goal.paragraphs.append(Paragraph(RepairedText(text, text), Span(len(lines), len(lines))))
        parsed.append(goal)
    text = "\n".join(lines)
    return ParsedDocument(
        "test.txt", hashlib.sha256(text.encode()).hexdigest(), lines, "numbered", Span(1, len(lines)), parsed
    )


def test_sentences_split_at_full_stops_but_not_inside_abbreviations() -> None:
    text = "Kommunen ska bl.a. bygga skolor. Det behövs t.ex. fler lärare! Varför? Därför."
    assert sentences(text) == [
        "Kommunen ska bl.a. bygga skolor.",
        "Det behövs t.ex. fler lärare!",
        "Varför?",
        "Därför.",
    ]


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Kommunen ska öka andelen lokala livsmedel.", "ska"),
        ("Socialtjänsten skall arbeta förebyggande.", "ska"),
        ("En tilltagande psykisk ohälsa bland ungdomar behöver aktiva långsiktiga insatser.", "behöver"),
        ("Kommunen arbetar utifrån ett helhetstänk.", "arbetar utifrån"),
        ("Förskolan är avgörande för barnens lärande.", "avgörande"),
        ("Biblioteken är viktiga för folkbildningen.", "viktig"),
        ("Föreningar och näringsliv är alla en viktig del av den gemensamma utvecklingen.", "viktig"),
    ],
)
def test_commitment_words_make_a_sentence_an_action(sentence: str, word: str) -> None:
    found = modality(sentence)
    assert found is not None and found[0] == word


def test_assessments_and_priorities_are_kinds_of_their_own() -> None:
    assert modality("Biblioteken är viktiga för folkbildningen.") == ("viktig", "assessment")
    assert modality("Förskolan är avgörande för barnens lärande.") == ("avgörande", "assessment")
    assert modality("Trygghetsarbetet prioriteras.") == ("prioriteras", "priority")
    assert modality("Biblioteken ska vara en viktig del av skolan.") == ("ska", None)  # the commitment is stronger


@pytest.mark.parametrize(
    "sentence",
    [
        "Östersund är en stolt samisk förvaltningskommun.",
        "Skalan på bilden är fel.",
        "Rysslands invasion lämnar oss inte oberörda.",
    ],
)
def test_descriptions_are_not_actions(sentence: str) -> None:
    assert modality(sentence) is None


def test_targets_give_value_unit_year_and_direction() -> None:
    assert target_of("Målet är minst 75 000 invånare år 2040.") == ("75000", "invånare", "2040", "reach")
    assert target_of("Utsläppen ska minska med 60 procent till år 2030.") == ("60", "procent", "2030", "decrease")
    assert target_of("Andelen ska öka till 2,5 % senast 2027.") == ("2.5", "procent", "2027", "increase")
    assert target_of("Kommunen ska vara en bra arbetsgivare.")[:3] == (None, None, None)


def test_the_same_commitment_under_two_goals_is_one_shared_action() -> None:
    doc = _doc(
        {
            "1": [
                "Kommunen ska öka andelen lokala livsmedel i skolmaten. Parkerna ska skötas väl.",
                "Biblioteken ska ha öppet på kvällarna.",
            ],
            "2": [
                "Maten i omsorgen ska ha en större andel lokala livsmedel. Vägarna ska plogas tidigt.",
                "Gymnasiet ska erbjuda fler yrkesprogram.",
            ],
        }
    )
    proposals = propose(doc)
    shared = [a for a in proposals.actions if a.shared]
    assert len(shared) == 1
    assert {e.goal for e in shared[0].evidence} == {"1", "2"}
    assert all("livsmedel" in e.quote for e in shared[0].evidence)
    assert shared[0].similarity is not None
    assert len(proposals.actions) == 5  # six commitment sentences, two of them one action


def test_a_sentence_stated_twice_is_shared_before_a_pair_joined_by_one_rare_word() -> None:
    doc = _doc(
        {
            "1": [
                "En förbättrad kollektivtrafik och infrastruktur är avgörande för framtidens tillväxt.",
                "Restiden mellan Östersund och Stockholm med tåg är avgörande och en nyckelfråga.",
            ],
            "2": [
                "En förbättrad kollektivtrafik och infrastruktur, med snabbare restid mellan Östersund och Stockholm "
                "med tåg, är avgörande för framtidens tillväxt."
            ],
            # the words of the sentence stated twice are used elsewhere too, so only the other pair has rare words
            "3": ["Regionens kollektivtrafik och infrastruktur har förbättrats, till gagn för framtidens tillväxt."],
        }
    )
    (shared,) = [a for a in propose(doc).actions if a.shared]
    assert [e.quote[:29] for e in shared.evidence] == ["En förbättrad kollektivtrafik"] * 2


def test_an_assessment_and_a_commitment_are_not_one_action() -> None:
    doc = _doc(
        {
            "1": ["Kommunen ska bygga fler trygghetsboenden för äldre."],
            "2": ["Fler trygghetsboenden för äldre är viktiga för kommunen.", "Kommunen ska bygga trygghetsboenden."],
        }
    )
    actions = propose(doc).actions
    (shared,) = [a for a in actions if a.shared]
    assert {e.quote for e in shared.evidence} == {
        "Kommunen ska bygga fler trygghetsboenden för äldre.",
        "Kommunen ska bygga trygghetsboenden.",
    }
    assert next(a for a in actions if not a.shared).kind == "assessment"


def test_different_numbers_keep_similar_sentences_apart() -> None:
    doc = _doc(
        {
            "1": ["Kommunen ska bygga 300 bostäder år 2026."],
            "2": ["Kommunen ska bygga 500 bostäder år 2030."],
        }
    )
    actions = propose(doc).actions
    assert len(actions) == 2 and not any(a.shared for a in actions)
    assert {a.target_value for a in actions} == {"300", "500"}
    assert all(a.kind == "measurableTarget" and a.unit == "bostäder" for a in actions)


def test_a_rejected_proposal_is_withheld_by_its_key() -> None:
    doc = _doc({"1": ["Kommunen ska bygga en ny sporthall. Kommunen ska renovera badhuset."]})
    first = propose(doc)
    assert len(first.actions) == 2
    rejected = first.actions[0].key
    assert rejected == proposal_key(first.actions[0].evidence[0].quote, "1")
    second = propose(doc, withhold={rejected})
    assert [a.key for a in second.actions] == [first.actions[1].key]
    assert second.withheld == [rejected]


def test_named_bodies_are_found_by_register_label_and_by_form() -> None:
    known = [Body("jamtlands-gymnasieforbund", "Jämtlands gymnasieförbund", "kommunalforbund", known=True)]
    doc = _doc({"1": ["Barn- och utbildningsnämnden ska samverka med Jämtlands gymnasieförbund om antagningen."]})
    (action,) = propose(doc, known_bodies=known).actions
    assert {b.slug for b in action.bodies} == {"jamtlands-gymnasieforbund", "barn-och-utbildningsnamnden"}
    assert next(b for b in action.bodies if b.slug == "barn-och-utbildningsnamnden").kind == "namnd"


def test_sdg_candidates_rank_the_matching_target_with_the_words_that_matched(matcher: SdgMatcher) -> None:
    climate = matcher.rank("Kommunen ska vara fossilbränslefri och klimatneutral år 2030.")
    climate_target = next(c for c in climate[:3] if c.code.startswith("13."))
    assert any(m.startswith("klimat") for m in climate_target.matched)
    assert climate == sorted(climate, key=lambda c: -c.score)
    participation = matcher.rank("Alla ska känna sig delaktiga i kommunens styrning och demokrati.")
    assert "16.7" in [c.code for c in participation]
    assert matcher.rank("Xyz qwerty.") == []


def test_every_action_and_goal_gets_ranked_candidates(matcher: SdgMatcher) -> None:
    doc = _doc({"1": ["Kommunen ska motverka psykisk ohälsa bland unga."]})
    proposals = propose(doc, matcher)
    (action,) = proposals.actions
    assert 0 < len(action.sdg) <= 5
    assert all(0 < c.score <= 1 and c.iri.startswith("http://metadata.un.org/sdg/") for c in action.sdg)
    assert "3.4" in [c.code for c in action.sdg]
    assert "1" in proposals.goal_sdg


def test_collective_words_and_genitive_forms_name_known_bodies() -> None:
    known = [
        Body("tekniska-namnden", "Tekniska nämnden", "namnd", known=True),
        Body("valnamnden", "Valnämnden", "namnd", known=True),
        Body("kommunstyrelsen", "KS", "styrelse", known=True),
        Body("jamtlands-gymnasieforbund", "Jämtlands Gymnasieförbund", "kommunalforbund", known=True),
    ]
    doc = _doc({"1": ["Nämnderna ansvarar för att Jämtland Gymnasieförbund får del av planerna."]})
    (action,) = propose(doc, known_bodies=known).actions
    by_slug = {b.slug: b for b in action.bodies}
    assert set(by_slug) == {"tekniska-namnden", "valnamnden", "jamtlands-gymnasieforbund"}
    assert by_slug["valnamnden"].via == "nämnderna" and by_slug["jamtlands-gymnasieforbund"].via is None
    (other,) = propose(_doc({"1": ["Kommunen ska ta fram ks-rutiner för detta."]}), known_bodies=known).actions
    assert other.bodies == []  # an abbreviation counts only as written, as a whole word


def test_an_actions_paragraph_ranks_the_field_its_sentence_leaves_unnamed(matcher: SdgMatcher) -> None:
    paragraph = "Den psykiska ohälsan bland unga ökar. Detta ska prioriteras."
    (action,) = propose(_doc({"1": [paragraph]}), matcher).actions
    assert action.text == "Detta ska prioriteras."
    health = next(c for c in action.sdg if c.code == "3.4")
    assert health.matched == () and any(m.startswith("psykisk") for m in health.context_matched)
    alone = matcher.rank(action.text)
    assert "3.4" not in [c.code for c in alone]
    assert [c.code for c in matcher.rank(action.text, context="")] == [c.code for c in alone]
