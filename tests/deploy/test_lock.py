"""requirements.lock, which the image installs, matches pyproject.toml and pins with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = (ROOT / "requirements.lock").read_text()
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
#: what the image installs: the core and every backend extra (qorgan[all])
IMAGE_EXTRAS = ("redis", "postgres", "otlp-grpc")


def _entries() -> dict[str, tuple[Requirement, list[str]]]:
    entries: dict[str, tuple[Requirement, list[str]]] = {}
    logical = re.sub(r"\\\n", " ", LOCK)
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        spec, *hashes = (part.strip() for part in line.split("--hash="))
        requirement = Requirement(spec)
        entries[canonicalize_name(requirement.name)] = (requirement, hashes)
    return entries


ENTRIES = _entries()


def test_every_entry_is_pinned_exactly_with_sha256_hashes() -> None:
    assert len(ENTRIES) > 50
    for name, (requirement, hashes) in ENTRIES.items():
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", name
        assert hashes, f"{name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), name


def _declared() -> list[Requirement]:
    optional = PROJECT["optional-dependencies"]
    declared = [Requirement(r) for r in PROJECT["dependencies"]]
    declared += [Requirement(r) for extra in IMAGE_EXTRAS for r in optional[extra]]
    build = (ROOT / "deploy/docker/build.in").read_text().splitlines()
    declared += [Requirement(r) for r in build if r.strip() and not r.startswith("#")]
    return declared


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_each_declared_dependency_is_locked_within_its_range(requirement: Requirement) -> None:
    entry = ENTRIES.get(canonicalize_name(requirement.name))
    assert entry, f"{requirement.name} is not in requirements.lock: run make lock"
    locked, _ = entry
    (pin,) = locked.specifier
    assert requirement.specifier.contains(pin.version, prereleases=True), (
        f"{requirement.name}=={pin.version} is outside {requirement.specifier}: run make lock")


def test_the_lock_is_resolved_for_the_python_of_the_image() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    base = re.search(r"ARG PYTHON_IMAGE=python:(\d+\.\d+)", dockerfile)
    assert base
    makefile = (ROOT / "Makefile").read_text()
    assert f"--python-version {base.group(1)}" in makefile
    assert "--generate-hashes" in makefile


def test_make_audit_deps_audits_the_lock_file() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\naudit-deps:", 1)[1].split("\n\n", 1)[0]
    assert "pip-audit" in recipe
    assert "-r requirements.lock" in recipe
    assert "--strict" in recipe  # a package it cannot look up fails the run
