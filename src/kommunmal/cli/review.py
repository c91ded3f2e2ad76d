"""`kommunmal review DRAFT_DIR [--out DIR] [--reviewer NAME]`: decide each proposal of a draft in the terminal.

Shows the proposals of a draft written by `kommunmal ingest` one by one (first the goals and texts as read, then each
action followed by its links to UN SDG targets and responsible bodies) and reads one answer per proposal from
standard input:

  g  godkänn (accept)          a  avvisa (reject; not proposed again by a later ingest)
  r  redigera (edit: new text for an action; another target code and/or the strength by the rubric, 1 direkt,
     2 delvis or 3 sammanhang, for an SDG link; then accepted)
  d  dela upp (split a shared action into one action per goal, each accepted)
  h  hoppa över (skip; stays proposed)          s  spara och sluta (save and stop)

Each decision is saved at once, with who (--reviewer) and when, in DRAFT_DIR/review.ttl; a stopped session resumes
where it stopped. At the end (all proposals answered, or s) the accepted part is written as curated Turtle to --out
(default data/<municipality>/<year>/ of the data folder), with review.ttl beside it. Should standard input end before
an answer (end of file, e.g. an empty pipe), the session stops: the decisions made until then are kept (each was saved
when made) and written out as at s; with none made, nothing is saved. Either way the exit code is 2.

Example:
  kommunmal review draft/ostersund/2024 --reviewer "Anna Andersson" --out data/ostersund/2024

Exit codes: 0 done (all proposals answered, or stopped with s); 2 unusable input (not a draft folder, --out holds
hand-curated data, standard input ended before an answer); 130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from pathlib import Path

from kommunmal.cli.common import settings
from kommunmal.errors import SourceError

ANSWERS = {"g": "accept", "a": "reject", "r": "edit", "d": "split", "h": "skip", "s": "stop"}
# The strength of an SDG link by the rubric (data/ostersund/2024/sdg-links.ttl): by number or Swedish name; "" keeps it.
STRENGTH_ANSWERS = {"": "", "1": "direct", "2": "partial", "3": "contextual"}
STRENGTH_ANSWERS |= {"direkt": "direct", "delvis": "partial", "sammanhang": "contextual"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="accept, reject or edit the proposals of an ingested draft, then write curated Turtle",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "draft", type=Path, metavar="DRAFT_DIR", help="folder written by kommunmal ingest, e.g. draft/ostersund/2024"
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for the curated Turtle (default: data/<municipality>/<year>/), e.g. --out data/ostersund/2024",
    )
    p.add_argument(
        "--reviewer",
        metavar="NAME",
        help='who decides, recorded with each decision (default: the login name), e.g. --reviewer "Anna Andersson"',
    )
    p.set_defaults(handler=run)


def _ask(prompt: str) -> str | None:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    return None if line == "" else line.strip()


def run(args: argparse.Namespace) -> int:
    from kommunmal.ingest.review import Review, check_curated_folder

    s = settings(args)
    if not args.draft.is_dir():
        raise SourceError(args.draft, "no such folder; give the folder kommunmal ingest wrote")
    review = Review(args.draft, s.base_iri, args.reviewer or getpass.getuser())
    out = args.out or s.data_dir / review.slug / str(review.year)
    check_curated_folder(out)
    pending = review.pending()
    print(f"{len(pending)} förslag att granska i {args.draft}")
    done = 0
    ended = False
    for n, proposal in enumerate(pending, 1):
        if proposal.kind != "goals" and (proposal.iri, None, None) not in review.union:
            continue  # dropped with an action rejected earlier in this session
        print()
        print(f"[{n}/{len(pending)}] " + "\n".join(review.describe(proposal)))
        shared = _shared(review, proposal)
        choices = "[g]odkänn [a]vvisa [r]edigera " + ("[d]ela upp " if shared else "")
        letters = "g, a, r, d, h eller s" if shared else "g, a, r, h eller s"
        answer = None
        while answer is None:
            raw = _ask(f"{choices}[h]oppa över [s]para och sluta > ")
            if raw is None:
                ended = True
                answer = "stop"
                break
            answer = ANSWERS.get(raw[:1].lower())
            if answer is None:
                print(f"Svara med {letters}.")
            elif answer == "split" and not shared:
                print(f"Bara ett delat åtagande (under flera mål) kan delas upp; svara med {letters}.")
                answer = None
        if answer == "stop":
            break
        if answer == "skip":
            continue
        if answer == "accept":
            review.accept(proposal)
        elif answer == "reject":
            review.reject(proposal)
        elif answer == "split":
            review.split(proposal)
        elif answer == "edit":
            _edit(review, proposal)
        done += 1
    if ended and not done:
        print()
        print(
            f"kommunmal review: inmatningen tog slut innan något förslag besvarades; inget sparades och {out} är "
            f"orörd. Svara på frågorna i terminalen, eller skicka ett svar per rad (g, a, r, d, h, s) / standard "
            f"input ended before any answer: nothing was saved",
            file=sys.stderr,
        )
        return 2
    written = review.write_curated(out)
    print()
    print(f"{done} beslut {'sparat' if done == 1 else 'sparade'} i {args.draft / 'review.ttl'}")
    if written:
        print(f"granskad Turtle i {out} ({len(written)} filer)")
    else:
        print("målen är inte godkända än; ingen granskad Turtle skriven")
    if ended:
        print(
            "kommunmal review: inmatningen tog slut före nästa svar. Det som besvarats är sparat; resten står kvar "
            f"som förslag: fortsätt med kommunmal review {args.draft} / standard input ended before the "
            "next answer; the decisions made are saved, the rest stay proposed",
            file=sys.stderr,
        )
        return 2
    return 0


def _shared(review, proposal) -> bool:
    return proposal.kind == "action" and len(list(review.union.objects(proposal.iri, review.km.serves))) > 1


def _edit(review, proposal) -> None:
    if proposal.kind == "sdg":
        code = None
        while code is None:
            code = _ask("Nytt delmål (t.ex. 16.7, tomt = behåll) > ") or ""
            if code and not re.fullmatch(r"[0-9]{1,2}\.[0-9a-z]{1,2}", code):
                print("Ange ett delmåls nummer som i FN:s lista, till exempel 16.7 eller 4.a.")
                code = None
        strength = None
        while strength is None:
            raw = (_ask("Styrka: 1 direkt, 2 delvis, 3 sammanhang (tomt = behåll) > ") or "").lower()
            strength = STRENGTH_ANSWERS.get(raw)
            if strength is None:
                print("Svara med 1, 2 eller 3 (eller direkt, delvis, sammanhang), eller tomt för att behålla styrkan.")
        review.edit(proposal, target=f"http://metadata.un.org/sdg/{code}" if code else None, strength=strength or None)
    elif proposal.kind == "action":
        text = _ask("Ny text (tomt = behåll) > ") or None
        label = _ask("Nytt kortnamn (tomt = behåll) > ") or None
        review.edit(proposal, text=text, label=label)
    else:
        print("Det här förslaget kan bara godkännas eller avvisas; det godkänns.")
        review.accept(proposal)
