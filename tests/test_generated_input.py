"""Generated bad input, bounded in time: schemathesis against the app's OpenAPI description, hypothesis-made SPARQL
strings, headers and parameters against /sparql, and hostile source files against validate and build. Each case
must get a clear 4xx (or a 2xx), never a 500, a hang or an outbound connection."""

from __future__ import annotations

import json
import time
from pathlib import Path

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from live_server import Listener

from kommunmal.cli import main

COUNTS: dict[str, int] = {}


def counted(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


def teardown_module() -> None:
    print("\ngenerated cases: " + ", ".join(f"{k} {v}" for k, v in COUNTS.items()))


# --- OpenAPI ------------------------------------------------------------------------------------------------------


def test_openapi_operations_never_fail_on_the_server_side(app: FastAPI, client: TestClient) -> None:
    """Every operation of /-/openapi.json with schemathesis-generated parameters, sent through the session's
    client (schemathesis' own ASGI transport would run the app's lifespan a second time)."""
    api = schemathesis.openapi.from_dict(client.get("/-/openapi.json").json())
    operations = [result.ok() for result in api.get_all_operations()]
    assert any("/analysis/" in op.path for op in operations)
    for operation in operations:

        @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
        @given(operation.as_strategy())
        def call(case) -> None:
            counted("openapi")
            response = client.request(case.method, case.formatted_path, params=case.query, headers=case.headers)
            assert response.status_code < 500, (case.method, case.path_parameters, case.query, response.status_code)

        call()


# --- /sparql -------------------------------------------------------------------------------------------------------

KEYWORDS = [
    "SELECT",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "WHERE",
    "{",
    "}",
    "?s",
    "?p",
    "?o",
    "*",
    "FILTER",
    "(",
    ")",
    "GRAPH",
    "OPTIONAL",
    "UNION",
    "LIMIT",
    "1",
    "<http://x/>",
    "'a'",
    '"b"@sv',
    ".",
    ";",
    "PREFIX",
    "x:",
    "BIND",
    "AS",
    "SERVICE",
    "VALUES",
    "INSERT",
    "DATA",
    "\\u0053",
    "#",
    "\n",
    "ORDER",
    "BY",
    "COUNT",
]
MEDIA = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/turtle",
    "application/rdf+xml",
    "application/ld+json",
    "text/html",
    "*/*",
    "image/png",
    "application/x-garbage",
]
query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(KEYWORDS), max_size=25).map(" ".join),
)
header_value = st.one_of(
    st.sampled_from(MEDIA),
    st.lists(st.sampled_from(MEDIA), max_size=4).map(", ".join),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    method=st.sampled_from(["GET", "POST-form", "POST-direct", "HEAD", "PUT", "OPTIONS"]),
    query=query_text,
    accept=header_value,
    if_none_match=st.one_of(st.none(), st.sampled_from(["*", '"x"', "W/", '"'])),
    extra=st.lists(
        st.tuples(
            st.sampled_from(["format", "default-graph-uri", "named-graph-uri", "query", "timeout", "x"]),
            st.text(max_size=30),
        ),
        max_size=3,
    ),
)
def test_sparql_never_answers_500(client: TestClient, method, query, accept, if_none_match, extra) -> None:
    counted("sparql requests")
    headers = {"accept": accept}
    if if_none_match:
        headers["if-none-match"] = if_none_match
    params = [("query", query), *extra]
    if method == "POST-form":
        r = client.post("/sparql", data=dict(params), headers=headers)
    elif method == "POST-direct":
        headers["content-type"] = "application/sparql-query"
        r = client.post("/sparql", content=query.encode("utf-8", "surrogatepass"), params=extra, headers=headers)
    else:
        r = client.request(method.split("-")[0], "/sparql", params=params, headers=headers)
    assert r.status_code < 500 or r.status_code == 503, (method, query, accept, r.status_code, r.text[:300])
    if r.status_code >= 400 and method != "HEAD":
        if r.headers["content-type"].startswith("text/html"):
            # a browser's GET or form POST (the query page posts long queries): the query page, with the
            # endpoint's error shown beside the query
            assert method in ("GET", "POST-form") and "text/html" in accept, (method, accept)
            assert '<div class="error" role="alert"' in r.text and "Ändpunktens meddelande" in r.text
        else:
            assert r.headers["content-type"].startswith("text/plain") and r.text.strip(), "a clear error text"


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(raw=st.binary(max_size=200))
def test_sparql_bodies_that_are_not_utf8(client: TestClient, raw: bytes) -> None:
    counted("sparql raw bodies")
    r = client.post("/sparql", content=raw, headers={"content-type": "application/sparql-query"})
    assert r.status_code < 500 or r.status_code == 503, (raw, r.status_code, r.text[:200])


# --- hostile source files ----------------------------------------------------------------------------------------


def hostile_files(folder: Path, port: int) -> dict[str, bytes]:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE l [\n <!ENTITY a "aaaaaaaaaa">\n'
        + "".join(f' <!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
        + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">\n'
        '<rdf:Description rdf:about="http://a/s"><ex:p>&j;</ex:p></rdf:Description>\n</rdf:RDF>\n'
    )
    return {
        "laughs.rdf": laughs.encode(),
        "external-entity.rdf": (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [ <!ENTITY x SYSTEM "http://127.0.0.1:{port}/x"> ]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://a/">\n'
            '<rdf:Description rdf:about="http://a/s"><ex:p>&x;</ex:p></rdf:Description>\n</rdf:RDF>\n'
        ).encode(),
        "remote-context.jsonld": json.dumps(
            {"@context": f"http://127.0.0.1:{port}/context", "@id": "http://a/s", "p": 1}
        ).encode(),
        "remote-context-in-list.jsonld": json.dumps(
            {"@graph": [{"@context": [{"ex": "http://a/"}, f"http://127.0.0.1:{port}/c"], "@id": "http://a/s"}]}
        ).encode(),
        "import.jsonld": json.dumps(
            {"@context": {"@import": f"http://127.0.0.1:{port}/i"}, "@id": "http://a/s"}
        ).encode(),
        "deep.ttl": b"@prefix ex: <http://a/> .\nex:s ex:p " + b"[ ex:p " * 20000 + b"1" + b" ]" * 20000 + b" .\n",
        "deep.jsonld": b'{"http://a/p":' * 20000 + b"1" + b"}" * 20000,
        "not-utf8.ttl": b'@prefix ex: <http://a/> .\nex:s ex:p "\xff\xfe" .\n',
        "nul.nt": b'<http://a/s> <http://a/p> "\x00" .\n<http://a/s\x00> <http://a/p> 1 .\n',
        "unknown.xyz": b"hello",
    }


def test_hostile_files_get_a_clear_error_and_no_connection(tmp_path: Path, capsys) -> None:
    listener = Listener()
    try:
        for name, content in hostile_files(tmp_path, listener.port).items():
            counted("hostile files")
            path = tmp_path / name
            path.write_bytes(content)
            started = time.monotonic()
            code = main(["validate", str(path)])
            err = capsys.readouterr().err
            assert code == 2, (name, code, err)
            assert str(path) in err and "Traceback" not in err, (name, err)
            assert time.monotonic() - started < 30, f"{name} took too long"
        assert listener.connections == []
    finally:
        listener.close()


def test_build_refuses_a_hostile_file_before_publishing(tmp_path: Path, monkeypatch, capsys) -> None:
    listener = Listener()
    try:
        data = tmp_path / "data"
        data.mkdir()
        (data / "remote.jsonld").write_bytes(hostile_files(tmp_path, listener.port)["remote-context.jsonld"])
        monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
        assert main(["build", "--out", str(tmp_path / "out"), "-q"]) == 2
        assert "remote.jsonld" in capsys.readouterr().err
        assert not (tmp_path / "out" / "current").exists()
        assert listener.connections == []
    finally:
        listener.close()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(content=st.binary(max_size=300), suffix=st.sampled_from([".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq"]))
def test_generated_files_never_crash_the_parser(tmp_path_factory, content: bytes, suffix: str) -> None:
    """Random bytes under every supported extension: parsed or refused with SourceError, nothing else."""
    from kommunmal.dataset import parse_file
    from kommunmal.errors import SourceError

    counted("generated files")
    path = tmp_path_factory.mktemp("gen") / f"f{suffix}"
    path.write_bytes(content)
    try:
        parse_file(path, "https://w3id.org/kommunmal/")
    except SourceError as exc:
        assert str(path) in str(exc)
