"""What a model's answer says about itself, for the GenAI CLIENT span and metrics: response
id, response model, finish reasons and token usage — identifiers and counts, never text.

The same reader serves whole JSON answers and event streams of every provider qorgan
guards: OpenAI chat and completions (top-level ``id``/``model``, ``choices[].finish_reason``,
``usage`` with ``prompt_tokens``/``completion_tokens``, the last chunk of a stream asked
with ``stream_options.include_usage``), the Responses API (a ``response`` object with
``status`` and ``usage``) and Anthropic Messages (``message_start``'s ``message``,
``message_delta``'s ``stop_reason`` and ``usage``).

A stream is observed as it passes (:class:`StreamMeta`): lines are split without parsing
the events, and only the few ``data:`` lines that can carry one of these fields are parsed
as JSON. Everything here is telemetry: a line that does not parse is skipped.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from qorgan._aio import aclose
from qorgan.audit.record import ident

#: a ``data:`` line matching this may carry response metadata; the others are not parsed
#: (``"finish_reason": null`` and ``"usage": null`` ride on every chunk of some streams)
_MARKER = re.compile(
    rb'"(?:finish_reason|stop_reason)"\s*:\s*"|"usage"\s*:\s*\{'
    rb'|"type"\s*:\s*"(?:message_start|response\.(?:created|completed|incomplete|failed))"'
)
#: a line longer than this is not kept for metadata (a huge content delta)
_MAX_LINE = 1 << 16
_MAX_REASONS = 16


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else None


@dataclass(slots=True)
class ResponseMeta:
    """Identifiers and counts a model's answer reports (each checked identifier-shaped)."""

    id: str | None = None
    model: str | None = None
    finish_reasons: list[str] = field(default_factory=list)
    input_tokens: int | None = None
    output_tokens: int | None = None

    def usage(self) -> dict[str, int] | None:
        out = {k: v for k, v in (("input_tokens", self.input_tokens),
                                 ("output_tokens", self.output_tokens)) if v is not None}
        return out or None

    def read(self, doc: Any) -> None:
        """Take what ``doc`` (a JSON answer or one stream event) reports."""
        if not isinstance(doc, Mapping):
            return
        for holder in (doc, doc.get("response"), doc.get("message")):
            if isinstance(holder, Mapping):
                self._ids(holder)
                self._usage(holder.get("usage"))
        response = doc.get("response")
        if isinstance(response, Mapping) and doc.get("type") in {
            "response.completed", "response.incomplete", "response.failed",
        }:
            self._reason(response.get("status"))
        if "object" in doc and isinstance(doc.get("status"), str):
            self._reason(doc.get("status"))  # a whole Responses API answer
        choices = doc.get("choices")
        if isinstance(choices, list):
            for choice in choices:
                if isinstance(choice, Mapping):
                    self._reason(choice.get("finish_reason"))
        self._reason(doc.get("stop_reason"))
        delta = doc.get("delta")
        if isinstance(delta, Mapping):
            self._reason(delta.get("stop_reason"))

    def _ids(self, holder: Mapping[str, Any]) -> None:
        if self.id is None and isinstance(holder.get("id"), str):
            self.id = ident(holder["id"][:128])
        if self.model is None and isinstance(holder.get("model"), str):
            self.model = ident(holder["model"][:128])

    def _usage(self, usage: Any) -> None:
        if not isinstance(usage, Mapping):
            return
        for ours, theirs in (("input_tokens", ("input_tokens", "prompt_tokens")),
                             ("output_tokens", ("output_tokens", "completion_tokens"))):
            for key in theirs:
                value = _count(usage.get(key))
                if value is not None:
                    setattr(self, ours, value)
                    break

    def _reason(self, value: Any) -> None:
        if isinstance(value, str) and len(self.finish_reasons) < _MAX_REASONS:
            checked = ident(value[:64])
            if checked is not None:
                self.finish_reasons.append(checked)


def read_body(raw: bytes) -> ResponseMeta:
    """The metadata of a whole JSON answer (empty when it is not JSON)."""
    meta = ResponseMeta()
    with contextlib.suppress(ValueError, UnicodeDecodeError, RecursionError):
        meta.read(json.loads(raw))
    return meta


class StreamMeta:
    """Reads response metadata from an SSE byte stream as it passes through."""

    def __init__(self) -> None:
        self.meta = ResponseMeta()
        self._tail = b""
        self._first = True

    def feed(self, chunk: bytes) -> None:
        try:
            data = self._tail + chunk
            lines = data.split(b"\n")
            self._tail = lines.pop()
            if len(self._tail) > _MAX_LINE:
                self._tail = b""
            for line in lines:
                self._line(line)
        except Exception:  # noqa: BLE001, S110 - telemetry never breaks a stream
            pass

    def close(self) -> None:
        if self._tail:
            self._line(self._tail)
            self._tail = b""

    def _line(self, line: bytes) -> None:
        if not line.startswith(b"data:"):
            return
        # the first event names the answer's id and model; later ones only when marked
        if not (self._first or _MARKER.search(line)):
            return
        payload = line[5:].strip()
        if not payload.startswith(b"{"):
            return
        try:
            doc = json.loads(payload)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return
        self._first = False
        self.meta.read(doc)

    async def tap(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        """``chunks`` unchanged, read on the way; closes them however iteration ends."""
        try:
            async for chunk in chunks:
                self.feed(chunk)
                yield chunk
            self.close()
        finally:
            await aclose(chunks)


__all__ = ["ResponseMeta", "StreamMeta", "read_body"]
