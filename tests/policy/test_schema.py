from __future__ import annotations

import hashlib

import pytest

from qorgan.errors import PolicyError
from qorgan.policy.loader import parse_policy
from qorgan.policy.schema import RuleSpec
from qorgan.types import Action

HEAD = "version: 1\nname: s\nrules: [{id: r, action: redact}]\n"
DIGEST = hashlib.sha256(b"key").hexdigest()


def parse(extra: str) -> None:
    parse_policy(HEAD + extra, "s.yaml")


@pytest.mark.parametrize(
    ("extra", "prefix"),
    [
        ("auth: {required: true}\n", "s.yaml:4:7: auth: required is true but neither"),
        (
            "auth:\n  api_keys:\n    - {id: a, sha256: abc}\n",
            "s.yaml:6:23: auth.api_keys[0].sha256: sha256 is the 64-character hex digest",
        ),
        (
            f"auth:\n  api_keys:\n    - {{id: a, sha256: {DIGEST}}}\n"
            f"    - {{id: a, sha256: {DIGEST.upper()}}}\n",
            "s.yaml:7:12: auth.api_keys[1].id: duplicate api key id 'a'",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a}\n",
            "s.yaml:5:8: auth.jwt: set exactly one of jwks_file or secret_env",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a, jwks_file: k.json, algorithms: [none]}\n",
            "s.yaml:5:8: auth.jwt: the 'none' algorithm",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a, jwks_file: k.json, algorithms: [HS256]}\n",
            "s.yaml:5:8: auth.jwt: HS* algorithms need secret_env",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a, secret_env: K, algorithms: [RS256]}\n",
            "s.yaml:5:8: auth.jwt: secret_env works with HS* algorithms only",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a, jwks_file: k, algorithms: [RS256, HS256]}\n",
            "s.yaml:5:8: auth.jwt: do not mix HMAC",
        ),
        (
            "auth:\n  jwt: {issuer: i, audience: a, jwks_file: k, algorithms: [XS1]}\n",
            "s.yaml:5:8: auth.jwt: unknown algorithms ['XS1']",
        ),
        (
            "auth:\n  jwt: {issuer: '', audience: a, jwks_file: k}\n",
            "s.yaml:5:17: auth.jwt.issuer: ",
        ),
        ("traffic: {max_body_bytes: 0}\n", "s.yaml:4:27: traffic.max_body_bytes: "),
        ("traffic: {unknown_routes: allow}\n", "s.yaml:4:27: traffic.unknown_routes: "),
        ("response: {label_header: 'X Bad'}\n", "s.yaml:4:26: response.label_header: "),
        ("context: {subject_header: 'a:b'}\n", "s.yaml:4:27: context.subject_header: "),
        (
            "destinations: [{id: d, model: 'x', region: us}]\n",
            "s.yaml:4:44: destinations[0].region: ",
        ),
        (
            "destinations: [{id: d, region: US}, {id: d, region: KZ}]\n",
            "s.yaml:4:42: destinations[1].id: duplicate destination id 'd'",
        ),
        ("purposes: [a, a]\n", "s.yaml:4:15: purposes[1].id: duplicate purpose id 'a'"),
        (
            "purposes: [a]\ndefault_purpose: b\n",
            "s.yaml:5:18: default_purpose: unknown purpose 'b'",
        ),
        (
            "detection: {languages: [fr]}\n",
            "s.yaml:4:12: detection: unsupported languages ['fr']",
        ),
        (
            "detection:\n  custom: [{entity: lower, regex: 'x'}]\n",
            "s.yaml:5:12: detection.custom[0]: custom entity names are upper-case",
        ),
        (
            "detection:\n  custom: [{entity: X_ID, regex: '('}]\n",
            "s.yaml:5:12: detection.custom[0]: custom regex for X_ID does not compile",
        ),
        (
            "detection: {phone_regions: [KZ, UK]}\n",
            "s.yaml:4:12: detection: unknown phone regions ['UK']",
        ),
        (
            "detection: {phone_regions: KZ}\n",
            "s.yaml:4:28: detection.phone_regions: ",
        ),
        (
            "categories: {a: [PERSON], b: [PERSON]}\n",
            "s.yaml:4:31: categories.b[0]: entity 'PERSON' is already in category 'a'",
        ),
        ("x: &a [*a]\n", "s.yaml:4:"),
    ],
)
def test_section_errors(extra: str, prefix: str) -> None:
    with pytest.raises(PolicyError) as info:
        parse(extra)
    assert info.value.message.startswith(prefix), info.value.message


def test_phone_regions_reach_the_detector_configuration() -> None:
    from qorgan.detection.config import DEFAULT_PHONE_REGIONS

    loaded = parse_policy(HEAD + "detection: {phone_regions: [KZ, TR]}\n", "s.yaml")
    assert loaded.policy.detection.to_config().phone_regions == ("KZ", "TR")
    default = parse_policy(HEAD, "s.yaml").policy.detection.to_config()
    assert default.phone_regions == DEFAULT_PHONE_REGIONS
    assert set(DEFAULT_PHONE_REGIONS) == {"KZ", "RU", "US", "GB", "DE", "FR", "TR", "CN", "UZ",
                                          "KG"}


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    with pytest.raises(PolicyError, match="document too large"):
        parse_policy("\n".join(lines) + "\n", "bomb.yaml")


def test_rules_need_at_least_one() -> None:
    with pytest.raises(PolicyError, match=r"^s\.yaml:3:8: rules: "):
        parse_policy("version: 1\nname: s\nrules: []\n", "s.yaml")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"id": "r", "action": "block", "params": {"keep": 1}}, "unknown params ['keep']"),
        ({"id": "r", "action": "hash", "params": {"length": 4}}, "length: Input should be"),
        ({"id": "r", "action": "mask", "params": {"char": "**"}}, "char: String should have"),
        ({"id": "r", "action": "allow", "consent_fallback": "allow"}, "must not be allow"),
        ({"id": "bad id!", "action": "allow"}, "rule id must be"),
    ],
)
def test_rule_validation(rule: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        RuleSpec.model_validate(rule)


@pytest.mark.parametrize(
    ("action", "params", "expected"),
    [
        (Action.MASK, {}, {"keep": 4, "char": "*"}),
        (Action.MASK, {"keep": 0, "char": "#"}, {"keep": 0, "char": "#"}),
        (Action.HASH, {}, {"length": 16}),
        (Action.REDACT, {"placeholder": "<{entity}>"}, {"placeholder": "<{entity}>"}),
        (Action.PSEUDONYMIZE, {}, {}),
    ],
)
def test_operator_params_defaults(
    action: Action, params: dict[str, object], expected: dict[str, object]
) -> None:
    rule = RuleSpec.model_validate({"id": "r", "action": action.value, "params": params})
    assert rule.operator_params(action) == expected


def test_api_key_digest_is_normalized() -> None:
    loaded = parse_policy(
        HEAD + f"auth:\n  api_keys: [{{id: a, sha256: {DIGEST.upper()}, roles: [x]}}]\n", "s"
    )
    assert loaded.policy.auth.api_keys[0].sha256 == DIGEST


@pytest.mark.parametrize(
    ("jwt", "expected"),
    [
        (
            "{issuer: https://id.example, audience: qorgan, secret_env: QORGAN_JWT, "
            "algorithms: [HS256]}",
            ("https://id.example", "qorgan", None, "QORGAN_JWT"),
        ),
        (
            "{issuer: i, audience: [a, b], jwks_file: keys.json, roles_claim: realm.roles}",
            ("i", ("a", "b"), "keys.json", None),
        ),
    ],
)
def test_valid_jwt_sections(jwt: str, expected: tuple[object, ...]) -> None:
    loaded = parse_policy(HEAD + f"auth:\n  required: true\n  jwt: {jwt}\n", "s")
    spec = loaded.policy.auth.jwt
    assert spec is not None
    assert (spec.issuer, spec.audience, spec.jwks_file, spec.secret_env) == expected
    assert loaded.policy.auth.required
