"""Reading an article safely, and telling its lines apart.

Text, list intros and items state relations; headings, questions, tables, advertising and
calls to book state nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from graph.core.errors import GraphError

__all__ = ["MAX_BYTES", "Line", "classify", "read_article"]

#: The largest article ``bskg extract`` reads (2 MB; the five sources are under 30 kB each).
MAX_BYTES = 2_000_000

_BULLET = re.compile(r"^\s*(?:[-*•–·]|\d{1,2}[.)])\s+")
_END = (".", "!", "?", ":", ";", '"', "”", ")")
_FAQ = re.compile(r"^(?:Q|A|Question|Answer)\s*[:.]\s+")
_HEAD = re.compile(r":|\s[–—-]\s")
_DASHED = re.compile(
    r"^([^.:;!?]{2,60}?)\s[–—]\s+\S"
)  # "Heat therapy – a warm pack…": an item without a bullet


@dataclass(frozen=True)
class Line:
    """One line of an article and what kind of line it is.

    Attributes
    ----------
    number
        1-based line number.
    text
        The line as written.
    kind
        ``text``, ``intro`` (ends with a colon), ``item`` (a bullet or numbered item, or a paragraph
        that starts "Name – …"), or one of the
        kinds that give no candidates: ``blank``, ``heading``, ``subheading`` (a numbered title
        above a paragraph; it keeps the section of the heading above it), ``question``,
        ``table``, ``ad``.
    body
        The text to read: without the bullet or a leading ``+``.
    head
        For an item written "Name: explanation", the name; else the empty string.
    """

    number: int
    text: str
    kind: str
    body: str
    head: str = ""

    @property
    def states(self) -> bool:
        """True when the line can state a relation."""
        return self.kind in ("text", "intro", "item")


def read_article(path: str | Path) -> list[str]:
    """Return the lines of a plain-text article, refusing what is not one.

    Raises
    ------
    graph.core.errors.GraphError
        A missing file, a folder, a file over :data:`MAX_BYTES`, binary or non-UTF-8 bytes, or
        no text at all.
    """
    file = Path(path)
    if file.is_dir():
        raise GraphError(f"{file}: is a folder; give the article's text file")
    if not file.is_file():
        raise GraphError(f"{file}: no such file")
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise GraphError(f"{file}: {size:,} bytes is over the limit of {MAX_BYTES:,} for an article")
    data = file.read_bytes()
    if b"\x00" in data:
        raise GraphError(f"{file}: a binary file, not plain text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GraphError(
            f"{file}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    if not text.strip():
        raise GraphError(f"{file}: the article is empty")
    return text.splitlines()


def _has_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    lowered = f" {text.lower()} "
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", lowered) for p in phrases)


def classify(lines: list[str], ignore: tuple[str, ...]) -> list[Line]:
    """Tell the kind of every line (see :class:`Line`).

    >>> [x.kind for x in classify(["Causes", "Common causes include:", "- Stress", "Why?", "Call us today."],
    ...                            ("call us",))]
    ['heading', 'intro', 'item', 'question', 'ad']
    """
    found = []
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        body = _FAQ.sub("", stripped.lstrip("+").strip())
        bullet = _BULLET.match(body)
        head = ""
        dashed = None if bullet else _DASHED.match(body)
        if dashed and len(dashed.group(1).split()) <= 6:
            head = dashed.group(1).strip()
        if bullet:
            body = body[bullet.end() :].strip()
            parts = _HEAD.split(body, maxsplit=1)
            if len(parts) == 2 and parts[1].strip() and len(parts[0].split()) <= 8:
                head = parts[0].strip()
        if not body:
            kind = "blank"
        elif _has_phrase(body, ignore):
            kind = "ad"
        elif body.endswith("?"):
            kind = "question"
        elif body.count("|") >= 2 or set(body) <= set("-|: "):
            kind = "table"
        elif bullet or head:
            kind = "item"
        elif body.endswith(":"):
            kind = "intro"
        elif not body.endswith(_END) and len(body.split()) <= 12:
            kind = "heading"
        else:
            kind = "text"
        found.append(Line(number, text, kind, body, head))
    return _numbered_titles(found)


def _numbered_titles(found: list[Line]) -> list[Line]:
    """Make "2. Hot and cold therapy" above a paragraph a sub-heading: a title, not a list item."""
    stating = [x for x in found if x.kind != "blank"]
    for line, following in zip(stating, stating[1:], strict=False):
        numbered = re.match(r"^\s*\d{1,2}[.)]\s", line.text)
        short = len(line.body.split()) <= 6 and not line.body.endswith(_END) and not line.head
        if numbered and short and line.kind == "item" and following.kind == "text":
            found[line.number - 1] = replace(line, kind="subheading")
    return found
