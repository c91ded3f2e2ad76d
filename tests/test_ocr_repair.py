"""Swedish OCR repair against wordfreq's Swedish list: known debris from the Östersund 2024 OCR becomes the right
word, unknown words are kept as written and marked, and text with its å/ä/ö intact is left alone."""

from __future__ import annotations

import pytest

from kommunmal.ingest.ocr import looks_stripped, repair

DEBRIS = [
    ("hallbar", "hållbar"),  # lost diacritics
    ("férandring", "förändring"),  # é for ö
    ("Uthildning", "Utbildning"),  # h for b (goal 1.7's short name in the summary list)
    ("sttd", "stöd"),  # t for ö (goal 1.8's short name)
    ("Kompetensférsorjning", "Kompetensförsörjning"),
    ("tillgdnglig", "tillgänglig"),  # d for ä
    ("behdvs", "behövs"),  # d for ö
    ("&r", "är"),  # & for ä
    ("f&", "få"),
    ("6ka", "öka"),  # 6 for ö
    ("0ka", "öka"),  # 0 for ö
    ("omstélIningen", "omställningen"),  # capital I for l
    ("kommuna1", "kommunal"),  # 1 for l
    ("rnedborgare", "medborgare"),  # rn for m
    ("méanniskor", "människor"),  # éa for ä
    ("anhdérigas", "anhörigas"),
    ("ckad", "ökad"),  # c for ö
    ("hig", "hög"),  # i for ö
    ("Jordorukets", "Jordbrukets"),  # o for b
    ("sjalvstindiga", "självständiga"),
    ("Ostersundslanken", "Östersundslänken"),  # a compound not in the list, read through its parts
    ("kvalité", "kvalité"),  # a real é stays
    ("majligheter", "möjligheter"),  # a for ö (goal 1.4's text), not the compound "maj" + "ligheter"
    ("majligt", "möjligt"),  # not "maj" + "lågt"
    ("far", "får"),  # a for ö is rare: a common å/ä reading still wins over "för"
    ("bara", "bara"),
]


@pytest.mark.parametrize(("ocr", "word"), DEBRIS)
def test_known_debris_becomes_the_word(ocr: str, word: str) -> None:
    repaired = repair(f"och {ocr}", stripped=True)
    assert repaired.text == f"och {word}"
    assert repaired.unsure == [] and repaired.confidence == 1.0


def test_a_sentence_keeps_punctuation_numbers_and_the_verbatim_text() -> None:
    ocr = (
        "Flera méanniskor ska f& chansen att leva och verka i Ostersunds\n"
        "kommun, malet ar minst 75 000 invanare ar 2040."
    )
    repaired = repair(ocr)
    assert repaired.ocr == ocr
    assert repaired.text == (
        "Flera människor ska få chansen att leva och verka i Östersunds kommun, målet är minst 75 000 invånare år 2040."
    )


def test_line_break_hyphen_is_joined_unless_a_name_follows() -> None:
    assert repair("ett aktivt tillganglighets-\narbete", stripped=True).text == "ett aktivt tillgänglighetsarbete"
    assert repair("Brunflo, Lit-\nHaggenas kommer", stripped=True).text == "Brunflo, Lit-Häggenås kommer"
    assert repair("kultur- och idrottsevenemang", stripped=True).text == "kultur- och idrottsevenemang"


def test_split_and_joined_words() -> None:
    assert repair("alla verk samheter ska", stripped=True).text == "alla verksamheter ska"
    assert repair("gott foretagsklimat ochinnovationskraft", stripped=True).text == (
        "gott företagsklimat och innovationskraft"
    )


def test_lone_bar_is_the_word_i_and_stand_in_capitals_follow_the_sentence() -> None:
    assert repair("| en representativ demokrati", stripped=True).text == "I en representativ demokrati"
    assert repair("samt de Gvriga", stripped=True).text == "samt de övriga"
    assert repair("Gvriga kommuner", stripped=True).text == "Övriga kommuner"


def test_unknown_word_is_kept_and_marked_never_guessed() -> None:
    repaired = repair("Kommunen ska Xqzrtvb snabbt", stripped=True)
    assert repaired.text == "Kommunen ska Xqzrtvb snabbt"
    assert repaired.unsure == ["Xqzrtvb"]
    assert repaired.confidence == pytest.approx(3 / 4)
    assert repair("av W0y kvalitet", stripped=True).unsure == ["W0y"]


def test_text_with_diacritics_keeps_its_known_words() -> None:
    text = "Vår far kör till staden där många människor bor och mal kaffe."
    assert not looks_stripped(text + " Det är så att välfärden ska räcka för alla i kommunen.")
    assert repair(text, stripped=False).text == text
    # the same words in a stripped text are read as their more frequent forms with diacritics
    assert repair("for manga", stripped=True).text == "för många"


def test_abbreviations_and_numbers_are_kept() -> None:
    assert (
        repair("LSS och IT-infrastruktur 2030, 6 (10)", stripped=True).text == "LSS och IT-infrastruktur 2030, 6 (10)"
    )
