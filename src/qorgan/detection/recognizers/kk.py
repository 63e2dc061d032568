"""Kazakh (and Kazakh-in-Russian) people, places and organisations, without a model.

There is no offline Kazakh NER model to ship, so this backend is lists and patterns:

- places: cities, regions and countries from ``data/kk_places.txt`` in Kazakh and Russian
  spelling, inflected forms included (Алматыда, Астане), with "облысы"/"области" kept;
- organisations: a legal form before a quoted name (ТОО «…», ЖШС "…", АО «…»), known
  names from ``data/kk_orgs.txt`` (Kaspi Bank, Халық Банк) and "<Name> Банк";
- people: :mod:`qorgan.detection.recognizers.names` on what is left.

Where spans overlap, an organisation wins over a place ("Air Astana") and a place over a
person.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from functools import cached_property

from qorgan.detection.recognizers.lexicon import (
    fold,
    kazakh_stems,
    lemma_set,
    listed_organisations,
    read_lines,
)
from qorgan.detection.recognizers.names import (
    NameLexicon,
    Token,
    find_people,
    tokenize,
)
from qorgan.types import Finding

__all__ = ["KAZAKH_CONTEXT", "KazakhNameRecognizer", "lone_place"]

ENTITIES = frozenset({"PERSON", "LOCATION", "ORGANIZATION"})

# an individual entrepreneur (ИП, ЖК) trades under the person's own name: not a company here
_LEGAL_FORM = r"(?:ТОО|АО|ЖШС|АҚ|ООО|ОАО|ЗАО|ПАО|РГП|ГКП|КГП|НАО|КММ|ОЮЛ|ҚБ|LLP|JSC|LLC)"
_QUOTED_ORG = re.compile(
    rf"(?<![\w]){_LEGAL_FORM}\s*(?:«[^«»\n]{{1,80}}»|\"[^\"\n]{{1,80}}\"|“[^”\n]{{1,80}}”|„[^“\n]{{1,80}}“)"
)
_PATTERN_ORG = re.compile(
    r"\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+\s+(?:[Бб]анк[а-яі]{0,4}|Bank)\b"
    # Ministries: "Білім министрлігі", "Министерство образования (и науки)".
    r"|\b[А-ЯӘҒҚҢӨҰҮҺІ][\w-]+(?:\s+[а-яәғқңөұүһі-]+){0,2}\s+министрлігі\w*"
    r"|\bМинистерств[оау]\w*(?:\s+[а-яё]+){1,2}?(?:\s+и\s+[а-яё]+)?(?=[\s,.;:!?)]|$)"
)
# Words after a place name that belong to it ("Алматы облысы", "Карагандинской области").
_REGION_WORDS = frozenset(
    fold(w)
    for w in (
        "облысы", "облысында", "облысының", "облысына", "облысынан", "облысындағы",
        "области", "область", "ауданы", "ауданында", "району", "районе", "район",
    )
)  # fmt: skip
_SURNAME_TOWN = re.compile(r"(?:ов|ев)(?:а|е|у|ым|ой)?$")
# A word that says the capitalised word before it is a settlement or a district ("Сайрам
# қаласынан", "Қарасу ауылында", "Шиелі ауданында", "Алатауский район"), folded and cut to
# its stem, and the words that say so before it ("в городе Сайрам", "г. Текели", "село
# Қарасу").
_SETTLEMENT_AFTER = ("каласы", "ауылы", "ауылын", "кенти", "аудан", "облыс", "район", "област")
_SETTLEMENT_BEFORE = frozenset(
    fold(w)
    for w in (
        "г", "город", "городе", "города", "городу", "городом", "село", "селе", "села",
        "селу", "поселок", "посёлок", "поселке", "посёлке", "пос", "пгт", "аул", "ауле",
        # деревня, станица, хутор, колхоз, рабочий посёлок in full and abbreviated
        "дер", "деревня", "деревне", "станица", "станице", "хутор", "клх", "колхоз", "рп",
        # Ukrainian: місто, селище міського типу, селище
        "місто", "місті", "міста", "смт", "селище", "селищі",
    )
)  # fmt: skip
# one-letter abbreviations (деревня, село, посёлок, станица, хутор, кент, місто), words too
# ("с" is "with", "к" "to"): only with their dot
_SETTLEMENT_DOTTED = frozenset({"д", "с", "п", "ст", "х", "к", "м"})
_SETTLEMENT_WORDS = _SETTLEMENT_BEFORE | _SETTLEMENT_DOTTED


def _context() -> tuple[str, ...]:
    # As written (not folded): context matchers compare lower-cased words of the text.
    return tuple(sorted({w.lower() for line in read_lines("kk_context.txt") for w in line.split()}))


#: Words announcing personal data, for recognizers that score by context.
KAZAKH_CONTEXT: tuple[str, ...] = _context()


class _Gazetteer:
    """Multi-word entries indexed by their first folded word."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.index: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries:
            words = tuple(fold(w) for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", entry))
            if words:
                self.index.setdefault(words[0], []).append(words)
        for options in self.index.values():
            options.sort(key=len, reverse=True)

    def match(self, cands: Sequence[frozenset[str]], i: int) -> int:
        """Number of tokens from ``i`` that form the longest entry, 0 if none."""
        for first in cands[i]:
            for words in self.index.get(first, ()):
                n = len(words)
                if i + n <= len(cands) and all(words[k] in cands[i + k] for k in range(1, n)):
                    return n
        return 0


class KazakhNameRecognizer:
    """NER backend for Kazakh text, also useful on Russian text naming Kazakh people.

    ``languages`` defaults to Kazakh only; pass ``languages={"kk", "ru"}`` to run it beside
    the Russian model on Russian text too.
    """

    name = "kk-lexicon"
    entities: frozenset[str] = ENTITIES
    #: a given name in lower case is reported only where a cue announces it
    finds_lower_case = True

    def __init__(
        self,
        *,
        languages: frozenset[str] = frozenset({"kk"}),
        entities: Sequence[str] | None = None,
    ) -> None:
        if not languages:
            raise ValueError("at least one language is required")
        if entities is not None:
            unknown = set(entities) - ENTITIES
            if unknown:
                raise ValueError(
                    f"unsupported entities {sorted(unknown)}; supported: {sorted(ENTITIES)}"
                )
            self.entities = frozenset(entities)
        self.languages: frozenset[str] = frozenset(languages)
        self._names = NameLexicon()

    @property
    def _places(self) -> _Gazetteer:
        return _places()

    @cached_property
    def _orgs(self) -> re.Pattern[str]:
        names = sorted(listed_organisations(), key=len, reverse=True)
        alternatives = "|".join(re.escape(n) for n in names)
        return re.compile(rf"(?<![\w.@])(?:{alternatives})(?![\w])")

    def load(self) -> None:
        """Read every list now, so the first request does not pay for it."""
        _ = self._places, self._orgs
        _ = self._names.first, self._names.last, self._names.context, self._names.not_names

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return [self.analyze(text) for text in texts]

    def analyze(self, text: str) -> list[Finding]:
        if not any(ch.isalpha() for ch in text):
            return []
        tokens = tokenize(text)
        orgs = self._find_orgs(text)
        claimed = [(s, e) for s, e, _ in orgs]
        places = [p for p in self._find_places(text, tokens) if not _overlaps(p[0], p[1], claimed)]
        claimed += places
        blocked = [range(k, k + 1) for k in _covered_tokens(tokens, claimed)]
        findings: list[Finding] = []
        if "ORGANIZATION" in self.entities:
            # a list entry in lower case ("kaspi bank") may be a product or a domain
            findings += [Finding("ORGANIZATION", s, e, score, self.name)
                         for s, e, score in orgs if _has_capital(text, s, e)]
        if "LOCATION" in self.entities:
            findings += [Finding("LOCATION", s, e, 0.8, self.name) for s, e in places]
        if "PERSON" in self.entities:
            findings += [
                Finding("PERSON", s, e, score, self.name)
                for s, e, score in find_people(text, tokens, self._names, excluded=blocked)
            ]
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def _find_orgs(self, text: str) -> list[tuple[int, int, float]]:
        # A legal form with a quoted name is near-certain; a list entry or "<Name> Bank"
        # slightly less (a list entry may be a product or a domain).
        spans = [(m.start(), m.end(), 0.9) for m in _QUOTED_ORG.finditer(text)]
        for pattern, source, score in (
            (self._orgs, _fold_text(text), 0.85),
            (_PATTERN_ORG, text, 0.8),
        ):
            for m in pattern.finditer(source):
                if not _overlaps(m.start(), m.end(), [(s, e) for s, e, _ in spans]):
                    spans.append((m.start(), m.end(), score))
        return sorted(spans)

    def _lower_case_place(
        self, tokens: Sequence[Token], cands: Sequence[frozenset[str]], i: int
    ) -> int:
        """A listed place typed in lower case (voice transcripts, chat): after a Russian
        preposition of place ("в караганду") or with a Kazakh case ending ("павлодарға",
        "тараздан"), never one whose lower-case spelling is a word first."""
        token = tokens[i]
        if token.initial or any(c in _LOWER_CASE_WORDS for c in cands[i]):
            return 0
        n = self._places.match(cands, i)
        if n != 1:
            return 0  # one word: the regions' second words are lower case anyway
        after_preposition = i > 0 and tokens[i - 1].folded in _PLACE_PREPOSITIONS
        inflected = self._places.match([frozenset(kazakh_stems(token.folded)[1:])], 0) == 1
        return 1 if after_preposition or inflected else 0

    def _find_places(self, text: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
        cands = [lemma_set(t.folded) for t in tokens]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            if tokens[i].capitalized:
                n = self._places.match(cands, i)
            else:
                n = self._lower_case_place(tokens, cands, i)
            # Some towns are named after people (Сәтбаев, Қонаев): after a given name the
            # word is that person's surname.
            if n and i > 0 and self._names.is_given(tokens[i - 1]) and _surname_like(tokens[i]):
                n = 0
            if n == 0 and tokens[i].capitalized and _settlement(tokens, i, text):
                n = 1
            if n == 0:
                i += 1
                continue
            end = tokens[i + n - 1].end
            if i + n < len(tokens) and tokens[i + n].folded in _REGION_WORDS:
                end = tokens[i + n].end
                n += 1
            spans.append((tokens[i].start, end))
            i += n
        return spans


# prepositions that put a lower-case word in a place ("в астане", "из дубая")
_PLACE_PREPOSITIONS = frozenset({"в", "во", "из", "до", "под", "около", "возле", "через"})
# listed places whose lower-case spelling is a word first ("для семей", "есік" a door,
# "орал" come back, "рудный" of ore) or a surname
_LOWER_CASE_WORDS = frozenset(
    fold(w) for w in (
        "семей", "шу", "есік", "есик", "орал", "жамбыл", "сәтбаев", "сатпаев", "қонаев",
        "конаев", "алатау", "рудный", "ростов", "саратов", "псков", "тамбов", "королёв",
        "львов", "ақсай", "аксай", "жетісу", "жетысу",
    )
)  # fmt: skip


@functools.lru_cache(maxsize=1)
def _places() -> _Gazetteer:
    return _Gazetteer(read_lines("kk_places.txt"))


def lone_place(text: str, start: int, end: int, lex: NameLexicon) -> bool:
    """Whether ``text[start:end]`` is one word naming a listed place and no given name or
    surname in shape: a model's "person" in "ул. Абая 95, Кульсары" is the town, "Сатпаев"
    is not. A place that is a listed surname too ("Балхаш") only after a comma, where an
    address names its town."""
    tokens = tokenize(text[start:end])
    if len(tokens) != 1 or tokens[0].text != text[start:end] or _surname_like(tokens[0]):
        return False
    forms = lemma_set(tokens[0].folded)
    if any(f in lex.first or f in lex.weak_first for f in forms):
        return False
    after_comma = text[max(0, start - 16) : start].rstrip().endswith(",")
    if any(f in lex.last for f in forms) and not after_comma:
        return False
    return _places().match([forms], 0) == 1


def _settlement(tokens: Sequence[Token], i: int, text: str) -> bool:
    """A word named a town, a city or a village by the word after or before it."""
    after = tokens[i + 1].folded if i + 1 < len(tokens) else ""
    if after.startswith(_SETTLEMENT_AFTER):
        return True
    return i > 0 and settlement_word_before(text, tokens[i - 1])


def settlement_word_before(text: str, token: Token) -> bool:
    """Whether ``token`` is a lower-case settlement word or abbreviation ("г.", "с.",
    "пгт") that names the place after it; the one-letter ones only with their dot."""
    if token.capitalized or token.folded not in _SETTLEMENT_WORDS:
        return False
    if token.folded in _SETTLEMENT_DOTTED:
        # "с. Березовка", not "и т. д." or "5 м." ending a sentence before the next one
        before = text[max(0, token.start - 16) : token.start].rstrip()
        return (
            text.startswith(".", token.end)
            # a word of its own: not the letter of a number ("приказ № 112-к.")
            and (token.start == 0 or text[token.start - 1] in " \t\n(,;:«\"")
            and not before[-1:].isdigit()
            and not before.endswith(("т.", "т", "др.", "пр."))
        )
    return True


def _has_capital(text: str, start: int, end: int) -> bool:
    return any(ch.isupper() for ch in text[start:end])


def _surname_like(token: Token) -> bool:
    return _SURNAME_TOWN.search(token.folded) is not None


def _fold_text(text: str) -> str:
    folded = fold(text)
    # A few characters lower-case to two code points (İ); keep offsets aligned then.
    if len(folded) != len(text):
        folded = "".join(f if len(f := fold(ch)) == 1 else ch for ch in text)
    return folded


def _covered_tokens(tokens: Sequence[Token], spans: Sequence[tuple[int, int]]) -> list[int]:
    """Indexes of the tokens that overlap any span (one binary search per token)."""
    if not spans:
        return []
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    starts = [m[0] for m in merged]
    out: list[int] = []
    for k, token in enumerate(tokens):
        j = bisect.bisect_left(starts, token.end) - 1
        if j >= 0 and merged[j][1] > token.start:
            out.append(k)
    return out


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)
