from __future__ import annotations

import base64
import json

import pytest
from presidio_analyzer import PatternRecognizer

from qorgan.detection.recognizers.secrets import (
    ApiKeyRecognizer,
    AwsSecretKeyRecognizer,
    BearerTokenRecognizer,
    JwtRecognizer,
    PrivateKeyRecognizer,
)

_B64 = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpL"


def _jwt(header: dict[str, str]) -> str:
    head = base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
    return f"{head}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


JWT = _jwt({"alg": "HS256", "typ": "JWT"})
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n"
    "Z1BjP5CE/Wm/Rr500P\n-----END RSA PRIVATE KEY-----"
)

POSITIVES = [
    (ApiKeyRecognizer, "id AKIAIOSFODNN7EXAMPLE here", "AKIAIOSFODNN7EXAMPLE"),
    (ApiKeyRecognizer, "ASIAY34FZKBOKMUTVV7A", "ASIAY34FZKBOKMUTVV7A"),
    (
        ApiKeyRecognizer,
        "t=ghp_8fKq2LmN4pR7sT1vW3xY5zA9bC0dE6gH2jK4",
        "ghp_8fKq2LmN4pR7sT1vW3xY5zA9bC0dE6gH2jK4",
    ),
    (
        ApiKeyRecognizer,
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
        "gho_16C7e42F292c6912E7710c838347Ae178B4a",
    ),
    (
        ApiKeyRecognizer,
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW",
        "github_pat_11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW",
    ),
    (
        ApiKeyRecognizer,
        "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
        "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    ),
    (
        ApiKeyRecognizer,
        "key: sk-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j",
        "sk-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7j",
    ),
    (
        ApiKeyRecognizer,
        "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n_x-Y",
        "sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n_x-Y",
    ),
    (
        ApiKeyRecognizer,
        "sk-ant-api03-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n-AAAA",
        "sk-ant-api03-Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0n-AAAA",
    ),
    (
        ApiKeyRecognizer,
        "AIzaSyD3m0k3yAbCdEfGhIjKlMnOpQrStUvWxYz",
        "AIzaSyD3m0k3yAbCdEfGhIjKlMnOpQrStUvWxYz",
    ),
    (
        AwsSecretKeyRecognizer,
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    (AwsSecretKeyRecognizer, f'"AWS_SECRET_KEY": "{_B64[:40]}"', _B64[:40]),
    (PrivateKeyRecognizer, f"key:\n{PEM}\nend", PEM),
    (JwtRecognizer, f"token {JWT}", JWT),
    (BearerTokenRecognizer, "Authorization: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789"),
    (BearerTokenRecognizer, "bearer 9f8e7d6c5b4a3f2e1d0c", "9f8e7d6c5b4a3f2e1d0c"),
]


@pytest.mark.parametrize(("cls", "text", "value"), POSITIVES)
def test_secret_found(cls: type[PatternRecognizer], text: str, value: str) -> None:
    results = cls().analyze(text, ["SECRET"])
    assert [(r.entity_type, text[r.start : r.end]) for r in results] == [("SECRET", value)]


NEGATIVES = [
    (ApiKeyRecognizer, "AKIA1234567"),  # too short
    (ApiKeyRecognizer, "akiaiosfodnn7example"),  # lower case
    (ApiKeyRecognizer, "XAKIAIOSFODNN7EXAMPLE1"),  # inside a longer token
    (ApiKeyRecognizer, "ghp_short123"),
    (ApiKeyRecognizer, "we use sk-learn for this"),
    (ApiKeyRecognizer, "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),  # a placeholder
    (ApiKeyRecognizer, "xoxq-1234567890-abcdef"),
    (ApiKeyRecognizer, "AIzaShort"),
    (AwsSecretKeyRecognizer, "checksum wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),  # no AWS label
    (AwsSecretKeyRecognizer, "aws secret key = abcdefghijabcdefghijabcdefghijabcdefghij"),
    (
        PrivateKeyRecognizer,
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOC\n-----END PUBLIC KEY-----",
    ),
    (JwtRecognizer, _jwt({"typ": "JWT"})),  # no alg
    (JwtRecognizer, "eyJub3QganNvbiBhdCBhbGw.abc.def"),  # header is not JSON
    (BearerTokenRecognizer, "the bearer of bad news arrived yesterday"),
    (BearerTokenRecognizer, "Bearer short1"),
]


@pytest.mark.parametrize(("cls", "text"), NEGATIVES)
def test_secret_near_miss(cls: type[PatternRecognizer], text: str) -> None:
    assert cls().analyze(text, ["SECRET"]) == []
