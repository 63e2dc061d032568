"""Undo common obfuscation before pattern matching, keeping a map back to the original.

Pattern recognizers run on the normalized text; every offset they report is mapped back
through :class:`Normalized` so findings always point into the text the caller sent.

What is undone, and why:

* NFKC, so full-width digits and letters (``９０１１…``) match ASCII patterns;
* zero-width characters and soft hyphens, which hide a value from a regex but not from a
  human reader;
* Cyrillic letters that look like Latin ones, inside mixed-script tokens
  (``аdmin@example.com`` with a Cyrillic ``а``); ordinary Russian and Kazakh words are left
  alone so names still read as names, and so is an internationalised address
  (``айгерим@почта.рф``), whose words have letters that look like no Latin one;
* twelve digits split evenly by spaces, dots, dashes, slashes or underscores
  (``9 0 1 1 2 3 3 0 0 2 5 8``, ``901.123.300.258``, ``9011/2330/0258``): joined, so the
  IIN/BIN recognizers see one number. Uneven groups are left as they are: that is how
  phone numbers are written (``0151 23456789``).

Most text needs none of this: runs of characters NFKC keeps are copied whole, and a text
with nothing to change is returned as it is, without an offset map.
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
_LETTERS = re.compile(r"[^\W\d_]+")
_FOLDABLE = re.compile("[" + "".join(_HOMOGLYPHS) + "]")
# Characters NFKC keeps as they are and that hide nothing: ASCII, Latin-1 letters, Cyrillic
# (Kazakh letters included) and common typographic punctuation. Runs of them are copied as
# they are; only the rest is looked at one by one.
_SPECIAL = re.compile("[^\x00-\x7f\u00c0-\u00ff\u0400-\u04ff«»–—‘’“”„€₸]")
# Twelve digits in groups joined by one kind of separator; the groups may be single digits.
# Letters may touch the run ("ИИН:9011/2330/0258"), digits and separators may not.
_SPLIT_DIGITS = re.compile(
    r"(?<![\d.\-/_])\d+(?P<sep>[ .\-/_])\d+(?:(?P=sep)\d+)*(?![\d_]|[.\-/]\d)"
)
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
    """The normalized text in pieces, with the original span of every code point."""

    __slots__ = ("ends", "starts", "text")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, chunk: str, start: int, end: int) -> None:
        """``chunk`` stands for the original ``[start, end)``."""
        self.text.append(chunk)
        self.starts.extend([start] * len(chunk))
        self.ends.extend([end] * len(chunk))

    def copy(self, text: str, start: int, end: int) -> None:
        """``text[start:end]`` unchanged, each code point standing for itself."""
        self.text.append(text[start:end])
        self.starts.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def build(self, original: str) -> Normalized:
        text = "".join(self.text)
        if text == original:
            return Normalized(original, original)
        return Normalized(original, text, tuple(self.starts), tuple(self.ends))


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for pattern matching; see the module docstring for what changes."""
    first = Normalized(text, text) if text.isascii() else _fold_characters(text)
    return _join_split_digits(first)


def _is_split_id(match: re.Match[str]) -> bool:
    value = match.group()
    digits = sum(ch.isdigit() for ch in value)
    if digits != _ID_DIGITS:
        return False
    # an identifier is written in even groups (3-3-3-3, 4-4-4, 6-6, or digit by digit);
    # uneven ones are phone numbers ("0151 23456789") and stay as written
    if len({len(group) for group in value.split(match.group("sep"))}) != 1:
        return False
    # an IIN or a BIN opens with a year and a month ("900515...", "0412..."); twelve digits
    # with no month there are no identifier ("0176 3490 2217" is a German mobile number)
    digits_only = "".join(ch for ch in value if ch.isdigit())
    if not 1 <= int(digits_only[2:4]) <= 12:
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
    folded = _homoglyph_positions(text)
    touched = sorted(folded.union(m.start() for m in _SPECIAL.finditer(text)))
    if not touched:
        return Normalized(text, text)
    out = _Builder()
    pos = 0
    for i in touched:
        if i > pos:
            out.copy(text, pos, i)
        ch = text[i]
        if ch in _INVISIBLE:
            pass
        elif i in folded and ch in _HOMOGLYPHS:
            out.add(_HOMOGLYPHS[ch], i, i + 1)
        else:
            compat = "".join(c for c in unicodedata.normalize("NFKC", ch) if c not in _INVISIBLE)
            if i in folded:
                compat = "".join(_HOMOGLYPHS.get(c, c) for c in compat)
            out.add(compat, i, i + 1)
        pos = i + 1
    if pos < len(text):
        out.copy(text, pos, len(text))
    return out.build(text)


def _homoglyph_positions(text: str) -> set[int]:
    """Where look-alike letters are folded: in letter runs that mix Latin with look-alikes
    (``ехаmple``), or that are all look-alikes inside a token with Latin letters elsewhere
    (``КZ86`` ... ``сом`` after ``admin@``), or in an address written in look-alikes only.
    A run with a letter that looks like no Latin one (``почта``, ``айгерим``) is a word of
    its own script, so an internationalised address such as ``айгерим@почта.рф`` is kept."""
    positions: set[int] = set()
    for token in _TOKEN.finditer(text):
        value = token.group()
        # judged on the NFKC form: full-width Latin letters and "＠" make a token as
        # e-mail-like or mixed-script as ASCII ones do, and a compatibility character
        # (Greek "ϰ" is "κ") folds like the letter it stands for; a second pass agrees
        probe = value if value.isascii() else unicodedata.normalize("NFKC", value)
        if not _FOLDABLE.search(probe):
            continue
        runs = [(m, _letters_kind(m.group())) for m in _LETTERS.finditer(value)]
        token_latin = _LATIN.search(probe) is not None
        lookalike_address = "@" in probe and all(kind != "own" for _, kind in runs)
        for run, kind in runs:
            if kind == "mixed" or (kind == "lookalike" and (token_latin or lookalike_address)):
                positions.update(range(token.start() + run.start(), token.start() + run.end()))
    return positions


def _letters_kind(run: str) -> str:
    """``mixed`` (Latin and look-alikes), ``lookalike`` (look-alikes only), ``own`` (a letter
    that resembles no Latin one), or ``latin``."""
    probe = run if run.isascii() else unicodedata.normalize("NFKC", run)
    lookalike = latin = False
    for ch in probe:
        if ch in _INVISIBLE:
            continue  # a filler that is a letter to Unicode is dropped, not read
        if ch in _HOMOGLYPHS:
            lookalike = True
        elif "a" <= ch.lower() <= "z" and ch.isascii():
            latin = True
        elif ch.isalpha():
            return "own"
    if lookalike:
        return "mixed" if latin else "lookalike"
    return "latin"


def _join_split_digits(norm: Normalized) -> Normalized:
    matches = [m for m in _SPLIT_DIGITS.finditer(norm.text) if _is_split_id(m)]
    if not matches:
        return norm
    starts = norm.starts if norm.starts is not None else range(len(norm.text))
    ends = norm.ends if norm.ends is not None else range(1, len(norm.text) + 1)
    pieces: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    pos = 0
    for match in matches:
        pieces.append(norm.text[pos : match.start()])
        new_starts.extend(starts[pos : match.start()])
        new_ends.extend(ends[pos : match.start()])
        for i in range(match.start(), match.end()):
            if norm.text[i].isdigit():
                pieces.append(norm.text[i])
                new_starts.append(starts[i])
                new_ends.append(ends[i])
        pos = match.end()
    pieces.append(norm.text[pos:])
    new_starts.extend(starts[pos:])
    new_ends.extend(ends[pos:])
    return Normalized(norm.original, "".join(pieces), tuple(new_starts), tuple(new_ends))
