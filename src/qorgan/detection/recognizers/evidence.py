"""Whether a piece of text holds a listed name in any case: the response-side NER gate.

Model output arrives a few words at a time; a word in lower case or capitals ("aigerim",
"IVAN", "ивану") is worth running NER on when it is a given name or surname from the lists
and no common word, just as a capitalised one is.
"""

from __future__ import annotations

import re

from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.detection.recognizers.lexicon import fold, lemma_candidates
from qorgan.detection.recognizers.names import name_lexicon

__all__ = ["has_listed_name"]

_WORD = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def has_listed_name(text: str) -> bool:
    gz = gazetteer()
    for match in _WORD.finditer(text):
        word = match.group()
        if _CYRILLIC.match(word):
            lex = name_lexicon()
            folded = fold(word)
            if folded in lex.not_names:
                continue
            if any(c in lex.first for c in lemma_candidates(folded)):
                return True
            continue
        key = ascii_fold(word)
        if key in gz.common:
            continue
        if key in gz.given or key in gz.surnames:
            return True
    return False
