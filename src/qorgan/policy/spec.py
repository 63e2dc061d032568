"""What every model of the policy schema shares: frozen, unknown keys refused, and the
shapes of identifiers, regions and header names."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

Risk = Literal["minimal", "medium", "high"]

REGION = re.compile(r"[A-Z]{2}")
IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
HEADER = re.compile(r"[A-Za-z0-9-]+")
LINK_HOST = re.compile(r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def check_ident(value: str, what: str) -> str:
    if not IDENT.fullmatch(value):
        raise ValueError(f"{what} must be letters, digits, '_', '.', ':' or '-'")
    return value


__all__ = ["HEADER", "IDENT", "LINK_HOST", "REGION", "Model", "Risk", "check_ident"]
