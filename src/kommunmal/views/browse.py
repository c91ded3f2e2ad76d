"""Index pages: all actions (with filters a URL can carry) and all organisations with what they answer for."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from typing import Any

from kommunmal.store import Store
from kommunmal.views.sparql import code_key, is_stated, local_name, per_release, rows, sdg_code
from kommunmal.views.swedish import sort_key

BASIS = {"uttalad": True, "harledd": False}


@dataclass(frozen=True)
class ActionFilter:
    """What the action index is narrowed to; every field is a URL query parameter of /atgarder (empty: any).

    mal: a goal's notation ("1.4"); slag: an action kind's local name ("measurableTarget"); organ: a responsible
    body's last IRI segment ("kommunstyrelsen", every municipality's) or its path after /id/
    ("ostersund/org/kommunstyrelsen", see org_key); fn: a UN goal number ("11"); grund: "uttalad" (stated) or
    "harledd" (inferred), for the SDG and responsibility links (those of `fn`/`organ` when given); malvarde:
    "ja" (has a measurable target value) or "nej"."""

    mal: str = ""
    slag: str = ""
    organ: str = ""
    fn: str = ""
    grund: str = ""
    malvarde: str = ""

    @classmethod
    def from_params(cls, params: Any) -> ActionFilter:
        return cls(**{f: str(params.get(f, "") or "").strip() for f in cls.__dataclass_fields__})

    def active(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


def _actions(store: Store, vocab: str, document: str | None) -> list[dict[str, Any]]:
    merged: dict[Any, dict[str, Any]] = {}
    for r in rows(store, "page_actions_index", vocab, document=document):
        a = merged.setdefault(
            r["action"],
            {k: v for k, v in r.items() if k not in ("goal", "notation", "goal_label", "document")}
            | {"goals": [], "orgs": [], "sdgs": [], "document": r["document"]},
        )
        if r["goal"] not in [g["goal"] for g in a["goals"]]:
            a["goals"].append({"goal": r["goal"], "notation": r["notation"], "label": r.get("goal_label")})
    for r in rows(store, "page_actions_responsible", vocab):
        if r["action"] in merged:
            merged[r["action"]]["orgs"].append(
                {"org": r["org"], "label": r.get("org_label"), "stated": is_stated(r.get("basis"))}
            )
    for r in rows(store, "page_actions_sdg", vocab):
        if r["action"] in merged:
            sdgs = merged[r["action"]]["sdgs"]
            item = {"sdg": r["sdg"], "code": sdg_code(r["code"]), "label": r.get("sdg_label")}
            stated = is_stated(r.get("basis"))
            same = next((s for s in sdgs if s["sdg"] == r["sdg"]), None)
            if same:
                same["stated"] = same["stated"] or stated
            else:
                sdgs.append(item | {"stated": stated})
    for a in merged.values():
        a["goals"].sort(key=lambda g: code_key(g["notation"]))
        a["orgs"].sort(key=lambda o: sort_key(str(o.get("label") or "")))
        a["sdgs"].sort(key=lambda s: code_key(s["code"]))
        a["has_target"] = "target_value" in a
    return sorted(merged.values(), key=lambda a: (code_key(a["goals"][0]["notation"]), sort_key(str(a.get("label")))))


def org_key(iri: Any) -> str:
    """An organisation's `organ` value that names it alone: its IRI's path after /id/ ("ostersund/org/kommunstyrelsen";
    the last segment, also accepted, is the same for every municipality's Kommunstyrelsen)."""
    text = str(iri).rstrip("/")
    return text.split("/id/", 1)[1] if "/id/" in text else local_name(text)


def _matches(a: dict[str, Any], f: ActionFilter) -> bool:
    if f.mal and f.mal not in [str(g["notation"]) for g in a["goals"]]:
        return False
    if f.slag and local_name(a.get("kind", "")) != f.slag:
        return False
    orgs = [o for o in a["orgs"] if f.organ in (local_name(o["org"]), org_key(o["org"]))] if f.organ else a["orgs"]
    sdgs = [s for s in a["sdgs"] if s["code"] == f.fn] if f.fn else a["sdgs"]
    if (f.organ and not orgs) or (f.fn and not sdgs):
        return False
    if f.grund in BASIS:
        wanted = BASIS[f.grund]
        judged = ([*orgs] if f.organ else []) + ([*sdgs] if f.fn else []) if (f.organ or f.fn) else [*orgs, *sdgs]
        if not any(x["stated"] == wanted for x in judged):
            return False
    return not (f.malvarde in ("ja", "nej") and a["has_target"] != (f.malvarde == "ja"))


def _facet(values: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    counted: dict[str, dict[str, Any]] = {}
    for value, label, key in values:
        c = counted.setdefault(value, {"value": value, "label": label, "count": 0, "_key": key})
        c["count"] += 1
    return [{k: v for k, v in c.items() if k != "_key"} for c in sorted(counted.values(), key=lambda c: c["_key"])]


def build_actions(store: Store, vocab: str, f: ActionFilter, document: str | None = None) -> dict[str, Any]:
    """The action index: `actions` that pass `f` (each with label, kind, target, `goals`, `orgs`, `sdgs`),
    `total` before filtering, the `filter` in effect and `facets` (per filter, the values there are with how
    many actions have each), from the goal document `document` (None: all documents)."""
    every = per_release(store, "actions", document, lambda: _actions(store, vocab, document))
    shown = [a for a in every if _matches(a, f)]
    facets = {
        "mal": _facet(
            [
                (str(g["notation"]), f"{g['notation']} {g.get('label') or ''}".strip(), code_key(g["notation"]))
                for a in every
                for g in a["goals"]
            ]
        ),
        "slag": _facet(
            [
                (
                    local_name(a["kind"]),
                    str(a.get("kind_label") or local_name(a["kind"])),
                    sort_key(str(a.get("kind_label"))),
                )
                for a in every
                if "kind" in a
            ]
        ),
        "organ": _facet(
            [
                (local_name(o["org"]), str(o.get("label") or local_name(o["org"])), sort_key(str(o.get("label"))))
                for a in every
                for o in a["orgs"]
            ]
        ),
        "fn": _facet(
            [
                (s["code"], f"{s['code']} {s.get('label') or ''}".strip(), code_key(s["code"]))
                for a in every
                for s in a["sdgs"]
            ]
        ),
        "grund": [{"value": "uttalad", "label": "uttalad i texten"}, {"value": "harledd", "label": "härledd"}],
        "malvarde": [{"value": "ja", "label": "med mätbart målvärde"}, {"value": "nej", "label": "utan målvärde"}],
    }
    return {"filter": f.active(), "total": len(every), "actions": shown, "facets": facets}


def unknown_filter(data: dict[str, Any]) -> tuple[str, str, list[str]] | None:
    """The first filter of an action index `data` (build_actions) whose value is none of its facet's values, as
    (parameter, value, the values there are); None when every value is one of them. An unknown value would
    otherwise narrow the list to nothing while the form showed "alla" for it."""
    for name, value in data["filter"].items():
        allowed = [str(o["value"]) for o in data["facets"].get(name, [])]
        one_body = name == "organ" and data["actions"]  # an organisation named by org_key
        if value not in allowed and not one_body:
            return name, value, allowed
    return None


CSV_COLUMNS = ("iri", "namn", "slag", "mål", "ansvariga", "fn_mål", "målvärde", "enhet", "år")


def actions_csv(data: dict[str, Any]) -> str:
    """The action index as CSV (RFC 4180, UTF-8, header row CSV_COLUMNS; several values joined with "; ")."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for a in data["actions"]:
        w.writerow(
            [
                str(a["action"]),
                str(a.get("label", "")),
                str(a.get("kind_label", "")),
                "; ".join(str(g["notation"]) for g in a["goals"]),
                "; ".join(str(o.get("label") or o["org"]) for o in a["orgs"]),
                "; ".join(s["code"] for s in a["sdgs"]),
                str(a.get("target_value", "")),
                str(a.get("unit", "")),
                str(a.get("year", "")),
            ]
        )
    return out.getvalue()


def build_organisations(store: Store, vocab: str, document: str | None = None) -> dict[str, Any]:
    """`organisations`: every organisation in Swedish name order with kind, parent, verification status and the
    number of `goals` and `actions` it answers for in the goal document `document` (None: all documents)."""
    found = rows(store, "page_organisations", vocab, document=document)
    merged: dict[Any, dict[str, Any]] = {}
    for r in found:
        merged.setdefault(r["org"], r)
    orgs = sorted(merged.values(), key=lambda r: sort_key(str(r.get("label") or local_name(r["org"]))))
    return {"organisations": orgs}
