"""Everything a Guard needs that outlives one request, built once from ``Settings``.

The policy (hot-reloadable), detectors (one per detection configuration, built lazily and
shared), the vault, the consent registry, authenticators (one per policy version), keys and
the auditor. Detection is synchronous, so it runs in worker threads behind a limiter with a
timeout: a slow or failing detector fails the request closed, never the event loop. Answers
under way have a lane of their own, so new prompts do not hold up a stream in progress.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import anyio
from opentelemetry import metrics as otel_metrics
from opentelemetry import trace

from qorgan.audit.auditor import Auditor
from qorgan.audit.log import DecisionLog
from qorgan.audit.metrics import Metrics
from qorgan.audit.signing import load_signing_key
from qorgan.consent.cache import CachedRegistry
from qorgan.consent.registry import ConsentRegistry, SubjectHasher, open_registry
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.errors import ConfigError, DetectionError, QorganError
from qorgan.identity import (
    ApiKeyAuthenticator,
    ApiKeyEntry,
    Authenticator,
    ChainAuthenticator,
    JwtAuthenticator,
    JwtConfig,
    ResolverAuthenticator,
    secret_from_env,
)
from qorgan.keys import keyed_hash
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import load_policy
from qorgan.policy.reload import PolicyHolder
from qorgan.settings import Settings
from qorgan.transform import Keyring, MemoryVault, RedisVault, Transformer, Vault
from qorgan.types import Finding, Principal

log = logging.getLogger("qorgan.runtime")

Resolver = Callable[[Mapping[str, str]], Principal | Awaitable[Principal | None] | None]


class Runtime:
    def __init__(
        self,
        settings: Settings,
        *,
        policy: PolicyHolder,
        vault: Vault,
        consent: ConsentRegistry | None,
        auditor: Auditor,
        resolver: Resolver | None = None,
        detector_factory: Callable[[DetectionConfig], Detector] = build_detector,
    ) -> None:
        settings = settings.with_keys()
        if settings.master_key is None or settings.subject_key is None:
            raise ConfigError("the master and subject keys are required")
        self.settings = settings
        self.holder = policy
        self.vault = vault
        self.consent = consent
        self.auditor = auditor
        self.resolver = resolver
        self.keyring = Keyring(settings.master_key)
        self.transformer = Transformer(vault, self.keyring)
        self.hasher = SubjectHasher(settings.subject_key)
        self._id_key = settings.subject_key
        self._detector_factory = detector_factory
        # patterns only (no NER), for short texts such as the joints between messages; a
        # custom factory (tests, fault injection) serves both kinds
        self._pattern_factory: Callable[[DetectionConfig], Detector] = (
            functools.partial(build_detector, ner=False)
            if detector_factory is build_detector else detector_factory
        )
        self._pattern_detectors: dict[str, Detector] = {}
        self._detectors: dict[str, Detector] = {}
        self._authenticators: dict[str, Authenticator | None] = {}
        self._lock = threading.Lock()
        workers = settings.detect_workers or (os.cpu_count() or 1)
        self.limiter = anyio.CapacityLimiter(workers)
        # A response already under way is scanned in its own lane: a stream's next words
        # do not queue behind the whole-prompt detections of requests that came later.
        self.response_limiter = anyio.CapacityLimiter(max(1, workers // 2))

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        resolver: Resolver | None = None,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: otel_metrics.MeterProvider | None = None,
        detector_factory: Callable[[DetectionConfig], Detector] = build_detector,
        span_kind: trace.SpanKind = trace.SpanKind.INTERNAL,
    ) -> Runtime:
        """``span_kind`` is SERVER for the sidecar (the first hop that sees a request) and
        INTERNAL inside an instrumented application (middleware, transport)."""
        settings = settings.with_keys()
        if settings.master_key is None:
            raise ConfigError("the master key is required")
        holder = PolicyHolder(settings.policy)
        keyring = Keyring(settings.master_key)
        vault: Vault
        if settings.vault_url == "memory":
            vault = MemoryVault(ttl=settings.vault_ttl)
        else:
            vault = RedisVault(settings.vault_url, keyring, ttl=settings.vault_ttl)
        consent: ConsentRegistry | None = None
        if settings.consent_url:
            consent = CachedRegistry(
                open_registry(settings.consent_url), ttl=settings.consent_cache_ttl
            )
        log_file = None
        if settings.audit_log:
            key = load_signing_key(settings.audit_key_file) if settings.audit_key_file else None
            log_file = DecisionLog(settings.audit_log, signing_key=key,
                                   max_bytes=settings.audit_max_bytes,
                                   instance=settings.instance)
        metrics = Metrics(meter_provider=meter_provider, prometheus=settings.metrics) \
            if settings.metrics or meter_provider is not None else None
        auditor = Auditor(log=log_file, metrics=metrics, tracer_provider=tracer_provider,
                          span_kind=span_kind)
        return cls(settings, policy=holder, vault=vault, consent=consent, auditor=auditor,
                   resolver=resolver, detector_factory=detector_factory)

    # -- policy and detection ---------------------------------------------------------------

    def policy(self) -> PolicyEngine:
        return self.holder.current

    def detector(self, engine: PolicyEngine, *, ner: bool = True) -> Detector:
        config = engine.detection_config()
        key = config.fingerprint
        cache, factory = ((self._detectors, self._detector_factory) if ner
                          else (self._pattern_detectors, self._pattern_factory))
        detector = cache.get(key)
        if detector is None:
            with self._lock:
                detector = cache.get(key)
                if detector is None:
                    detector = factory(config)
                    cache[key] = detector
        return detector

    async def detect_many(
        self, engine: PolicyEngine, batches: Sequence[tuple[Sequence[str], bool]],
        *, response: bool = False,
    ) -> list[list[list[Finding]]]:
        """Findings for several batches of texts, each with NER or patterns only (``(texts,
        ner)``), in one detection slot and one hop to a worker thread. ``response`` takes a
        slot in the lane of answers under way rather than that of new requests."""
        if not any(texts for texts, _ in batches):
            return [[] for _ in batches]
        jobs = [(self.detector(engine, ner=ner) if texts else None, list(texts))
                for texts, ner in batches]

        def run() -> list[list[list[Finding]]]:
            return [detector.analyze_batch(texts) if detector is not None else []
                    for detector, texts in jobs]

        try:
            # Waiting for a detection slot is queueing under load, not a detector fault: the
            # timeout starts once this request's detection runs.
            async with self.response_limiter if response else self.limiter:
                with anyio.fail_after(self.settings.detect_timeout):
                    # a thread cannot be stopped: without abandoning it, the timeout would
                    # wait for a hung detector and never fire. The request fails closed; the
                    # thread finishes (or hangs) on its own.
                    return await anyio.to_thread.run_sync(run, abandon_on_cancel=True)
        except TimeoutError:
            raise DetectionError("detection timed out", code="detection_timeout") from None
        except QorganError:
            raise
        except Exception as exc:
            log.error("detector failed: %s", type(exc).__name__)
            raise DetectionError("detection failed") from exc

    def warm_up(self) -> None:
        """Load models now rather than on the first request."""
        # every recognizer's patterns compile on first use: give each kind something to find
        self.detector(self.policy()).analyze_batch([
            "Warm-up: Aigerim Serikova from Astana, aigerim@example.kz, +7 701 234 56 78, "
            "IIN 901123300258, BIN 940140000385, IBAN KZ86125KZT5004100100, card "
            "4111 1111 1111 1111, IP 10.0.0.1, SSN 078-05-1120, key AKIAIOSFODNN7EXAMPLE.",
            "Меня зовут Ержан Қасымов, Алматы, ТОО «Ромашка». Менің атым Айгерім.",
        ])

    # -- identity ---------------------------------------------------------------------------

    def authenticator(self, engine: PolicyEngine) -> Authenticator | None:
        version = engine.version
        if version in self._authenticators:
            return self._authenticators[version]
        auth = engine.auth
        chain: list[Authenticator] = []
        if self.resolver is not None:
            chain.append(ResolverAuthenticator(self.resolver))
        if auth.api_keys:
            chain.append(ApiKeyAuthenticator([
                ApiKeyEntry(id=k.id, sha256=k.sha256, roles=frozenset(k.roles), tenant=k.tenant)
                for k in auth.api_keys
            ]))
        if auth.jwt is not None:
            jwt = auth.jwt
            secret = secret_from_env(jwt.secret_env) if jwt.secret_env else None
            chain.append(JwtAuthenticator(JwtConfig(
                issuer=jwt.issuer, audience=jwt.audience, algorithms=tuple(jwt.algorithms),
                jwks_file=jwt.jwks_file, secret=secret, roles_claim=jwt.roles_claim,
                tenant_claim=jwt.tenant_claim, subject_claim=jwt.subject_claim,
                purpose_claim=jwt.purpose_claim, leeway=jwt.leeway, header=jwt.header,
            )))
        result: Authenticator | None
        if not chain:
            result = None
        elif len(chain) == 1:
            result = chain[0]
        else:
            result = ChainAuthenticator(chain)
        self._authenticators[version] = result
        return result

    def principal_id(self, principal: Principal) -> str:
        if principal.id == "anonymous":
            return "anonymous"
        return keyed_hash(self._id_key, f"{principal.tenant}\x00{principal.id}",
                          domain="principal")

    def conversation_key(self, principal: Principal, conversation: str) -> str:
        # pseudonyms are scoped to the caller too: another caller naming the same
        # conversation id never reaches this caller's values
        return keyed_hash(self._id_key, f"{principal.tenant}\x00{principal.id}\x00"
                          f"{conversation}", domain="conversation")[:32]

    # -- lifecycle --------------------------------------------------------------------------

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {"policy": "ok"}
        try:
            await self.vault.ping()
            checks["vault"] = "ok"
        except QorganError as exc:
            checks["vault"] = exc.code
        if self.consent is not None:
            try:
                await self.consent.ping()
                checks["consent"] = "ok"
            except QorganError as exc:
                checks["consent"] = exc.code
        return checks

    async def aclose(self) -> None:
        await self.vault.close()
        if self.consent is not None:
            await self.consent.close()
        self.auditor.close()


def runtime_for_policy(
    policy: str | Path | PolicyEngine,
    *,
    settings: Settings | None = None,
    resolver: Resolver | None = None,
    tracer_provider: trace.TracerProvider | None = None,
) -> Runtime:
    """A runtime for library use (middleware, transport): policy given directly."""
    if isinstance(policy, PolicyEngine):
        raise ConfigError("pass a policy path or builtin:NAME")
    settings = settings or Settings.from_env()
    settings = Settings(**{**_as_dict(settings), "policy": str(policy)})
    load_policy(settings.policy)  # fail at construction, with the file:line message
    return Runtime.from_settings(settings, resolver=resolver, tracer_provider=tracer_provider)


def _as_dict(settings: Settings) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in fields(settings)}
