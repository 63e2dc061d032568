"""Values under a labelled column of a table: CSV, TSV, semicolon-separated or Markdown.

A cue usually stands right before its value ("DOB: 14.03.1990"); in a table it stands in
the header and the values sit rows below, where no cue is near them:

    client,ssn,dob
    Sarah Taylor,098681309,1989-09-01

:func:`labelled_cells` finds header lines whose cells include a label (``dob``, ``ssn``,
``id_card``, ``дата рождения``...) and yields the cells of that column in the rows under
the header, each as ``[start, end)`` without its padding and quotes. The columns of an
SQL ``INSERT INTO t (client, dob) VALUES ('Sarah Taylor', '1989-09-01'), (...)`` are a
header too, and its values their cells. A recognizer still checks each cell's shape (a
real date, nine digits...): a label alone makes no finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["labelled_cells", "leading_value"]

_DELIMITERS = ("\t", "|", ";", ",")
# a Markdown header's ruler: | --- | :---: |
_RULER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_LINE = re.compile(r"^.*$", re.MULTILINE)
_PADDING = " \t\"'`«»“”"
#: at most this many rows under one header are read (a pasted export is rarely longer)
MAX_ROWS = 500


def _cells(line: str, start: int, delimiter: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each cell of ``line`` (at ``start`` in the text); a cell in double
    quotes may hold the delimiter."""
    cells: list[tuple[int, int]] = []
    pos, n = 0, len(line)
    while True:
        begin = pos
        if line.startswith('"', pos):
            close = pos + 1
            while True:
                close = line.find('"', close)
                if close < 0 or not line.startswith('"', close + 1):
                    break
                close += 2
            pos = n if close < 0 else close + 1
        cut = line.find(delimiter, pos)
        end = n if cut < 0 else cut
        cells.append((start + begin, start + end))
        if cut < 0:
            return cells
        pos = cut + 1


def _split_by(line: str, start: int, delimiter: str) -> list[tuple[int, int]]:
    if delimiter not in line:
        return []
    cells = _cells(line, start, delimiter)
    if delimiter == "|":
        # "| a | b |": the empty edges are not cells
        if cells and not line[: cells[0][1] - start].strip():
            cells = cells[1:]
        if cells and not line[cells[-1][0] - start :].strip():
            cells = cells[:-1]
    return cells


def _split(line: str, start: int) -> tuple[str, list[tuple[int, int]]] | None:
    for delimiter in _DELIMITERS:
        cells = _split_by(line, start, delimiter)
        if len(cells) >= 2:
            return delimiter, cells
    return None


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _PADDING:
        start += 1
    while end > start and text[end - 1] in _PADDING:
        end -= 1
    return start, end


def labelled_cells(text: str, label: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The cells under every column whose header cell ``label`` matches in full (matched
    against the lower-cased cell, padding and quotes removed), and the values of such a
    column in an SQL ``INSERT``."""
    if "(" in text and _INSERT_HINT.search(text):
        yield from _sql_cells(text, label)
    if "\n" not in text:
        return
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text)]
    i = 0
    while i < len(lines):
        start, line = lines[i]
        i += 1
        found = _header(text, line, start, lines[i][1] if i < len(lines) else "", label)
        if found is None:
            continue
        delimiter, header, columns = found
        rows = 0
        while i < len(lines) and rows < MAX_ROWS:
            row_start, row = lines[i]
            if _RULER.match(row) and delimiter == "|":
                i += 1
                continue
            cells = _split_by(row, row_start, delimiter)
            if (delimiter == "|" and len(cells) == len(header) - 1
                    and row.rstrip().endswith("|") and not line.rstrip().endswith("|")):
                # "1043|Sofia Brambilla|343-17-6602|": an empty last cell, not a border
                cells.append((row_start + len(row), row_start + len(row)))
            if _header(text, row, row_start, "", label) is not None:
                break  # a header of its own: the next table starts here
            # the table's only row with prose glued after it on the same line ("...,
            # 1954-01-03 Next sentence, more"): its last column's value is the cell's first
            # word, and the table ends there (a line of prose under rows is no row at all)
            glued = rows == 0 and len(cells) > len(header) and delimiter in ",;"
            if len(cells) != len(header) and not glued:
                break
            for k in columns:
                s, e = _strip(text, *cells[k])
                if glued and k == len(header) - 1:
                    e = _first_word_end(text, s, e)
                if e > s:
                    yield s, e
            rows += 1
            i += 1
            if glued:
                break


def leading_value(
    text: str, start: int, end: int, pattern: re.Pattern[str]
) -> re.Match[str] | None:
    """``pattern`` over the whole cell, or over its start when prose follows it in the same
    cell ("1957-03-10 Delivery address: ...": a sentence glued after the last column)."""
    whole = pattern.fullmatch(text, start, end)
    if whole is not None:
        return whole
    first = pattern.match(text, start, end)
    if first is not None and first.end() < end and text[first.end()].isspace():
        return first
    return None


def _header(
    text: str, line: str, start: int, below: str, label: re.Pattern[str]
) -> tuple[str, list[tuple[int, int]], list[int]] | None:
    """The delimiter, cells and labelled columns of a header line; with a sentence glued
    before the header, commas and all ("... 10.09.1965. name,id_card,dob"), the header is
    the line's last word when that is what fits the row ``below``."""
    options = []
    for piece, at in ((line, start), *_last_word(line, start)):
        split = _split(piece, at)
        if split is None:
            continue
        delimiter, header = split
        columns = [k for k, (s, e) in enumerate(header) if _labelled(text, s, e, k, label)]
        if columns:
            options.append((delimiter, header, columns))
    for option in options:
        if len(_split_by(below, 0, option[0])) == len(option[1]):
            return option
    # the row below has prose glued after it too: the last word is the header
    return options[-1] if options else None


def _last_word(line: str, start: int) -> list[tuple[str, int]]:
    tail = _LAST_WORD.search(line)
    return [] if tail is None else [(tail.group(), start + tail.start())]


def _labelled(text: str, start: int, end: int, k: int, label: re.Pattern[str]) -> bool:
    """Whether header cell ``k`` is a label: whole, or for the first cell the part after a
    sentence or a word glued before the header ("Passport N92608183. client,ssn,dob")."""
    s, e = _strip(text, start, end)
    cell = text[s:e].lower()
    if label.fullmatch(cell):
        return True
    if k != 0:
        return False
    for glue in (_AFTER_SENTENCE, _AFTER_SPACE):
        tail = glue.match(cell)
        if tail is not None and label.fullmatch(cell[tail.end() :]):
            return True
    return False


def _first_word_end(text: str, start: int, end: int) -> int:
    space = _SPACE.search(text, start, end)
    return end if space is None else space.start()


_AFTER_SENTENCE = re.compile(r".*[.!?:]\s+")
_AFTER_SPACE = re.compile(r".*\s")
_LAST_WORD = re.compile(r"(?<=\s)\S+$")
_SPACE = re.compile(r"\s")


# -- SQL: INSERT INTO t (a, b) VALUES ('x', 'y'), ('z', 'w') ------------------------------------

_INSERT_HINT = re.compile(r"(?i)\binsert\b")
_INSERT = re.compile(
    r"(?is)\binsert\s+into\s+[\w.\"`\[\]]+\s*\((?P<cols>[^()]{1,2000})\)\s*values\s*"
)
_SQL_VALUE = re.compile(
    r"\s*(?:'(?P<q>(?:[^']|'')*)'|\"(?P<d>(?:[^\"]|\"\")*)\"|(?P<bare>[^,()]*))\s*"
)
_SQL_QUOTES = " \t\r\n\"'`[]"
_SQL_COMMA = re.compile(r"\s*,\s*")


def _sql_cells(text: str, label: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    for insert in _INSERT.finditer(text):
        names = [c.strip(_SQL_QUOTES).lower() for c in insert.group("cols").split(",")]
        columns = {k for k, name in enumerate(names) if label.fullmatch(name)}
        if not columns:
            continue
        pos, rows = insert.end(), 0
        while rows < MAX_ROWS and text.startswith("(", pos):
            values, pos = _sql_row(text, pos + 1)
            if values is None:
                break
            if len(values) == len(names):
                for k in columns:
                    start, end = values[k]
                    if end > start:
                        yield start, end
            rows += 1
            comma = _SQL_COMMA.match(text, pos)
            if comma is None:
                break
            pos = comma.end()


def _sql_row(text: str, pos: int) -> tuple[list[tuple[int, int]] | None, int]:
    """The value spans of one ``(...)`` tuple that opens before ``pos``, and where it ends."""
    values: list[tuple[int, int]] = []
    while True:
        match = _SQL_VALUE.match(text, pos)
        if match is None:
            return None, pos
        group = next((g for g in ("q", "d", "bare") if match.group(g) is not None), "bare")
        start, end = match.span(group)
        if group == "bare":
            while start < end and text[end - 1].isspace():
                end -= 1
        values.append((start, end))
        pos = match.end()
        if text.startswith(",", pos):
            pos += 1
            continue
        if text.startswith(")", pos):
            return values, pos + 1
        return None, pos
