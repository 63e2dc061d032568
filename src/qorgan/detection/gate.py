"""Which parts of a text can hold a name, so NER skips the rest.

NER is most of the cost of detection. English names, places and organisations are written
with a capital letter, so a sentence whose only capitalised word is a common first word
("Please", "The", "Check") and whose only all-caps words are identifier labels ("IIN",
"IBAN") holds none of them. Such sentences are skipped; the kept ones run as contiguous
segments, so the model still sees whole sentences with their neighbours
(:func:`name_segments`), or one by one (:func:`name_sentences`), so that a name is never
read across a sentence or line end and a long text is read exactly as its sentences alone.

The gate skips only the model: the cue and gazetteer layers read every sentence, and
:func:`needs_ner` (the response side) asks for the model on the same evidence, a cue or a
listed name in any case as well as a capital letter.
"""

from __future__ import annotations

import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from qorgan.detection.recognizers.lexicon import read_lines

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\s*\n\s*")
# A full stop after an initial or a title ("A. Serikova", "Mr. Petrov") ends no sentence.
_NOT_AN_END = re.compile(
    r"(?:\b\w|\b(?i:mr|mrs|ms|dr|prof|st|jr|sr|vs|no|mt|gen|col|lt|sgt|rev|г-н|г-жа|гн|тов))\.$"
)
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


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence or line of ``text``, without the space between."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _SENTENCE_BREAK.finditer(text):
        if "\n" not in match.group() and _NOT_AN_END.search(text, max(0, match.start() - 6),
                                                             match.start()):
            continue
        if match.start() > pos:
            spans.append((pos, match.start()))
        pos = match.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def name_sentences(
    text: str,
    common: frozenset[str] = COMMON_FIRST_WORDS,
    labels: frozenset[str] = LABELS,
) -> list[tuple[int, int]]:
    """The sentences of ``text`` (:func:`sentence_spans`) that may hold a name."""
    return [(s, e) for s, e in sentence_spans(text) if may_hold_name(text[s:e], common, labels)]


def needs_ner(segment: str, context: str) -> bool:
    """Whether a segment of model output is scanned with NER, not patterns alone.

    The same evidence as on the request side: a capitalised word that could be a name
    (in English, Russian or Kazakh; a common word or a label is exempt only where a
    sentence starts), a cue right before the segment or inside it ("call ", "Dear "), or
    a listed given name or surname in any case ("aigerim", "IVAN").
    """
    if "%" in segment:
        return True  # percent-encoded text is decoded before detection: its case says nothing
    from qorgan.detection.recognizers.cues import ends_with_cue
    from qorgan.detection.recognizers.evidence import has_listed_name

    if segment.strip() and ends_with_cue(context):
        return True
    if has_listed_name(segment):
        return True
    if segment.lower() == segment:
        return False
    before = context.rstrip()
    first = not before or before[-1] in ".!?…" or "\n" in context[len(before):]
    common, labels = _all_gate_words()
    return may_hold_name(segment, common, labels, first=first)


@functools.lru_cache(maxsize=1)
def gate_words() -> tuple[frozenset[str], frozenset[str]]:
    """First words that never start a name, and all-caps identifier labels (ru, kk)."""
    common: set[str] = set()
    for name in ("first_words_ru_kk.txt", "ru_stopwords.txt", "kk_stopwords.txt",
                 "not_names.txt"):
        for line in read_lines(name):
            common.update(word.lower() for word in line.split())
    labels = LABELS | {"ИИН", "ЖСН", "БИН", "БСН", "ИИК", "РНН", "КБЕ", "БИК", "ID", "SMS"}
    return frozenset(common), frozenset(labels)


@functools.lru_cache(maxsize=1)
def _all_gate_words() -> tuple[frozenset[str], frozenset[str]]:
    common, labels = gate_words()
    return common | COMMON_FIRST_WORDS, labels | LABELS


# a sentence in capitals is read by the models in title case: they tag nothing in "CALL IVAN"
# or "ПРИВЕТ, АЙГЕРИМ"
_MOSTLY_CAPS = 0.8


def readable_case(sentence: str) -> str:
    """``sentence`` as an NER model reads it best: in title case when it is in capitals
    (offsets unchanged: a sentence whose title case changes its length stays as it is)."""
    letters = "".join(filter(str.isalpha, sentence))  # filter and map keep the loop in C
    if len(letters) < 8 or sum(map(str.isupper, letters)) < _MOSTLY_CAPS * len(letters):
        return sentence
    titled = sentence.title()
    return titled if len(titled) == len(sentence) else sentence
