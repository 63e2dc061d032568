"""presidio-anonymizer's REST contract, with the cases of Presidio's own e2e tests
(``e2e-tests/tests/test_api_anonymizer.py``). The anonymizer works on the spans it is
given, so qorgan's answers are a stock Presidio server's, byte for byte, except for errors
(qorgan's envelope) and the operator list (no ``custom``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from json_compare import canonical
from qorgan.api.anonymizer import decrypt, encrypt

pytestmark = pytest.mark.anyio

JANE = "hello world, my name is Jane Doe. My number is: 034453334"
PARK = "I'm George Washington Square Park"
PARK_RESULTS = [{"start": 4, "end": 21, "score": 0.80, "entity_type": "NAME"},
                {"start": 11, "end": 33, "score": 0.80, "entity_type": "LOCATION"}]
#: a value Presidio's own server encrypted with the key 1111111111111111
PRESIDIO_CIPHERTEXT = "e6HnOMnIxbd4a8Qea44LshQDnjvxwzBIaAz+YqHNnMW2mC5r3AWoay8Spsoajyyy"


def item(operator: str, entity: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {"operator": operator, "entity_type": entity, "start": start, "end": end,
            "text": text}


CASES = [
    pytest.param(
        {"text": JANE,
         "anonymizers": {"DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"},
                         "PHONE_NUMBER": {"type": "mask", "masking_char": "*",
                                          "chars_to_mask": 4, "from_end": True}},
         "analyzer_results": [
             {"start": 24, "end": 32, "score": 0.8, "entity_type": "NAME"},
             {"start": 24, "end": 28, "score": 0.8, "entity_type": "FIRST_NAME"},
             {"start": 29, "end": 32, "score": 0.6, "entity_type": "LAST_NAME"},
             {"start": 48, "end": 57, "score": 0.95, "entity_type": "PHONE_NUMBER"}]},
        {"text": "hello world, my name is ANONYMIZED. My number is: 03445****",
         "items": [item("mask", "PHONE_NUMBER", 50, 59, "03445****"),
                   item("replace", "NAME", 24, 34, "ANONYMIZED")]},
        id="valid-request"),
    pytest.param(
        {"text": "", "anonymizers": {"DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"}},
         "analyzer_results": []},
        {"text": "", "items": []}, id="empty-text"),
    pytest.param(
        {"text": "hello world! nice to meet you!",
         "anonymizers": {"DEFAULT": {"type": "replace", "new_value": "ANONYMIZED"}},
         "analyzer_results": []},
        {"text": "hello world! nice to meet you!", "items": []}, id="empty-analyzer-results"),
    pytest.param(
        {"text": JANE, "anonymizers": {"NAME": {"type": "keep"},
                                       "PHONE_NUMBER": {"type": "replace"}},
         "analyzer_results": [{"start": 24, "end": 32, "score": 0.80, "entity_type": "NAME"},
                              {"start": 48, "end": 57, "score": 0.95,
                               "entity_type": "PHONE_NUMBER"}]},
        {"text": "hello world, my name is Jane Doe. My number is: <PHONE_NUMBER>",
         "items": [item("replace", "PHONE_NUMBER", 48, 62, "<PHONE_NUMBER>"),
                   item("keep", "NAME", 24, 32, "Jane Doe")]},
        id="keep-name"),
    pytest.param(
        {"text": PARK, "anonymizers": {"NAME": {"type": "keep"},
                                       "LOCATION": {"type": "replace"}},
         "analyzer_results": PARK_RESULTS},
        {"text": "I'm George Washington<LOCATION>",
         "items": [item("replace", "LOCATION", 21, 31, "<LOCATION>"),
                   item("keep", "NAME", 4, 21, "George Washington")]},
        id="overlapping-keep-first"),
    pytest.param(
        {"text": PARK, "anonymizers": {"NAME": {"type": "replace"},
                                       "LOCATION": {"type": "keep"}},
         "analyzer_results": PARK_RESULTS},
        {"text": "I'm <NAME>Washington Square Park",
         "items": [item("keep", "LOCATION", 10, 32, "Washington Square Park"),
                   item("replace", "NAME", 4, 10, "<NAME>")]},
        id="overlapping-keep-second"),
    pytest.param(
        {"text": PARK, "anonymizers": {"DEFAULT": {"type": "keep"}},
         "analyzer_results": PARK_RESULTS},
        {"text": "I'm George WashingtonWashington Square Park",
         "items": [item("keep", "LOCATION", 21, 43, "Washington Square Park"),
                   item("keep", "NAME", 4, 21, "George Washington")]},
        id="overlapping-keep-both"),
]


@pytest.mark.parametrize(("body", "expected"), CASES)
async def test_anonymize(presidio: httpx.AsyncClient, body: dict[str, Any],
                         expected: dict[str, Any]) -> None:
    response = await presidio.post("/anonymize", json=body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["text"] == expected["text"]
    # Presidio lists items from the last replacement to the first: so does qorgan
    assert answer["items"] == expected["items"]


@pytest.mark.parametrize(
    ("path", "content", "code", "field"),
    [
        # Presidio: 400 "The browser (or proxy) sent a request that this server could not
        # understand." (trailing commas)
        pytest.param("/anonymize", '{"text": "' + JANE + '", "anonymizers": {"DEFAULT": '
                     '{"type": "replace", "new_value": "ANONYMIZED"},}, "analyzer_results": '
                     '[{"start": 24, "end": 32, "score": 0.8, "entity_type": "NAME"},]}',
                     "invalid_json", None, id="deformed-body"),
        # Presidio: 400 "Custom type anonymizer is not supported"
        pytest.param("/anonymize", {"text": "two emails: email1@conto.com",
                                    "anonymizers": {"DEFAULT": {"type": "custom",
                                                                "new_value": "lambda x: x"}},
                                    "analyzer_results": [{"start": 12, "end": 28, "score": 1.0,
                                                          "entity_type": "EMAIL_ADDRESS"}]},
                     "unsupported_operator", "anonymizers", id="custom-operator"),
        # Presidio: 422 "Invalid input, key must be of length 128, 192 or 256 bits"
        pytest.param("/deanonymize", {
            "text": PRESIDIO_CIPHERTEXT,
            "deanonymizers": {"NUMBER": {"type": "decrypt", "key": "invalidkey"}},
            "anonymizer_results": [{"start": 0, "end": len(PRESIDIO_CIPHERTEXT),
                                    "entity_type": "NUMBER"}]},
            "invalid_operator", "anonymizers", id="decrypt-invalid-key"),
        # Presidio: 400 "Invalid request json"
        pytest.param("/deanonymize", "\n { }\n", "invalid_payload", None,
                     id="decrypt-missing-payload"),
        pytest.param("/anonymize", "{}", "invalid_payload", None, id="anonymize-empty"),
        # Presidio: 422 "request must contain analyzer results"
        pytest.param("/anonymize", {"text": JANE}, "missing_field", "analyzer_results",
                     id="no-analyzer-results"),
        # Presidio: 422 "start ... must be smaller than end ..."
        pytest.param("/anonymize", {"text": JANE, "analyzer_results": [
            {"start": 30, "end": 20, "score": 1.0, "entity_type": "NAME"}]},
            "invalid_value", "analyzer_results", id="start-after-end"),
        # Presidio: 422 "Invalid analyzer result, start: ... while text length is only ..."
        pytest.param("/anonymize", {"text": "short", "analyzer_results": [
            {"start": 0, "end": 20, "score": 1.0, "entity_type": "NAME"}]},
            "invalid_value", "analyzer_results", id="span-past-text"),
        pytest.param("/anonymize", {"text": JANE, "anonymizers": {
            "DEFAULT": {"type": "mask", "masking_char": "**", "chars_to_mask": 4,
                        "from_end": True}},
            "analyzer_results": [{"start": 24, "end": 32, "score": 1.0,
                                  "entity_type": "NAME"}]},
            "invalid_operator", "anonymizers", id="mask-two-characters"),
    ],
)
async def test_errors_in_qorgans_envelope(
    presidio: httpx.AsyncClient, path: str, content: Any, code: str, field: str | None
) -> None:
    if isinstance(content, str):
        response = await presidio.post(path, content=content,
                                       headers={"content-type": "application/json"})
    else:
        response = await presidio.post(path, json=content)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error.get("field")) == (code, field)
    assert "Jane Doe" not in response.text
    assert "conto.com" not in response.text


async def test_operator_lists(presidio: httpx.AsyncClient) -> None:
    # Presidio lists "custom" too, which its REST server then refuses
    anonymizers = await presidio.get("/anonymizers")
    assert canonical(anonymizers.json()) == canonical(
        ["hash", "mask", "redact", "replace", "encrypt", "keep"])
    deanonymizers = await presidio.get("/deanonymizers")
    assert canonical(deanonymizers.json()) == canonical(["decrypt", "deanonymize_keep"])


async def test_decrypts_what_presidio_encrypted(presidio: httpx.AsyncClient) -> None:
    body = {"text": PRESIDIO_CIPHERTEXT,
            "deanonymizers": {"NUMBER": {"type": "decrypt", "key": "1111111111111111"}},
            "anonymizer_results": [{"start": 0, "end": len(PRESIDIO_CIPHERTEXT),
                                    "entity_type": "NUMBER"}]}
    response = await presidio.post("/deanonymize", json=body)
    assert response.status_code == 200
    assert response.json() == {"text": "text_for_encryption", "items": [
        item("decrypt", "NUMBER", 0, 19, "text_for_encryption")]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"text": PRESIDIO_CIPHERTEXT}, {"text": PRESIDIO_CIPHERTEXT, "items": []}),
        ({"key": "1111111111111111"}, {"text": "", "items": []}),
    ],
    ids=["decrypt-missing-key", "decrypt-missing-text"],
)
async def test_deanonymize_with_nothing_to_do(
    presidio: httpx.AsyncClient, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    response = await presidio.post("/deanonymize", json=body)
    assert response.status_code == 200
    assert response.json() == expected


async def test_encrypt_then_decrypt_returns_the_original(presidio: httpx.AsyncClient) -> None:
    text = "Lorem Ipsum is a Software Engineer"
    anonymized = await presidio.post("/anonymize", json={
        "text": text,
        "anonymizers": {"DEFAULT": {"type": "encrypt", "key": "1111111111111111"},
                        "TITLE": {"type": "encrypt", "key": "2222222222222222"}},
        "analyzer_results": [{"start": 0, "end": 12, "score": 0.8, "entity_type": "NAME"},
                             {"start": 18, "end": len(text), "score": 0.8,
                              "entity_type": "TITLE"}]})
    encrypted = anonymized.json()["text"]
    assert "Lorem" not in encrypted
    # the offsets Presidio's case uses: a 12-byte value is one block (44 base64 chars), the
    # 17-byte title two (64)
    decrypted = await presidio.post("/deanonymize", json={
        "text": encrypted,
        "deanonymizers": {"DEFAULT": {"type": "decrypt", "key": "1111111111111111"},
                          "TITLE": {"type": "decrypt", "key": "2222222222222222"}},
        "anonymizer_results": [{"start": 0, "end": 44, "entity_type": "NAME"},
                               {"start": 50, "end": 114, "entity_type": "TITLE"}]})
    assert decrypted.json()["text"] == text


@pytest.mark.parametrize("key", ["1" * 16, "k" * 24, "é" * 16])  # 16, 24 and 32 bytes
def test_cipher_round_trip_and_format(key: str) -> None:
    raw = key.encode()
    token = encrypt(raw, "Ержан Қасымов, 850101300124")
    assert len(token) % 4 == 0
    assert "+" not in token  # URL-safe base64, as Presidio writes it
    assert "/" not in token
    assert decrypt(raw, token) == "Ержан Қасымов, 850101300124"
    assert encrypt(raw, "same") != encrypt(raw, "same")  # a random IV each time


@pytest.mark.parametrize(("hash_type", "length"), [("sha256", 64), ("sha512", 128)])
async def test_hash_is_salted_unless_a_salt_is_given(
    presidio: httpx.AsyncClient, hash_type: str, length: int
) -> None:
    def body(params: dict[str, Any]) -> dict[str, Any]:
        return {"text": "IIN 901123300258", "analyzer_results": [
            {"start": 4, "end": 16, "score": 1.0, "entity_type": "KZ_IIN"}],
            "anonymizers": {"KZ_IIN": {"type": "hash", "hash_type": hash_type, **params}}}

    random_1 = (await presidio.post("/anonymize", json=body({}))).json()["text"]
    random_2 = (await presidio.post("/anonymize", json=body({}))).json()["text"]
    salted = [(await presidio.post("/anonymize", json=body({"salt": "s" * 16}))).json()["text"]
              for _ in range(2)]
    assert random_1 != random_2
    assert salted[0] == salted[1]
    assert len(salted[0]) == 4 + length


async def test_redact_and_merge_of_spaced_neighbours(presidio: httpx.AsyncClient) -> None:
    body = {"text": "Call Ержан Қасымов today", "anonymizers": {"DEFAULT": {"type": "redact"}},
            "analyzer_results": [{"start": 5, "end": 10, "score": 0.9, "entity_type": "PERSON"},
                                 {"start": 11, "end": 18, "score": 0.9,
                                  "entity_type": "PERSON"}]}
    answer = (await presidio.post("/anonymize", json=body)).json()
    assert answer == {"text": "Call  today", "items": [item("redact", "PERSON", 5, 5, "")]}
