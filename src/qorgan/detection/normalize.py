"""Undo common obfuscation before pattern matching, keeping a map back to the original.

Pattern recognizers run on the normalized text; every offset they report is mapped back
through :class:`Normalized` so findings always point into the text the caller sent.

What is undone, and why:

* NFKC, so full-width digits and letters (``９０１１…``) match ASCII patterns;
* zero-width characters and soft hyphens, which hide a value from a regex but not from a
  human reader;
* Cyrillic letters that look like Latin ones, inside tokens that are clearly e-mail
  addresses or mixed-script identifiers (``аdmin@example.com`` with a Cyrillic ``а``);
  ordinary Russian and Kazakh words are left alone so names still read as names;
* twelve digits split by spaces, dots or dashes (``9 0 1 1 2 3 3 0 0 2 5 8``,
  ``901.123.300.258``): joined, so the IIN/BIN recognizers see one number.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

_INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
    "\u2069\u3164\ufeff\uffa0"
)

# Cyrillic (and a few Greek) letters that render like Latin ones.
_HOMOGLYPHS: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Һ": "H",
    "ο": "o", "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ρ": "p", "τ": "t",
}  # fmt: skip

_TOKEN = re.compile(r"\S+")
_LATIN = re.compile(r"[A-Za-z]")
_FOLDABLE = re.compile("[" + "".join(_HOMOGLYPHS) + "]")
# Twelve digits in groups joined by one kind of separator; the groups may be single digits.
_SPLIT_DIGITS = re.compile(r"(?<![\w.\-])\d+(?P<sep>[ .\-])\d+(?:(?P=sep)\d+)*(?!\w|[.\-]\d)")
_ID_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and, per normalized code point, the original span it came from.

    ``starts``/``ends`` are ``None`` when the text did not change (the common case), so the
    mapping costs nothing then.
    """

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized ``[start, end)`` to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


class _Builder:
    __slots__ = ("ends", "starts", "text")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, chunk: str, start: int, end: int) -> None:
        for ch in chunk:
            self.text.append(ch)
            self.starts.append(start)
            self.ends.append(end)


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for pattern matching; see the module docstring for what changes."""
    if text.isascii():
        if not _has_split_id(text):
            return Normalized(text, text)
        first = Normalized(text, text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))
    else:
        first = _fold_characters(text)
    return _join_split_digits(first)


def _has_split_id(text: str) -> bool:
    return any(_is_split_id(m) for m in _SPLIT_DIGITS.finditer(text))


def _is_split_id(match: re.Match[str]) -> bool:
    value = match.group()
    digits = sum(ch.isdigit() for ch in value)
    if digits != _ID_DIGITS:
        return False
    if match.group("sep") == ".":
        # A dotted quad is an IP address, not an identifier written with dots.
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            return True
        return False
    return True


def _fold_characters(text: str) -> Normalized:
    fold_spans = _homoglyph_spans(text)
    out = _Builder()
    fold_index = 0
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        while fold_index < len(fold_spans) and fold_spans[fold_index][1] <= i:
            fold_index += 1
        folding = fold_index < len(fold_spans) and fold_spans[fold_index][0] <= i
        if folding and ch in _HOMOGLYPHS:
            out.add(_HOMOGLYPHS[ch], i, i + 1)
        elif ch.isascii():
            out.add(ch, i, i + 1)
        else:
            compat = "".join(c for c in unicodedata.normalize("NFKC", ch)
                             if c not in _INVISIBLE)
            if folding:
                compat = "".join(_HOMOGLYPHS.get(c, c) for c in compat)
            out.add(compat, i, i + 1)
    if len(out.text) == len(text) and "".join(out.text) == text:
        return Normalized(text, text)
    return Normalized(text, "".join(out.text), tuple(out.starts), tuple(out.ends))


def _homoglyph_spans(text: str) -> list[tuple[int, int]]:
    """Tokens where look-alike letters are folded: e-mail-like or mixed-script ones."""
    spans: list[tuple[int, int]] = []
    for token in _TOKEN.finditer(text):
        value = token.group()
        # judged on the NFKC form: full-width Latin letters and "＠" make a token as
        # e-mail-like or mixed-script as ASCII ones do, and a compatibility character
        # (Greek "ϰ" is "κ") folds like the letter it stands for; a second pass agrees
        probe = value if value.isascii() else unicodedata.normalize("NFKC", value)
        if not _FOLDABLE.search(probe):
            continue
        if "@" in probe or _LATIN.search(probe):
            spans.append(token.span())
    return spans


def _join_split_digits(norm: Normalized) -> Normalized:
    matches = [m for m in _SPLIT_DIGITS.finditer(norm.text) if _is_split_id(m)]
    if not matches:
        return norm
    starts = norm.starts if norm.starts is not None else tuple(range(len(norm.text)))
    ends = norm.ends if norm.ends is not None else tuple(range(1, len(norm.text) + 1))
    out = _Builder()
    pos = 0
    for match in matches:
        for i in range(pos, match.start()):
            out.add(norm.text[i], starts[i], ends[i])
        for i in range(match.start(), match.end()):
            if norm.text[i].isdigit():
                out.add(norm.text[i], starts[i], ends[i])
        pos = match.end()
    for i in range(pos, len(norm.text)):
        out.add(norm.text[i], starts[i], ends[i])
    return Normalized(norm.original, "".join(out.text), tuple(out.starts), tuple(out.ends))
