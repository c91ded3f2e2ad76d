"""Text lines out of a goal document: .txt as it is, .html as its blocks, .pdf through pdfplumber.

Every line of the result can be cited by its 1-based number. Lines known to be furniture rather than text (page
headers and footers, page numbers, caption boxes, menus and cookie banners of a web page) stay in the lines, so
nothing is dropped silently, and are listed in `Extracted.noise` with the reason; the layout parser leaves them out
of paragraphs and records them as omitted lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kommunmal.errors import SourceError

Progress = Callable[[str], None] | None

PAGE_NUMBER = re.compile(r"^\s*(?:sida\s+)?\d{1,3}(?:\s*\(\s*\d{1,3}\s*\)|\s*(?:/|av)\s*\d{1,3})?\s*$", re.IGNORECASE)
SUFFIXES = (".txt", ".html", ".htm", ".pdf")
# Lines of a web page's menus and cookie banner that end up in copied text.
WEB_FURNITURE = re.compile(
    r"^\s*(?:meny|sök|stäng|till (?:huvud)?innehåll(?:et)?|hoppa till (?:huvud)?innehåll(?:et)?|till toppen|"
    r"dela(?: sidan)?|skriv ut|lyssna|translate|logga in|"
    r"(?:vi|webbplatsen|den här webbplatsen) använder (?:kakor|cookies)\b.*|godkänn(?: alla)?(?: kakor| cookies)?|"
    r"(?:inställningar för |hantera )?(?:kakor|cookies)|läs mer om (?:kakor|cookies))\s*$",
    re.IGNORECASE,
)


@dataclass
class Extracted:
    """`lines` of text (no line ends); `noise` maps a 1-based line number to why it is not text."""

    lines: list[str]
    noise: dict[int, str] = field(default_factory=dict)


def extract(path: Path, progress: Progress = None) -> Extracted:
    """Read `path` (.txt, .html/.htm or .pdf) into lines.

    Raises `SourceError` when the file is missing, unreadable, of another kind, or yields no text (a scanned PDF
    without a text layer must be run through OCR first and given as .txt)."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(path, f"cannot read {suffix or 'a file without suffix'}; give a .pdf, .txt or .html file")
    if suffix == ".pdf":
        result = _pdf(path, progress)
    elif suffix in (".html", ".htm"):
        result = _html(path)
    else:
        result = Extracted(_read_text(path).splitlines())
        result.noise.update(
            {n: "meny eller kakbanner" for n, line in enumerate(result.lines, start=1) if WEB_FURNITURE.match(line)}
        )
    if not any(line.strip() for line in result.lines):
        raise SourceError(path, "no text found (a scan needs OCR first; give its text as .txt)")
    return result


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SourceError(path, "text is neither UTF-8 nor Windows-1252")


# --- HTML ---------------------------------------------------------------------------------------------------------

_DROP_TAGS = ("head", "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "form", "button")
_NOISE_HINT = re.compile(r"cookie|consent|menu|meny|nav|breadcrumb|skip|footer|header|banner|share|dela", re.I)
_BLOCKS = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figcaption",
        "caption",
        "tr",
        "blockquote",
        "div",
        "section",
        "article",
        "main",
        "body",
        "pre",
        "address",
        "table",
        "ul",
        "ol",
        "dl",
        "figure",
        "aside",
    ]
)


def _html(path: Path) -> Extracted:
    """One line per block of text (paragraph, list item, heading, table row, or a div's loose text), in document
    order, with blank lines between; headings start with one "#" per level, list items with "• ", table cells are
    joined by " | "; menus, cookie banners, headers and footers are removed, captions marked as noise."""
    from bs4 import BeautifulSoup, NavigableString
    from bs4.element import PreformattedString

    soup = BeautifulSoup(_read_text(path), "html.parser")
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        marks = " ".join([tag.get("id") or "", *(tag.get("class") or []), tag.get("role") or ""])
        if tag.name not in ("html", "body", "main", "article") and _NOISE_HINT.search(marks):
            tag.decompose()
    out = Extracted([])
    block = cell = None
    parts: list[str] = []
    gap = False  # whitespace stood between the previous text and the next

    def flush() -> None:
        text = "".join(parts).strip()
        parts.clear()
        if not text or block is None:
            return
        name = block.name
        if name == "li":
            text = "• " + text
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = "#" * int(name[1]) + " " + text
        if out.lines:
            out.lines.append("")
        out.lines.append(text)
        if name in ("figcaption", "caption"):
            out.noise[len(out.lines)] = "bildtext"

    for node in soup.find_all(string=True):
        if not isinstance(node, NavigableString) or isinstance(node, PreformattedString):
            continue  # comments, doctype, processing instructions
        text = " ".join(node.split())
        if not text:
            gap = gap or bool(str(node))
            continue
        here = node.find_parent(lambda t: t.name in _BLOCKS)
        here_cell = node.find_parent(("td", "th"))
        if here_cell is not None and here_cell.find_parent("tr") is not None:
            here = here_cell.find_parent("tr")
        if here is not block:
            flush()
            block, cell = here, None
        elif here_cell is not cell and cell is not None:
            parts.append(" | ")
        elif parts and (gap or str(node)[0].isspace()):
            parts.append(" ")
        cell = here_cell
        parts.append(text)
        gap = str(node)[-1].isspace()
    flush()
    return out


# --- PDF ----------------------------------------------------------------------------------------------------------

_MARGIN = 0.08  # share of the page height at top and bottom where running headers and footers stand


def _pdf(path: Path, progress: Progress) -> Extracted:
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises several unrelated types for broken files
        raise SourceError(path, f"not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    pages: list[list[tuple[str, str | None]]] = []
    with pdf:
        total = len(pdf.pages)
        for number, page in enumerate(pdf.pages, start=1):
            if progress:
                progress(f"PDF-sida {number} av {total}")
            pages.append(_pdf_page(page))
    repeated = Counter(
        _furniture_key(text) for page in pages for text, kind in page if kind == "margin" and text.strip()
    )
    out = Extracted([])
    for page in pages:
        if out.lines:
            out.lines.append("")
        for text, kind in page:
            out.lines.append(text)
            if kind == "margin":
                repeats = len(pages) > 1 and repeated[_furniture_key(text)] > 1
                if repeats or PAGE_NUMBER.match(text) or PAGE_NUMBER.search(text.split("  ")[-1]):
                    out.noise[len(out.lines)] = "sidhuvud eller sidfot"
            elif kind == "box":
                out.noise[len(out.lines)] = "textruta"
            elif PAGE_NUMBER.match(text):
                out.noise[len(out.lines)] = "sidnummer"
    return out


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _pdf_page(page) -> list[tuple[str, str | None]]:
    """Lines of one page in reading order as (text, kind): kind "margin" for header/footer, "box" for text inside a
    drawn box (a caption or pull-quote), None for body text. Two columns are read left column first."""
    height, width = page.height, page.width
    top, bottom = height * _MARGIN, height * (1 - _MARGIN)
    boxes = [
        (r["x0"], r["top"], r["x1"], r["bottom"])
        for r in page.rects
        if r["width"] < width * 0.9 and r["height"] < height * 0.9 and r["width"] > 20 and r["height"] > 10
    ]

    def in_box(ch) -> bool:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        return any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in boxes)

    head, foot, boxed, body = [], [], [], []
    for c in page.chars:
        if c["bottom"] <= top:
            head.append(c)
        elif c["top"] >= bottom:
            foot.append(c)
        elif boxes and in_box(c):
            boxed.append(c)
        else:
            body.append(c)
    lines: list[tuple[str, str | None]] = []
    lines += [(t, "margin") for t in _lines_of(page, head)]
    gutter = _gutter(body, width)
    if gutter is None:
        lines += [(t, None) for t in _lines_of(page, body, paragraphs=True)]
    else:
        left = [c for c in body if c["x1"] <= gutter]
        right = [c for c in body if c["x0"] >= gutter]
        lines += [(t, None) for t in _lines_of(page, left, paragraphs=True)]
        lines.append(("", None))
        lines += [(t, None) for t in _lines_of(page, right, paragraphs=True)]
    if boxed:
        lines.append(("", None))
        lines += [(t, "box") for t in _lines_of(page, boxed) if t.strip()]
    if foot:
        lines.append(("", None))
        lines += [(t, "margin") for t in _lines_of(page, foot)]
    return lines


def _gutter(chars, width: float) -> float | None:
    """x of an empty vertical strip in the middle third that splits the body into two columns, or None."""
    if len(chars) < 40:
        return None
    lo, hi = int(width / 3), int(2 * width / 3)
    covered = [0] * (hi - lo + 1)
    for c in chars:
        for x in range(max(lo, int(c["x0"])), min(hi, int(c["x1"])) + 1):
            covered[x - lo] += 1
    left = sum(1 for c in chars if c["x1"] < width / 2)
    right = sum(1 for c in chars if c["x0"] > width / 2)
    if min(left, right) < len(chars) * 0.2:
        return None
    free = [lo + i for i, n in enumerate(covered) if n == 0]
    if len(free) < 6:
        return None
    return free[len(free) // 2]


def _lines_of(page, chars, paragraphs: bool = False) -> list[str]:
    """Group chars into text lines top to bottom; with `paragraphs`, a vertical gap larger than 1.5 line heights
    becomes a blank line."""
    if not chars:
        return []
    from pdfplumber.utils import extract_text

    rows: list[list] = []
    for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if rows and abs(rows[-1][0]["top"] - c["top"]) < c["size"] * 0.5:
            rows[-1].append(c)
        else:
            rows.append([c])
    out: list[str] = []
    prev_top = None
    for row in rows:
        size = max(c["size"] for c in row)
        if paragraphs and prev_top is not None and row[0]["top"] - prev_top > size * 1.9:
            out.append("")
        prev_top = row[0]["top"]
        out.append(extract_text(sorted(row, key=lambda c: c["x0"])).strip())
    return out
