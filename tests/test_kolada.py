"""The Kolada client and `kommunmal kolada`, against recorded API responses served by a real HTTP server on loopback.

The responses (tests/data/kolada/, synthetic numbers in the API's JSON shape) are served as the API would serve
them; the server puts its own address where a response names the API's, so next_url leads back to it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.dataset import load, parse_file, union_graph
from kommunmal.errors import Unreachable
from kommunmal.kolada import default_path
from kommunmal.kolada_client import Fetched, KoladaClient, KoladaResponseError, KoladaValue, parse_page
from kommunmal.kolada_cube import check_cube, municipality_iri, to_cube, to_turtle
from kommunmal.validation import load_shapes, validate

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "kolada"
API = "https://api.kolada.se/v3"
BASE = "https://w3id.org/kommunmal/"
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
KM = Namespace(BASE + "def/kommunmal#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OSTERSUND = URIRef(BASE + "id/ostersund")
N01951_YEARS = (2020, 2021, 2022)


@dataclass
class RecordedApi:
    """A loopback HTTP server answering with the recorded responses; `extra` adds or overrides paths."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    extra: dict[str, tuple[int, bytes]] = field(default_factory=dict)


@pytest.fixture
def api() -> Iterator[RecordedApi]:
    routes = json.loads((FIXTURES / "routes.json").read_text(encoding="utf-8"))
    state: dict[str, RecordedApi] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served = state["api"]
            served.requests.append(self.path)
            if self.path in served.extra:
                status, body = served.extra[self.path]
            elif self.path in routes:
                text = (FIXTURES / routes[self.path]).read_text(encoding="utf-8")
                status, body = 200, text.replace(API, served.base_url).encode("utf-8")
            else:
                status, body = 404, b'{"error": "Not found"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["api"] = RecordedApi(f"http://127.0.0.1:{server.server_address[1]}/v3")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["api"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_url() -> str:
    """The address of a loopback port that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v3"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith("KOMMUNMAL_"):
            monkeypatch.delenv(name)
    return monkeypatch


def recorded_entries(*names: str) -> list[dict]:
    """Every value entry of the named fixture files, with its period."""
    entries = []
    for name in names:
        for item in json.loads((FIXTURES / name).read_text(encoding="utf-8"))["values"]:
            entries += [{**v, "period": item["period"]} for v in item["values"]]
    return entries


N01951_PAGES = ("N01951-2380-page1.json", "N01951-2380-page2.json")


def observations(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(RDF.type, QB.Observation))


# ── the client ──────────────────────────────────────────────────────────────────────────────────────────────────────


def test_client_follows_next_url_through_both_pages(api: RecordedApi) -> None:
    pages: list[str] = []
    with KoladaClient(api.base_url, progress=pages.append) as client:
        fetched = client.fetch("N01951", "2380", N01951_YEARS)
    assert api.requests == [
        "/v3/data/kpi/N01951/municipality/2380/year/2020,2021,2022",
        "/v3/data/kpi/N01951/municipality/2380/year/2020,2021,2022?page=2",
    ]
    assert fetched.urls == [api.base_url + p.removeprefix("/v3") for p in api.requests]
    assert [m.split(" … ")[0] for m in pages] == ["N01951: sida 1", "N01951: sida 2"]
    entries = recorded_entries(*N01951_PAGES)
    assert len(fetched.values) == len(entries)
    assert sum(v.value is None for v in fetched.values) == sum(e["value"] is None for e in entries) == 1
    assert {(v.period, v.gender) for v in fetched.values} == {(e["period"], e["gender"]) for e in entries}


def test_values_keep_their_exact_decimals(api: RecordedApi) -> None:
    with KoladaClient(api.base_url) as client:
        fetched = client.fetch("N01951", "2380", N01951_YEARS)
    by_key = {(v.period, v.gender): v.value for v in fetched.values}
    for e in recorded_entries(*N01951_PAGES):
        expected = None if e["value"] is None else Decimal(str(e["value"]))
        assert by_key[(e["period"], e["gender"])] == expected


def test_page_cap_stops_instead_of_truncating(api: RecordedApi) -> None:
    with KoladaClient(api.base_url, max_pages=1) as client, pytest.raises(KoladaResponseError, match="fler än 1 sid"):
        client.fetch("N01951", "2380", N01951_YEARS)
    assert len(api.requests) == 1


def test_next_url_to_another_host_is_not_followed(api: RecordedApi) -> None:
    page = json.loads((FIXTURES / "N01982-2380.json").read_text(encoding="utf-8"))
    page["next_url"] = "https://elsewhere.example/v3/data?page=2"
    api.extra["/v3/data/kpi/N01982/municipality/2380/year/2022"] = (200, json.dumps(page).encode())
    with KoladaClient(api.base_url) as client, pytest.raises(KoladaResponseError, match=r"elsewhere\.example"):
        client.fetch("N01982", "2380", [2022])
    assert len(api.requests) == 1


def test_unreachable_api_names_the_url(closed_url: str) -> None:
    with KoladaClient(closed_url, timeout=5) as client, pytest.raises(Unreachable) as caught:
        client.fetch("N01951", "2380", [2020])
    assert f"{closed_url}/data/kpi/N01951/municipality/2380/year/2020" in str(caught.value)
    assert "--base-url" in str(caught.value)


@pytest.mark.parametrize(("status", "hint"), [(404, "kontrollera KPI-id"), (503, "försök igen senare")])
def test_http_errors_are_reported_with_status_and_url(api: RecordedApi, status: int, hint: str) -> None:
    path = "/v3/data/kpi/N01982/municipality/2380/year/2022"
    api.extra[path] = (status, b"{}")
    with KoladaClient(api.base_url) as client, pytest.raises(KoladaResponseError) as caught:
        client.fetch("N01982", "2380", [2022])
    assert str(status) in str(caught.value) and api.base_url + path.removeprefix("/v3") in str(caught.value)
    assert hint in str(caught.value)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {"count": 0},
        {"values": [{"kpi": "N01982", "municipality": "2380", "period": "x", "values": []}]},
        {"values": [{"kpi": "N01982", "municipality": "2380", "period": 2022, "values": [{"value": 1}]}]},
        {
            "values": [
                {"kpi": "N01982", "municipality": "2380", "period": 2022, "values": [{"gender": "T", "value": "ett"}]}
            ]
        },
    ],
    ids=["not-an-object", "no-values", "bad-period", "no-gender", "value-not-a-number"],
)
def test_unexpected_shapes_are_refused(payload: object) -> None:
    with pytest.raises(KoladaResponseError, match="oväntat svar"):
        parse_page(payload, "http://127.0.0.1/v3/x")


# ── the mapping to RDF Data Cube ──────────────────────────────────────────────────────────────────────────────────


def fetched_n01951(api: RecordedApi):
    with KoladaClient(api.base_url) as client:
        return client.fetch("N01951", "2380", N01951_YEARS)


def test_values_map_to_observations_that_validate(api: RecordedApi, settings: Settings) -> None:
    fetched = fetched_n01951(api)
    cube = to_cube(fetched, OSTERSUND, settings.base_iri, "Invånare totalt, antal", "Östersunds kommun")
    entries = recorded_entries(*N01951_PAGES)
    nulls = [e for e in entries if e["value"] is None]
    assert cube.skipped == len(nulls)
    assert cube.observations == len(observations(cube.graph)) == len(entries) - len(nulls)
    sex = {"T": SDMX_CODE["sex-T"], "K": SDMX_CODE["sex-F"], "M": SDMX_CODE["sex-M"]}
    g = cube.graph
    for e in entries:
        obs = URIRef(f"{cube.dataset}/{e['period']}-{str(sex[e['gender']]).rsplit('-', 1)[1]}")
        if e["value"] is None:
            assert (obs, None, None) not in g
            continue
        assert g.value(obs, QB.dataSet) == cube.dataset
        assert g.value(obs, SDMX_DIMENSION.refArea) == OSTERSUND
        period = g.value(obs, SDMX_DIMENSION.refPeriod)
        assert (str(period), period.datatype) == (str(e["period"]), XSD.gYear)
        assert g.value(obs, SDMX_DIMENSION.sex) == sex[e["gender"]]
        value = g.value(obs, SDMX_MEASURE.obsValue)
        assert value.datatype == XSD.decimal and Decimal(str(value)) == Decimal(str(e["value"]))
        assert g.value(obs, KM.indicator) == URIRef(BASE + "id/kolada/kpi/N01951")
    assert set(g.objects(cube.dataset, URIRef("http://purl.org/dc/terms/source"))) == {URIRef(u) for u in fetched.urls}
    assert cube.dataset == URIRef(BASE + "id/kolada/kpi/N01951/dataset/2380")
    report = check_cube(cube, settings)
    assert report.conforms and not report.results, report.text()


def test_women_coded_k_or_f_are_female_and_unknown_codes_refused(settings: Settings) -> None:
    payload = json.loads((FIXTURES / "N01982-2380.json").read_text(encoding="utf-8"))
    values, _ = parse_page(payload, "http://127.0.0.1/v3/x")
    women = [v for v in values if v.gender in ("K", "F")]
    assert women
    for code in ("K", "F"):
        recoded = [replace(v, gender=code) if v in women else v for v in values]
        fetched = Fetched("N01982", "2380", (2022,), urls=["http://127.0.0.1/v3/x"], values=recoded)
        cube = to_cube(fetched, OSTERSUND, settings.base_iri)
        assert (URIRef(f"{cube.dataset}/2022-F"), SDMX_DIMENSION.sex, SDMX_CODE["sex-F"]) in cube.graph
    odd = Fetched(
        "N01982",
        "2380",
        (2022,),
        urls=["http://127.0.0.1/v3/x"],
        values=[KoladaValue("N01982", "2380", 2022, "X", Decimal(1))],
    )
    with pytest.raises(KoladaResponseError, match="okänd könskod"):
        to_cube(odd, OSTERSUND, settings.base_iri)


def test_a_cube_for_an_unpinned_kpi_does_not_validate(api: RecordedApi, settings: Settings) -> None:
    fetched = fetched_n01951(api)
    fetched.kpi = "N99999"
    cube = to_cube(fetched, OSTERSUND, settings.base_iri)
    report = check_cube(cube, settings)
    assert not report.conforms
    assert {r.path for r in report.violations} == {str(KM.indicator)}


def test_turtle_is_written_with_relative_iris(api: RecordedApi, settings: Settings) -> None:
    cube = to_cube(fetched_n01951(api), OSTERSUND, settings.base_iri)
    text = to_turtle(cube.graph, settings.base_iri, "Rad ett\nRad två").decode("utf-8")
    assert settings.base_iri not in text
    assert text.startswith("# Rad ett\n# Rad två\n")
    assert "@prefix km: <def/kommunmal#> ." in text
    moved = Graph().parse(data=text, format="turtle", publicID="http://example.org/elsewhere/")
    assert (URIRef("http://example.org/elsewhere/id/kolada/kpi/N01951/dataset/2380"), RDF.type, QB.DataSet) in moved


def test_the_municipality_is_found_by_its_code(union: Graph, settings: Settings) -> None:
    assert municipality_iri(union, "2380", settings.base_iri) == OSTERSUND
    assert municipality_iri(union, "0180", settings.base_iri) == URIRef(BASE + "id/kommun/0180")
    assert default_path(settings, OSTERSUND, "N01951") == settings.data_dir / "ostersund" / "kolada" / "N01951.ttl"
    assert default_path(settings, URIRef(BASE + "id/kommun/0180"), "N01951").parent.parent.name == "kommun-0180"


# ── the command ─────────────────────────────────────────────────────────────────────────────────────────────────────


def read_checked(path: Path, settings: Settings) -> Graph:
    """The written file, parsed with the vocabulary and the pinned KPIs, after checking it conforms to all shapes."""
    g = Graph()
    for onto in sorted(settings.ontology_dir.glob("*.ttl")):
        parse_file(onto, settings.base_iri, g)
    parse_file(settings.data_dir / "reference" / "kolada" / "kpis.ttl", settings.base_iri, g)
    written = parse_file(path, settings.base_iri)
    report = validate(g + written, load_shapes(settings))
    assert report.conforms, report.text()
    return written


def test_cli_writes_a_file_that_parses_and_validates(
    api: RecordedApi, clean_env, tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "n01951.ttl"
    code = main(
        [
            "kolada",
            "--kpi",
            "N01951",
            "--municipality",
            "2380",
            "--years",
            "2020-2022",
            "--base-url",
            api.base_url,
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "sida 2" in captured.err
    written = read_checked(out, settings)
    entries = recorded_entries(*N01951_PAGES)
    assert len(observations(written)) == sum(e["value"] is not None for e in entries)
    assert f"-> {out}" in captured.out
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.fixture
def n01982_for_three_years(api: RecordedApi) -> RecordedApi:
    """The recorded N01982 page (2022 only) also answers the request for 2020-2022."""
    body = (FIXTURES / "N01982-2380.json").read_bytes()
    api.extra["/v3/data/kpi/N01982/municipality/2380/year/2020,2021,2022"] = (200, body)
    return api


def test_cli_writes_several_kpis_to_the_data_folder_for_the_next_build(
    n01982_for_three_years: RecordedApi, clean_env, tmp_path: Path, settings: Settings
) -> None:
    data = tmp_path / "data"
    shutil.copytree(settings.data_dir, data)
    clean_env.setenv("KOMMUNMAL_DATA_DIR", str(data))
    code = main(
        [
            "kolada",
            "--kpi",
            "N01951,N01982",
            "--municipality",
            "2380",
            "--years",
            "2020,2021,2022",
            "--base-url",
            n01982_for_three_years.base_url,
            "-q",
        ]
    )
    assert code == 0
    files = sorted((data / "ostersund" / "kolada").glob("*.ttl"))
    assert [f.name for f in files] == ["N01951.ttl", "N01982.ttl"]
    local = settings.with_(data_dir=data)
    dataset, _ = load(local)
    report = validate(dataset, load_shapes(local))
    assert report.conforms, report.text()
    union = union_graph(dataset)
    entries = recorded_entries(*N01951_PAGES, "N01982-2380.json")
    # The Kolada data sets only: data/ostersund/outcomes.ttl holds observations from other sources too.
    fetched = [o for o in observations(union) if "/id/kolada/" in str(o)]
    assert len(fetched) == sum(e["value"] is not None for e in entries)
    status = sorted(str(s) for s in union.objects(None, KM.koladaStatus))
    assert status == sorted(e["status"] for e in recorded_entries("N01982-2380.json") if e["status"])


def test_unreachable_api_exits_2_and_changes_nothing(
    closed_url: str, clean_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    existing = tmp_path / "existing.ttl"
    existing.write_bytes(b"# the previous import\n")
    before = existing.read_bytes()
    missing = tmp_path / "new" / "N01951.ttl"
    for out in (existing, missing):
        code = main(
            [
                "kolada",
                "--kpi",
                "N01951",
                "--municipality",
                "2380",
                "--years",
                "2020",
                "--base-url",
                closed_url,
                "--out",
                str(out),
            ]
        )
        err = capsys.readouterr().err
        assert code == 2
        assert closed_url in err and "--base-url" in err and "inget har skrivits" in err
    assert existing.read_bytes() == before
    assert not missing.exists() and not missing.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.ttl"]


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_exits_2_and_changes_nothing(
    api: RecordedApi, clean_env, tmp_path: Path, capsys: pytest.CaptureFixture, status: int
) -> None:
    api.extra["/v3/data/kpi/N01982/municipality/2380/year/2022"] = (status, b"{}")
    out = tmp_path / "N01982.ttl"
    out.write_bytes(b"# the previous import\n")
    code = main(
        [
            "kolada",
            "--kpi",
            "N01982",
            "--municipality",
            "2380",
            "--years",
            "2022",
            "--base-url",
            api.base_url,
            "--out",
            str(out),
        ]
    )
    assert code == 2
    assert str(status) in capsys.readouterr().err
    assert out.read_bytes() == b"# the previous import\n"


def test_a_failure_on_the_second_kpi_writes_neither(
    api: RecordedApi, clean_env, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    # N01982 has no recorded response for these years: the server answers 404 after N01951 was fetched.
    code = main(
        [
            "kolada",
            "--kpi",
            "N01951,N01982",
            "--municipality",
            "2380",
            "--years",
            "2020-2022",
            "--base-url",
            api.base_url,
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    assert "404" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_values_that_do_not_conform_are_not_written(
    api: RecordedApi, clean_env, tmp_path: Path, settings: Settings, capsys: pytest.CaptureFixture
) -> None:
    shapes = tmp_path / "shapes"
    shutil.copytree(settings.shapes_dir, shapes)
    (shapes / "stricter.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix qb: <http://purl.org/linked-data/cube#> .\n"
        "<def/kommunmal/shapes#LicenceShape> a sh:NodeShape ; sh:targetClass qb:DataSet ;\n"
        "  sh:property [ sh:path dct:license ; sh:minCount 1 ;\n"
        '    sh:message "Licens saknas."@sv , "No licence."@en ] .\n',
        encoding="utf-8",
    )
    clean_env.setenv("KOMMUNMAL_SHAPES_DIR", str(shapes))
    out = tmp_path / "N01982.ttl"
    code = main(
        [
            "kolada",
            "--kpi",
            "N01982",
            "--municipality",
            "2380",
            "--years",
            "2022",
            "--base-url",
            api.base_url,
            "--out",
            str(out),
        ]
    )
    assert code == 1
    assert "Licens saknas." in capsys.readouterr().err
    assert not out.exists()


def test_unpinned_kpi_is_refused_before_any_request(closed_url: str, clean_env, capsys: pytest.CaptureFixture) -> None:
    code = main(["kolada", "--kpi", "N99999", "--municipality", "2380", "--base-url", closed_url])
    err = capsys.readouterr().err
    assert code == 2
    assert "inte fastlagd" in err and "kpis.ttl" in err
    assert "kan inte nås" not in err


def exit_code(args: list[str]) -> int:
    try:
        return main(args)
    except SystemExit as exc:  # argparse refuses before the command runs
        return int(exc.code)


@pytest.mark.parametrize(
    "args",
    [
        ["--kpi", "1951", "--municipality", "2380"],
        ["--kpi", "N01951", "--municipality", "Östersund"],
        ["--kpi", "N01951", "--municipality", "2380", "--years", "förra året"],
    ],
    ids=["kpi", "municipality", "years"],
)
def test_malformed_arguments_are_refused(args: list[str], closed_url: str, clean_env) -> None:
    assert exit_code(["kolada", *args, "--base-url", closed_url]) == 2
