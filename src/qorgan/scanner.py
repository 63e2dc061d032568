"""The response side of a guarded request: restore the caller's values and scan what the
model wrote, one segment at a time (``qorgan.streaming.split_segments``) whether the answer
arrives whole or as a stream, so both paths give the same text.

Each segment is scanned together with its left context (the raw text before it, see
``qorgan.streaming.left_context``); only findings that reach into the segment count. A
segment without a capitalised word that could be a name (in any supported language) is
scanned by the pattern recognizers alone, without NER.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

from qorgan.decision import FindingDecision
from qorgan.detection.gate import needs_ner as gate_needs_ner
from qorgan.errors import QorganError, UpstreamError
from qorgan.exchange import Exchange, out_of_order
from qorgan.payload import dump_json, media_type
from qorgan.protocols import apply_slots, get_adapter
from qorgan.streaming import PROTOCOLS, StreamRewriter, contexts, split_segments
from qorgan.transform import PLACEHOLDER_RE
from qorgan.types import Action, Direction, Finding


def needs_ner(segment: str, context: str) -> bool:
    """Whether a segment of model output is scanned with NER (``detection.gate.needs_ner``)."""
    return gate_needs_ner(segment, context)


def within(findings: Sequence[Finding], offset: int) -> list[Finding]:
    """Findings that reach past ``offset`` (the context's length), moved to the segment's
    coordinates; one that starts in the context is cut at the segment's start."""
    return [
        replace(f, start=max(f.start - offset, 0), end=f.end - offset)
        for f in findings
        if f.end > offset
    ]


class ResponseScanner:
    """Restore the caller's values and scan what the model wrote, one segment at a time."""

    def __init__(self, ex: Exchange) -> None:
        self.ex = ex

    async def segment(self, text: str, context: str = "") -> str:
        return await self._segment(text, context, None, json_text=False)

    async def json_segment(self, text: str, context: str = "") -> str:
        return await self._segment(text, context, None, json_text=True)

    async def _detect(self, pairs: Sequence[tuple[str, str]]) -> list[list[Finding]]:
        """Findings in each ``(segment, context)`` pair, in the segment's coordinates."""
        ex = self.ex
        found: list[list[Finding]] = [[] for _ in pairs]
        by_ner: dict[bool, list[int]] = {True: [], False: []}
        for i, (segment, context) in enumerate(pairs):
            by_ner[needs_ner(segment, context)].append(i)
        groups = list(by_ner.items())
        results = await ex.runtime.detect_many(ex.engine, [
            ([pairs[i][1] + pairs[i][0] for i in indices], ner) for ner, indices in groups
        ], response=True)
        for (_, indices), batch in zip(groups, results, strict=True):
            for i, findings in zip(indices, batch, strict=True):
                found[i] = within(findings, len(pairs[i][1]))
        return found

    async def _segment(
        self, text: str, context: str, findings: Sequence[Finding] | None, *, json_text: bool
    ) -> str:
        ex = self.ex
        if not text:
            return text
        if ex.degraded is not None:
            return text  # on_error: allow, and a protective step already failed
        engine = ex.engine
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
            decision = engine.decide([findings], ex.context(Direction.RESPONSE), ex.consent)
            for fd in decision.findings:
                # output already exists: a value a rule would block is redacted instead
                if fd.action is Action.BLOCK:
                    fd = replace(fd, action=Action.REDACT, reason="block in response: redacted")
                decided.append(fd)
            ex.response_findings.extend(decided)
        if engine.mode != "enforce":
            return text
        table = ex.json_tokens if json_text else ex.tokens
        if table is None:
            raise out_of_order()
        scope = ex.vault_scope()
        pieces: list[str] = []
        cursor = 0
        for fd in sorted(decided, key=lambda d: d.finding.start):
            start, end = fd.finding.start, fd.finding.end
            if start < cursor:
                continue
            pieces.append(table.restore(text[cursor:start], ex.restore_allowed,
                                        before=text[:cursor]))
            shifted = replace(fd, finding=replace(fd.finding, start=0, end=end - start))
            pieces.append(await ex.runtime.transformer.apply(text[start:end], [shifted],
                                                             scope))
            cursor = end
        pieces.append(table.restore(text[cursor:], ex.restore_allowed, before=text[:cursor]))
        return "".join(pieces)

    async def texts(self, texts: Sequence[str]) -> list[str]:
        """Whole texts (a non-streamed body): segments detected in one batch."""
        segmented = [split_segments(t) for t in texts]
        pairs = [pair for segs in segmented for pair in zip(segs, contexts(segs), strict=True)]
        found: list[list[Finding]] = [[] for _ in pairs]
        if pairs and self.ex.engine.response.scan and self.ex.degraded is None:
            with self.ex.stage("detect_response"):
                found = await self._detect(pairs)
        out: list[str] = []
        i = 0
        for segs in segmented:
            parts = []
            for seg in segs:
                parts.append(await self._segment(seg, pairs[i][1], found[i], json_text=False))
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
            adapter = self.ex.adapter
            if status >= 400:
                adapter = get_adapter("", generic=True) or adapter
            try:
                slots = adapter.response_slots(doc)
            except QorganError:
                generic = get_adapter("", generic=True)
                if generic is None:
                    raise
                slots = generic.response_slots(doc)
            if status < 400:
                self.ex.usage = adapter.usage(doc) or None
            new_texts = await self.texts([s.text for s in slots])
            out = apply_slots(doc, slots, new_texts)
            notice = self.ex.engine.response.label_notice
            if notice and self.ex.engine.response.label and status < 400 and \
                    isinstance(out, dict):
                # Law 230-VIII Art. 21: a perceivable warning beside the machine-readable mark
                out["ai_notice"] = notice
            return dump_json(out)
        if mt.startswith("text/"):
            text = raw.decode("utf-8", errors="replace")
            return (await self.texts([text]))[0].encode()
        raise UpstreamError("upstream returned a body that cannot be inspected",
                            code="uninspectable_upstream_response")

    def stream(self, chunks: AsyncIterator[bytes], *, status: int) -> AsyncIterator[bytes]:
        protocol = self.ex.adapter.name
        if protocol not in PROTOCOLS:
            raise UpstreamError("this route cannot be streamed through the guard",
                                code="unsupported_stream")
        rewriter = StreamRewriter(
            protocol,
            lambda: self.segment,
            json_processor_factory=lambda: self.json_segment,
            on_event_fields=self.segment,
        )
        return self._run_stream(rewriter, chunks, status)

    async def _run_stream(
        self, rewriter: StreamRewriter, chunks: AsyncIterator[bytes], status: int
    ) -> AsyncIterator[bytes]:
        error: QorganError | None = None
        response = self.ex.engine.response
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
                close = getattr(events, "aclose", None)
                if close is not None:
                    await close()
        except QorganError as exc:
            error = exc
            raise
        finally:
            stats = rewriter.stats
            self.ex.stream_attributes = stats.as_attributes()
            if error is None and stats.error is not None:
                # the rewriter turned a failure into an SSE error event for the client; the
                # audit record still says the request ended in error
                error = QorganError("stream ended in error", code=stats.error)
            self.ex.finish(status=status, error=error)
