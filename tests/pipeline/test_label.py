"""AI output is labelled (Law 230-VIII Art. 21): a header always, a notice when configured."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from qorgan.pipeline import Guard, GuardRequest, Runtime, UpstreamRequest, UpstreamResponse
from qorgan.policies import __file__ as policies_init
from qorgan.settings import Settings

pytestmark = pytest.mark.anyio

NOTICE = "Бұл жауапты жасанды интеллект жасады."


def _policy(tmp_path: Path, notice: bool, field: bool = False) -> str:
    text = (Path(policies_init).parent / "default.yaml").read_text(encoding="utf-8")
    if notice:
        text = text.replace("  label: true", f'  label: true\n  label_notice: "{NOTICE}"')
    if field:
        text = text.replace("  label: true", "  label: true\n  label_field: true")
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


async def _answer(policy: str, stream: bool) -> tuple[dict[str, str], bytes]:
    runtime = Runtime.from_settings(Settings(policy=policy, master_key=secrets.token_bytes(32)))

    async def chunks() -> AsyncIterator[bytes]:
        yield b'data: {"choices":[{"index":0,"delta":{"content":"All done.\\n"}}]}\n\n'
        yield b"data: [DONE]\n\n"

    async def upstream(request: UpstreamRequest) -> UpstreamResponse:
        if stream:
            return UpstreamResponse(200, [("content-type", "text/event-stream")],
                                    chunks=chunks())
        reply = {"choices": [{"index": 0, "message": {"role": "assistant",
                                                      "content": "All done."}}]}
        return UpstreamResponse(200, [("content-type", "application/json")],
                                body=json.dumps(reply).encode())

    body = {"model": "m", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}
    response = await Guard(runtime).handle(GuardRequest(
        "POST", "chat/completions", {"content-type": "application/json"},
        json.dumps(body).encode()), upstream)
    if response.chunks is not None:
        data = b"".join([c async for c in response.chunks])
    else:
        data = response.body or b""
    await runtime.aclose()
    return dict(response.headers), data


@pytest.mark.parametrize(("notice", "field"), [(False, False), (True, False), (True, True),
                                               (False, True)])
async def test_a_whole_answer_is_labelled(tmp_path: Path, notice: bool, field: bool) -> None:
    """The header always; the ``ai_notice`` body field only when the policy opts in, since
    strict clients may reject a field the API does not define."""
    headers, data = await _answer(_policy(tmp_path, notice, field), stream=False)
    assert headers["x-ai-generated"] == "true"
    doc = json.loads(data)
    assert doc["choices"][0]["message"]["content"] == "All done."
    assert doc.get("ai_notice") == (NOTICE if notice and field else None)


@pytest.mark.parametrize("notice", [False, True])
async def test_a_stream_is_labelled_with_a_comment_first(tmp_path: Path, notice: bool) -> None:
    headers, data = await _answer(_policy(tmp_path, notice), stream=True)
    assert headers["x-ai-generated"] == "true"
    text = data.decode()
    assert text.startswith(f": ai-notice: {NOTICE}\n\n") is notice
    assert "All done." in text
    assert text.rstrip().endswith("data: [DONE]")
