"""Which parts of an English text can hold a name, so NER skips the rest.

NER is most of the cost of detection. English names, places and organisations are written
with a capital letter, so a sentence whose only capitalised word is a common first word
("Please", "The", "Check") and whose only all-caps words are identifier labels ("IIN",
"IBAN") holds none of them. Such sentences are skipped; the kept ones run as contiguous
segments, so the model still sees whole sentences with their neighbours.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
_WORD = re.compile(r"\w+")


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: first words of prompts that are not names: stop words and common instructions
COMMON_FIRST_WORDS: frozenset[str] = frozenset(STOP_WORDS) | _words(
    """
    add analyze answer approve ask attach book build calculate call can cancel check
    classify close compare complete confirm convert copy correct create dear debug deploy
    describe do download draft edit explain extract fill find fix format forward generate
    get give good hello help hi how identify install list load look make morning note
    notify ok okay open order outline paraphrase parse pay plan prepare print proofread read
    recommend register reject remind remove reply reset respond review rewrite run save
    schedule send set share shorten show sign sort start stop suggest summarize tell test
    thank thanks transfer translate try update upload use verify write yes
    """
)

#: all-caps words that label identifiers rather than name an organisation or place
LABELS: frozenset[str] = _words(
    """
    API AWS BIN CEO CSV EUR HTML HTTP HTTPS IBAN ID IIN IP JSON JWT KZT OK PDF PIN RNN RUB
    SMS SQL SSN URL USD XML
    """
)

#: keep the whole text when gating would skip less than this share of it
_MIN_SAVING = 0.1


def may_hold_name(
    sentence: str,
    common: frozenset[str] = COMMON_FIRST_WORDS,
    labels: frozenset[str] = LABELS,
    *,
    first: bool = True,
) -> bool:
    """Whether ``sentence`` has a capitalised word that could start a name.

    ``common`` are lower-cased first words that are never names, ``labels`` all-caps words
    that label identifiers; the defaults are English, Russian and Kazakh pass their own.
    ``first=False`` says ``sentence`` is the middle of one, so its first word is not exempt.
    """
    for match in _WORD.finditer(sentence):
        word = match.group()
        if len(word) < 2 or not word[0].isupper() or any(c.isdigit() for c in word):
            first = first and not word.isalpha()
            continue
        if word.isupper():
            if word not in labels:
                return True
        elif not (first and word.lower() in common):
            return True
        first = False
    return False


def name_segments(
    text: str,
    common: frozenset[str] = COMMON_FIRST_WORDS,
    labels: frozenset[str] = LABELS,
) -> list[tuple[int, int]]:
    """``[start, end)`` spans of ``text`` worth running NER on, in order: neighbouring kept
    sentences form one segment, and a text that would save little is kept whole."""
    segments: list[tuple[int, int]] = []
    pos = 0
    breaks = [(m.start(), m.end()) for m in _SENTENCE_BREAK.finditer(text)]
    breaks.append((len(text), len(text)))
    previous_kept = False
    for end, next_start in breaks:
        if end > pos and may_hold_name(text[pos:end], common, labels):
            if previous_kept:
                segments[-1] = (segments[-1][0], end)
            else:
                segments.append((pos, end))
            previous_kept = True
        elif end > pos:
            previous_kept = False
        pos = next_start
    kept = sum(e - s for s, e in segments)
    if text and kept > (1 - _MIN_SAVING) * len(text):
        return [(0, len(text))]
    return segments
