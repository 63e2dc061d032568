"""The Kubernetes manifests: every overlay renders, validates offline, and keeps its promises.

``kubectl kustomize`` renders each overlay (no cluster, no network); every object is
validated against the Kubernetes JSON schemas bundled in the ``kubernetes-validate``
package, strictly (an unknown field is an error), for the oldest release the manifests
support (native sidecars: 1.29) and the newest the package knows. Then the rendered objects
are held to the deployment's invariants: security settings, probes, drain timing, sizing,
where the policy and the secrets come from.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from qorgan.policy.loader import parse_policy

ROOT = Path(__file__).resolve().parents[2]
KUSTOMIZE = ROOT / "deploy" / "kubernetes"
OVERLAYS = ("sidecar", "gateway")
VERSIONS = ("1.29.0", kubernetes_validate.latest_version() + ".0")

#: benchmarks/memory.py: peak resident set of one ``qorgan serve`` worker under load (MiB),
#: the figure docs/deployment.md sizes containers from
PEAK_PER_WORKER_MIB = 470
#: the sizing rule: request the peak plus a quarter, limit half again over the request
REQUEST_HEADROOM = 1.25
LIMIT_OVER_REQUEST = 1.5


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found:
        return found
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail("kubectl is needed to render the manifests (kubectl kustomize)")
    pytest.skip("kubectl is not installed")


_rendered: dict[str, list[dict[str, Any]]] = {}


def render(overlay: str) -> list[dict[str, Any]]:
    if overlay not in _rendered:
        out = subprocess.run([_kubectl(), "kustomize", str(KUSTOMIZE / "overlays" / overlay)],
                             capture_output=True, text=True, timeout=120, check=False)
        assert out.returncode == 0, out.stderr
        _rendered[overlay] = [doc for doc in yaml.safe_load_all(out.stdout) if doc]
    return _rendered[overlay]


def _one(objects: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind]
    return found


def _pod(objects: list[dict[str, Any]]) -> dict[str, Any]:
    spec: dict[str, Any] = _one(objects, "Deployment")["spec"]["template"]["spec"]
    return spec


def _containers(pod: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from pod.get("initContainers", [])
    yield from pod["containers"]


def _qorgan(pod: dict[str, Any]) -> dict[str, Any]:
    (container,) = [c for c in _containers(pod) if c["name"] == "qorgan"]
    return container


def _config(objects: list[dict[str, Any]]) -> dict[str, str]:
    (config,) = [o for o in objects if o["kind"] == "ConfigMap"
                 and o["metadata"]["name"].startswith("qorgan-config")]
    data: dict[str, str] = config["data"]
    return data


def _env(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_rendered_object_is_valid(overlay: str, version: str) -> None:
    objects = render(overlay)
    assert objects
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']} on {version}: {exc}")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_runs_locked_down(overlay: str) -> None:
    pod = _pod(render(overlay))
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    containers = list(_containers(pod))
    assert len(containers) == (2 if overlay == "sidecar" else 1)
    for container in containers:
        security = container["securityContext"]
        assert security["runAsNonRoot"] is True, container["name"]
        assert security["readOnlyRootFilesystem"] is True, container["name"]
        assert security["allowPrivilegeEscalation"] is False, container["name"]
        assert security.get("privileged", False) is False, container["name"]
        assert security["capabilities"]["drop"] == ["ALL"], container["name"]
        assert "add" not in security["capabilities"], container["name"]
        assert container["resources"]["limits"]["memory"], container["name"]


def _probe_path(probe: dict[str, Any]) -> str:
    if "httpGet" in probe:
        path: str = probe["httpGet"]["path"]
        return path
    command = probe["exec"]["command"]
    assert command[:3] == ["python", "-m", "qorgan.cli.probe"]
    return str(command[3])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_probes_are_on_readyz_and_healthz(overlay: str) -> None:
    qorgan = _qorgan(_pod(render(overlay)))
    assert _probe_path(qorgan["readinessProbe"]) == "/readyz"
    assert _probe_path(qorgan["livenessProbe"]) == "/healthz"
    assert _probe_path(qorgan["startupProbe"]) == "/healthz"
    # models load before the server listens: start-up may take a minute before liveness
    startup = qorgan["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 60


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_termination_grace_covers_prestop_and_the_drain(overlay: str) -> None:
    objects = render(overlay)
    pod = _pod(objects)
    qorgan = _qorgan(pod)
    command = qorgan["lifecycle"]["preStop"]["exec"]["command"]
    assert command[0] == "sleep"
    pre_stop = int(command[1])
    assert pre_stop > 0
    grace = int(_config(objects)["QORGAN_SHUTDOWN_GRACE"])
    assert pod["terminationGracePeriodSeconds"] >= pre_stop + grace + 5


def _mib(quantity: str) -> float:
    match = re.fullmatch(r"(\d+)(Mi|Gi)", quantity)
    assert match, quantity
    return int(match.group(1)) * (1024 if match.group(2) == "Gi" else 1)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_memory_is_sized_by_the_rule_from_the_measured_peak(overlay: str) -> None:
    objects = render(overlay)
    resources = _qorgan(_pod(objects))["resources"]
    workers = int(_config(objects)["QORGAN_WORKERS"])
    assert workers == 1  # one worker a Pod: scale Pods, not workers
    need = PEAK_PER_WORKER_MIB * workers
    request = _mib(resources["requests"]["memory"])
    limit = _mib(resources["limits"]["memory"])
    assert request == 64 * math.ceil(need * REQUEST_HEADROOM / 64)
    assert limit == 64 * math.ceil(request * LIMIT_OVER_REQUEST / 64)
    assert resources["requests"]["cpu"]
    # detection threads follow the CPU limit, not the node's core count
    assert int(_config(objects)["QORGAN_DETECT_WORKERS"]) == int(resources["limits"]["cpu"])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_policy_comes_from_a_configmap_mounted_as_a_directory(overlay: str) -> None:
    objects = render(overlay)
    pod = _pod(objects)
    qorgan = _qorgan(pod)
    volumes = {v["name"]: v for v in pod["volumes"]}
    (mount,) = [m for m in qorgan["volumeMounts"] if m["name"] == "policy"]
    # a subPath mount never sees an update: the ConfigMap's symlink swap needs the directory
    assert "subPath" not in mount
    policy_path = Path(_config(objects)["QORGAN_POLICY"])
    assert policy_path.parent == Path(mount["mountPath"])
    name = volumes["policy"]["configMap"]["name"]
    (policy,) = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name]
    assert name == "qorgan-policy"  # no hash suffix: updated in place, not rolled out
    text = policy["data"][policy_path.name]
    assert parse_policy(text.encode(), "policy.yaml").policy.name == "default"  # valid


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_keys_and_database_urls_come_from_secrets(overlay: str) -> None:
    objects = render(overlay)
    env = _env(_qorgan(_pod(objects)))
    secret = {"QORGAN_MASTER_KEY", "QORGAN_UPSTREAM_API_KEY"}
    if overlay == "gateway":
        secret |= {"QORGAN_VAULT_URL", "QORGAN_CONSENT_URL"}
    for name in secret:
        assert "secretKeyRef" in env[name]["valueFrom"], name
    assert not secret & set(_config(objects))  # never in a ConfigMap
    assert not [o for o in objects if o["kind"] == "Secret"]  # created by the operator
    audit = [v for v in _pod(objects)["volumes"] if v["name"] == "audit-key"]
    assert audit[0]["secret"]["secretName"] == "qorgan-audit"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_telemetry_is_configured_by_environment(overlay: str) -> None:
    objects = render(overlay)
    config = _config(objects)
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http")
    assert config["OTEL_EXPORTER_OTLP_PROTOCOL"] in {"http/protobuf", "grpc"}
    assert config["OTEL_SERVICE_NAME"] == "qorgan"
    env = _env(_qorgan(_pod(objects)))
    assert "k8s.pod.name=" in env["OTEL_RESOURCE_ATTRIBUTES"]["value"]
    assert env["QORGAN_INSTANCE"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


def test_the_sidecar_listens_on_loopback_and_the_app_uses_it() -> None:
    objects = render("sidecar")
    pod = _pod(objects)
    (qorgan,) = pod["initContainers"]
    assert qorgan["name"] == "qorgan"
    assert qorgan["restartPolicy"] == "Always"  # a native sidecar: up before the app
    assert "ports" not in qorgan
    assert _config(objects)["QORGAN_HOST"] == "127.0.0.1"
    (app,) = pod["containers"]
    assert _env(app)["OPENAI_BASE_URL"]["value"] == "http://127.0.0.1:8080/v1"
    assert [o["kind"] for o in objects if o["kind"] not in {"ConfigMap", "Deployment"}] == []


def test_the_gateway_scales_behind_a_service_with_a_disruption_budget() -> None:
    objects = render("gateway")
    deployment = _one(objects, "Deployment")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert _config(objects)["QORGAN_HOST"] == "0.0.0.0"  # noqa: S104 - the Service's target
    service = _one(objects, "Service")
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"][0]["port"] == 8080
    hpa = _one(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]
    assert deployment["spec"]["replicas"] == hpa["spec"]["minReplicas"]
    pdb = _one(objects, "PodDisruptionBudget")
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert pdb["spec"]["maxUnavailable"] < hpa["spec"]["minReplicas"]


def test_the_gateway_may_reach_only_the_upstream_redis_postgresql_dns_and_collector() -> None:
    objects = render("gateway")
    policy = _one(objects, "NetworkPolicy")["spec"]
    labels = _one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"].items() <= labels.items()
    assert sorted(policy["policyTypes"]) == ["Egress", "Ingress"]
    ports: dict[int, list[dict[str, Any]]] = {}
    for rule in policy["egress"]:
        assert rule["ports"], "an egress rule without ports allows every port"
        assert rule["to"], "an egress rule without destinations allows every address"
        for peer in rule["to"]:
            if "ipBlock" in peer:
                assert peer["ipBlock"]["cidr"] != "0.0.0.0/0"
        for port in rule["ports"]:
            ports.setdefault(port["port"], []).extend(rule["to"])
    assert sorted(ports) == [53, 443, 4318, 5432, 6379]
    assert ports[6379][0]["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "redis"}
    assert ports[5432][0]["podSelector"]["matchLabels"] == {
        "app.kubernetes.io/name": "postgresql"}
    (ingress,) = policy["ingress"]
    assert [p["port"] for p in ingress["ports"]] == [8080]
