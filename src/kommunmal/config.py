"""Settings: one table of names, defaults and help; read from KOMMUNMAL_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, NamedTuple

from kommunmal import resources


class Setting(NamedTuple):
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "base_iri",
        "https://w3id.org/kommunmal/",
        "Base IRI of every IRI the data mints; the vocabulary namespace is {base_iri}def/kommunmal#",
    ),
    Setting(
        "public_url",
        "http://127.0.0.1:8000/",
        "Address the server is reached at; IRIs under base_iri are served from here",
    ),
    Setting("release_dir", "build", "Folder that `build` writes releases to and `serve` reads the current one from"),
    Setting("data_dir", None, "Source data (default: the embedded data/ folder)"),
    Setting("ontology_dir", None, "Vocabulary files (default: the embedded ontology/ folder)"),
    Setting("shapes_dir", None, "SHACL shapes (default: the embedded shapes/ folder)"),
    Setting("sparql_timeout_s", 10.0, "Hard time limit per SPARQL query, in seconds; the worker running it is killed"),
    Setting("sparql_max_rows", 10000, "Most result rows (or triples) one query returns; more are cut and signalled"),
    Setting("sparql_workers", 2, "Worker processes that evaluate SPARQL queries"),
    Setting(
        "sparql_cache_bytes",
        64 * 1024 * 1024,
        "Memory for cached SPARQL answers (a release never changes); 0 turns the cache off",
    ),
    Setting("max_body_bytes", 1024 * 1024, "Largest request body accepted (413 above)"),
    Setting(
        "shacl_engine",
        "shacl-engine",
        "SHACL engine of validate and build: shacl-engine (the package shacl, Rust), turbo (pyshacl-turbo, Rust) or "
        "pyshacl (the reference, about 7x slower than turbo)",
    ),
    Setting(
        "sparql_local_work",
        200_000,
        "Queries proved to need at most this many solution steps (query_cost) are evaluated in the server process "
        "without a worker round trip; 0 sends every query to the workers",
    ),
    Setting(
        "store_url",
        "",
        "SPARQL query endpoint of a remote store (any SPARQL 1.1 server, union default graph); empty: the embedded "
        "store. `build` then also uploads to store_gsp_url and switches with store_update_url",
    ),
    Setting("store_gsp_url", "", "Graph Store HTTP Protocol endpoint of the remote store (for `build`)"),
    Setting("store_update_url", "", "SPARQL Update endpoint of the remote store (for `build`)"),
    # The catalog's contact point. No functional mailbox of the municipality could be sourced, so the default is a
    # placeholder in the reserved .invalid domain: the data steward must set it before registries harvest /catalog.
    Setting(
        "contact_email",
        "dataansvarig@kommunmal.invalid",
        "E-mail address of the catalog's contact point (dcat:contactPoint); a placeholder until set",
    ),
    Setting(
        "catalog_publisher",
        "",
        "The organisation that publishes the catalog and the whole graph, as an IRI relative to base_iri "
        "(id/ostersund); default: the municipality with the most goal documents in the release",
    ),
    Setting(
        "contact_name",
        "Östersunds kommun",
        "Name of the catalog's contact point (vcard:fn): a function or unit, not a person",
    ),
    Setting(
        "warm_pages",
        False,
        "Answer the query page's examples and assemble the index pages (actions, organisations, the UN goals) in the "
        "background after start, so that the first visitor does not wait for them (seconds each at 290 "
        "municipalities); the examples' answers are kept while the release is served; `kommunmal serve` turns it on",
    ),
    Setting(
        "release",
        "",
        "Serve this release (its id: a folder of release_dir/releases/) instead of the current one; `kommunmal serve "
        "--processes` sets it so that every server process serves the release chosen at start",
    ),
    Setting(
        "keep_releases",
        0,
        "How many finished releases a successful build keeps in release_dir/releases/, the current one counted; "
        "older ones are removed unless a `kommunmal serve` serves them (kommunmal.release_retention). 0 keeps all",
    ),
    Setting(
        "allocator",
        "mimalloc",
        "Memory allocator of `kommunmal serve` and `build`: mimalloc (preloaded when installed: some 10 % less CPU "
        "in the query and SHACL engines; kommunmal.allocator) or system (the C library's malloc)",
    ),
)


@dataclass(frozen=True)
class Settings:
    base_iri: str
    public_url: str
    release_dir: Path
    data_dir: Path
    ontology_dir: Path
    shapes_dir: Path
    sparql_timeout_s: float
    sparql_max_rows: int
    sparql_workers: int
    sparql_cache_bytes: int
    max_body_bytes: int
    shacl_engine: str
    sparql_local_work: int
    store_url: str
    store_gsp_url: str
    store_update_url: str
    contact_email: str
    catalog_publisher: str
    contact_name: str
    warm_pages: bool
    release: str
    keep_releases: int
    allocator: str

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then KOMMUNMAL_<NAME> variables, then keyword overrides (e.g. from CLI flags)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = env.get(f"KOMMUNMAL_{s.name.upper()}")
            values[s.name] = raw if raw is not None else s.default
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["data_dir"] = values["data_dir"] or resources.data_dir()
        values["ontology_dir"] = values["ontology_dir"] or resources.ontology_dir()
        values["shapes_dir"] = values["shapes_dir"] or resources.shapes_dir()
        return cls(**{f.name: _coerce(f.type, values[f.name]) for f in fields(cls)})

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def environment(self) -> dict[str, str]:
        """These settings as KOMMUNMAL_<NAME> variables, {name: value}: `Settings.from_env(environ=...)` of them
        gives these settings again (what a server process started from the environment reads)."""
        return {f"KOMMUNMAL_{s.name.upper()}": str(getattr(self, s.name)) for s in SETTINGS}

    @property
    def vocab(self) -> str:
        """The vocabulary namespace."""
        return self.base_iri + "def/kommunmal#"


def _coerce(type_name: Any, value: Any) -> Any:
    kind = str(type_name)
    if kind == "Path":
        return Path(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "str":
        value = str(value)
    if kind == "bool" and isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return value
