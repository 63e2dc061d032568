from __future__ import annotations

from pathlib import Path

import pytest

from qorgan.policy.loader import builtin_names, load_policy
from qorgan.policy.testing import run_policy_tests

BUNDLED = ("default", "kz-pdl", "gdpr")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_policy_validates_and_cites_every_rule(name: str) -> None:
    loaded = load_policy(f"builtin:{name}")
    assert loaded.policy.name == name
    assert all(rule.cite for rule in loaded.policy.rules), "every bundled rule cites the law"
    assert loaded.policy.response.label


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_policy_passes_its_tests(name: str) -> None:
    report = run_policy_tests(f"builtin:{name}")
    failures = [(c.name, c.diff) for c in report.cases if not c.passed]
    assert failures == []
    assert report.passed >= 6


def test_bundled_names_are_exactly_the_policies() -> None:
    assert builtin_names() == tuple(sorted(BUNDLED))


def test_kz_pdl_denies_prohibited_practices() -> None:
    policy = load_policy("builtin:kz-pdl").policy
    denied = {p.id for p in policy.purposes if p.denied}
    assert {"social_scoring", "emotion_recognition"} <= denied
    assert (policy.mode, policy.on_error) == ("enforce", "block")


def test_gdpr_special_categories_are_custom_entities() -> None:
    policy = load_policy("builtin:gdpr").policy
    custom = {c.entity for c in policy.detection.custom}
    assert set(policy.categories["special_category"]) == custom


@pytest.mark.parametrize("name", BUNDLED)
def test_repository_policies_link_matches_package(name: str) -> None:
    top = ROOT / "policies" / f"{name}.yaml"
    assert top.exists(), "the top-level policies/ link to src/qorgan/policies is missing"
    assert top.read_bytes() == (ROOT / "src/qorgan/policies" / f"{name}.yaml").read_bytes()
