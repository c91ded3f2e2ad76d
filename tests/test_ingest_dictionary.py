"""The FreeDict Swedish-English dictionary behind the SDG matching: dictd files, compounds, the fallback."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kommunmal.ingest.dictionary import DICTD_DIR, DictionaryMissing, SwedishEnglish, read_dictd
from kommunmal.ingest.sdg_match import SdgMatcher

ROOT = Path(__file__).resolve().parents[1]
KOS = ROOT / "data" / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl"
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if not n:
            return out


def _write_dictd(folder: Path, name: str, entries: list[tuple[str, str]]) -> None:
    """A dictd dictionary as dictfmt writes it: a gzip-compressed text and an index of base64 offsets."""
    text, index = b"00-database-info\nA test dictionary.\n", ["00databaseinfo\tA\tl"]
    for head, body in entries:
        chunk = f"{head} /x/\n{body}\n".encode()
        index.append(f"{head}\t{_b64(len(text))}\t{_b64(len(chunk))}")
        text += chunk
    (folder / f"{name}.dict.dz").write_bytes(gzip.compress(text))
    (folder / f"{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")


@pytest.fixture()
def small(tmp_path: Path) -> Path:
    _write_dictd(
        tmp_path,
        "freedict-swe-eng",
        [("hälsa", "1. greet, salute\n2. health"), ("kollektiv", "collective"), ("trafik", "traffic")],
    )
    _write_dictd(tmp_path, "freedict-eng-swe", [("poverty", "fattigdom"), ("school", "skola")])
    return tmp_path


def test_entries_are_read_by_the_index_offsets_with_numbered_senses(small: Path) -> None:
    entries = dict(read_dictd(small, "freedict-swe-eng"))
    assert entries["hälsa"] == ["greet", "salute", "health"]
    assert entries["trafik"] == ["traffic"]


def test_both_directions_stems_and_compounds(small: Path) -> None:
    d = SwedishEnglish.load(small)
    assert d.lookup("fattigdom") == {"poverty"}  # from the English-Swedish side, turned round
    assert d.lookup("skolor") == {"school"}  # by the Snowball stem
    assert d.lookup("skolan") == {"school"}  # the definite form of an -a noun
    assert d.parts("kollektivtrafiken") == [("kollektiv", {"collective"}), ("trafiken", {"traffic"})]
    assert d.parts("trafiksäkerhet") == []  # a part it does not know: no guess from the rest
    assert d.parts("xyztrafik") == []  # a head shorter than MIN_PART letters is not a part


def test_a_missing_dictionary_names_the_debian_packages_and_matching_falls_back(tmp_path: Path) -> None:
    with pytest.raises(DictionaryMissing, match="apt-get install dict-freedict-swe-eng"):
        SwedishEnglish.load(tmp_path)
    matcher = SdgMatcher(KOS, dictionary_dir=tmp_path)
    assert "dict-freedict-swe-eng" in matcher.dictionary_missing
    assert "16.7" in [c.code for c in matcher.rank("Alla ska känna sig delaktiga i kommunens demokrati.")]


def test_the_installed_dictionary_carries_a_word_the_lexicon_leaves_out() -> None:
    if not (DICTD_DIR / "freedict-swe-eng.index").is_file():
        pytest.fail("install the Debian packages dict-freedict-swe-eng dict-freedict-eng-swe (.ci/run does)")
    with_dictionary = SdgMatcher(KOS)
    assert with_dictionary.dictionary_missing == ""
    # "hälsa" is not in sdg_lexicon.tsv: the dictionary gives "health"; proper nouns are not looked up.
    text = "Östersunds invånare ska ha god hälsa."
    health = [c for c in with_dictionary.rank(text) if any(m == "hälsa→health" for m in c.matched)]
    assert health and health[0].code.startswith("3.")
    assert not any(sv.startswith("öster") for sv, _ in with_dictionary.translate(text))
    without = SdgMatcher(KOS, dictionary_dir=Path("/nonexistent"))
    assert not any(m == "hälsa→health" for c in without.rank(text) for m in c.matched)
