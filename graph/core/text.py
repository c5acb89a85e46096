"""Normalising names, so lookups and evidence checks ignore case, punctuation and plurals."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["mentions", "normalize", "tokens"]

_NON_WORD = re.compile(r"[^a-z0-9]+")


def tokens(text: str) -> tuple[str, ...]:
    """Split text into lower-case words without punctuation or a plural ``s``.

    >>> tokens("Back spasms: NSAIDs (e.g. Advil®)")
    ('back', 'spasm', 'nsaid', 'e', 'g', 'advil')
    """
    if text.isascii():  # NFKD and the ASCII fold leave ASCII as it is: skip them (most names)
        folded = text.lower()
    else:
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    # a plural's last s goes (not a double s, nor in a word of three letters or fewer)
    return tuple(
        word[:-1] if len(word) > 3 and word[-1] == "s" and word[-2] != "s" else word
        for word in _NON_WORD.split(folded)
        if word
    )


def normalize(text: str) -> str:
    """Return the words of ``text`` joined by single spaces (see :func:`tokens`).

    >>> normalize("  Muscle-Relaxants ")
    'muscle relaxant'
    """
    return " ".join(tokens(text))


def mentions(line: str, name: str) -> bool:
    """Tell whether ``line`` names ``name`` as a contiguous run of its words.

    >>> mentions("Dehydration can cause back spasms.", "back spasm")
    True
    >>> mentions("Take a rest day", "stress")
    False
    """
    words, wanted = tokens(line), tokens(name)
    if not wanted:
        return False
    width = len(wanted)
    return any(words[i : i + width] == wanted for i in range(len(words) - width + 1))
