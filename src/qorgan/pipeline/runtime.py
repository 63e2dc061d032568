"""Everything the Guard needs that outlives one request, built once from ``Settings``.

The policy (hot-reloadable), detection (detectors per configuration, lanes, timeout), the
vault and the transformer over it, the consent registry and the subject hasher, identity
(authenticators per policy version, keyed caller ids) and the auditor. Each is built by its
own package; the runtime only holds them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from opentelemetry import metrics as otel_metrics
from opentelemetry import trace

from qorgan.audit.auditor import Auditor
from qorgan.audit.log import DecisionLog
from qorgan.audit.metrics import Metrics
from qorgan.audit.signing import load_signing_key
from qorgan.consent.base import ConsentRegistry
from qorgan.consent.cache import CachedRegistry
from qorgan.consent.registry import SubjectHasher, open_registry
from qorgan.detection.config import DetectionConfig
from qorgan.detection.default import build_detector
from qorgan.detection.engine import Detector
from qorgan.detection.service import DetectionService
from qorgan.errors import ConfigError, QorganError
from qorgan.identity import Identity, Resolver
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import load_policy
from qorgan.policy.reload import PolicyHolder
from qorgan.settings import Settings
from qorgan.transform import Keyring, MemoryVault, Transformer, Vault
from qorgan.transform.backends import open_vault


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
        self.keyring = Keyring(settings.master_key)
        self.transformer = Transformer(vault, self.keyring)
        # A request that names no conversation keeps its pseudonyms here, in this process,
        # for as long as it and its answer take: nothing else ever reads them, and they are
        # forgotten when the answer ends (``Guard``), wherever conversations are kept.
        self.oneshot_vault = MemoryVault(ttl=settings.vault_ttl,
                                         max_scopes=settings.vault_max_conversations)
        self.oneshot_transformer = Transformer(self.oneshot_vault, self.keyring)
        self.hasher = SubjectHasher(settings.subject_key)
        self.identity = Identity(settings.subject_key, resolver=resolver)
        self.detection = DetectionService(
            workers=settings.detect_workers or (os.cpu_count() or 1),
            timeout=settings.detect_timeout,
            factory=detector_factory,
            batch_window=settings.detect_batch_ms / 1000,
            batch_chars=settings.detect_batch_chars,
        )

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
        holder = PolicyHolder(settings.policy, settle=settings.policy_settle)
        vault = open_vault(settings.vault_url, Keyring(settings.master_key),
                           ttl=settings.vault_ttl, max_scopes=settings.vault_max_conversations)
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
                                   instance=settings.instance, slots=settings.workers)
        metrics = Metrics(meter_provider=meter_provider, prometheus=settings.metrics) \
            if settings.metrics or meter_provider is not None else None
        auditor = Auditor(log=log_file, metrics=metrics, tracer_provider=tracer_provider,
                          span_kind=span_kind)
        return cls(settings, policy=holder, vault=vault, consent=consent, auditor=auditor,
                   resolver=resolver, detector_factory=detector_factory)

    @classmethod
    def for_policy(
        cls,
        policy: str | Path,
        *,
        settings: Settings | None = None,
        resolver: Resolver | None = None,
        tracer_provider: trace.TracerProvider | None = None,
    ) -> Runtime:
        """A runtime for library use (middleware, transport): the policy given directly."""
        settings = replace(settings or Settings.from_env(), policy=str(policy))
        load_policy(settings.policy)  # fail at construction, with the file:line message
        return cls.from_settings(settings, resolver=resolver, tracer_provider=tracer_provider)

    def policy(self) -> PolicyEngine:
        return self.holder.current

    def vault_for(self, one_shot: bool) -> tuple[Vault, Transformer]:
        """Where a request's pseudonyms live: its own process for a one-shot request, the
        configured vault for a conversation."""
        if one_shot:
            return self.oneshot_vault, self.oneshot_transformer
        return self.vault, self.transformer

    def warm_up(self) -> None:
        """Load models now rather than on the first request."""
        self.detection.warm_up(self.policy().detection_config())

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


__all__ = ["Runtime"]
