"""National scale: the synthetic generator (deterministic, marked synthetic, valid) and the parallel, streaming
build of many goal documents with its cross-document check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import RDF, SKOS, Dataset, URIRef

from kommunmal.config import Settings
from kommunmal.documents import documents, resolve
from kommunmal.errors import NotConformant, SourceError
from kommunmal.query_cost import STATS_FILE
from kommunmal.release import build
from kommunmal.sparql_source import StoreSource
from kommunmal.validation import Report, validate_in_context

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kommunmal/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def generate(size: int, out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_national.py"), "--size", str(size), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(1, tmp_path_factory.mktemp("national"))


def test_generator_output_is_deterministic_and_marked_synthetic(national: Path, tmp_path: Path) -> None:
    again = generate(1, tmp_path / "again")
    first = national / "syntet-9001" / "2024.ttl"
    assert first.read_bytes() == (again / "syntet-9001" / "2024.ttl").read_bytes()
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# SYNTETISKA TESTDATA")
    assert "SYNTETISKA TESTDATA – Budget 2024" in text
    body = text.split("\n", 2)[2]  # after the two warning lines, which name the template
    assert "ostersund" not in body.lower() and "Östersund" not in body and "stratsys.se" not in body


def test_documents_have_eight_to_twelve_goals_in_their_scheme(tmp_path: Path) -> None:
    out = generate(5, tmp_path / "five")
    counts = []
    for index in range(5):
        graph = Dataset().parse(out / f"syntet-{9001 + index}" / "2024.ttl", format="turtle", publicID=BASE)
        scheme = URIRef(f"{BASE}id/syntet-{9001 + index}/budget-2024/goals")
        goals = set(graph.objects(scheme, SKOS.hasTopConcept))
        assert goals == set(graph.subjects(RDF.type, URIRef(BASE + "def/kommunmal#Goal")))
        assert all(graph.value(g, URIRef(BASE + "def/kommunmal#politicalText")) for g in goals)
        counts.append(len(goals))
    assert counts == [8, 9, 10, 11, 12]


def test_smallest_size_builds_in_parallel_and_serves_its_document(
    national: Path, settings: Settings, tmp_path: Path
) -> None:
    release, report = build(settings.with_(data_dir=national), tmp_path / "out", parallel=True)
    assert report.conforms
    source = StoreSource.for_release(release, settings.vocab)
    store = source.store
    doc = resolve(source, "9001/2024")
    assert doc.key == "syntet-9001/2024" and doc.goals == 8
    assert [d.key for d in documents(source)] == ["syntet-9001/2024"]
    observations = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?o a <http://purl.org/linked-data/cube#Observation> }")
    assert int(next(iter(observations))["n"].value) == 20 * 10
    nquads = Dataset().parse(release.dump("nquads"), format="nquads")
    assert len(nquads) == len(store) == release.meta["quads"]
    assert (release.path / STATS_FILE).is_file() and release.meta["warnings"] == len(report.warnings)


def test_a_document_describing_another_municipality_is_refused(settings: Settings, tmp_path: Path) -> None:
    data = tmp_path / "data"
    for name, subject in (("alfa", "alfa/x"), ("beta", "alfa/y")):
        (data / name).mkdir(parents=True)
        (data / name / "2024.ttl").write_text(
            f'<https://w3id.org/kommunmal/id/{subject}> <http://www.w3.org/2000/01/rdf-schema#label> "{name}" .\n',
            encoding="utf-8",
        )
    out = tmp_path / "out"
    with pytest.raises(NotConformant, match=r"beta: .*another unit's namespace: .*id/alfa/y"):
        build(settings.with_(data_dir=data), out)
    assert not (out / "current").exists()
    from kommunmal.release_parallel import validate_units

    report = validate_units(settings.with_(data_dir=data))  # `kommunmal validate` says the same, as a violation
    assert report is not None and [(r.focus, r.severity) for r in report.violations] == [
        (f"{BASE}id/alfa/y", "Violation")
    ]
    assert report.violations[0].files[0].endswith("beta/2024.ttl")


def write_units(data: Path, units: dict[str, str]) -> Path:
    """One Turtle file `<data>/<name>/2024.ttl` per unit, with the vocabulary's prefixes declared."""
    for name, body in units.items():
        (data / name).mkdir(parents=True, exist_ok=True)
        (data / name / "2024.ttl").write_text(
            f"@prefix km: <{BASE}def/kommunmal#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n{body}",
            encoding="utf-8",
        )
    return data


def test_a_unit_using_an_undefined_term_is_refused_with_its_file_and_line(settings: Settings, tmp_path: Path) -> None:
    data = write_units(
        tmp_path / "data",
        {
            "alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv .\n',
            "beta": f'<{BASE}id/beta/y> skos:prefLabel "y"@sv ;\n    km:politicalTxt "y"@sv .\n',
        },
    )
    out = tmp_path / "out"
    with pytest.raises(NotConformant, match=r"(?s)Okänd term politicalTxt.*menade du politicalText") as caught:
        build(settings.with_(data_dir=data), out)
    assert "beta/2024.ttl:4" in str(caught.value)
    assert str(caught.value).startswith("1 överträdelse (violations), 0 varningar (warnings)")
    assert not (out / "current").exists()


def test_a_syntax_error_in_a_unit_names_the_file_and_line(settings: Settings, tmp_path: Path) -> None:
    data = write_units(
        tmp_path / "data",
        {"alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv .\n', "beta": f'<{BASE}id/beta/y> skos:prefLabel "y"@sv\n'},
    )
    with pytest.raises(SourceError, match=r"syntax error") as caught:
        build(settings.with_(data_dir=data), tmp_path / "out")
    assert caught.value.path.name == "2024.ttl" and caught.value.path.parent.name == "beta"
    assert caught.value.line == 3 and "final '.' missing" in caught.value.message


@pytest.mark.parametrize("engine", ["shacl-engine", "turbo", "pyshacl"])
def test_units_give_the_same_content_digest_and_warnings_on_every_build_and_engine(
    engine: str, settings: Settings, tmp_path: Path
) -> None:
    # A blank node (and one that is only an object), a triple written twice and a decimal in a lexical form rdflib
    # would rewrite: none may change the content digest from one build to the next, and each engine must find the
    # same warnings in a unit. The release id covers the software too, the SHACL engine with it (its report is
    # published), so it is the same for the same engine only.
    data = write_units(
        tmp_path / "data",
        {
            "alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv ; skos:note [ skos:prefLabel "n"@sv ] .\n',
            "beta": f'<{BASE}id/beta/y> skos:prefLabel "y"@sv , "y"@sv ; skos:note "1.50"^^<{XSD}decimal> ;'
            " skos:example [] .\n",
        },
    )
    first, report = build(settings.with_(data_dir=data, shacl_engine=engine), tmp_path / "one", parallel=True)
    again, _ = build(settings.with_(data_dir=data, shacl_engine="turbo"), tmp_path / "two", parallel=True)
    assert first.meta["content_sha256"] == again.meta["content_sha256"]
    assert (first.id == again.id) is (engine == "turbo")
    reference = validate_in_context(settings.with_(data_dir=data), [data])
    assert sorted((r.focus, r.path, r.severity) for r in report.results) == sorted(
        (r.focus, r.path, r.severity) for r in reference.results
    )
    nquads = Dataset().parse(first.dump("nquads"), format="nquads")
    assert len(nquads) == first.meta["quads"]


@pytest.mark.parametrize("engine", ["shacl-engine", "turbo"])
def test_a_result_about_a_blank_node_names_the_file_that_writes_it(
    engine: str, settings: Settings, tmp_path: Path
) -> None:
    # shacl-engine renames blank nodes, so the report's label is not the data's: the file is then the unit's file
    # that describes blank nodes, as pyshacl-turbo's kept label finds it directly.
    from kommunmal.release_parallel import validate_units

    data = write_units(
        tmp_path / "data",
        {"alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv .\n', "beta": "[] a km:Goal ; skos:notation 7 .\n"},
    )
    local = settings.with_(data_dir=data, shacl_engine=engine)
    for report in (validate_units(local), validate_in_context(local, [data])):
        about_blank = [r for r in report.violations if "://" not in r.focus]  # a blank node, not an IRI
        assert about_blank, "a goal without its required properties must fail"
        assert all(r.files and r.files[0].endswith("beta/2024.ttl") for r in about_blank), about_blank


def test_validating_one_municipalitys_file_reads_its_folder_only_and_reports_the_same(
    settings: Settings, tmp_path: Path
) -> None:
    # `kommunmal validate FILE` on national data validates the file's own folder (with the shared graphs), as the
    # build does, instead of loading every municipality: the same results as checking it in the whole data.
    from kommunmal.release_parallel import validate_units

    data = generate(2, tmp_path / "two")
    local = settings.with_(data_dir=data)
    mine = data / "syntet-9002" / "2024.ttl"
    fast = validate_units(local, [mine])
    whole = validate_in_context(local, [mine])

    def seen(report: Report) -> list[tuple]:
        return sorted((r.focus, r.path, r.severity, r.files) for r in report.results)

    assert fast is not None and seen(fast) == seen(whole) and fast.warnings
    assert all(f.startswith(str(mine)) or "syntet-9002" in f for r in fast.results for f in r.files)
    assert validate_units(local, [data / "reference"]) is None  # not in a municipality's folder: the usual way
    everything = validate_units(local)
    assert everything is not None and len(everything.warnings) > len(fast.warnings)


def test_the_void_counts_are_those_of_the_store(national: Path, settings: Settings, tmp_path: Path) -> None:
    # Counted from the union's N-Triples lines (union_dump.UnionCounts), not in the store: they must be the figures
    # of the store's queries, with a triple two units state, blank nodes and a class only one unit uses.
    import shutil

    import pyoxigraph
    from rdflib import Graph
    from rdflib.namespace import VOID

    from kommunmal.iris import Iris
    from kommunmal.sparql_source import query_text

    data = tmp_path / "data"
    shutil.copytree(national, data)
    write_units(
        data,
        {
            "alfa": f'<{BASE}id/alfa/x> a skos:Concept ; skos:note [ skos:prefLabel "n"@sv ] .\n'
            '<http://example.org/both> skos:prefLabel "b"@sv .\n',
            "beta": '<http://example.org/both> skos:prefLabel "b"@sv ; a <http://example.org/OnlyBeta> .\n',
        },
    )
    release, _ = build(settings.with_(data_dir=data), tmp_path / "out", parallel=True)
    store = pyoxigraph.Store.read_only(str(release.store_path))

    def rows(name: str) -> list[dict[str, str]]:
        result = store.query(query_text(name, settings.vocab))
        return [{v.value: s[v].value for v in result.variables} for s in result]

    void = Graph().parse(release.path / "void.ttl", format="turtle")
    dataset = URIRef(Iris(settings.base_iri).dataset)
    counts = rows("void_counts")[0]
    assert int(void.value(dataset, VOID.triples)) == int(counts["triples"])
    assert int(void.value(dataset, VOID.entities)) == int(counts["entities"])
    partitions = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
        for p in void.objects(dataset, VOID.classPartition)
    }
    assert partitions == {row["class"]: int(row["entities"]) for row in rows("void_classes")}
    assert partitions["http://example.org/OnlyBeta"] == 1


def test_the_progress_bar_in_a_log_is_a_line_at_each_tenth(settings: Settings, tmp_path: Path, capsys) -> None:
    # Redrawn in place ("\r") on a terminal; in a log (pytest's capture is no terminal) one line per tenth, not one
    # line of a bar per folder.
    from kommunmal.release_parallel import validate_units

    data = write_units(
        tmp_path / "data", {f"u{n:02}": f'<{BASE}id/u{n:02}/x> skos:prefLabel "x"@sv .\n' for n in range(25)}
    )
    capsys.readouterr()
    assert validate_units(settings.with_(data_dir=data)).conforms
    err = capsys.readouterr().err
    bars = [line for line in err.splitlines() if "dokument," in line]
    assert "\r" not in err and len(bars) == 10 and bars[-1].startswith("  [" + "#" * 30 + "] 25/25 dokument")
