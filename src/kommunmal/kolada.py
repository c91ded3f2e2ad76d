"""`kommunmal kolada`'s work: fetch KPI values from Kolada (kommunmal.kolada_client), map them to RDF Data Cube
observations and validate them (kommunmal.kolada_cube), and write one Turtle file per KPI where the next build
picks it up; nothing is written unless every KPI was fetched and validated.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
from rdflib import Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from kommunmal.config import Settings
from kommunmal.dataset import load, union_graph
from kommunmal.errors import KommunmalError, NotConformant
from kommunmal.kolada_client import DEFAULT_BASE_URL, KoladaClient, Progress, check_ids
from kommunmal.kolada_cube import check_cube, municipality_iri, to_cube, to_turtle


def default_path(settings: Settings, area: URIRef, kpi: str) -> Path:
    """data/<municipality slug>/kolada/<KPI>.ttl, where the next build picks the file up."""
    prefix = settings.base_iri + "id/"
    slug = str(area)[len(prefix) :] if str(area).startswith(prefix) else str(area).rsplit("/", 1)[-1]
    return settings.data_dir / slug.replace("/", "-") / "kolada" / f"{kpi}.ttl"


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step: a failure leaves the previous file (or no file) as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class Written:
    """One file written: the KPI, where, how many observations it holds, nulls left out, API pages read."""

    kpi: str
    path: Path
    observations: int
    skipped: int
    pages: int


def import_values(
    settings: Settings,
    kpis: list[str],
    municipality: str,
    years: Iterable[int] = (),
    out: Path | None = None,
    base_url: str = DEFAULT_BASE_URL,
    progress: Progress | None = None,
    transport: httpx.BaseTransport | None = None,
) -> list[Written]:
    """Fetch, map and validate every KPI first; write the files only when all of that succeeded."""
    say = progress or (lambda _msg: None)
    years = tuple(sorted(set(years)))
    check_ids(kpis, municipality, years)
    if out is not None and len(kpis) > 1 and out.suffix:
        raise KommunmalError(
            f"--out {out} är en fil men {len(kpis)} KPI:er hämtas; ange en mapp / give a folder for several KPIs"
        )
    dataset, _sources = load(settings)
    data = union_graph(dataset)
    km = Namespace(settings.vocab)
    area = municipality_iri(data, municipality, settings.base_iri)
    area_label = next((x for x in data.objects(area, SKOS.prefLabel) if getattr(x, "language", None) == "sv"), None)
    for kpi in kpis:
        if (URIRef(f"{settings.base_iri}id/kolada/kpi/{kpi}"), RDF.type, km.Indicator) not in data:
            raise KommunmalError(
                f"{kpi} är inte fastlagd i data/reference/kolada/kpis.ttl; lägg till den där med titel, källa och "
                "verifieringsstatus och kör igen / is not pinned in data/reference/kolada/kpis.ttl: add it there "
                "with title, source and verification status, then run again"
            )
    cubes = []
    with KoladaClient(base_url, progress=say, transport=transport) as client:
        for kpi in kpis:
            fetched = client.fetch(kpi, municipality, years)
            label = data.value(URIRef(f"{settings.base_iri}id/kolada/kpi/{kpi}"), SKOS.prefLabel)
            cubes.append(
                (
                    fetched,
                    to_cube(fetched, area, settings.base_iri, label and str(label), area_label and str(area_label)),
                )
            )
    say("Validerar mot SHACL / validating against SHACL …")
    for _fetched, cube in cubes:
        report = check_cube(cube, settings)
        if not report.conforms:
            raise NotConformant(
                f"{cube.kpi}: värdena följer inte formerna; inget har skrivits / "
                f"the values do not conform; nothing was written\n{report.text()}"
            )
    written = []
    for fetched, cube in cubes:
        if out is None:
            path = default_path(settings, area, cube.kpi)
        elif out.suffix and len(kpis) == 1:
            path = out
        else:
            path = out / f"{cube.kpi}.ttl"
        header = (
            f"Värden för Kolada-KPI {cube.kpi}, kommunkod {municipality},"
            f"\nhämtade {fetched.fetched_at.isoformat()} från {fetched.urls[0]}"
            f"\nSkriven av `kommunmal kolada`; hämta om i stället för att redigera."
        )
        write_atomically(path, to_turtle(cube.graph, settings.base_iri, header))
        written.append(Written(cube.kpi, path, cube.observations, cube.skipped, len(fetched.urls)))
    return written
