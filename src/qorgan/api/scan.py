"""``POST /qorgan/scan``: findings, and optionally each one's decision and the rewritten text.

Decisions are taken under a situation the caller describes (policy, purpose, roles, model or
destination, subject), exactly as the Guard would take them for a request carrying it. The
rewritten text uses a vault of its own that lives for the call: nothing sent here is stored
(the subject is used for the consent lookup only, as on guarded routes).

The playground's other reads live here too: the policies it may choose from (the one being
served and the bundled ones; never a path from the request) and a policy's own tests.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from qorgan.api.access import admin_when_auth, caller
from qorgan.api.body import error_responses, json_body, read_json
from qorgan.api.detect import DetectorPool, check_language, run_detection, supported_entities
from qorgan.api.scan_models import (
    DecideSpec,
    PolicyChoice,
    PolicyTestsRequest,
    PolicyTestsResponse,
    ScanRequest,
    ScanResponse,
)
from qorgan.consent.model import ConsentView
from qorgan.consent.registry import consent_view
from qorgan.decision import Decision, FindingDecision
from qorgan.errors import ConsentError, PayloadError, PolicyError
from qorgan.pipeline import Runtime
from qorgan.policy.context import DecisionContext, Destination
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import BUILTIN_PREFIX, builtin_names, load_policy, read_source
from qorgan.policy.testing import default_tests_path, run_policy_tests
from qorgan.transform import MemoryVault, Transformer, VaultScope
from qorgan.types import Finding, Principal

CURRENT = "current"


class Policies:
    """The policies a scan may be decided under: the served one and the bundled ones."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._builtin: dict[str, PolicyEngine] = {}
        self._lock = threading.Lock()

    def ids(self) -> list[str]:
        return [CURRENT, *(BUILTIN_PREFIX + n for n in builtin_names()
                           if not n.endswith(".tests"))]

    def engine(self, choice: str) -> PolicyEngine:
        if choice == CURRENT:
            return self.runtime.policy()
        if choice not in self.ids():
            raise PayloadError("unknown policy; use 'current' or builtin:NAME",
                               code="invalid_value", field="policy")
        with self._lock:
            engine = self._builtin.get(choice)
            if engine is None:
                engine = PolicyEngine(load_policy(choice))
                self._builtin[choice] = engine
        return engine

    def source(self, choice: str) -> str:
        return self.runtime.settings.policy if choice == CURRENT else choice

    def describe(self, choice: str) -> PolicyChoice:
        engine = self.engine(choice)
        policy = engine.loaded.policy
        roles = {r for p in policy.purposes for r in p.roles}
        roles |= {r for rule in policy.rules for r in rule.roles or ()}
        roles |= {r for k in policy.auth.api_keys for r in k.roles}
        return PolicyChoice(
            id=choice, name=engine.name, version=engine.version[:12], mode=engine.mode,
            purposes=[p.id for p in policy.purposes], roles=sorted(roles),
            destinations=[d.id for d in policy.destinations],
            models=[d.model for d in policy.destinations if d.model != "*"],
            has_tests=_has_tests(self.source(choice)),
        )


def _has_tests(source: str) -> bool:
    try:
        read_source(default_tests_path(source))
    except PolicyError:
        return False
    return True


def _destination(engine: PolicyEngine, spec: DecideSpec) -> Destination:
    if spec.destination is None:
        return engine.resolve_destination(spec.model, spec.route)
    for dest in engine.loaded.policy.destinations:
        if dest.id == spec.destination:
            return Destination(id=dest.id, region=dest.region, risk=dest.risk,
                               model=spec.model, provider=dest.provider)
    raise PayloadError("the destination is not declared by the policy", code="invalid_value",
                       field="destination")


async def _consent(runtime: Runtime, engine: PolicyEngine, spec: DecideSpec,
                   ctx: DecisionContext) -> ConsentView | None:
    if runtime.consent is None or not engine.needs_consent:
        return None
    try:
        return await consent_view(runtime.consent, runtime.hasher, spec.subject,
                                  engine.effective_purpose(ctx))
    except ConsentError:
        raise
    except Exception as exc:
        raise ConsentError("consent registry is unavailable") from exc


async def _rewrite(runtime: Runtime, texts: Sequence[str], decision: Decision,
                   tenant: str) -> list[str]:
    # a vault for this call alone: pseudonyms are numbered as the Guard numbers them, and
    # nothing outlives the answer
    per_text: list[list[FindingDecision]] = [[] for _ in texts]
    for fd in decision.findings:
        per_text[fd.slot].append(fd)
    transformer = Transformer(MemoryVault(ttl=60, max_scopes=1), runtime.keyring)
    scope = VaultScope(tenant=tenant, conversation="scan:" + secrets.token_hex(16))
    return await transformer.apply_many(list(texts), per_text, scope)


def _finding(f: Finding, fd: FindingDecision | None) -> dict[str, Any]:
    out: dict[str, Any] = {"entity_type": f.entity_type, "start": f.start, "end": f.end,
                           "score": f.score, "recognizer": f.recognizer}
    if fd is not None:
        out["decision"] = {
            "action": fd.action.value, "rule_id": fd.rule_id, "category": fd.category,
            "cite": fd.cite, "consent": fd.consent.value, "reason": fd.reason,
            "monitored": [{"rule_id": m.rule_id, "action": m.action.value,
                           "consent": m.consent.value} for m in fd.monitored],
        }
    return out


def scan_router(runtime: Runtime, pool: DetectorPool, policies: Policies) -> APIRouter:
    router = APIRouter(tags=["qorgan"])

    @router.post("/scan", response_model=ScanResponse, summary="Find and decide personal data",
                 operation_id="scan", dependencies=[caller(runtime)],
                 openapi_extra=json_body(ScanRequest),
                 responses=error_responses(400, 401, 413, 415, 503))
    async def scan(request: Request) -> Response:
        served = runtime.policy()
        req = await read_json(request, ScanRequest, served.traffic.max_body_bytes)
        engine = policies.engine(req.decide.policy) if req.decide is not None else served
        if req.rewrite and req.decide is None:
            raise PayloadError("rewrite needs decide", code="invalid_value", field="rewrite")
        texts = req.texts()
        found = await _detect(runtime, pool, engine, req, texts)
        body: dict[str, Any] = {}
        decisions: list[list[FindingDecision | None]] = [[None] * len(f) for f in found]
        if req.decide is not None:
            spec = req.decide
            ctx = DecisionContext(
                principal=Principal(id="scan", roles=frozenset(spec.roles), tenant=spec.tenant),
                purpose=spec.purpose, destination=_destination(engine, spec),
                direction=spec.direction, route=spec.route,
            )
            consent = await _consent(runtime, engine, spec, ctx)
            decision = engine.decide(found, ctx, consent)
            slots = [0] * len(texts)
            for fd in decision.findings:
                decisions[fd.slot][slots[fd.slot]] = fd
                slots[fd.slot] += 1
            body["decision"] = {
                "policy": decision.policy_name, "policy_version": decision.policy_version[:12],
                "mode": decision.mode, "outcome": decision.outcome,
                "blocked": decision.blocked, "enforced": decision.enforced,
                "denied_reason": decision.denied_reason,
                "purpose": engine.effective_purpose(ctx),
                "destination": ctx.destination.id, "region": ctx.destination.region,
                "cross_border": engine.is_cross_border(ctx.destination),
                "rules": list(decision.rule_ids()), "block_rules": list(decision.block_rules),
                "monitor_rules": list(decision.monitor_rule_ids()),
                "consent_registry": consent is not None,
            }
            if req.rewrite:
                if decision.blocked and decision.enforced:
                    rewritten: list[str] | None = None
                elif not decision.enforced:
                    rewritten = list(texts)
                else:
                    rewritten = await _rewrite(runtime, texts, decision, spec.tenant)
                body["text"] = (rewritten if rewritten is None or isinstance(req.text, list)
                                else rewritten[0])
        out = [[_finding(f, fd) for f, fd in zip(fs, ds, strict=True)]
               for fs, ds in zip(found, decisions, strict=True)]
        body["findings"] = out if isinstance(req.text, list) else out[0]
        return JSONResponse(body)

    return router


async def _detect(runtime: Runtime, pool: DetectorPool, engine: PolicyEngine,
                  req: ScanRequest, texts: list[str]) -> list[list[Finding]]:
    base = engine.detection_config()
    if req.language is None and req.entities is None:
        # the runtime's own detector for this policy, shared with guarded traffic
        return (await runtime.detection.detect_many(engine.detection_config(), [(texts, True)]))[0]
    language = req.language
    if language is not None:
        check_language(base, language)
    known = set(supported_entities(base, language))
    entities = sorted(set(req.entities) & known) if req.entities is not None else \
        sorted(set(base.entities) | {c.entity for c in base.custom})
    if not entities:
        return [[] for _ in texts]
    threshold = base.threshold
    # built (the first time) in the worker thread, off the event loop
    found = await run_detection(
        runtime, lambda: pool.get(base, language, entities).analyze_batch(texts))
    return [[f for f in fs if f.score >= threshold] for fs in found]


def playground_router(runtime: Runtime, policies: Policies) -> APIRouter:
    """What the playground page reads: admin-only when authentication is configured."""
    router = APIRouter(tags=["playground"],
                       dependencies=[admin_when_auth(runtime, "playground")],
                       responses=error_responses(401, 403))

    @router.get("/policies", response_model=list[PolicyChoice],
                summary="Policies a scan may be decided under", operation_id="listPolicies")
    async def list_policies() -> Response:
        return JSONResponse([policies.describe(c).model_dump() for c in policies.ids()])

    @router.post("/policy-tests", response_model=PolicyTestsResponse,
                 summary="Run a policy's own test file", operation_id="runPolicyTests",
                 openapi_extra=json_body(PolicyTestsRequest),
                 responses=error_responses(400, 413, 415, 503))
    async def policy_tests(request: Request) -> Response:
        req = await read_json(request, PolicyTestsRequest, 4096)
        policies.engine(req.policy)  # an unknown choice is a 400
        source = policies.source(req.policy)
        if not _has_tests(source):
            raise PayloadError("the policy has no test file", code="invalid_value",
                               field="policy")
        report = await run_detection(runtime, lambda: run_policy_tests(source))
        return JSONResponse({
            "policy": req.policy, "passed": report.passed, "failed": report.failed,
            "cases": [{"name": c.name, "passed": c.passed, "diff": list(c.diff)}
                      for c in report.cases],
        })

    return router
