"""A guarded stack on loopback for the hardening tests: the proxy or the middleware in front
of the recording demo model, with a fast patterns-only detector (built once per config)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol

import httpx
import pytest
import yaml

from qorgan.audit.auditor import Auditor
from qorgan.audit.metrics import Metrics
from qorgan.consent.registry import ConsentRegistry
from qorgan.demo.upstream import DemoUpstream
from qorgan.detection.config import DetectionConfig
from qorgan.detection.decode import DecodingDetector
from qorgan.detection.engine import Detector
from qorgan.edges.proxy import ProxyApp
from qorgan.middleware import GuardMiddleware
from qorgan.pipeline import Runtime
from qorgan.policy.reload import PolicyHolder
from qorgan.settings import Settings
from qorgan.transform import MemoryVault, Vault
from qorgan.types import ASGIApp

Kind = Literal["proxy", "middleware"]
KINDS: tuple[Kind, ...] = ("proxy", "middleware")
UPSTREAM_URL = "http://upstream.invalid/v1"
GUARD_URL = "http://qorgan.test"

_DETECTORS: dict[str, Detector] = {}


def fast_detector(config: DetectionConfig) -> Detector:
    """Patterns (and decoded runs) only: NER models are the detection suite's business."""
    detector = _DETECTORS.get(config.fingerprint)
    if detector is None:
        detector = DecodingDetector(config, ner_backends=[])
        _DETECTORS[config.fingerprint] = detector
    return detector


def policy_doc(**changes: Any) -> dict[str, Any]:
    """The bundled default policy with top-level sections replaced or merged."""
    text = resources.files("qorgan.policies").joinpath("default.yaml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(doc.get(key), dict):
            doc[key] = {**doc[key], **value}
        else:
            doc[key] = value
    return doc


@dataclass
class Stack:
    kind: Kind
    runtime: Runtime
    demo: DemoUpstream
    client: httpx.AsyncClient
    app: ASGIApp
    policy_path: Path
    #: routes are reached under this prefix in both deployments
    prefix: str = "/v1"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def forwarded(self) -> list[str]:
        """Everything the upstream received: path, headers and body, as text."""
        return [f"{r.method} {r.path}?{r.query} {r.headers} "
                f"{r.body.decode('utf-8', 'replace')}"
                for r in self.demo.received if not r.path.endswith("/_received")]

    async def post(self, route: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        if body is not None:
            kwargs["json"] = body
        return await self.client.post(f"{self.prefix}/{route}", **kwargs)


class StackFactory(Protocol):
    def __call__(
        self,
        kind: Kind,
        *,
        policy: Mapping[str, Any] | None = None,
        upstream: ASGIApp | None = None,
        upstream_client: httpx.AsyncClient | None = None,
        vault: Vault | None = None,
        consent: ConsentRegistry | None = None,
        auditor: Auditor | None = None,
        detector_factory: Callable[[DetectionConfig], Detector] = ...,
        settings: Mapping[str, Any] | None = None,
    ) -> Any: ...


def build_runtime(
    policy_path: Path,
    *,
    vault: Vault | None = None,
    consent: ConsentRegistry | None = None,
    auditor: Auditor | None = None,
    detector_factory: Callable[[DetectionConfig], Detector] = fast_detector,
    settings: Mapping[str, Any] | None = None,
) -> Runtime:
    base: dict[str, Any] = {
        "policy": str(policy_path), "upstream": UPSTREAM_URL,
        "master_key": secrets.token_bytes(32), "detect_timeout": 5.0,
        "upstream_timeout": 5.0, "detect_workers": 2,
    }
    base.update(settings or {})
    return Runtime(
        Settings(**base),
        policy=PolicyHolder(policy_path),
        vault=vault if vault is not None else MemoryVault(),
        consent=consent,
        auditor=auditor if auditor is not None else Auditor(metrics=Metrics()),
        detector_factory=detector_factory,
    )


@pytest.fixture
def make_stack(tmp_path: Path) -> StackFactory:
    counter = iter(range(1_000_000))

    @asynccontextmanager
    async def factory(
        kind: Kind,
        *,
        policy: Mapping[str, Any] | None = None,
        upstream: ASGIApp | None = None,
        upstream_client: httpx.AsyncClient | None = None,
        vault: Vault | None = None,
        consent: ConsentRegistry | None = None,
        auditor: Auditor | None = None,
        detector_factory: Callable[[DetectionConfig], Detector] = fast_detector,
        settings: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[Stack]:
        path = tmp_path / f"policy-{next(counter)}.yaml"
        path.write_text(yaml.safe_dump(policy_doc(**(policy or {})), allow_unicode=True),
                        "utf-8")
        runtime = build_runtime(path, vault=vault, consent=consent, auditor=auditor,
                                detector_factory=detector_factory, settings=settings)
        demo = DemoUpstream()
        target: ASGIApp = upstream if upstream is not None else demo
        app: ASGIApp
        own_upstream = upstream_client is None
        up_client = upstream_client or httpx.AsyncClient(
            transport=httpx.ASGITransport(app=target), timeout=5.0)
        if kind == "proxy":
            app = ProxyApp(runtime, client=up_client, warm_up=False)
        else:
            app = GuardMiddleware(target, runtime=runtime, routes=("/v1/*",))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=GUARD_URL,
                                   timeout=10.0)
        try:
            yield Stack(kind, runtime, demo, client, app, path)
        finally:
            await client.aclose()
            if own_upstream:
                await up_client.aclose()
            await runtime.aclose()

    return factory  # type: ignore[return-value]


def _error_of(response: httpx.Response) -> tuple[str, str]:
    body = response.json()
    error = body["error"]
    assert isinstance(error["code"], str)
    assert error["code"]
    assert isinstance(error["message"], str)
    assert error["message"]
    assert "Traceback" not in response.text
    return error["code"], error["message"]


@pytest.fixture
def error_of() -> Callable[[httpx.Response], tuple[str, str]]:
    """Reads the ``{"error": {"code", "message"}}`` body every refusal carries."""
    return _error_of


@pytest.fixture
def policy_for() -> Callable[..., dict[str, Any]]:
    return policy_doc
