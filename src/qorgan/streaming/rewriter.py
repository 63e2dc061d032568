"""Rewrite a model's SSE stream: restore and scan every text delta, examine every other field.

One :class:`StreamRewriter` serves one response stream. It parses the upstream bytes as SSE,
routes each text delta to the :class:`~qorgan.streaming.text.IncrementalText` of its channel,
puts the released text back in the event, passes every other string through
``on_event_fields`` and writes valid SSE out. Nothing reaches the client unexamined:

- upstream failure (the chunk iterator raises): held text is processed and released, then an
  ``error`` event with code ``upstream_error``;
- bytes that are not SSE or data that is not a JSON object: held text is released, then an
  ``error`` event with code ``invalid_upstream_stream``; the rest of the stream is dropped;
- a processor or field scanner raising: an ``error`` event with the error's code (a
  ``QorganError``) or ``internal_error`` (anything else); held text is dropped, since the
  step that protects it failed;
- the client going away (the consumer closes this generator): the upstream iterator is
  closed at once.

Error events read ``{"type": "error", "error": {"type": "api_error", "code": ..., "message":
..., "details": {"error_code": ...}}}``, which both the OpenAI and the Anthropic SDK raise as
an API error exposing the code (``APIError.code``, ``APIStatusError.error_code``); the
message is qorgan's own and never carries content.
"""

from __future__ import annotations

import contextlib
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Sequence,
)
from dataclasses import replace

from qorgan._aio import aclose
from qorgan.errors import QorganError, UpstreamError
from qorgan.protocols.sse import SSEComment, SSEError, SSEEvent, SSEItem, SSEParser, serialize
from qorgan.streaming._base import FieldScanner, Handler, StreamStats, dumps, loads_object
from qorgan.streaming.segment import HoldbackPolicy
from qorgan.streaming.text import TextProcessor

__all__ = ["StreamRewriter", "StreamStats"]


def error_event(code: str, message: str) -> SSEEvent:
    # ``details.error_code`` is where the Anthropic SDK reads a stable code
    body = {"type": "error", "error": {"type": "api_error", "code": code, "message": message,
                                       "details": {"error_code": code}}}
    return SSEEvent(data=dumps(body), event="error")


class StreamRewriter:
    """Rewrites one stream of the protocol ``handler`` speaks (a provider endpoint's
    ``stream``: ``ChatHandler``, ``ResponsesHandler``, ``AnthropicHandler``, ...).

    ``processor_factory`` makes the processor of one text channel; ``json_processor_factory``
    (default: the same) serves channels whose text is JSON (tool-call arguments,
    ``partial_json``), where inserted values must be JSON-string escaped.
    """

    def __init__(
        self,
        handler: type[Handler],
        processor_factory: Callable[[], TextProcessor],
        *,
        on_event_fields: Callable[[str], Awaitable[str]] | None = None,
        json_processor_factory: Callable[[], TextProcessor] | None = None,
        holdback: HoldbackPolicy | None = None,
        max_line: int = 1 << 20,
        max_event: int = 8 << 20,
    ) -> None:
        if not (isinstance(handler, type) and issubclass(handler, Handler)):
            raise ValueError("a StreamRewriter needs a stream Handler class")
        self._stats = StreamStats()
        scanner: FieldScanner | None = on_event_fields
        self._handler = handler(
            processor_factory,
            json_processor_factory or processor_factory,
            holdback,
            scanner,
            self._stats,
        )
        self._parser = SSEParser(max_line=max_line, max_event=max_event)
        self._started = False
        #: the stream ended in an error event
        self._stopped = False

    @property
    def stats(self) -> StreamStats:
        return self._stats

    async def rewrite(self, chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        if self._started:
            raise ValueError("a StreamRewriter rewrites exactly one stream")
        self._started = True
        upstream = aiter(chunks)
        try:
            while True:
                try:
                    chunk = await anext(upstream)
                except StopAsyncIteration:
                    break
                except QorganError as exc:
                    yield await self._fail(exc, flush=True)
                    return
                except Exception:  # noqa: BLE001 - every upstream failure ends the stream alike
                    yield await self._fail(UpstreamError("upstream stream failed"), flush=True)
                    return
                self._stats.bytes_in += len(chunk)
                # closed at once if the client leaves while an event is being written
                async with contextlib.aclosing(self._step(chunk)) as outputs:
                    async for out in outputs:
                        yield out
                if self._stopped:
                    return
            async with contextlib.aclosing(self._step(None)) as outputs:
                async for out in outputs:
                    yield out
        finally:
            await aclose(upstream)

    async def _step(self, chunk: bytes | None) -> AsyncGenerator[bytes, None]:
        """Parse a chunk (None: end of stream) and rewrite its events, yielding each event's
        output as soon as it is ready: a network read that holds many events (a fast
        upstream) does not hold the first one back until the last is processed."""
        failure: QorganError
        try:
            items = self._parser.feed(chunk) if chunk is not None else self._parser.close()
            for item in items:
                out = self._encode(await self._item(item))
                if out:
                    yield out
            if chunk is None:
                out = self._encode(await self._handler.on_end())
                if out:
                    yield out
            return
        except SSEError as exc:
            failure, flush = exc, True
        except QorganError as exc:
            failure, flush = exc, False
        except Exception:  # noqa: BLE001 - a failing step must end the stream closed, not open
            failure, flush = QorganError("stream processing failed"), False
        self._stopped = True
        yield await self._fail(failure, flush=flush)

    async def _item(self, item: SSEItem) -> list[SSEItem]:
        handler = self._handler
        if isinstance(item, SSEComment):
            self._stats.comments += 1
            return [SSEComment(await handler.scan_text(item.text))]
        self._stats.events_in += 1
        if item.id:
            item = replace(item, id=await handler.scan_text(item.id))
        if item.event:
            item = replace(item, event=await handler.scan_word(item.event))
        data = item.data
        if data is None or not data.strip():
            return [item]
        if data.strip() == "[DONE]":
            self._stats.done = True
            return list(await handler.on_event(item, None))
        return list(await handler.on_event(item, loads_object(data)))

    async def _fail(self, exc: QorganError, *, flush: bool) -> bytes:
        events: list[SSEItem] = []
        held = b""
        if flush:
            try:
                events.extend(await self._handler.on_end())
                held = self._encode(events)
            except Exception:  # noqa: BLE001 - held text that cannot be processed is dropped
                held = b""
        self._stats.error = exc.code
        return held + self._encode([error_event(exc.code, exc.message)])

    def _encode(self, items: Sequence[SSEItem]) -> bytes:
        if not items:
            return b""
        out = "".join([serialize(item) for item in items]).encode("utf-8")
        self._stats.events_out += sum(1 for item in items if isinstance(item, SSEEvent))
        self._stats.bytes_out += len(out)
        return out
