"""The two things every parsing step shares: the INVALID marker and text folding (kept apart
so that the vocabulary file's loader and the value parsers import them without a circle)."""

from __future__ import annotations

import re
import unicodedata
from typing import Final


class _Invalid:
    __slots__ = ()

    def __repr__(self) -> str:
        return "INVALID"

    def __bool__(self) -> bool:
        return False


INVALID: Final = _Invalid()


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_ALNUM.sub(" ", text.lower()).split())


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
