"""Consent records and the per-request view the policy engine asks.

Law 94-V Art. 8: a consent names the purpose, the data list (here: categories), the term,
cross-border transfer, and is revocable. ``subject_key`` is a keyed hash of the subject id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from qorgan.types import ConsentStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class ConsentRecord:
    id: str
    subject_key: str
    purpose: str
    categories: frozenset[str]  # empty = every category
    cross_border: bool
    valid_from: datetime
    valid_until: datetime | None = None
    withdrawn_at: datetime | None = None
    evidence: str | None = None  # reference to the signed form, ticket, ... never the form
    created_at: datetime | None = None
    #: keyed hashes of the subject's own identifiers (``consent.identifiers``): the values
    #: this consent covers besides the subject id itself
    identifiers: frozenset[str] = frozenset()

    def covers(self, category: str | None) -> bool:
        return not self.categories or (category is not None and category in self.categories)


@dataclass(frozen=True, slots=True)
class ConsentView:
    """The consents one subject gave for one purpose, as seen at ``now``.

    ``subject_present`` is False when the request named no data subject.
    """

    records: Sequence[ConsentRecord]
    now: datetime
    subject_present: bool = True

    def status(self, category: str | None, *, cross_border: bool) -> ConsentStatus:
        """The best status among records covering ``category``; GRANTED only if one is valid."""
        if not self.subject_present:
            return ConsentStatus.MISSING_SUBJECT
        best = ConsentStatus.NONE
        rank = {
            ConsentStatus.NONE: 0,
            ConsentStatus.WITHDRAWN: 1,
            ConsentStatus.EXPIRED: 2,
            ConsentStatus.NOT_YET_VALID: 3,
            ConsentStatus.NO_CROSS_BORDER: 4,
            ConsentStatus.GRANTED: 5,
        }
        for rec in self.records:
            if not rec.covers(category):
                continue
            if rec.withdrawn_at is not None and rec.withdrawn_at <= self.now:
                st = ConsentStatus.WITHDRAWN
            elif rec.valid_from > self.now:
                st = ConsentStatus.NOT_YET_VALID
            elif rec.valid_until is not None and rec.valid_until <= self.now:
                st = ConsentStatus.EXPIRED
            elif cross_border and not rec.cross_border:
                st = ConsentStatus.NO_CROSS_BORDER
            else:
                st = ConsentStatus.GRANTED
            if rank[st] > rank[best]:
                best = st
        return best
