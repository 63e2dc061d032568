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
    LabelledPasswordRecognizer,
    PrivateKeyRecognizer,
    UrlPasswordRecognizer,
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
# a service-account file pasted as text: its line breaks are the two characters "\n"
PEM_ESCAPED = (
    "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n"
    "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\\n"
    "-----END PRIVATE KEY-----\\n"
)
PEM_CUT = (
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n"
    "VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu"
)
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

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
    # Stripe secret, restricted and webhook keys (live and test)
    (ApiKeyRecognizer, "STRIPE_KEY=sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv",
     "sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv"),
    (ApiKeyRecognizer, "rk_live_51HxYzAbCdEfGhIjKlMnOpQrSt00",
     "rk_live_51HxYzAbCdEfGhIjKlMnOpQrSt00"),
    (ApiKeyRecognizer, "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
    (ApiKeyRecognizer, "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH",
     "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH"),
    # GitLab tokens
    (ApiKeyRecognizer, "token: glpat-Ab3dEf6hIj9lMn2pQr5t", "glpat-Ab3dEf6hIj9lMn2pQr5t"),
    (ApiKeyRecognizer, "gldt-x9Yz8Wv7Ut6Sr5Qp4On3", "gldt-x9Yz8Wv7Ut6Sr5Qp4On3"),
    # Hugging Face
    (ApiKeyRecognizer, "HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
     "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
    # Telegram bot tokens, alone and inside their API URL
    (ApiKeyRecognizer, "token = '8387718787:AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4', webhook",
     "8387718787:AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4"),
    (ApiKeyRecognizer,
     "GET /bot3104898716:AA_La2kI_ipaiGUn3_nF4gwnFDkSm39wtF-/getMe",
     "3104898716:AA_La2kI_ipaiGUn3_nF4gwnFDkSm39wtF-"),
    # PEM pasted with literal "\n", and cut off before its end line
    (PrivateKeyRecognizer, f'{{"private_key": "{PEM_ESCAPED}", "client_email": "x"}}',
     PEM_ESCAPED.removesuffix("\\n")),
    (PrivateKeyRecognizer, f"key:\n{PEM_CUT}", PEM_CUT),
    # an AWS secret in a credentials CSV, right after its key id
    (AwsSecretKeyRecognizer, f"AKIAIOSFODNN7EXAMPLE,{AWS_SECRET}", AWS_SECRET),
    (AwsSecretKeyRecognizer,
     f"Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,{AWS_SECRET}\n", AWS_SECRET),
    (AwsSecretKeyRecognizer, f'"ASIAY34FZKBOKMUTVV7A";"{AWS_SECRET}"', AWS_SECRET),
    (AwsSecretKeyRecognizer, f"AKIAIOSFODNN7EXAMPLE {AWS_SECRET}", AWS_SECRET),
    # only the password of a connection URL
    (UrlPasswordRecognizer, "postgres://app:S3cretPass@db.example.com:5432/app", "S3cretPass"),
    (UrlPasswordRecognizer, "postgresql://app:p%40ss-w0rd@10.0.0.5/app", "p%40ss-w0rd"),
    (UrlPasswordRecognizer, "DATABASE_URL=mysql://root:Tr0ub4dor&3@localhost/shop", "Tr0ub4dor&3"),
    (UrlPasswordRecognizer, "redis://:hunter2hunter2@cache:6379/0", "hunter2hunter2"),
    (UrlPasswordRecognizer, "postgres://app_user:ECHr#0DxeBY3@db.internal:5432/orders",
     "ECHr#0DxeBY3"),
    (UrlPasswordRecognizer, "amqps://guest:Gu3st!pw@mq.example.com/vhost", "Gu3st!pw"),
    (UrlPasswordRecognizer, "mongodb+srv://admin:zX9-qW8_eR7@cluster0.ab1cd.mongodb.net/db",
     "zX9-qW8_eR7"),
    (UrlPasswordRecognizer, "jdbc:sqlserver://sa:Passw0rd!@db:1433", "Passw0rd!"),
    (UrlPasswordRecognizer, "https://deploy:ghx7Kp2Q@git.example.com/repo.git", "ghx7Kp2Q"),
    # a password after its label, as a key or in a sentence: only the value
    (LabelledPasswordRecognizer, "password: hunter2", "hunter2"),
    (LabelledPasswordRecognizer, "My password is hunter2", "hunter2"),
    (LabelledPasswordRecognizer, "pwd=Summer2024!", "Summer2024!"),
    (LabelledPasswordRecognizer, "DB_PASSWORD=s3cr3t-Value", "s3cr3t-Value"),
    (LabelledPasswordRecognizer, '{"password": "Tr0ub4dor&3"}', "Tr0ub4dor&3"),
    (LabelledPasswordRecognizer, "password => 'abc123'", "abc123"),
    (LabelledPasswordRecognizer, "The password is Tr0ub4dor&3.", "Tr0ub4dor&3"),
    (LabelledPasswordRecognizer, "the password for the wifi is Sunflower#2024", "Sunflower#2024"),
    (LabelledPasswordRecognizer, "password to my bank account was Qwerty!23", "Qwerty!23"),
    (LabelledPasswordRecognizer, "Login admin, password P@ss1234, then restart", "P@ss1234"),
    (LabelledPasswordRecognizer, "passphrase: correct-horse-battery-staple",
     "correct-horse-battery-staple"),
    (LabelledPasswordRecognizer, "пароль: qwerty123", "qwerty123"),
    (LabelledPasswordRecognizer, "Мой пароль — Qwerty2024", "Qwerty2024"),
    (LabelledPasswordRecognizer, "құпия сөз: Aa123456", "Aa123456"),
    (LabelledPasswordRecognizer, "my PIN is 4821", "4821"),
    (LabelledPasswordRecognizer, "PIN: 0000", "0000"),
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
    # Stripe publishable keys are meant for web pages
    (ApiKeyRecognizer, "pk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv"),
    (ApiKeyRecognizer, "pk_test_TYooMQauvdEDq54NiTphI7jx"),
    (ApiKeyRecognizer, "sk_live_short"),
    (ApiKeyRecognizer, "glpat-short"),
    (ApiKeyRecognizer, "myglpat-Ab3dEf6hIj9lMn2pQr5t"),  # inside a longer word
    # "hf_" identifiers, not tokens
    (ApiKeyRecognizer, "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"),
    (ApiKeyRecognizer, "hf_hub_download_cache_directory_path"),
    (ApiKeyRecognizer, "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    # a ratio or a time before "AA", and a token-shaped value without the "AA"
    (ApiKeyRecognizer, "12345678:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    (ApiKeyRecognizer, "8387718787:BBJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4"),
    # a fragment after the host part is not a password
    (UrlPasswordRecognizer, "https://example.com:8080/page#section@top"),
    # a 40-character run after something that is not an AWS key id
    (AwsSecretKeyRecognizer, f"AKIA1234,{AWS_SECRET}"),
    (AwsSecretKeyRecognizer, f"sha1,{AWS_SECRET}"),
    # URLs without a password, or with a placeholder
    (UrlPasswordRecognizer, "https://example.com:8080/path?q=1"),
    (UrlPasswordRecognizer, "postgres://app@db.example.com/app"),
    (UrlPasswordRecognizer, "postgres://app:@db.example.com/app"),
    (UrlPasswordRecognizer, "mongodb://db1.example.com:27017,db2.example.com:27017/app"),
    (UrlPasswordRecognizer, "postgres://user:password@localhost/db"),
    (UrlPasswordRecognizer, "postgres://user:${DB_PASSWORD}@localhost/db"),
    (UrlPasswordRecognizer, "redis://:<password>@cache:6379"),
    (UrlPasswordRecognizer, "mysql://root:****@localhost/shop"),
    (UrlPasswordRecognizer, "s3://access_key_id:secret_access_key@bucket/key"),
    (UrlPasswordRecognizer, "amqp://user:your-pass@mq/vhost"),
    (UrlPasswordRecognizer, "see http://example.com/a:b@c for the syntax"),
    (UrlPasswordRecognizer, "mailto:aigerim@mail.kz"),
    # a label with no password after it: prose, schema words, placeholders, paths, code
    (LabelledPasswordRecognizer, "Forgot your password?"),
    (LabelledPasswordRecognizer, "The password is incorrect."),
    (LabelledPasswordRecognizer, "the password is required"),
    (LabelledPasswordRecognizer, "The password is too short"),
    (LabelledPasswordRecognizer, "password for user Admin1 expires tomorrow"),
    (LabelledPasswordRecognizer, "the password for the portal is changed monthly"),
    (LabelledPasswordRecognizer, "password must be 8 characters"),
    (LabelledPasswordRecognizer, "the passcode was changed"),
    (LabelledPasswordRecognizer, "password: null"),
    (LabelledPasswordRecognizer, "password: string"),
    (LabelledPasswordRecognizer, "password: ${DB_PASSWORD}"),
    (LabelledPasswordRecognizer, "password: <your password>"),
    (LabelledPasswordRecognizer, "password: ********"),
    (LabelledPasswordRecognizer, 'password = os.environ["DB_PASSWORD"]'),
    (LabelledPasswordRecognizer, "password = settings.DB_PASSWORD"),
    (LabelledPasswordRecognizer, "password: str = Field(...)"),
    (LabelledPasswordRecognizer, "PWD=/home/app"),
    (LabelledPasswordRecognizer, "cd $(pwd)"),
    (LabelledPasswordRecognizer, "spinning pins 1234"),
    (LabelledPasswordRecognizer, "pin 2 of the connector"),
    # the sentence's question mark ends a plain word, not a password
    (LabelledPasswordRecognizer, "should I use a password manager?"),
    (LabelledPasswordRecognizer, "надо ли менять пароль везде?"),
]


@pytest.mark.parametrize(("cls", "text"), NEGATIVES)
def test_secret_near_miss(cls: type[PatternRecognizer], text: str) -> None:
    assert cls().analyze(text, ["SECRET"]) == []
