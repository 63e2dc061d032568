"""A FastAPI service with an OpenAI-compatible ``/v1/chat/completions``, guarded by qorgan.

The endpoint forwards to the model at ``MODEL_UPSTREAM`` (an OpenAI-compatible base URL such
as ``http://127.0.0.1:18001/v1``); without it, it answers with a small echo of its own.
``GuardMiddleware`` sits in front: the endpoint only ever sees pseudonyms, the caller gets
its own values back, streamed or not.

    MODEL_UPSTREAM=http://127.0.0.1:18001/v1 QORGAN_MASTER_KEY=$(openssl rand -hex 32) \\
        uvicorn --factory examples.fastapi_app:create_app --port 8000
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from qorgan import GuardMiddleware
from qorgan.pipeline import Runtime
from qorgan.settings import Settings


def create_app(
    *,
    upstream: str | None = None,
    policy: str = "builtin:default",
    settings: Settings | None = None,
    runtime: Runtime | None = None,
) -> FastAPI:
    """``upstream`` (default: ``MODEL_UPSTREAM``) is where the endpoint sends guarded
    requests; ``runtime`` lets several apps share one (models load once per process)."""
    upstream = upstream or os.environ.get("MODEL_UPSTREAM") or None
    client = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0), trust_env=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await client.aclose()

    app = FastAPI(title="qorgan example", lifespan=lifespan)

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request) -> Response:
        body: dict[str, Any] = await request.json()
        if upstream is None:
            return _echo(body)
        headers = {"content-type": "application/json"}
        if "traceparent" in request.headers:
            headers["traceparent"] = request.headers["traceparent"]
        outbound = client.build_request("POST", upstream.rstrip("/") + "/chat/completions",
                                        json=body, headers=headers)
        reply = await client.send(outbound, stream=True)
        media = reply.headers.get("content-type", "application/json")
        if media.startswith("text/event-stream"):
            async def relay() -> AsyncIterator[bytes]:
                try:
                    async for chunk in reply.aiter_raw():
                        yield chunk
                finally:
                    await reply.aclose()

            return StreamingResponse(relay(), status_code=reply.status_code,
                                     media_type="text/event-stream")
        content = await reply.aread()
        await reply.aclose()
        return Response(content, status_code=reply.status_code, media_type=media)

    app.add_middleware(GuardMiddleware, policy=policy, routes=["/v1/*"], settings=settings,
                       runtime=runtime)
    return app


def _echo(body: dict[str, Any]) -> Response:
    """A stand-in model: repeats the last user message (what it saw: pseudonyms only)."""
    said = ""
    for message in body.get("messages", []):
        if isinstance(message, dict) and message.get("role") == "user" and isinstance(
                message.get("content"), str):
            said = message["content"]
    text = f"You wrote: {said}"
    model = str(body.get("model", "echo"))
    if body.get("stream"):
        async def events() -> AsyncIterator[bytes]:
            for i in range(0, len(text), 5):
                chunk = {"id": "chatcmpl-echo", "object": "chat.completion.chunk",
                         "created": 0, "model": model,
                         "choices": [{"index": 0, "delta": {"content": text[i:i + 5]}}]}
                yield f"data: {json.dumps(chunk)}\n\n".encode()
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
    return JSONResponse({"id": "chatcmpl-echo", "object": "chat.completion", "created": 0,
                         "model": model, "choices": [{
                             "index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}]})


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(), host="127.0.0.1", port=8000)
