"""Recognizers a policy defines with a regex (``detection.custom``)."""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, PatternRecognizer

from qorgan.detection.config import CustomPattern


class CustomPatternRecognizer(PatternRecognizer):
    """One policy pattern, e.g. ``EMPLOYEE_ID`` = ``EMP-\\d{6}``, matched case-sensitively."""

    def __init__(self, spec: CustomPattern) -> None:
        super().__init__(
            supported_entity=spec.entity,
            name=f"custom:{spec.entity}",
            patterns=[Pattern(spec.entity, spec.regex, spec.score)],
            context=list(spec.context),
            global_regex_flags=re.DOTALL | re.MULTILINE,
        )
