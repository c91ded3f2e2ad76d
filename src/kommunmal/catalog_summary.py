"""What the catalog page shows of the datasets: each dataset, its series, downloads and MQA self-assessment.

Read back from the catalog graph (kommunmal.catalog), so the page says exactly what registries harvest.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS

from kommunmal.iris import Iris
from kommunmal.mqa import DQV, INDICATORS, MAXIMUM, rating

DCAT3 = "http://www.w3.org/ns/dcat#"


def _sv(g: Graph, subject: Any, predicate: URIRef) -> str:
    values = list(g.objects(subject, predicate))
    for v in values:
        if isinstance(v, Literal) and v.language == "sv":
            return str(v)
    return str(values[0]) if values else ""


def _reason(comment: str) -> str:
    return comment.removeprefix("Poäng saknas: ").removesuffix(".")


def dataset_summaries(g: Graph, iris: Iris) -> list[dict[str, Any]]:
    """One dict per dcat:Dataset of the catalog, the whole graph first, then by series and year.

    Keys: iri, title, series (title or ""), landing (URL or ""), downloads [{title, url, media, bytes}],
    total (MQA points), maximum (405), rating (Swedish), missing [{points, reason}] (indicators short of full
    points, with the points lost and the reason the measurement states).
    """
    in_series = URIRef(DCAT3 + "inSeries")
    rows = []
    for dataset in g.subjects(RDF.type, DCAT.Dataset):
        if not str(dataset).startswith(iris.dataset):
            continue
        values = {}
        reasons = {}
        for m in g.objects(dataset, DQV.hasQualityMeasurement):
            metric = str(g.value(m, DQV.isMeasurementOf)).rpartition("#")[2]
            values[metric] = float(g.value(m, DQV.value))
            reasons[metric] = [str(c) for c in g.objects(m, RDFS.comment) if c.language == "sv" and "saknas" in c]
        missing = [
            {"points": round(ind.points - values[ind.metric], 2), "reason": _reason(reasons[ind.metric][0])}
            for ind in INDICATORS
            if ind.metric in values and values[ind.metric] < ind.points and reasons.get(ind.metric)
        ]
        downloads = [
            {
                "title": _sv(g, d, DCTERMS.title),
                "url": str(g.value(d, DCAT.downloadURL) or g.value(d, DCAT.accessURL) or ""),
                "media": str(g.value(d, DCAT.mediaType) or "").rsplit("media-types/", 1)[-1],
                "bytes": g.value(d, DCAT.byteSize),
            }
            for d in sorted(g.objects(dataset, DCAT.distribution), key=str)
        ]
        series = g.value(dataset, in_series)
        total = values.get("mqaTotal", 0.0)
        rows.append(
            {
                "iri": str(dataset),
                "title": _sv(g, dataset, DCTERMS.title),
                "series": _sv(g, series, DCTERMS.title) if series else "",
                "landing": str(g.value(dataset, DCAT.landingPage) or ""),
                "downloads": downloads,
                "total": total,
                "maximum": MAXIMUM,
                "rating": rating(total)[0],
                "missing": missing,
            }
        )
    return sorted(rows, key=lambda r: (r["iri"] != iris.dataset, r["series"], r["iri"]))
