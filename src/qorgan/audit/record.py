"""The audit record: what one request was decided, in counts and identifiers only.

No field carries free text from a request. Identifiers a client can choose (model,
purpose, route) are checked against a narrow character set and replaced by
``INVALID`` when they do not fit, so a value smuggled into a header or a model name never
reaches the log. Principal and subject arrive already hashed with ``keyed_hash``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, Literal

from qorgan.decision import Decision

Outcome = Literal["allow", "transform", "block", "error", "client_disconnected"]
#: every outcome, in the order reports list them
OUTCOMES: tuple[Outcome, ...] = ("allow", "transform", "block", "error", "client_disconnected")
#: the error code a request ends with when its client left before the answer was complete
CLIENT_DISCONNECTED = "client_disconnected"
#: the error code of a request the policy refused (a block rule, a denied purpose)
POLICY_BLOCKED = "policy_blocked"

#: What an identifier that does not look like one is replaced with.
INVALID = "(invalid)"

# No "@", no spaces: an e-mail address or a name cannot pass as an identifier.
_IDENT = re.compile(r"[A-Za-z0-9/][A-Za-z0-9._:/+\-]{0,127}")
# Cites and rule ids come from the policy file, not from requests, but are still bounded.
_POLICY_TEXT = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
_HASH = re.compile(r"[0-9a-f]{16,128}")
_RANK: dict[str, int] = {"allow": 0, "transform": 1, "block": 2}
_USAGE_KEYS = frozenset({"input_tokens", "output_tokens", "total_tokens"})


def ident(value: str | None) -> str | None:
    """``value`` if it looks like an identifier, else ``INVALID`` (None stays None)."""
    if value is None:
        return None
    return value if _IDENT.fullmatch(value) else INVALID


def _policy_text(value: str) -> str:
    return value if _POLICY_TEXT.fullmatch(value) else INVALID


def _hashed(value: str | None, *, what: str, allow: frozenset[str] = frozenset()) -> str | None:
    if value is None or value in allow:
        return value
    if not _HASH.fullmatch(value):
        # A clear identifier here would be a programming error in the caller: refuse it
        # rather than write it down.
        raise ValueError(f"{what} must be a lowercase hex keyed hash")
    return value


def _outcome(decisions: list[Decision], error_code: str | None) -> Outcome:
    """One outcome per request. A refusal by the policy is a block (it arrives as the
    ``policy_blocked`` error it is answered with), a client that left is
    ``client_disconnected``, any other error code is an error; without one, the strongest
    decision says allow, transform or block."""
    if error_code == POLICY_BLOCKED:
        return "block"
    if error_code == CLIENT_DISCONNECTED:
        return "client_disconnected"
    if error_code is not None:
        return "error"
    outcome: Outcome = "allow"
    for d in decisions:
        if _RANK[d.outcome] > _RANK[outcome]:
            outcome = "block" if d.outcome == "block" else "transform"
    return outcome


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339, UTC, millisecond precision: ``2026-01-18T09:30:00.125Z``."""
    moment = datetime.now(UTC) if moment is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _counts(source: Mapping[str, int]) -> dict[str, int]:
    return {_policy_text(str(k)): int(v) for k, v in sorted(source.items())}


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditRecord:
    """One request's decision, safe to store and export.

    ``categories``/``entities``/``actions``/``consent`` are counts for the request
    direction (``Decision.counts()``); ``response`` holds the same four maps for the
    model's output when it was scanned.
    """

    ts: str
    request_id: str
    instance: str = ""
    route: str
    operation: str
    provider: str
    model: str | None = None
    destination: str | None = None
    region: str | None = None
    cross_border: bool = False
    stream: bool = False
    principal: str
    tenant: str = "default"
    purpose: str | None = None
    subject: str | None = None
    outcome: Outcome
    mode: str = "enforce"
    policy_name: str | None = None
    policy_version: str | None = None
    rules: tuple[str, ...] = ()
    block_rules: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    #: rules in ``mode: monitor`` that matched, and what they would have done (counts)
    monitor_rules: tuple[str, ...] = ()
    monitor_actions: Mapping[str, int] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)
    entities: Mapping[str, int] = field(default_factory=dict)
    actions: Mapping[str, int] = field(default_factory=dict)
    consent: Mapping[str, int] = field(default_factory=dict)
    response: Mapping[str, Mapping[str, int]] | None = None
    error_code: str | None = None
    status: int = 200
    latency_ms: float = 0.0
    usage: Mapping[str, int] | None = None

    @classmethod
    def from_decisions(
        cls,
        *,
        request_decision: Decision | None,
        response_decision: Decision | None = None,
        request_id: str,
        route: str,
        operation: str,
        provider: str,
        principal_id: str,
        subject_key: str | None = None,
        tenant: str = "default",
        purpose: str | None = None,
        model: str | None = None,
        destination: str | None = None,
        region: str | None = None,
        cross_border: bool = False,
        stream: bool = False,
        status: int = 200,
        latency_ms: float = 0.0,
        error_code: str | None = None,
        usage: Mapping[str, int] | None = None,
        instance: str = "",
        mode: str | None = None,
        ts: datetime | None = None,
    ) -> AuditRecord:
        """Build the record for one request from what the policy decided.

        ``principal_id`` and ``subject_key`` must already be keyed hashes (hex);
        ``error_code`` is a ``QorganError.code``. Either decision may be None (a request
        that failed before it was decided, a response that was not scanned).
        """
        decisions = [d for d in (request_decision, response_decision) if d is not None]
        outcome = _outcome(decisions, error_code)
        rules: dict[str, None] = {}
        block_rules: dict[str, None] = {}
        cites: dict[str, None] = {}
        monitor_rules: dict[str, None] = {}
        monitor_actions: dict[str, int] = {}
        for d in decisions:
            monitor_rules.update(dict.fromkeys(d.monitor_rule_ids()))
            for action, count in d.monitor_actions().items():
                monitor_actions[action] = monitor_actions.get(action, 0) + count
            rules.update(dict.fromkeys(d.rule_ids()))
            block_rules.update(dict.fromkeys(d.block_rules))
            cites.update(dict.fromkeys(fd.cite for fd in d.findings if fd.cite))
        first = decisions[0] if decisions else None
        req = request_decision.counts() if request_decision is not None else {}
        resp = response_decision.counts() if response_decision is not None else None
        return cls(
            ts=utc_timestamp(ts),
            request_id=ident(request_id) or INVALID,
            instance=(ident(instance) or INVALID) if instance else "",
            route=ident(route) or INVALID,
            operation=ident(operation) or INVALID,
            provider=ident(provider) or INVALID,
            model=ident(model),
            destination=ident(destination),
            region=ident(region),
            cross_border=bool(cross_border),
            stream=bool(stream),
            principal=_hashed(principal_id, what="principal_id", allow=frozenset({"anonymous"}))
            or "anonymous",
            tenant=ident(tenant) or INVALID,
            purpose=ident(purpose),
            subject=_hashed(subject_key, what="subject_key"),
            outcome=outcome,
            mode=ident(mode or (first.mode if first else "enforce")) or INVALID,
            policy_name=ident(first.policy_name) if first else None,
            policy_version=ident(first.policy_version) if first else None,
            rules=tuple(_policy_text(r) for r in rules),
            block_rules=tuple(_policy_text(r) for r in block_rules),
            cites=tuple(_policy_text(c) for c in cites),
            monitor_rules=tuple(_policy_text(r) for r in monitor_rules),
            monitor_actions=_counts(monitor_actions),
            categories=_counts(req.get("categories", {})),
            entities=_counts(req.get("entities", {})),
            actions=_counts(req.get("actions", {})),
            consent=_counts(req.get("consent", {})),
            response=None if resp is None else {k: _counts(v) for k, v in resp.items()},
            error_code=ident(error_code),
            status=int(status),
            latency_ms=round(float(latency_ms), 3),
            usage=None
            if usage is None
            else {k: int(v) for k, v in sorted(usage.items()) if k in _USAGE_KEYS},
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (tuples become lists, mappings become dicts)."""
        # Field by field: dataclasses.asdict deep-copies and is the slowest step of a log
        # append.
        data = {name: getattr(self, name) for name in RECORD_FIELDS}
        for key in ("rules", "block_rules", "cites", "monitor_rules"):
            data[key] = list(data[key])
        for key in ("categories", "entities", "actions", "consent", "usage", "monitor_actions"):
            if data[key] is not None:
                data[key] = dict(data[key])
        if self.response is not None:
            data["response"] = {k: dict(v) for k, v in self.response.items()}
        return data


#: Field names of a record, in declaration order (the log adds seq, prev, key_id, sig).
RECORD_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(AuditRecord))


def denied_consent(consent: Mapping[str, Any]) -> int:
    """How many findings of a record's ``consent`` map were refused for want of consent."""
    refused = {"none", "withdrawn", "expired", "not_yet_valid", "no_cross_border",
               "missing_subject", "unavailable"}
    total = 0
    for status, count in consent.items():
        if status in refused and isinstance(count, int):
            total += count
    return total
