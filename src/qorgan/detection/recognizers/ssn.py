"""US social security numbers written without dashes (``US_SSN``).

The dashed ``AAA-GG-SSSS`` form is its own evidence (``registry.DashedSsnRecognizer``).
Nine bare digits, or nine in ``AAA GG SSSS`` / ``AAA.GG.SSSS`` groups, are as often an
order or account number, so they are reported only right after an SSN cue ("SSN",
"social security number", "soc. sec. no.", a key such as ``ssn`` or ``applicant_ssn``)
or in a table column headed by one. The number must be one the Social Security
Administration can issue: area not 000, 666 or 900-999, group not 00, serial not 0000.
The numbers printed on sample cards (123-45-6789, 078-05-1120) are left alone bare, but
after a cue they are what the writer says they are, and are reported: the guard cannot
tell a sample from a value somebody really uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import AnyWord, Hit, ScanRecognizer, lowered_aligned
from qorgan.detection.recognizers.tables import labelled_cells, leading_value

CUED_SCORE = 0.9
NEAR_CUE_SCORE = 0.8

_SOCIAL_SECURITY = r"soc(?:ial|ail|al)[\s_\-]+sec(?:urity|urty|uirty|ruity|irity)"
_CUE = (
    r"(?:ssn(?:[_\-](?:last|full|number|no|num|id)|/i?tin)?|ss\s?(?:#|number|no\.?|card)|ssn\s?#|"
    # typed in a hurry too: "socail securty numbr"
    rf"{_SOCIAL_SECURITY}(?:[\s_\-]+(?:number|numbr|nmber|no\.?|num|#))?|"
    # "social" alone only right before its number: "her social is ...", "my social 536..."
    # (a JSON key too: "social": "...", and "soc" as chat writes it: "my soc is 561...")
    r"(?:social|soc)(?:['’]s(?=[ \t]))?"
    r"(?=[\"']?[ \t]*[:#=]|[ \t]+(?:(?:is|was|number|no|num)\b[ \t:#.]*)?\d)|"
    r"s\.s\.n\.?|s/s\s?#?|"
    r"soc\.?\s*sec\.?(?:\s*(?:no\.?|number|#))?|"
    r"tin|taxpayer[\s_\-]+id(?:entification)?(?:[\s_\-]+(?:number|no\.?))?|"
    r"(?:номер\s+)?социального\s+страхования|"
    # "social sec #", "социальный номер", "әлеуметтік (сақтандыру) нөмірі"
    r"social\s+sec\.?(?:\s*(?:no\.?|number|#))?|социальн\w{0,3}\s+номер\w{0,2}|"
    r"әлеуметтік\s+(?:сақтандыру\s+)?нөмір\w{0,3})"
)
_SEP = r"[ \t\r\n:.,\-–—()\"'=#]"  # a form's value may sit on the line under its label
# up to four words between the cue and the number ("SSN (no dashes): ...", "my social
# security card says ...", "update my SSN to ..."), in the cue's sentence, and a remark in
# brackets ("Social Security Number (9 digits, no dashes): ...")
_GAP = r"(?:[ \t:,\-–—()\"'=#]+[^\W\d_]{1,12}){0,4}(?:[ \t]*\([^()\n]{1,40}\))?"
# written with spaces, dots, slashes, underscores or dashes of any kind ("123–45–6789")
_NUMBER = (
    r"(?P<number>\d{3}(?P<sep>[ ./_\-–—‒]?|[ \t][\-–—][ \t])\d{2}(?P=sep)\d{4})(?![\d])"
    r"(?![.\-/]\d)"
)
_CUED = re.compile(
    rf"(?<![^\W\d_]){_CUE}(?![^\W\d_]){_GAP}{_SEP}*{_NUMBER}"
)
_CUED_ANY_CASE = re.compile("(?i)" + _CUED.pattern)
# a cue after the number: "123456789 (SSN)", "536 90 4399 is my social security number"
_CUED_AFTER = re.compile(
    r"(?<![\d\-])(?P<number>\d{3}(?P<sep>[ ./_–—‒]?)\d{2}(?P=sep)\d{4})(?![\d\-])"
    r"(?:[ \t]*[(\[,\-–—][ \t]*|"
    r"[ \t]+(?:is|was|=)[ \t]+(?:(?:my|his|her|their|the|your|our)[ \t]+)?|"
    r"[ \t]+(?:my|his|her|their|your|our)[ \t]+)"
    r"(?:ssn|social[ \t]+security|social\b)"
)
# nine digits said or typed one by one after a cue, as voice transcripts and IVR logs write
# them ("my social is five one two, three four, eight eight one nine", "4 1 9 - 2 2 - ...")
_SPOKEN_DIGIT = r"(?:zero|oh|o|one|two|three|four|five|six|seven|eight|nine|\d)"
_SPOKEN = re.compile(
    r"(?<![^\W\d_])(?:ssn|social(?:[ \t]+security)?|soc\.?[ \t]*sec|s\.s\.n)(?![^\W\d_])"
    rf"[^\d]{{0,60}}?(?<![^\W\d_])(?P<number>{_SPOKEN_DIGIT}(?:[\s,.…\-–—]+{_SPOKEN_DIGIT}){{8}})"
    r"(?![^\W_]|[ \t]*[,.\-–—]?[ \t]*(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|\d)"
    r"(?![^\W\d_]))"
)
_DIGIT_VALUE = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3",
                "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_DIGIT_TOKEN = re.compile(r"[a-z]+|\d")

# a dash other than "-" between the groups is the dashed form too
_OTHER_DASHES = re.compile(r"(?<![\d\-–—])\d{3}([–—‒])\d{2}\1\d{4}(?![\d\-–—])")
# nine digits in spaced or dotted 3-2-4 groups, a shape no phone, date or order number
# takes: an SSN when an SSN cue is anywhere in the few lines before it ("what's your
# social? / it's 521 44 0986", "my social is ... and my husband's is 374 02 8891") or
# later on its line ("is 431 80 2297 the right social?")
_GROUPED = re.compile(r"(?<![\d.\-/])\d{3}(?P<sep>[ ./])\d{2}(?P=sep)\d{4}(?![\d\-]|[./]\d)")
_NEAR_CUE = re.compile(
    rf"(?i)(?<![^\W\d_])(?:ssns?|s\.?s\.?n\.?|ss\s?#|ss\s?card|s/s|{_SOCIAL_SECURITY}|"
    # "social" alone as the number's name ("your social?", "my social is", "the right
    # social for"), not as a word of "social media post count"
    r"social(?:['’]s)?(?=[ \t]*(?:[?:#=,.;!)\n]|$)|[ \t]+(?:is|was|number|no|num|for|on|to)\b)|"
    # someone's social, not their social media: "her social in case of emergencies"
    r"(?:(?<=my )|(?<=his )|(?<=her )|(?<=our ))social(?![ \t]+(?:media|life|lives|network|"
    r"networks|networking|worker|workers|work|skills?|circle|circles|anxiety|club|clubs|"
    r"events?|posts?|accounts?|feeds?|profiles?|handles?|studies|science|services|calendar|"
    r"channels?|team|platforms?|"
    r"apps?|battery|cues|butterfly|distancing)\b)|"
    r"soc\.?\s*sec|социальн\w*\s+(?:номер|страхован)\w*|әлеуметтік)(?![^\W\d_])"
)
_CUE_BEFORE = 240
_BARE = re.compile(r"(?<![\w.\-/])\d{9}(?![\w\-]|[./]\d)")
_BANK_LABEL = re.compile(
    r"(?i)\b(?:routing|aba|rtn|account|acct|a/c|iban|swift|sort\s+code|phone|tel|fax|"
    r"mobile|cell)\b[^\n\d]{0,12}$"
)
_COLUMN = re.compile(r"[\w\s]{0,16}?(?<![^\W\d_])(?:ssn|social[\s_\-]+security[\w\s#.]*)")
_DIGITS = re.compile(r"\d{3}(?P<sep>[ .\-/_–—‒]?)\d{2}(?P=sep)\d{4}")
DASHED_SCORE = 0.5
#: what the trigger needs to see before the recognizer runs
CUES = AnyWord("ssn", "ss#", "ss #", "ss number", "ss no", "ss card", "social", "socail",
               "socal", "soc sec", "soc. sec",
               "soc ", "tin:", " tin ", "(tin", "tin#", "tin #", "tin=", 'tin"', "taxpayer",
               "s.s.n", "s/s",
               "социального страхования", "социальн", "әлеуметтік", "–", "—", "‒")


# a label that says what a dashed 3-2-4 number is, when it is no SSN ("Part No.", "Ticket"):
# not "ID", "account" or "policy", which an SSN often is in US records
_OTHER_WORDS = (
    r"(?:order|invoice|ticket|ref|reference|tracking|code|sku|part|serial|model|"
    r"article|item|batch|lot|case|claim|booking|reservation|confirmation|transaction|"
    r"receipt|catalog|catalogue|error|version|build|isbn)"
)
_OTHER_NUMBER_LABEL = re.compile(
    rf"(?i)\b{_OTHER_WORDS}s?(?:\W{{0,3}}(?:number|num|no|nr|#)s?)?"
    r"(?:\W{1,3}(?:is|was|are|were))?\W{0,3}$"
)


def labelled_other(text: str, start: int) -> bool:
    """Whether a label such as "part no." or "ticket" ends right before ``start``."""
    return _OTHER_NUMBER_LABEL.search(text, max(0, start - 40), start) is not None


# a column of other numbers: "sku", "part_no", "Order #", "tracking number"
_OTHER_COLUMN = re.compile(
    rf"(?:[\w ]{{0,12}}[ _\-])?{_OTHER_WORDS}(?:[ _\-]?(?:number|num|no|nr|#|id))?"
)
# what joins a number to the next one of its kind: "100-45-2210 with 100-45-2211",
# "... through ...", "..., ...", "... or ..."
_JOINED_TO = re.compile(r"[ \t]*(?:,|;|/|&|\+|[-–—]|to|or|and|with|through|thru|till|until|"
                        r"vs\.?|then)?[ \t]*\Z")


def other_numbers(text: str, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The dashed 3-2-4 numbers among ``spans`` (in text order) that a label says are no
    SSNs: labelled themselves ("part no. 550-21-4083"), in a column headed by such a label
    (``sku``, ``order_id``), or joined straight after such a number ("part no.
    100-45-2210 with 100-45-2211", "... through ...")."""
    other: set[tuple[int, int]] = set()
    cells: list[tuple[int, int]] | None = None
    previous: tuple[int, int] | None = None
    for span in spans:
        start, end = span
        follows_other = previous is not None and previous in other and (
            start - previous[1] <= 16 and _JOINED_TO.match(text, previous[1], start) is not None
        )
        if labelled_other(text, start) or inside_identifier(text, start, end) or follows_other:
            other.add(span)
        else:
            if cells is None:
                cells = list(labelled_cells(text, _OTHER_COLUMN))
            if any(s <= start and end <= e for s, e in cells):
                other.add(span)
        previous = span
    return other


def _rest_of_line(text: str, end: int) -> str:
    """Up to 60 characters of the line after ``end``: where a cue after a number stands."""
    line_end = text.find("\n", end)
    return text[end : line_end if line_end >= 0 else len(text)][:60]


def inside_identifier(text: str, start: int, end: int) -> bool:
    """Whether a dashed number is joined by a dash to more of an identifier around it
    ("CLM-448-21-9906", "RA-558-21-7712"): a claim or an agreement number, not an SSN."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return (len(before) == 2 and before[1] in "-/" and before[0].isalnum()) or (
        len(after) == 2 and after[0] in "-/" and after[1].isalnum()
    )


# printed on sample cards and in advertising, never anyone's
_SAMPLES = frozenset({"123456789", "078051120", "219099999"})


def issuable(digits: str, *, cued: bool = False) -> bool:
    """Whether nine digits are an SSN the SSA could have issued; after a cue ("SSN:") the
    sample-card numbers count too."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        (cued or digits not in _SAMPLES)
        and area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


class CuedSsnRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "US_SSN"
    CONTEXT = ("ssn", "social security")

    def scan(self, text: str) -> Iterator[Hit]:
        low = lowered_aligned(text)
        matches = _CUED.finditer(low) if low is not None else _CUED_ANY_CASE.finditer(text)
        for match in matches:
            start, end = match.span("number")
            if issuable(re.sub(r"\D", "", match.group("number")), cued=True):
                yield Hit(start, end, CUED_SCORE, "nine digits after an SSN cue")
        if low is not None:
            for match in _CUED_AFTER.finditer(low):
                start, end = match.span("number")
                if issuable(re.sub(r"\D", "", match.group("number")), cued=True):
                    yield Hit(start, end, CUED_SCORE, "nine digits before an SSN cue")
        if low is not None:
            for match in _SPOKEN.finditer(low):
                # one digit a token: "4 1 9 ..." qualifies, "419 22 3806" is the cued form
                tokens = _DIGIT_TOKEN.findall(match.group("number"))
                digits = "".join(_DIGIT_VALUE.get(t, t) for t in tokens)
                at = match.start("number")
                before = _DIGIT_TOKEN.findall(low[max(0, at - 24) : at])
                if at > 24:
                    before = before[1:]  # the first may be the tail of a longer word
                if before and (before[-1] in _DIGIT_VALUE or before[-1].isdigit()):
                    continue  # the tail of a longer run of digits ("nine one one two ...")
                if len(digits) == 9 and issuable(digits, cued=True):
                    start, end = match.span("number")
                    yield Hit(start, end, CUED_SCORE, "nine digits said one by one after a cue")
        for match in _GROUPED.finditer(text):
            start, end = match.span()
            if labelled_other(text, start) or not issuable(re.sub(r"\D", "", match.group())):
                continue
            if _NEAR_CUE.search(text, max(0, start - _CUE_BEFORE), start) or (
                _NEAR_CUE.search(_rest_of_line(text, end))
            ):
                yield Hit(start, end, NEAR_CUE_SCORE, "grouped nine digits near an SSN cue")
        for match in _BARE.finditer(text):
            # nine bare digits with the cue after them on their line: "I typed 407193386
            # into the social security field" (never a routing or account number)
            start, end = match.span()
            if labelled_other(text, start) or _BANK_LABEL.search(text, max(0, start - 30), start):
                continue
            if issuable(match.group()) and _NEAR_CUE.search(_rest_of_line(text, end)):
                yield Hit(start, end, NEAR_CUE_SCORE, "nine digits before an SSN cue")
        for match in _OTHER_DASHES.finditer(text):
            if issuable(re.sub(r"\D", "", match.group())):
                yield Hit(match.start(), match.end(), DASHED_SCORE, "SSN with other dashes")
        for start, end in labelled_cells(text, _COLUMN):
            value = leading_value(text, start, end, _DIGITS)
            if value is not None and issuable(re.sub(r"\D", "", value.group()), cued=True):
                yield Hit(start, value.end(), CUED_SCORE, "number in an SSN column")
