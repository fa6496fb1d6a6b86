"""HTML to blocks with BeautifulSoup + lxml: the main content only, headings as sections.

Nothing is executed: scripts are dropped as text. Menus, cookie banners, headers and footers are
removed so chunks hold what the page says, not its navigation.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from ..errors import IngestError
from ..normalize import BULLET, clean_inline, normalize_text, same_words
from ..records import Block, ParsedDocument
from ..tables import Table, make_table
from .sections import SectionBuilder

__all__ = ["read_html"]

_DROP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "nav", "header", "footer", "aside", "form",
    "svg", "canvas", "object", "embed", "button", "select", "dialog", "title", "head",
}  # fmt: skip
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "menu", "menubar"}
# Class or id words of page furniture (most of them Mozilla's Readability drops too): menus, footers,
# cookie banners, share buttons, "related articles", newsletter sign-ups, pagers, ads. "social" and
# "related" only with the word that makes them furniture: a section may well be class="social-cohesion".
_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(nav|navbar|navigation|menu|footer|cookies?|consent|breadcrumbs?|sidebar|skip-link"
    r"|share|sharing|socials?[_-](?:links|media|icons|share|buttons)|related[_-](?:articles|posts|links|news|stories)"
    r"|newsletter|pagination|pager|popup|advert)(?:$|[\s_-])"
)
_KEEP_ALWAYS = {"html", "body", "main", "article", "[document]"}
_BLOCK_TAGS = {
    "p", "div", "section", "li", "dd", "dt", "blockquote", "pre", "figcaption", "caption",
    "address", "details", "summary", "table", "ul", "ol", "dl", "hr", "article", "main", "body",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_MARK = "\x1e"  # record separator: cannot survive in page text, so it safely tags heading lines
_TABLE_MARK = "\x1d"  # group separator: where a table starts (its number follows)
_TABLE_LINE = re.compile(f"^{_TABLE_MARK}(\\d+)$")
_NO_TEXT = "This web page has no readable main text."
_TITLE_SEPARATOR = re.compile(r"\s+(?:\||–|—|-|·|»|::)\s+")


def _is_boilerplate(tag: Any) -> bool:
    if tag.name in _KEEP_ALWAYS or tag.attrs is None:
        return False
    role = str(tag.get("role") or "").lower()
    if role in _DROP_ROLES:
        return True
    classes = tag.get("class") or []
    label = " ".join(classes if isinstance(classes, list) else [str(classes)])
    label = f"{label} {tag.get('id') or ''}".lower()
    return bool(_BOILERPLATE.search(label))


def _main_root(soup: Any) -> Any:
    main = soup.find("main") or soup.find(attrs={"role": "main"})
    if main is not None:
        return main
    articles = soup.find_all("article")
    if len(articles) == 1:
        return articles[0]
    return soup.body or soup


def _table_rows(table: Any) -> list[list[str]]:
    """A <table>'s rows as cell texts (rows of tables nested in it are theirs, not its own)."""
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is table:
            rows.append([" ".join(c.get_text(" ").split()) for c in tr.find_all(["td", "th"])])
    return rows


def _walk_text(root: Any, tables: list[list[list[str]]] | None = None) -> str:
    """The text of `root` with block breaks and heading markers, skipping boilerplate subtrees.

    Each <table> also leaves a marker line where it starts and its rows in `tables`, so the caller
    knows the heading path it sits under.

    An explicit stack, not recursion and not tree edits: bs4's insert/decompose cost O(depth) each,
    which turns a page of 100k nested divs into hours.
    """
    from bs4 import NavigableString
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    skip_strings = (Comment, Declaration, Doctype, ProcessingInstruction)
    out: list[str] = []
    numbers: dict[int, int] = {}  # id(<li>) -> its number, for the items of <ol> lists
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if isinstance(node, NavigableString):
            if not isinstance(node, skip_strings):
                out.append(str(node))
            continue
        name = node.name
        if leaving:
            out.append("\n")
            continue
        if name in _DROP_TAGS or _is_boilerplate(node):
            continue
        if name in _HEADINGS:
            out.append(f"\n{_MARK}{name[1]}{clean_inline(node.get_text(' '))}\n")
        elif name == "br":
            out.append("\n")
        elif name == "tr":
            cells = [" ".join(c.get_text(" ").split()) for c in node.find_all(["td", "th"])]
            out.append("\n" + " | ".join(cells) + "\n")
        else:
            if name == "table" and tables is not None:
                out.append(f"\n{_TABLE_MARK}{len(tables)}\n")
                tables.append(_table_rows(node))
            if name in _BLOCK_TAGS:
                out.append("\n")
                stack.append((node, True))
            if name == "ol":
                numbers.update(_item_numbers(node))
            elif name == "li":
                number = numbers.get(id(node))
                out.append(f"{number}. " if number is not None else f"{BULLET} ")
            stack.extend((child, False) for child in reversed(node.contents))
    return "".join(out)


def _item_numbers(ol: Any) -> dict[int, int]:
    """The numbers a browser shows on the direct <li> items of an <ol> (its start, then counting up)."""
    try:
        start = int(str(ol.get("start") or "1").strip())
    except ValueError:
        start = 1
    items = [child for child in ol.children if getattr(child, "name", None) == "li"]
    return {id(li): start + i for i, li in enumerate(items)}


# A <title> part is the page's own title when it shares this much of its words with the <h1>
# (Jaccard over lower-cased words): a CMS title often adds or drops a word of the heading.
NEAR_H1 = 0.75


def _word_overlap(a: str, b: str) -> float:
    """Shared words over all words of the two (lower case), 0 when either has none."""
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _page_title(title: str, h1: str, site: str) -> str:
    """The page's title without the site's name that CMSs add ("Plan | City of X" -> "Plan").

    The part of the <title> that the page's <h1> repeats (or nearly: "how Ashcombe council works"
    for the h1's "how Ashcombe works"), else the <title> less the part that og:site_name names, else
    the whole <title> (or the <h1> when there is no <title>).
    """
    parts = [part for part in _TITLE_SEPARATOR.split(title) if part.strip()]
    if len(parts) > 1:
        same = [part for part in parts if same_words(part, h1)]
        near = [part for part in parts if _word_overlap(part, h1) >= NEAR_H1]
        if same or len(near) == 1:
            return (same or near)[0].strip()
        kept = [part.strip() for part in parts if not same_words(part, site)]
        if site and 0 < len(kept) < len(parts):
            return " – ".join(kept)
    return title or h1


def _structured(soup: Any) -> tuple[str | None, list[Block], list[Table]]:
    title_tag = soup.find("title")
    title = clean_inline(title_tag.get_text()) if title_tag is not None else ""
    root = _main_root(soup)
    first_h1 = root.find("h1")
    h1 = clean_inline(first_h1.get_text(" ")) if first_h1 is not None else ""
    site = soup.find("meta", attrs={"property": "og:site_name"})
    title = _page_title(title, h1, clean_inline(str(site.get("content") or "")) if site is not None else "")

    builder = SectionBuilder()
    paragraph: list[str] = []
    found: list[list[list[str]]] = []
    tables: list[Table] = []
    for line in _walk_text(root, found).split("\n"):
        marked = _TABLE_LINE.match(line)
        if marked and int(marked.group(1)) < len(found):
            table = make_table(len(tables), builder.path, found[int(marked.group(1))])
            if table is not None:
                tables.append(table)
        elif line.startswith(_MARK):
            builder.text(" ".join(paragraph))
            paragraph = []
            builder.heading(int(line[1]), line[2:])
        elif line.strip():
            paragraph.append(line.strip())
        else:
            builder.text(" ".join(paragraph))
            paragraph = []
    builder.text(" ".join(paragraph))
    return title or None, builder.finish(), tables


_FLAT_DROP = re.compile(
    r"<(script|style|noscript|template|iframe|nav|header|footer|aside|form)\b.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
_FLAT_BLOCK = re.compile(r"</?(p|div|br|li|h[1-6]|tr|section|article|table)\b[^>]*>", re.IGNORECASE)
_FLAT_TAG = re.compile(r"<[^>]*>")


def _flat(markup: str) -> tuple[str | None, list[Block]]:
    """Tag-stripping fallback for pages too deeply nested to walk as a tree."""
    m = re.search(r"<title[^>]*>(.*?)</title>", markup, re.IGNORECASE | re.DOTALL)
    title = clean_inline(html_lib.unescape(m.group(1))) if m else ""
    text = _FLAT_DROP.sub(" ", markup)
    text = _FLAT_BLOCK.sub("\n", text)
    text = html_lib.unescape(_FLAT_TAG.sub(" ", text))
    body = normalize_text(text)
    return title or None, ([Block(text=body, page=None, section=())] if body else [])


def read_html(markup: str) -> ParsedDocument:
    """Read an HTML page's main content into blocks under its headings.

    Args:
        markup: the decoded page.

    Returns:
        A ParsedDocument (language is filled in by the caller).

    Raises:
        IngestError: no_text when nothing readable is left after removing boilerplate.
    """
    from bs4 import BeautifulSoup

    notes: list[str] = []
    tables: list[Table] = []
    try:
        title, blocks, tables = _structured(BeautifulSoup(markup, "lxml"))
    except RecursionError:
        title, blocks = _flat(markup)
        notes.append("page nested too deeply for structure; read as flat text")
    if not blocks:
        raise IngestError("no_text", _NO_TEXT)
    return ParsedDocument(
        format="html", title=title, blocks=blocks, page_count=None, language="und", notes=notes,
        tables=tables,
    )
