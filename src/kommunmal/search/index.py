"""Build the release's full-text index: `search.sqlite`, an SQLite FTS5 table of Snowball stems.

One entry per searchable resource: goals, paragraphs of the political texts, statements (the verbatim sentences
behind actions), actions, organisations, UN SDG goals and targets, and indicators. Each entry keeps its display
texts (Swedish title and text, English text), the resource its page is about (and an anchor on that page), and
its facets: the goals it belongs to and the goal documents (km:goalDocument) of those goals.

The FTS5 columns hold stems, not words: SQLite's tokenizers cannot be extended from Python, so the words are
stemmed here (kommunmal.search.text) and FTS5 indexes the stems with its `unicode61` tokenizer.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kommunmal.compare import is_placeholder
from kommunmal.config import Settings
from kommunmal.documents import Document, documents
from kommunmal.release import Progress
from kommunmal.search.text import stems
from kommunmal.sparql_source import Row, SparqlSource, StoreSource
from kommunmal.store import Store

INDEX_FILE = "search.sqlite"
SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entry(
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, kind TEXT NOT NULL, notation TEXT, title TEXT NOT NULL,
  text TEXT NOT NULL, en TEXT NOT NULL, page TEXT NOT NULL, anchor TEXT NOT NULL
);
CREATE TABLE facet(entry INTEGER NOT NULL REFERENCES entry(id), name TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX facet_entry ON facet(entry);
CREATE TABLE facet_value(
  name TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL, sort TEXT NOT NULL, PRIMARY KEY(name, value)
);
CREATE VIRTUAL TABLE fts USING fts5(title, body, en, tokenize = "unicode61 remove_diacritics 0");
"""


@dataclass
class Entry:
    """One searchable resource. `page` is the IRI whose page shows it, `anchor` a fragment on that page ("" or
    "#p3"); `goals` are goal IRIs, `alt` more Swedish names that are searched but not shown."""

    iri: str
    kind: str
    title: str
    text: str = ""
    en: str = ""
    page: str = ""
    anchor: str = ""
    notation: str = ""
    alt: set[str] = field(default_factory=set)
    goals: set[str] = field(default_factory=set)


def build_index(settings: Settings, folder: Path, say: Progress) -> None:
    """The release extra: read the store in `folder/store` and write `folder/search.sqlite`."""
    say("Bygger sökindexet / building the search index …")
    source = StoreSource(Store(folder / "store"), settings.vocab)
    entries, goal_labels, goal_documents = collect(source)
    doc_labels = {d.iri: (d.title, d.key, document_name(d)) for d in documents(source)}
    write(folder / INDEX_FILE, entries, goal_labels, goal_documents, doc_labels)
    say(f"  {INDEX_FILE}: {len(entries)} poster / entries")


def collect(source: SparqlSource) -> tuple[list[Entry], dict[str, tuple[str, str]], dict[str, str]]:
    """(entries, goal IRI → (notation, Swedish name), goal IRI → goal document IRI) from the search_*.rq queries."""
    entries: dict[str, Entry] = {}
    goal_labels: dict[str, tuple[str, str]] = {}
    goal_documents: dict[str, str] = {}

    def entry(row: Row, kind: str, title: str) -> Entry:
        found = entries.get(row["resource"])
        if found is None:
            found = entries[row["resource"]] = Entry(row["resource"], kind, title, page=row["resource"])
        if row.get("goal"):
            found.goals.add(row["goal"])
        return found

    for row in _rows(source, "search_goals"):
        notation, name = row.get("notation", ""), row.get("title", "")
        goal_labels[row["resource"]] = (notation, name)
        if row.get("document"):
            goal_documents[row["resource"]] = row["document"]
        title = f"Mål {notation}" if is_placeholder(name, notation) else f"Mål {notation} {name}"  # not "Mål 3 Mål 3"
        e = entry({**row, "goal": row["resource"]}, "goal", title.strip())
        e.notation, e.text, e.en = notation, row.get("text", ""), row.get("en", "")
        _add(e.alt, row.get("alt"))
    for row in _rows(source, "search_paragraphs"):
        notation, name = goal_labels.get(row["goal"], ("", ""))
        position = row.get("position", "")
        e = entry(row, "paragraph", f"Politisk text till mål {notation} {name}, stycke {position}".replace("  ", " "))
        e.text, e.page, e.anchor = row["text"], row["goal"], f"#p{position}" if position else ""
    for row in _rows(source, "search_actions"):
        e = entry(row, "action", row.get("title") or row["resource"])
        e.text = row.get("text", "")
    for row in _rows(source, "search_statements"):
        e = entry(row, "statement", row.get("actionTitle") or "Belägg")
        e.text = row["text"]
        if row.get("action"):
            e.page = row["action"]
    for row in _rows(source, "search_organisations"):
        e = entry(row, "organisation", row.get("title") or row.get("en") or row["resource"])
        e.text, e.en = row.get("text", ""), row.get("en", "")
        _add(e.alt, row.get("alt"))
    for row in _rows(source, "search_sdg"):
        notation = row.get("notation", "")
        if row["level"] == "goal":
            title = f"Mål {notation}: {row['title']}" if row.get("title") else f"Mål {notation}"
            e = entry(row, "sdg-goal", title)
            e.en = " · ".join(x for x in (row.get("enAlt"), row.get("en")) if x)
        else:
            e = entry(row, "sdg-target", f"Delmål {notation}")
            e.text, e.en = row.get("title", ""), row.get("en", "")
        e.notation = notation
        _add(e.alt, row.get("alt"))
    for row in _rows(source, "search_indicators"):
        e = entry(row, "indicator", row.get("title") or row.get("notation") or row["resource"])
        e.notation = row.get("notation", "")
    return list(entries.values()), goal_labels, goal_documents


def _add(target: set[str], value: str | None) -> None:
    if value:
        target.add(value)


def write(
    path: Path,
    entries: list[Entry],
    goal_labels: dict[str, tuple[str, str]],
    goal_documents: dict[str, str],
    doc_labels: dict[str, tuple[str, str, str]],
) -> None:
    """Write the index to `path` (replaced if present): entries, their stems in FTS5, facets and facet labels.
    `goal_labels` {goal IRI: (notation, Swedish name)}, `goal_documents` {goal IRI: document IRI}, `doc_labels`
    {document IRI: (title, key such as "ostersund/2024", name such as "Östersunds kommun 2024")}: with several
    documents a goal's label names its document by that name ("1.2 Hållbarhet (Östersunds kommun 2024)")."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.executescript(SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema", SCHEMA_VERSION),
                ("stemmer", "snowball swedish; snowball english"),
                ("entries", str(len(entries))),
            ],
        )
        for number, e in enumerate(entries, start=1):
            db.execute(
                "INSERT INTO entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (number, e.iri, e.kind, e.notation, e.title, e.text, e.en, e.page, e.anchor),
            )
            searched_title = " ".join([e.title, e.notation, *sorted(e.alt)])
            db.execute(
                "INSERT INTO fts(rowid, title, body, en) VALUES (?, ?, ?, ?)",
                (number, stems(searched_title), stems(e.text), stems(e.en, "en")),
            )
            docs = {goal_documents[g] for g in e.goals if g in goal_documents}
            rows = [(number, "goal", g) for g in sorted(e.goals)] + [(number, "document", d) for d in sorted(docs)]
            db.executemany("INSERT INTO facet VALUES (?, ?, ?)", rows)
        several = len(doc_labels) > 1
        for goal, (notation, name) in goal_labels.items():
            _, doc_key, doc_name = doc_labels.get(goal_documents.get(goal, ""), ("", "", ""))
            label = goal_label(notation, name) + (f" ({doc_name})" if several and doc_name else "")
            db.execute(
                "INSERT INTO facet_value VALUES ('goal', ?, ?, ?)", (goal, label, f"{doc_key} {_natural(notation)}")
            )
        for doc, (title, key, _) in doc_labels.items():
            db.execute("INSERT INTO facet_value VALUES ('document', ?, ?, ?)", (doc, title, key))
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


def document_name(d: Document) -> str:
    """How a facet names a goal document beside a goal: its municipality and year ("Östersunds kommun 2024"),
    else its title; never its key (a slug)."""
    return f"{d.publisher_label} {d.year or ''}".strip() if d.publisher_label else d.title


def goal_label(notation: str, name: str) -> str:
    """A goal as a facet names it: "1.2 Hållbarhet"; "Mål 2" for a goal without a name of its own (none, or a
    placeholder such as "Mål 2": kommunmal.compare.is_placeholder), not "2 Mål 2"."""
    return f"Mål {notation}".strip() if is_placeholder(name, notation) else f"{notation} {name}".strip()


def _natural(notation: str) -> str:
    """ "1.10" sorts after "1.9": each number padded to four digits."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in notation.split("."))


def _rows(source: SparqlSource, name: str) -> list[Row]:
    # Sorted here rather than by ORDER BY: the engine's sort cost half of each query's time at 290 municipalities
    # (18 → 10 s for the seven queries); the order only makes the index file the same from build to build.
    return sorted(source.select(name), key=lambda row: row["resource"])
