"""Given names that are words too ("Арман", "Роза", "Нұр"), and given names typed in lower
case, read as names where the words around them address or present a person: a greeting
before ("Сәлем Арман!"), a form of address after ("Роза апай", "серік аға"), the comma of
an addressee opening a message ("Мира, проверь ..."), "это"/"бұл" before ("это дима"),
or "мен"/"и" joining them to a person found beside them ("Асқар мен Жұлдыз")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from qorgan.detection.recognizers.lexicon import fold, kazakh_stems
from qorgan.detection.recognizers.morph import is_common_noun
from qorgan.detection.recognizers.name_tokens import Token, adjacent, one_space

if TYPE_CHECKING:
    from qorgan.detection.recognizers.names import NameLexicon

__all__ = ["AND_WORDS", "HONORIFICS", "addressed", "joined_by_and", "lower_case_addressed"]

# greetings before a name and forms of address after it ("Сәлем Арман!", "Роза апай")
_GREETING_WORDS = frozenset(
    fold(w) for w in (
        "сәлем", "сәлеметсіз", "сәлеметсіздер", "привет", "приветик", "здравствуйте",
        "здравствуй", "добрый", "доброе", "құрметті", "қымбатты",
        "уважаемый", "уважаемая", "дорогой", "дорогая", "hi", "hello", "hey", "dear",
    )
)  # fmt: skip
HONORIFICS = frozenset(
    fold(w) for w in (
        "апай", "апа", "аға", "ағай", "әпке", "ата", "әже", "жеңге", "көке", "мырза", "ханым",
        "бауырым", "қарындас", "іні",
    )
)  # fmt: skip
# given names that are words first, never a person being addressed ("Рим, ..." "Май, ...")
_NEVER_ADDRESSED = frozenset(
    fold(w) for w in (
        "рим", "урал", "алтай", "эльбрус", "наурыз", "курбан", "сервер", "адам", "жана", "жаңа",
        "досым", "досыма", "досымның", "мир", "звезда", "заря", "май", "ай", "күн", "кун",
        "алтын", "тамыз", "мамыр", "маусым", "шілде", "қазан", "ақпан", "қаңтар",
        "сәуір", "қыркүйек", "қараша", "желтоқсан", "январь", "февраль", "март", "апрель",
        "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    )
)  # fmt: skip


def addressed(text: str, tokens: Sequence[Token], i: int) -> bool:
    """A given name that is also a word, where the words around it say a person is being
    addressed: after a greeting ("Сәлем Арман!", "Сәлеметсіз бе, Жұлдыз"), before a form
    of address ("Роза апай"), opening a message as its addressee ("Мира, проверь ...",
    "Нұр, сен ...", "Слава, привет!"), or told something in the dative ("Айнаға айтшы")."""
    token = tokens[i]
    if token.text.isupper() or token.folded in _NEVER_ADDRESSED:
        return False
    before = [t for t in tokens[max(0, i - 2) : i] if "\n" not in text[t.end : token.start]]
    if any(t.folded in _GREETING_WORDS for t in before):
        return True
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if nxt is not None and nxt.folded in HONORIFICS and adjacent(text, token, nxt):
        return True
    if nxt is not None and _told(text, token, nxt):
        return True
    gap = text[token.end : nxt.start] if nxt is not None else ""
    return (
        token.sentence_initial
        and nxt is not None
        and gap.strip() in {",", "!", ",!"}
        and "\n" not in gap
        and not nxt.capitalized
        # "Роза, лилия и тюльпан": a list of things; "Слава, привет!" greets
        and (nxt.folded in _GREETING_WORDS or not is_common_noun(nxt.text))
    )


# "tell", "call", "write", "send" in Kazakh and Kyrgyz, after the one told in the dative
# ("Айнаға айтшы", "Бақытқа хабарласыңыз", "Бакытка айтып кой")
_TELLING = ("айт", "хабарлас", "жибер", "конырау", "жазшы", "жазып", "жазыныз")
_DATIVE = ("га", "ге", "ка", "ке")


def _told(text: str, token: Token, nxt: Token) -> bool:
    """A name in the dative right before a verb of telling or calling."""
    return (
        token.capitalized
        and token.folded.endswith(_DATIVE)
        and len(token.folded) >= 5
        and nxt.folded.startswith(_TELLING)
        and adjacent(text, token, nxt)
    )


# words that present the speaker before a name ("это дима", "бұл нұржан")
_PRESENTING = frozenset({"это", "бул"})
# forms of address that may carry a case ending after a name ("бақытжан ағамен")
_ADDRESS_WORDS = HONORIFICS | {fold(w) for w in ("қызым", "балам", "ұлым", "жаным", "внучек")}


def lower_case_addressed(
    text: str, tokens: Sequence[Token], i: int, lex: NameLexicon
) -> bool:
    """A given name typed in lower case, as voice transcripts and chat write them, where
    the words around it address or present a person: after a greeting ("привет дима",
    "сәлем айгүл"), before a form of address ("серік аға", "бақытжан ағамен", "жұлдыз
    қызым"), or after "это"/"бұл" ("это дима")."""
    token = tokens[i]
    if token.capitalized or token.initial or token.folded in lex.not_names:
        return False
    if len(token.folded) < 3 or token.folded in _NEVER_ADDRESSED or token.folded in lex.context:
        return False
    given = any(c in lex.first for c in kazakh_stems(token.folded))
    weak = any(c in lex.weak_first for c in kazakh_stems(token.folded))
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    if (given or weak) and nxt is not None and adjacent(text, token, nxt) and any(
        stem in _ADDRESS_WORDS for stem in kazakh_stems(nxt.folded)
    ):
        return True
    before = tokens[i - 1] if i > 0 and adjacent(text, tokens[i - 1], token) else None
    if before is None:
        return False
    if before.folded in _GREETING_WORDS:
        return given or weak
    return before.folded in _PRESENTING and given


#: "and" in Kazakh and Russian, between two names
AND_WORDS = frozenset({"мен", "бен", "пен", "және", "и"})


def joined_by_and(
    text: str,
    tokens: Sequence[Token],
    given: Sequence[bool],
    blocked: set[int],
    found: Sequence[tuple[int, int, float]],
) -> list[tuple[int, int, float]]:
    """Capitalised given names (words too or not; ``given`` says which tokens are) joined by
    "мен"/"и" to a person found beside them ("Асқар мен Жұлдыз")."""
    at_start = {t.start: k for k, t in enumerate(tokens)}
    at_end = {t.end: k for k, t in enumerate(tokens)}
    taken = {(s, e) for s, e, _ in found}
    added: list[tuple[int, int, float]] = []
    for start, end, _ in found:
        options = []
        if end in at_end:
            options.append((at_end[end], at_end[end] + 1, at_end[end] + 2))
        if start in at_start:
            options.append((at_start[start], at_start[start] - 1, at_start[start] - 2))
        for edge, joint, name in options:
            if not (0 <= joint < len(tokens) and 0 <= name < len(tokens)) or name in blocked:
                continue
            word = tokens[name]
            # one space on either side of the joint: "Асқар. Мен Жұлдыз..." ("I") is no pair
            if tokens[joint].folded not in AND_WORDS or not (
                one_space(text, tokens[edge], tokens[joint])
                and one_space(text, tokens[joint], word)
            ):
                continue
            if not (word.capitalized and given[name]) or word.folded in _NEVER_ADDRESSED:
                continue
            if (word.start, word.end) in taken:
                continue
            added.append((word.start, word.end, 0.7))
            taken.add((word.start, word.end))
    return added
