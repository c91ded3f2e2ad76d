"""Measure `kommunmal ingest` against curated data: text repair, goals, actions, shared actions, SDG targets.

Usage:
  .venv/bin/python scripts/measure_ingest.py [--source FILE] [--data-dir DIR] [--fixtures DIR] [--json]

Reads the source document (default: shared/source/ostersund-budget-2024-kommunovergripande-mal.txt beside the
repository, else data/ostersund/2024/source.txt), parses and proposes as `kommunmal ingest` does, and compares with
the curated data under --data-dir (default data/; the municipality and year folder given by --curated, default
ostersund/2024). Figures:
  - words of the political texts equal to the curated text, before repair (the OCR text as read) and after repair,
    per goal and in all (word tokens aligned with difflib, in order);
  - goals found with the curated notation and short name;
  - curated actions proposed (recall: an action counts when one of its statements is the evidence of a proposal)
    and proposals that are curated actions (precision), by proposal and by sentence;
  - curated shared actions proposed as one shared action (statements under at least two of its goals), and the
    pairs of statements in shared proposals that are statements of one curated action (precision);
  - curated links to SDG targets found among the top 5 candidates of their goal or action, in all and by goal.
Then each layout fixture under --fixtures (default tests/fixtures/ingest/): the layout recognised and the goals
found per level. Nothing is timed here; run it again after re-curation with --data-dir pointing at the new data.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from kommunmal.config import Settings
from kommunmal.errors import SourceError
from kommunmal.ingest.layout import parse_document
from kommunmal.ingest.proposals import propose
from kommunmal.ingest.sdg_match import SdgMatcher

ROOT = Path(__file__).resolve().parent.parent
SOURCE_NAME = "ostersund-budget-2024-kommunovergripande-mal.txt"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def equal_words(curated: str, produced: str) -> tuple[int, int]:
    """(curated words matched in order by the produced text, curated words)."""
    a, b = words(curated), words(produced)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()), len(a)


def norm(text: str) -> str:
    return " ".join(text.split())


def same_sentence(a: str, b: str) -> bool:
    a, b = norm(a), norm(b)
    if a == b:
        return True
    if abs(len(a) - len(b)) > 0.2 * max(len(a), len(b)):
        return False
    return difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= 0.9


def load_curated(folder: Path, base: str) -> Graph:
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID=base)
    return graph


def measure_source(source: Path, data_dir: Path, curated_dir: Path, base: str) -> dict:
    km = Namespace(base + "def/kommunmal#")
    cur = load_curated(curated_dir, base)
    started = time.perf_counter()
    doc = parse_document(source)
    matcher = SdgMatcher(data_dir / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl")
    proposals = propose(doc, matcher)
    seconds = time.perf_counter() - started
    out: dict = {"source": str(source), "curated": str(curated_dir), "seconds": round(seconds, 1)}

    # Goals: notation and short name.
    curated_goals = {str(cur.value(g, SKOS.notation)): g for g in cur.subjects(RDF.type, km.Goal)}
    names = {
        n: next(str(o) for o in cur.objects(g, SKOS.prefLabel) if o.language == "sv") for n, g in curated_goals.items()
    }
    found = {g.notation: g for g in doc.goals}
    right = [n for n in names if n in found and (found[n].short_name or "").strip() == names[n]]
    out["goals"] = {
        "curated": len(names),
        "found": len(doc.goals),
        "right_notation_and_short_name": len(right),
        "wrong": sorted(set(names) - set(right)),
    }

    # Words of the political texts, before and after repair, per goal.
    per_goal, totals = {}, [0, 0, 0]
    for n, goal_iri in sorted(curated_goals.items()):
        text = cur.value(goal_iri, km.politicalText)
        paras = sorted(cur.objects(text, km.paragraph), key=lambda p: int(cur.value(p, km.position)))
        curated_text = " ".join(str(cur.value(p, km.text)) for p in paras)
        goal = found.get(n)
        before = " ".join(p.text.ocr for p in goal.paragraphs) if goal else ""
        after = " ".join(p.text.text for p in goal.paragraphs) if goal else ""
        eb, total = equal_words(curated_text, before)
        ea, _ = equal_words(curated_text, after)
        per_goal[n] = {"words": total, "before_repair": round(eb / total, 4), "after_repair": round(ea / total, 4)}
        totals = [totals[0] + eb, totals[1] + ea, totals[2] + total]
    out["words"] = {
        "curated": totals[2],
        "equal_before_repair": round(totals[0] / totals[2], 4),
        "equal_after_repair": round(totals[1] / totals[2], 4),
        "per_goal": per_goal,
    }

    # Actions: recall and precision by quotes.
    statements: dict[URIRef, list[tuple[str, str]]] = {}
    for action in cur.subjects(RDF.type, km.Action):
        for stmt in cur.objects(action, km.evidence):
            para = cur.value(stmt, km.inParagraph)
            goal = (
                cur.value(cur.value(para, URIRef("http://purl.org/dc/terms/isPartOf")), km.textOf)
                if para
                else (cur.value(stmt, km.inGoalStatement))
            )
            statements.setdefault(action, []).append(
                (str(cur.value(stmt, km.quote)), str(cur.value(goal, SKOS.notation)))
            )
    curated_quotes = [(q, n, a) for a, qs in statements.items() for q, n in qs]

    def matches(proposal_quote: str, goal: str) -> set[URIRef]:
        return {a for q, n, a in curated_quotes if n == goal and same_sentence(q, proposal_quote)}

    hit_by_proposal = [set().union(*(matches(e.quote, e.goal) for e in p.evidence)) for p in proposals.actions]
    sentences = [(e.quote, e.goal) for p in proposals.actions for e in p.evidence]
    good_sentences = sum(1 for q, n in sentences if matches(q, n))
    recalled = set().union(*hit_by_proposal) if hit_by_proposal else set()
    out["actions"] = {
        "curated": len(statements),
        "proposed": len(proposals.actions),
        "recall": round(len(recalled) / len(statements), 4),
        "curated_found": len(recalled),
        "precision_by_proposal": round(sum(1 for h in hit_by_proposal if h) / max(len(proposals.actions), 1), 4),
        "precision_by_sentence": round(good_sentences / max(len(sentences), 1), 4),
        "sentences_proposed": len(sentences),
        "missed": sorted(str(a).rsplit("/", 1)[-1] for a in set(statements) - recalled),
    }

    # Shared actions.
    shared = {a: {n for _, n in qs} for a, qs in statements.items() if len({n for _, n in qs}) > 1}
    shared_found = []
    for action in shared:
        for proposal in proposals.actions:
            covered = {e.goal for e in proposal.evidence if action in matches(e.quote, e.goal)}
            if len(covered) >= 2:
                shared_found.append(str(action).rsplit("/", 1)[-1])
                break
    # Precision: each pair of statements under different goals in a shared proposal is right when both statements
    # are statements of one curated action.
    pairs_right, pairs_total, wrong_pairs = 0, 0, []
    for proposal in proposals.actions:
        if not proposal.shared:
            continue
        for a, b in combinations(proposal.evidence, 2):
            if a.goal == b.goal:
                continue
            pairs_total += 1
            if matches(a.quote, a.goal) & matches(b.quote, b.goal):
                pairs_right += 1
            else:
                wrong_pairs.append(f"{a.goal} {a.quote[:50]!r} + {b.goal} {b.quote[:50]!r}")
    out["shared_actions"] = {
        "curated": len(shared),
        "proposed_as_one": len(shared_found),
        "shared_proposals": sum(1 for p in proposals.actions if p.shared),
        "statement_pairs": pairs_total,
        "statement_pairs_curated": pairs_right,
        "statement_pairs_not_curated": wrong_pairs,
        "found": sorted(shared_found),
        "missed": sorted(str(a).rsplit("/", 1)[-1] for a in shared if str(a).rsplit("/", 1)[-1] not in shared_found),
    }

    # SDG targets in the top 5.
    targets_found, targets_total = 0, 0
    by_goal: dict[str, list[int]] = {}
    for link in cur.subjects(RDF.type, km.SdgLink):
        obj = str(cur.value(link, km.object))
        if "." not in obj.rsplit("/", 1)[-1]:
            continue  # a link to a goal, not a target
        targets_total += 1
        code = obj.rsplit("/", 1)[-1]
        subject = cur.value(link, km.subject)
        if (subject, RDF.type, km.Goal) in cur:
            goal = str(cur.value(subject, SKOS.notation))
            candidates = proposals.goal_sdg.get(goal, [])
            codes = {c.code for c in candidates[:5]}
        else:
            goal = min(n for _, n in statements.get(subject, [("", "?")]))
            codes = {
                c.code
                for p, h in zip(proposals.actions, hit_by_proposal, strict=True)
                if subject in h
                for c in p.sdg[:5]
            }
        targets_found += code in codes
        counts = by_goal.setdefault(goal, [0, 0])
        counts[0] += code in codes
        counts[1] += 1
    out["sdg_targets"] = {
        "curated_links_to_targets": targets_total,
        "in_top5": targets_found,
        "share": round(targets_found / max(targets_total, 1), 4),
        # by the goal of the linked goal or action (an action under several goals: the first), so that a rule chosen
        # on some goals can be checked on the others
        "per_goal": {n: {"in_top5": f, "links": t} for n, (f, t) in sorted(by_goal.items())},
    }
    return out


def measure_fixtures(folder: Path) -> list[dict]:
    rows = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html", ".pdf")):
        try:
            doc = parse_document(path)
        except SourceError as exc:
            rows.append({"fixture": path.name, "layout": None, "goals": 0, "error": str(exc).split(": ", 1)[-1][:80]})
            continue
        levels = Counter(g.level for g in doc.goals)
        rows.append(
            {
                "fixture": path.name,
                "layout": doc.layout,
                "goals": len(doc.goals),
                "per_level": dict(sorted(levels.items())),
                "with_text": sum(1 for g in doc.goals if g.paragraphs),
                "short_names": sum(1 for g in doc.goals if g.short_name),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    default_source = ROOT.parent / "shared" / "source" / SOURCE_NAME
    if not default_source.is_file():
        default_source = Path("/work/shared/source") / SOURCE_NAME
    if not default_source.is_file():
        default_source = ROOT / "data" / "ostersund" / "2024" / "source.txt"
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path, default=default_source, help="the document to ingest")
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data", help="data folder with the curated data")
    ap.add_argument("--curated", default="ostersund/2024", help="folder of the curated goal document in --data-dir")
    ap.add_argument("--fixtures", type=Path, default=ROOT / "tests" / "fixtures" / "ingest", help="layout fixtures")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    base = Settings.from_env().base_iri
    result = measure_source(args.source, args.data_dir, args.data_dir / args.curated, base)
    result["fixtures"] = measure_fixtures(args.fixtures) if args.fixtures.is_dir() else []
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    w, g, a, s, t = result["words"], result["goals"], result["actions"], result["shared_actions"], result["sdg_targets"]
    print(f"source {result['source']} against {result['curated']} (parse and propose {result['seconds']} s)")
    print(
        f"words equal to the curated text: {w['equal_before_repair']:.2%} before repair, "
        f"{w['equal_after_repair']:.2%} after repair ({w['curated']} words)"
    )
    for n, row in w["per_goal"].items():
        print(f"  {n}: {row['before_repair']:.2%} → {row['after_repair']:.2%} of {row['words']}")
    print(
        f"goals with the curated notation and short name: {g['right_notation_and_short_name']}/{g['curated']} "
        f"(found {g['found']}; wrong: {', '.join(g['wrong']) or 'none'})"
    )
    print(
        f"actions: recall {a['recall']:.2%} ({a['curated_found']}/{a['curated']}), precision "
        f"{a['precision_by_proposal']:.2%} by proposal ({a['proposed']}), {a['precision_by_sentence']:.2%} by "
        f"sentence ({a['sentences_proposed']})"
    )
    print(f"  missed: {', '.join(a['missed']) or 'none'}")
    print(
        f"shared actions proposed as one: {s['proposed_as_one']}/{s['curated']} "
        f"({s['shared_proposals']} shared proposals; missed: {', '.join(s['missed']) or 'none'})"
    )
    print(
        f"  pairs of statements under different goals in shared proposals: {s['statement_pairs']}, of which "
        f"{s['statement_pairs_curated']} are statements of one curated action"
    )
    print(f"curated SDG targets in the top 5: {t['in_top5']}/{t['curated_links_to_targets']} ({t['share']:.2%})")
    print("  by goal: " + ", ".join(f"{n} {r['in_top5']}/{r['links']}" for n, r in t["per_goal"].items()))
    print("fixtures:")
    for row in result["fixtures"]:
        detail = (
            row.get("error")
            or f"levels {row['per_level']}, with text {row['with_text']}, short names {row['short_names']}"
        )
        print(f"  {row['fixture']}: {row['layout']}, {row['goals']} goals ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
