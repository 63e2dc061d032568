"""The eighth step: the answer on its way back — the caller's own values restored, and what
the model wrote scanned and treated by the rules, one segment at a time
(``qorgan.streaming.split_segments``) whether the answer arrives whole or as a stream, so
both paths give the same text.

Each segment is scanned together with its left context (the raw text before it, see
``qorgan.streaming.left_context``); only findings that reach into the segment count. A
segment with no evidence of a name (``qorgan.detection.gate.needs_ner``: a capitalised word
that could be one, a cue just before it, a listed name in any case) is scanned by the
pattern recognizers alone, without NER.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from typing import Any

from qorgan._aio import aclose
from qorgan.decision import FindingDecision
from qorgan.detection.gate import needs_ner
from qorgan.detection.service import DetectionService
from qorgan.errors import QorganError, UpstreamError
from qorgan.pipeline.context import RequestContext
from qorgan.pipeline.payload import dump_json, media_type
from qorgan.pipeline.transform import Tokens
from qorgan.protocols import apply_slots
from qorgan.protocols.base import JSONTextSlot
from qorgan.providers import GENERIC
from qorgan.streaming import StreamRewriter, StreamStats, contexts, split_segments
from qorgan.transform import PLACEHOLDER_RE, Transformer
from qorgan.transform.restore import LinkGuard
from qorgan.types import Action, Direction, Finding

Stage = Callable[[str], AbstractContextManager[object]]
#: called once when a streamed answer ends: its status and the error it ended in, if any
StreamDone = Callable[[int, "QorganError | None"], Awaitable[None]]


def within(findings: Sequence[Finding], offset: int) -> list[Finding]:
    """Findings that reach past ``offset`` (the context's length), moved to the segment's
    coordinates; one that starts in the context is cut at the segment's start."""
    return [
        replace(f, start=max(f.start - offset, 0), end=f.end - offset)
        for f in findings
        if f.end > offset
    ]


#: protocol words (keys such as ``prompt_tokens``): hold no value a recognizer finds
_PROTOCOL_WORD = re.compile(r"[a-z][a-z_.]{0,63}")


def _keys_of(node: Any) -> Iterator[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield from item
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))


def _rename(node: Any, renamed: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {renamed.get(k, k): _rename(v, renamed) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename(v, renamed) for v in node]
    return node


#: the rule id the audit record names for tokens not restored into links
LINK_RULE = "response.restore_link_hosts"


def _withheld(links: LinkGuard) -> list[FindingDecision]:
    """One audit entry per token left unrestored in a link: its entity type, no value."""
    action = Action.REDACT if links.mode == "redact" else Action.PSEUDONYMIZE
    return [FindingDecision(Finding(entity, start, end, 1.0, "link"), 0, action, LINK_RULE,
                            reason="not restored inside a link")
            for entity, start, end in links.withheld]


@dataclass(slots=True)
class ResponseResult:
    """What the response side found and read, for the audit: owned by the scanner."""

    findings: list[FindingDecision] = field(default_factory=list)
    usage: dict[str, int] | None = None
    stream: StreamStats | None = None


class ResponseScanner:
    """Restore the caller's values and scan what the model wrote, one segment at a time.

    ``tokens`` is None when a protective step failed under ``on_error: allow``: the answer
    then passes as the model wrote it."""

    def __init__(
        self,
        ctx: RequestContext,
        *,
        detection: DetectionService,
        transformer: Transformer,
        tokens: Tokens | None,
        stage: Stage,
    ) -> None:
        self.ctx = ctx
        self._detection = detection
        self._transformer = transformer
        self._tokens = tokens
        self._stage = stage
        self.result = ResponseResult()

    async def segment(self, text: str, context: str = "") -> str:
        return await self._segment(text, context, None, json_text=False)

    async def json_segment(self, text: str, context: str = "") -> str:
        return await self._segment(text, context, None, json_text=True)

    async def _detect(self, pairs: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        """Findings in each ``(segment, context)`` pair, in the segment's coordinates."""
        found: list[list[Finding]] = [[] for _ in pairs]
        by_ner: dict[bool, list[int]] = {True: [], False: []}
        for i, (segment, context) in enumerate(pairs):
            by_ner[needs_ner(segment, context)].append(i)
        groups = list(by_ner.items())
        results = await self._detection.detect_many(self.ctx.engine.detection_config(), [
            ([pairs[i][1] + pairs[i][0] for i in indices], ner) for ner, indices in groups
        ], response=True)
        for (_, indices), batch in zip(groups, results, strict=True):
            for i, findings in zip(indices, batch, strict=True):
                found[i] = within(findings, len(pairs[i][1]))
        return found

    async def _segment(
        self, text: str, context: str, findings: Sequence[Finding] | None, *, json_text: bool
    ) -> str:
        if not text or self._tokens is None:
            return text  # on_error: allow, and a protective step already failed
        ctx = self.ctx
        engine = ctx.engine
        if findings is None:
            findings = []
            if engine.response.scan:
                findings = (await self._detect([(text, context)]))[0]
        # a placeholder is the caller's own value in disguise, never a new finding
        marks = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
        findings = [f for f in findings
                    if not any(f.start < e and s < f.end for s, e in marks)]
        decided: list[FindingDecision] = []
        if findings:
            match = ctx.subject_match

            def subject_of(slot: int, finding: Finding) -> bool:
                return match is not None and match(text[finding.start:finding.end])

            decision = engine.decide([findings], ctx.decision_context(Direction.RESPONSE),
                                     ctx.consent, subject_of)
            for fd in decision.findings:
                # output already exists: a value a rule would block is redacted instead
                if fd.action is Action.BLOCK:
                    fd = replace(fd, action=Action.REDACT, reason="block in response: redacted")
                decided.append(fd)
            self.result.findings.extend(decided)
        if engine.mode != "enforce":
            return text
        table = self._tokens.json if json_text else self._tokens.text
        links = LinkGuard(engine.response.restore_link_hosts,
                          mode=engine.response.link_placeholders)
        pieces: list[str] = []
        cursor = 0

        def restore(upto: int) -> str:
            # the raw text before (context included) says whether a token sits in a link
            return table.restore(text[cursor:upto], ctx.restore_allowed,
                                 before=context + text[:cursor], links=links)

        for fd in sorted(decided, key=lambda d: d.finding.start):
            start, end = fd.finding.start, fd.finding.end
            if start < cursor:
                continue
            pieces.append(restore(start))
            shifted = replace(fd, finding=replace(fd.finding, start=0, end=end - start))
            pieces.append(await self._transformer.apply(text[start:end], [shifted], ctx.scope))
            cursor = end
        pieces.append(restore(len(text)))
        if links.withheld:
            self.result.findings.extend(_withheld(links))
        return "".join(pieces)

    async def texts(self, texts: Sequence[str], json_texts: Sequence[bool] = ()) -> list[str]:
        """Whole texts (a non-streamed body): segments detected in one batch.
        ``json_texts[i]`` says text ``i`` is a JSON document (tool-call arguments), where
        restored values are JSON-escaped."""
        segmented = [split_segments(t) for t in texts]
        pairs = [pair for segs in segmented for pair in zip(segs, contexts(segs), strict=True)]
        found: list[list[Finding]] = [[] for _ in pairs]
        if pairs and self.ctx.engine.response.scan and self._tokens is not None:
            with self._stage("detect_response"):
                found = await self._detect(pairs)
        out: list[str] = []
        i = 0
        for t, segs in enumerate(segmented):
            as_json = t < len(json_texts) and json_texts[t]
            parts = []
            for seg in segs:
                parts.append(await self._segment(seg, pairs[i][1], found[i], json_text=as_json))
                i += 1
            out.append("".join(parts))
        return out

    async def body(self, raw: bytes, content_type: str, *, status: int) -> bytes:
        if not raw:
            return raw
        mt = media_type(content_type)
        if mt == "application/json" or mt.endswith("+json"):
            try:
                doc = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise UpstreamError("upstream returned invalid JSON",
                                    code="invalid_upstream_response") from None
            # an error body has no shape a provider fixes: every string in it is scanned
            adapter = self.ctx.endpoint.adapter if status < 400 else GENERIC.adapter
            if status < 400:
                # logprobs spell the raw output token by token: they cannot be restored or
                # scanned alike, so they are dropped, as a stream drops them
                doc, _ = adapter.drop_response_fields(doc)
            try:
                slots = adapter.response_slots(doc)
            except QorganError:
                slots = GENERIC.adapter.response_slots(doc)
            if status < 400:
                self.result.usage = adapter.usage(doc) or None
            new_texts = await self.texts([s.text for s in slots],
                                         [isinstance(s, JSONTextSlot) for s in slots])
            out = await self._keys(apply_slots(doc, slots, new_texts))
            response = self.ctx.engine.response
            if response.label_notice and response.label and response.label_field and \
                    status < 400 and isinstance(out, dict):
                # Law 230-VIII Art. 21: a perceivable warning beside the machine-readable mark
                out["ai_notice"] = response.label_notice
            return dump_json(out)
        if mt.startswith("text/"):
            text = raw.decode("utf-8", errors="replace")
            return (await self.texts([text]))[0].encode()
        raise UpstreamError("upstream returned a body that cannot be inspected",
                            code="uninspectable_upstream_response")

    async def _keys(self, doc: Any) -> Any:
        """``doc`` with its object keys scanned as a stream's are: protocol words pass, any
        other key is scanned like a text and renamed when that changes it."""
        keys = [k for k in dict.fromkeys(_keys_of(doc)) if not _PROTOCOL_WORD.fullmatch(k)]
        if not keys:
            return doc
        renamed = {k: new for k, new in zip(keys, await self.texts(keys), strict=True)
                   if new != k}
        return _rename(doc, renamed) if renamed else doc

    def stream(
        self, chunks: AsyncIterator[bytes], *, status: int, done: StreamDone
    ) -> AsyncIterator[bytes]:
        handler = self.ctx.endpoint.stream
        if handler is None:
            raise UpstreamError("this route cannot be streamed through the guard",
                                code="unsupported_stream")
        rewriter = StreamRewriter(
            handler,
            lambda: self.segment,
            json_processor_factory=lambda: self.json_segment,
            on_event_fields=self.segment,
        )
        return self._run_stream(rewriter, chunks, status, done)

    async def _run_stream(
        self, rewriter: StreamRewriter, chunks: AsyncIterator[bytes], status: int,
        done: StreamDone,
    ) -> AsyncIterator[bytes]:
        error: QorganError | None = None
        response = self.ctx.engine.response
        try:
            if response.label and response.label_notice and status < 400:
                # an SSE comment: clients show or ignore it, parsers never break on it
                notice = " ".join(response.label_notice.split())
                yield f": ai-notice: {notice}\n\n".encode()
            # closed explicitly: a client that leaves must close the upstream response now,
            # not whenever the generator is collected
            events = rewriter.rewrite(chunks)
            try:
                async for out in events:
                    yield out
            finally:
                await aclose(events)
        except QorganError as exc:
            error = exc
            raise
        finally:
            stats = rewriter.stats
            self.result.stream = stats
            if error is None and stats.error is not None:
                # the rewriter turned a failure into an SSE error event for the client; the
                # audit record still says the request ended in error
                error = QorganError("stream ended in error", code=stats.error)
            await done(status, error)


__all__ = ["ResponseResult", "ResponseScanner", "needs_ner", "within"]
