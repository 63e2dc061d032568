"""Cells under a labelled column of a CSV, TSV, semicolon or Markdown table."""

from __future__ import annotations

import re

import pytest

from qorgan.detection.recognizers.tables import labelled_cells

LABEL = re.compile(r"dob|date of birth")


def cells(text: str) -> list[str]:
    return [text[s:e] for s, e in labelled_cells(text, LABEL)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name,dob\nAnn,1990-01-02\nBob,1985-05-06", ["1990-01-02", "1985-05-06"]),
        ('name,dob\n"Lee, Ann","1990-01-02"', ["1990-01-02"]),
        ("name;DOB\nAnn;1990-01-02", ["1990-01-02"]),
        ("name\tdob\nAnn\t 1990-01-02 ", ["1990-01-02"]),
        ("| Name | Date of birth |\n|:---|---:|\n| Ann | 1990-01-02 |", ["1990-01-02"]),
        # the table ends where a row has another number of cells
        ("name,dob\nAnn,1990-01-02\n\nnote: 1985-05-06", ["1990-01-02"]),
        ("before\nname,dob\nAnn,1990-01-02\nend", ["1990-01-02"]),
        # a sentence glued before the header or after the last row, commas and all
        ("Passport N91382577, issued 2019. name,id_card,dob\nAnn,068449205,06.04.1988 send "
         "the keys, please, to me", ["06.04.1988"]),
        ("370-87-9809,39.181.164.198 client,ssn,dob\nSergey,356-53-9112,1970-06-18\nnext",
         ["1970-06-18"]),
        # prose with commas under a table's rows is no row of it
        ("name,dob\nAnn,1990-01-02\nHello, 1985-05-06, and more", ["1990-01-02"]),
        # a second table's header among the first one's rows starts that table
        ("a,b,c\n1,2,3\nname,id,dob\nAnn,1,1990-01-02", ["1990-01-02"]),
        # an SQL INSERT: the values in the labelled column's place, quoted or bare
        ("INSERT INTO t (name, dob) VALUES ('Ann', '1990-01-02');", ["1990-01-02"]),
        ('insert into "t" ("name", "dob") values (\'O\'\'Neil\', 19900102), (\'B\', NULL)',
         ["19900102", "NULL"]),
        ("INSERT INTO t (`dob`, note) VALUES\n  ('1990-01-02', 'a, b'),\n  ('1985-05-06', 'c')",
         ["1990-01-02", "1985-05-06"]),
    ],
)
def test_labelled_cells(text: str, expected: list[str]) -> None:
    assert cells(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "name,dob",  # a header alone
        "dob: 1990-01-02",  # one line
        "name,created\nAnn,1990-01-02",  # no labelled column
        "name,dob of the cat\nAnn,1990-01-02",  # the label must be the whole cell
        "INSERT INTO t (name, created) VALUES ('Ann', '1990-01-02')",
        "INSERT INTO t (name, dob) VALUES ('Ann')",  # a row of another width
        "INSERT INTO t (name, dob) SELECT name, dob FROM u",
    ],
)
def test_no_cells(text: str) -> None:
    assert cells(text) == []


def test_an_empty_last_cell_is_no_border() -> None:
    text = ("EMP|NAME|SSN|DOB\n1042|Kwame Mensah|221-90-3348|1988-03-15\n"
            "1043|Sofia Brambilla|343-17-6602|\n1044|Yusuf Demir|509-62-1877|1975-09-28")
    found = [text[s:e] for s, e in labelled_cells(text, re.compile("dob"))]
    assert found == ["1988-03-15", "1975-09-28"]
