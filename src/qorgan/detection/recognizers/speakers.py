"""Who speaks in a transcript and who is present at a meeting (``PERSON``).

A chat log, a meeting transcript or a pasted messenger thread writes who speaks at the
start of each line, and meeting notes list who came; both put names where no sentence
announces them and often in lower case:

* **speakers**: "[00:01:12] Mark: okay, let's mark the first item", "linh: ok final plan",
  "12/03/2024, 14:05 - Айгерим: привет". One such line could be a field ("Bill: 40 USD",
  "Note: ..."), so a label is read as a name only in a transcript: two lines or more that
  say something (two words after the colon) with a time before the speaker, or two such
  lines of different speakers that are given names, one of them no English word. A label
  is then a person when its first word is a given name (of the English, Russian or Kazakh
  lists), or when it is no English word and speaks twice;
* **rosters**: the items after "Attendees:", "Present:", "Participants:", "Присутствовали:"
  ("Present: jay, penny, oluwaseun, hannah k"), when two of them at least are given names;
  then every item of one to three words that is no English word, or whose first word is a
  given name, is a person;
* **signatures**: the name a message ends with after a dash or a sign-off on the same line
  ("... you asked for. — Kemi", "Best, Hope"), the dash after a sentence's end or opening
  the line ("Almaty — Astana" is a route): a given name, or a capitalised word that is no
  English word and no listed place, and a second word at most; and a given name that is
  no English word alone on its line (a surname after it at most), quoted or not, after a
  blank line or a sign-off and before the message's end, a blank line or a quoted header
  ("...ship Monday.\n\nMiguel", "Thanks,\n>> Ben\n>>\n>> -----Original Message-----").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.detection.recognizers.lexicon import fold
from qorgan.detection.recognizers.morph import is_everyday
from qorgan.detection.recognizers.names import name_lexicon
from qorgan.detection.recognizers.scan import Hit, ScanRecognizer

__all__ = ["CUES", "SpeakerRecognizer"]

SCORE = 0.8
# the sign-offs a signature follows on the same line ("Best, Hope")
_SIGN_OFF = r"(?i:best|regards|cheers|thanks|thank you|love|xoxo|xo)[ \t]*,"
#: what the trigger needs to see: a word and a colon, a dash, a sign-off and a comma, or a
#: line of a word or two
CUES = rf"[^\W\d_][ \t]*:|[—–]|--|{_SIGN_OFF}|\n[ \t>]*[^\W\d_]+(?:[ \t][^\W\d_]+)?[ \t]*(?:\n|\Z)"

# the time (and date) a messenger or a transcript writes before the speaker
_STAMP = (
    r"(?:\[[^\]\n]{1,32}\][ \t]*"  # [00:01:12], [12.03.24, 14:05]
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?"
    r"[ \t]*[-–—][ \t]*"  # 12/03/2024, 14:05 -
    r"|\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[AaPp][Mm])?[ \t]+(?:[-–—][ \t]*)?)"  # 14:05
)
_WORD = r"[^\W\d_][\w'’\-]*"
_SPEAKER = re.compile(
    rf"^[ \t]*(?:[-*>•][ \t]*)?(?P<stamp>{_STAMP})?(?P<label>{_WORD}(?:[ \t]{_WORD}){{0,2}})"
    r"[ \t]*:[ \t]*(?=[^\s:/\d])",
    re.MULTILINE,
)
_ROSTER = re.compile(
    r"^[ \t]*(?:[-*>•][ \t]*)?(?:attendees|present|participants|invitees|attending"
    r"|in[ \t]attendance|guests|guest[ \t]list|присутствовали|присутствуют|участники"
    r"|қатысқандар|қатысушылар)[ \t]*:[ \t]*(?P<items>[^\n]+)",
    re.MULTILINE | re.IGNORECASE,
)
_SAYS = re.compile(r"[^\s]+[ \t]+[^\s]")  # two words or more after the colon
_SIGNED = re.compile(
    r"(?:(?:^|(?<=[.!?)…\n])|(?<=[.!?)…][ \t]))(?:[—–]|--)"
    rf"|\b{_SIGN_OFF})"
    rf"[ \t]*(?P<name>{_WORD}(?:[ \t]{_WORD})?)[ \t]*[.!]?\s*\Z"
)
# a line that is only a name, quoted or not (">> Ben"): the signature of a message when the
# line before ends it (blank, or a sign-off with its comma) and what follows is no more of it
_NAME_LINE = re.compile(
    rf"^(?P<quote>[ \t]*(?:>[ \t]*)*)(?P<name>{_WORD}(?:[ \t]{_WORD})?)[ \t]*$", re.MULTILINE
)
_ENDS_A_MESSAGE = re.compile(rf"^[ \t>]*(?:{_SIGN_OFF}|(?i:kind regards|best regards|"
                             r"many thanks|warm regards|sincerely|с уважением|құрметпен)"
                             r"[ \t]*,?)?[ \t]*$")
_AFTER_A_MESSAGE = re.compile(
    r"^[ \t>]*(?i:sent from|on[ \t].{0,80}wrote|-{2,}|from:|от:|get outlook)"
)
_ITEM = re.compile(r"[^,;\n]+")
_AND = re.compile(r"[ \t]+(?:and|&|и|мен|және)[ \t]+", re.IGNORECASE)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _given(word: str) -> bool:
    if _LATIN.match(word):
        return ascii_fold(word) in gazetteer().given
    return name_lexicon().given_in_any_case(fold(word))


def _a_word(word: str) -> bool:
    """Whether ``word`` is an everyday word of its language ("note", "бюджет")."""
    if _LATIN.match(word):
        return gazetteer().is_common(word)
    return is_everyday(word)


class SpeakerRecognizer(ScanRecognizer):
    ENTITY = "PERSON"

    def scan(self, text: str) -> Iterator[Hit]:
        yield from self._speakers(text)
        yield from self._rosters(text)
        signed = _SIGNED.search(text, max(0, len(text) - 80))
        if signed is not None and _signature(signed.group("name")):
            yield Hit(signed.start("name"), signed.end("name"), SCORE, "signature")
        yield from self._name_lines(text)

    @staticmethod
    def _name_lines(text: str) -> Iterator[Hit]:
        """A given name (and a surname) alone on the line that signs a message:
        "...we can ship Monday.\nMiguel", "Thanks,\n>> Ben\n>>\n>> -----Original ...". A
        name that is an English word too ("Ben", "Will") only right under a sign-off or
        right over what follows a message (a quoted header, "Sent from my iPhone")."""
        if "\n" not in text:
            return
        for line in _NAME_LINE.finditer(text):
            first = line.group("name").split()[0]
            if not (_LATIN.match(first) and first[0].isupper() and not first.isupper()):
                continue
            if not _given(first) or line.start() == 0:
                continue
            above = _line_before(text, line.start())
            below = _next_line(text, line.end())
            signed_off = bool(above.strip(" \t>")) and _ENDS_A_MESSAGE.match(above) is not None
            closes = below is None or _AFTER_A_MESSAGE.match(below) is not None
            if _a_word(first):
                found = signed_off or (below is not None and closes)
            else:
                found = (_ENDS_A_MESSAGE.match(above) is not None
                         or above.rstrip().endswith((".", "!", "?"))) and closes
            if found:
                yield Hit(line.start("name"), line.end("name"), SCORE, "name signing a message")

    @staticmethod
    def _speakers(text: str) -> Iterator[Hit]:
        lines = list(_SPEAKER.finditer(text))
        if len(lines) < 2:
            return
        labels = [m.group("label") for m in lines]
        named = {label.casefold() for label in labels if _given(label.split()[0])}
        # evidence is a line that says something: "Lily: white" may be a list of colours
        said = [m for m in lines if _SAYS.match(text, m.end())]
        stamped = sum(1 for m in said if m.group("stamp"))
        speaking = {m.group("label").casefold() for m in said} & named
        transcript = stamped >= 2 or (
            len(speaking) >= 2 and any(not _a_word(label.split()[0]) for label in speaking)
        )
        if not transcript:
            return
        spoken: dict[str, int] = {}
        for label in labels:
            spoken[label.casefold()] = spoken.get(label.casefold(), 0) + 1
        for m in lines:
            label = m.group("label")
            first = label.split()[0]
            if len(first) < 2 or (first.isupper() and len(first) <= 3):
                continue  # "Q:", "A:", "PM:", "QA:": roles, not names
            if label.casefold() in named or (
                " " not in label and spoken[label.casefold()] >= 2 and not _a_word(label)
            ):
                yield Hit(m.start("label"), m.end("label"), SCORE, "speaker in a transcript")

    @staticmethod
    def _rosters(text: str) -> Iterator[Hit]:
        for roster in _ROSTER.finditer(text):
            items = list(_items(text, roster.start("items"), roster.end("items")))
            people = [(s, e) for s, e in items if _person_item(text[s:e])]
            if sum(1 for s, e in people if _given(text[s:e].split()[0])) < 2:
                continue
            for start, end in people:
                yield Hit(start, end, SCORE, "person in a meeting's roster")


def _line_before(text: str, start: int) -> str:
    end = start - 1
    return text[text.rfind("\n", 0, end) + 1 : end]


def _next_line(text: str, end: int) -> str | None:
    """The first line after ``end`` that holds more than quote marks, or ``None``."""
    for line in text[end:].split("\n")[1:]:
        if line.strip(" \t>"):
            return line
    return None


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The items of a list between ``start`` and ``end``, by commas, semicolons and "and"."""
    for item in _ITEM.finditer(text, start, end):
        at = item.start()
        for joint in _AND.finditer(text, item.start(), item.end()):
            yield _trimmed(text, at, joint.start())
            at = joint.end()
        yield _trimmed(text, at, item.end())


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "."):
        end -= 1
    return start, end


def _signature(name: str) -> bool:
    first = name.split()[0]
    if _given(first):
        return True
    if not first[0].isupper() or first.isupper() or _a_word(first):
        return False
    return not _LATIN.match(first) or gazetteer().match_place([ascii_fold(first)]) is None


def _person_item(item: str) -> bool:
    words = item.split()
    if not 1 <= len(words) <= 3 or not all(re.fullmatch(rf"{_WORD}\.?", w) for w in words):
        return False
    return _given(words[0]) or (len(words) == 1 and len(item) >= 3 and not _a_word(item))
