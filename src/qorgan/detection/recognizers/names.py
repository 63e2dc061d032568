"""Person names in Kazakh and Russian text, from name lists and name-shaped words.

A run of capitalised words is a person when it holds real evidence: a given name from the
lists, a patronymic (-ович/-овна, -ұлы/-қызы), or a surname-shaped word (-ов/-ева/-ин)
next to an initial, a given name or a word that announces a name ("тегі", "фамилия").
A capitalised word at the start of a sentence that is only surname-shaped ("Магазин"), only
in the noisy surname list, or a given name that is also an everyday word ("Арман", "Мая")
is not enough on its own: those are the false positives that matter in chat text.
In lower case, a name needs the word before it ("меня зовут айгерим") or both halves from
the lists, the surname in surname shape ("марат жұмабаев", "напомни андрею лебедеву").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from qorgan.detection.recognizers.lexicon import (
    fold,
    kazakh_stems,
    lemma_candidates,
    natasha_names,
    read_words,
)
from qorgan.detection.recognizers.morph import is_everyday
from qorgan.detection.recognizers.name_address import (
    HONORIFICS,
    addressed,
    joined_by_and,
    lower_case_addressed,
)
from qorgan.detection.recognizers.name_tokens import Token, adjacent, starts_sentence, tokenize

__all__ = ["NameLexicon", "Token", "find_people", "is_listed_name", "name_lexicon",
           "starts_sentence", "tokenize"]

_PATRONYMIC = re.compile(
    r"(?:ович|евич|ьич)(?:а|у|ем|е)?$|(?:овн|евн|ичн)(?:а|ы|е|у|ой|ою)$"
    r"|(?:улы|кызы)(?:нын|на|ны|нда|нан|мен|га|ге)?$"
)
_SURNAME = re.compile(r"(?:ов|ев|ин|ский|цкий|ская|цкая)(?:а|у|ым|ой|е|ы|ых|ом)?$")
# Kazakh genitive and accusative endings (-ің, -ін) fold to "-ин" and are not surnames.
_KAZAKH_ENDING = re.compile(r"[іы][нң]$|ң$")
_SEPARATE_PATRONYMIC = frozenset({"улы", "кызы"})
# commands to the reader that a lower-case given name may follow ("передай ерлану")
_COMMANDS = frozenset(
    fold(w) for w in (
        "спроси", "спросите", "передай", "передайте", "скажи", "скажите", "напиши",
        "напишите", "позвони", "позвоните", "напомни", "напомните", "позови", "позовите",
        "поблагодари", "поздравь", "поздравьте", "пригласи", "пригласите", "айт", "айтыңыз",
        "жаз", "жазыңыз", "хабарлас", "хабарласыңыз", "сұра", "сұраңыз",
    )
)
# the family names of Kazakhstan's Koreans, too short for the surname shape (not "Нам",
# "Хан", "Сон": "Нам Марина сказала" is "Marina told us")
_KOREAN_SURNAMES = frozenset(
    {"ким", "пак", "ли", "цой", "тен", "югай", "шин", "хегай", "огай", "тян", "кан", "лим",
     "тигай", "когай", "хван", "чой", "мун", "чен"}
)


class NameLexicon:
    """Name lists, loaded on first use and shared."""

    @cached_property
    def first(self) -> frozenset[str]:
        return (natasha_names("first") | read_words("kk_first_names.txt")) - self.weak_first

    @cached_property
    def weak_first(self) -> frozenset[str]:
        return natasha_names("maybe_first") | read_words("name_stopwords.txt")

    @cached_property
    def last(self) -> frozenset[str]:
        return natasha_names("last")

    @cached_property
    def context(self) -> frozenset[str]:
        return read_words("kk_context.txt")

    def given_in_any_case(self, folded: str) -> bool:
        """Whether a folded word is a listed given name in some grammatical case
        ("андрею", "ерлану"), whatever its letter case and place in the sentence."""
        return any(c in self.first for c in lemma_candidates(folded))

    def is_given(self, token: Token) -> bool:
        """Whether ``token`` is a capitalised given name from the lists."""
        if token.sentence_initial:
            candidates = kazakh_stems(token.folded)
        else:
            candidates = lemma_candidates(token.folded)
        return token.capitalized and any(c in self.first for c in candidates)

    @cached_property
    def not_names(self) -> frozenset[str]:
        # Function words capitalised at a sentence start ("Менің", "Это") are never names.
        return (
            read_words("not_names.txt")
            | read_words("kk_stopwords.txt")
            | read_words("ru_stopwords.txt")
        )


@lru_cache(maxsize=1)
def name_lexicon() -> NameLexicon:
    """The process-wide lists, for the layers that read them outside a recognizer."""
    return NameLexicon()


def is_listed_name(word: str, lex: NameLexicon) -> bool:
    """Whether ``word`` (or a dictionary form of it) is in any name list."""
    return any(
        c in lex.first or c in lex.weak_first or c in lex.last for c in lemma_candidates(fold(word))
    )


@dataclass(slots=True)
class _Part:
    token: Token
    first: bool = False
    weak_first: bool = False
    patronymic: bool = False
    surname: bool = False
    listed_last: bool = False

    @property
    def strong(self) -> bool:
        return self.first or self.patronymic

    @property
    def any(self) -> bool:
        return (
            self.first
            or self.weak_first
            or self.patronymic
            or self.surname
            or self.listed_last
            or self.token.initial
        )


def _classify(token: Token, lex: NameLexicon, opens_field: bool = False) -> _Part:
    """``opens_field``: the word opens a form's field or a table's cell ("Сипаттама: Кеше
    ...", "Эл. пошта;"), where, as at a sentence start, an everyday word is capitalised."""
    part = _Part(token)
    if (
        not token.capitalized
        or token.initial
        or token.folded in lex.not_names
        or token.folded in lex.context
    ):
        return part
    # At a sentence start only the word as written, or without a Kazakh case suffix, may
    # be a given name: stripping Russian endings there turns everyday words into names
    # (Кеше -> Кеша).
    folded = token.folded
    head, _, tail = folded.partition("-")
    if tail and tail in HONORIFICS:
        folded = head  # "Ержан-ага", "Айгүл-апай": the name with its form of address
    candidates = lemma_candidates(folded)
    given = kazakh_stems(folded) if token.sentence_initial or opens_field else candidates
    part.first = any(c in lex.first for c in given)
    part.weak_first = not part.first and any(c in lex.weak_first for c in given)
    part.patronymic = any(_PATRONYMIC.search(c) for c in candidates)
    part.surname = (
        len(token.folded) >= 4
        and not _KAZAKH_ENDING.search(token.text.lower())
        and any(_SURNAME.search(c) for c in kazakh_stems(token.folded))
    )
    part.listed_last = not part.surname and any(c in lex.last for c in candidates[:3])
    # An all-caps word is an acronym (ИИН, ТОО) unless it is a name from the lists.
    if token.text.isupper() and not (part.first or part.patronymic or part.surname):
        part.weak_first = part.listed_last = False
    return part


def find_people(
    text: str, tokens: Sequence[Token], lex: NameLexicon, *, excluded: Sequence[range] = ()
) -> list[tuple[int, int, float]]:
    """``(start, end, score)`` of each person name in ``text``.

    ``excluded`` are token-index ranges already claimed (places, organisations).
    """
    blocked = {i for r in excluded for i in r}
    parts = [_classify(t, lex, _opens_field(text, t)) for t in tokens]
    found: list[tuple[int, int, float]] = []
    i = 0
    while i < len(tokens):
        pair = 0 if i in blocked or i + 1 in blocked else _lower_case_pair(text, tokens, i, lex)
        if pair:
            found.append((tokens[i].start, tokens[i + pair - 1].end, 0.7))
            i += pair
            continue
        if i not in blocked and (
            _lower_case_announced(tokens, i, lex) or lower_case_addressed(text, tokens, i, lex)
        ):
            found.append((tokens[i].start, tokens[i].end, 0.6))
            i += 1
            continue
        if i in blocked or not parts[i].any:
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and j not in blocked and parts[j].any and _near(text, tokens, j):
            j += 1
        i, j = _widen(text, tokens, parts, blocked, lex, i, j)
        span = _accept(tokens, parts[i:j], i, lex)
        if span is None and j - i == 1 and parts[i].weak_first and addressed(text, tokens, i):
            span = (tokens[i].start, tokens[i].end, 0.7)
        if span is not None:
            found.append(span)
        i = j
    given = [p.first or p.weak_first for p in parts]
    return found + joined_by_and(text, tokens, given, blocked, found)


def _opens_field(text: str, token: Token) -> bool:
    before = text[max(0, token.start - 4) : token.start].rstrip(" \t")
    return bool(before) and before[-1] in ":;|"


def _lower_case_announced(tokens: Sequence[Token], i: int, lex: NameLexicon) -> bool:
    """A given name typed in lower case right after "зовут"/"атым" ("меня зовут айгерим"),
    or after a command to the reader ("передай ерлану", "спроси у айгерим")."""
    token = tokens[i]
    if token.capitalized or token.initial or i == 0 or token.folded in lex.not_names:
        return False
    before = tokens[i - 1].folded
    if before in lex.context:
        return any(c in lex.first for c in kazakh_stems(token.folded))
    if before == "у" and i > 1:
        before = tokens[i - 2].folded
    return before in _COMMANDS and lex.given_in_any_case(token.folded)


def _lower_case_pair(text: str, tokens: Sequence[Token], i: int, lex: NameLexicon) -> int:
    """How many words from ``i`` are a full name typed in lower case: a listed given name
    and a listed surname of surname shape, in either order ("марат жұмабаев", "напомни
    андрею лебедеву", "иванов иван"), and a lower-case patronymic after them; 0 if none."""
    if i + 1 >= len(tokens) or not adjacent(text, tokens[i], tokens[i + 1]):
        return 0
    pair = tokens[i], tokens[i + 1]
    if any(t.capitalized or t.initial or t.folded in lex.not_names or t.folded in lex.context
           for t in pair):
        return 0
    first, second = pair
    if not (
        (lex.given_in_any_case(first.folded) and _listed_surname(second, lex))
        or (_listed_surname(first, lex) and lex.given_in_any_case(second.folded))
    ):
        return 0
    k = i + 2
    if k < len(tokens) and adjacent(text, tokens[k - 1], tokens[k]) and not (
        tokens[k].capitalized
    ) and any(_PATRONYMIC.search(c) for c in lemma_candidates(tokens[k].folded)):
        return 3
    return 2


def _listed_surname(token: Token, lex: NameLexicon) -> bool:
    folded = token.folded
    return (
        len(folded) >= 5
        and _SURNAME.search(folded) is not None
        and any(c in lex.last for c in lemma_candidates(folded)[:3])
    )


def _widen(
    text: str,
    tokens: Sequence[Token],
    parts: Sequence[_Part],
    blocked: set[int],
    lex: NameLexicon,
    i: int,
    j: int,
) -> tuple[int, int]:
    """Grow the group ``[i, j)`` by words that only its neighbours mark as name parts."""
    group = parts[i:j]
    # A given name vouches for an unlisted surname after it ("Ербол Сейітқали").
    if (
        any(p.first for p in group)
        and _free(j, tokens, parts, blocked, lex, mid_sentence=True)
        and _near(text, tokens, j)
    ):
        parts[j].surname = True
        j += 1
    # A patronymic vouches for an unlisted given name before it ("Самұрат Әлімжанұлы").
    if (
        len(group) == 1
        and group[0].patronymic
        and i > 0
        and _free(i - 1, tokens, parts, blocked, lex)
        and _near(text, tokens, i)
    ):
        parts[i - 1].weak_first = True
        i -= 1
    # A given name vouches for a Korean family name before it, the short surnames of
    # Kazakhstan's Koreans ("Ким Виктор Сергеевич", "Цой Марина").
    if (
        group[0].first
        and i > 0
        and tokens[i - 1].folded in _KOREAN_SURNAMES
        and tokens[i - 1].capitalized
        and (i - 1) not in blocked
        and _near(text, tokens, i)
    ):
        parts[i - 1].surname = True
        i -= 1
    # "Серік ұлы": the patronymic written as a separate lower-case word.
    if j < len(tokens) and tokens[j].folded in _SEPARATE_PATRONYMIC and _near(text, tokens, j):
        parts[j].patronymic = True
        j += 1
    return i, j


def _near(text: str, tokens: Sequence[Token], k: int) -> bool:
    """Whether token ``k`` directly follows token ``k - 1`` in the same name."""
    return adjacent(text, tokens[k - 1], tokens[k])


def _free(
    k: int,
    tokens: Sequence[Token],
    parts: Sequence[_Part],
    blocked: set[int],
    lex: NameLexicon,
    *,
    mid_sentence: bool = False,
) -> bool:
    """Whether token ``k`` may join a name on the strength of its neighbours.

    With ``mid_sentence`` the token must not open a sentence; a capitalised function word
    inside a sentence is then a surname that happens to be spelled like one ("Ким").
    """
    if k >= len(tokens) or k in blocked or parts[k].any:
        return False
    token = tokens[k]
    if mid_sentence and token.sentence_initial:
        return False
    return (
        token.capitalized
        and not token.initial
        and not token.text.isupper()
        and len(token.folded) >= 2
        and (mid_sentence or token.folded not in lex.not_names)
        and token.folded not in lex.context
    )


def _accept(
    tokens: Sequence[Token], group: Sequence[_Part], first_index: int, lex: NameLexicon
) -> tuple[int, int, float] | None:
    # A sentence-initial word without name evidence of its own ("Сегодня Иван") is dropped
    # from the front of the group, unless it is name-shaped and a given name follows it
    # ("Ахметов Серік").
    while group and group[0].token.sentence_initial and not _self_evident(group[0]):
        head, rest = group[0], group[1:]
        # Keep "Ахметов Серік", "Ахметов И.", "Роза Иванова", "Самұрат Әлімжанұлы"; drop
        # "Досым Ербол" ("my friend Ербол").
        second = rest[0] if rest else None
        if second is not None and (
            (len(rest) == 1 and second.patronymic)
            or (head.surname and (_strong(rest) or second.token.initial))
            or (head.weak_first and not second.first and (second.surname or second.patronymic))
        ):
            break
        group = group[1:]
        first_index += 1
    if not group:
        return None
    names = [p for p in group if not p.token.initial]
    if not names:
        return None
    start, end = group[0].token.start, group[-1].token.end
    strong = _strong(group)
    shaped = sum(1 for p in group if p.surname or p.listed_last or p.weak_first or p.token.initial)
    if len(group) >= 2 and (strong or (any(p.surname for p in group) and shaped >= 2)):
        return start, end, 0.85
    if len(group) == 1 and group[0].first and not group[0].token.text.isupper():
        # "Буду рада", "Личное дело": a word the Russian dictionary knows, never as a name
        return None if is_everyday(group[0].token.text) else (start, end, 0.75)
    if len(group) == 1 and group[0].patronymic and not is_everyday(group[0].token.text):
        return start, end, 0.7
    # Inside a sentence a capitalised surname-shaped word is a name: Russian and Kazakh
    # capitalise little else, and places and organisations were claimed before this. In
    # capitals every word is capitalised: "ОТЧЁТ ЗА МАРТ ГОТОВ" holds no name.
    if (
        len(group) == 1
        and group[0].surname
        and not group[0].token.sentence_initial
        and not group[0].token.text.isupper()
    ):
        return start, end, 0.6
    if _announced(tokens, first_index, lex) and any(
        p.surname or p.weak_first or p.listed_last for p in group
    ):
        return start, end, 0.7
    return None


def _strong(group: Sequence[_Part]) -> bool:
    return any(p.strong for p in group)


def _self_evident(part: _Part) -> bool:
    return part.first or part.patronymic


def _announced(tokens: Sequence[Token], index: int, lex: NameLexicon) -> bool:
    return any(t.folded in lex.context for t in tokens[max(0, index - 3) : index])
