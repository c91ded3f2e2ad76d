"""The vocabulary: version header, sv+en labels and definitions on every term, one namespace setting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kommunmal.config import Settings
from kommunmal.dataset import parse_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ontology(settings: Settings) -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        parse_file(path, settings.base_iri, g)
    return g


def _terms(g: Graph, vocab: str) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(vocab)}


def test_version_header(ontology: Graph, settings: Settings) -> None:
    onto = URIRef(settings.base_iri + "def/kommunmal")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(onto, OWL.versionInfo)
    assert str(ontology.value(onto, OWL.versionIRI)).startswith(str(onto) + "/")
    assert {t.language for t in ontology.objects(onto, URIRef("http://purl.org/dc/terms/title"))} == {"sv", "en"}


def test_every_term_has_swedish_and_english_labels_and_definitions(ontology: Graph, settings: Settings) -> None:
    terms = _terms(ontology, settings.vocab)
    assert len(terms) > 40
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in ontology.objects(term, prop) if isinstance(o, Literal)}
            assert {"sv", "en"} <= langs, f"{term} lacks {prop} in sv or en"
        assert ontology.value(term, RDFS.isDefinedBy) == URIRef(settings.base_iri + "def/kommunmal"), term


def test_namespace_follows_the_base_iri_setting() -> None:
    other = Settings.from_env(environ={"KOMMUNMAL_BASE_IRI": "https://data.example.se/"})
    g = parse_file(ROOT / "ontology" / "kommunmal.ttl", other.base_iri)
    assert (URIRef("https://data.example.se/def/kommunmal#Goal"), RDF.type, OWL.Class) in g
    assert not any(str(s).startswith("https://w3id.org/") for s in g.subjects())


def test_no_data_file_hard_codes_the_default_base(settings: Settings) -> None:
    for path in [*(ROOT / "data").rglob("*.ttl"), *(ROOT / "ontology").glob("*.ttl"), *(ROOT / "shapes").glob("*.ttl")]:
        assert settings.base_iri not in path.read_text(encoding="utf-8"), f"{path} hard-codes {settings.base_iri}"


def test_the_core_never_imports_the_web_layer() -> None:
    code = (
        "import sys, kommunmal.release, kommunmal.validation, kommunmal.store, kommunmal.dataset, kommunmal.cli;"
        "import importlib, pkgutil, kommunmal;"
        "[importlib.import_module('kommunmal.' + m.name) for m in pkgutil.iter_modules(kommunmal.__path__)"
        " if m.name not in ('web',)];"
        "print(sorted(n for n in sys.modules if n == 'fastapi' or n.startswith('kommunmal.web')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
