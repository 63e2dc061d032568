"""People in a table's name column (``PERSON``).

A CRM export or a pasted spreadsheet puts names under a header ("name", "full_name",
"client", "ФИО", "аты-жөні") and nothing else around them: no greeting, no title, often no
capital letter. A cell of one to four words of letters under such a header is reported as a
person; a cell with digits, "@" or other signs is some other value and is left alone (the
post-filter, ``precision.py``, turns "Garcia & Sons LLC" into the organisation it is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qorgan.detection.recognizers.scan import AnyWord, Hit, ScanRecognizer
from qorgan.detection.recognizers.tables import labelled_cells

COLUMN_SCORE = 0.85

_HEADER = re.compile(
    r"(?:(?:full|first|last|given|family|middle|customer|client|contact|employee|patient|"
    r"applicant|owner|holder|account[\s_]*holder|card[\s_]*holder|user|person|recipient|"
    r"sender|manager|beneficiary)[\s_]*)?(?:name|names|surname)|(?:first|last|full|given|"
    r"family)name|client|customer|employee|patient|applicant|contact[\s_]*person|"
    r"фио|ф\.и\.о\.?|имя|фамилия|отчество|клиент|сотрудник|пациент|получатель|"
    r"аты-жөні|аты|тегі|әкесінің[\s_]+аты"
)
_CELL = re.compile(r"[^\W\d_][\w'’\-]*\.?(?:[ \t]+[^\W\d_][\w'’\-]*\.?){0,3}")
# a login under "User name" ("ci-bot", "deploy-user"): one lower-case word with a hyphen
_LOGIN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")
#: what the trigger needs to see before the recognizer runs
CUES = AnyWord("name", "client", "customer", "employee", "patient", "applicant", "contact",
               "фио", "ф.и.о", "имя", "фамил", "клиент", "сотрудник", "пациент",
               "получатель", "аты", "тегі")


class NameColumnRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "PERSON"

    def scan(self, text: str) -> Iterator[Hit]:
        for start, end in labelled_cells(text, _HEADER):
            cell = text[start:end]
            if end - start <= 60 and _CELL.fullmatch(cell) and not _LOGIN.fullmatch(cell):
                yield Hit(start, end, COLUMN_SCORE, "cell of a name column")
