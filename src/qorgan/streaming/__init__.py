"""Streaming: incremental restore and output scanning with bounded hold-back.

The streamed and the non-streamed response paths cut model output into the same segments
(:func:`split_segments`) and process each segment with the same left context
(:func:`left_context`), so for any split of the output into stream events the client
receives byte-for-byte the same text.
"""

from __future__ import annotations

from qorgan.streaming._anthropic import AnthropicHandler
from qorgan.streaming._base import Handler, StreamStats
from qorgan.streaming._openai import ChatHandler, CompletionsHandler
from qorgan.streaming._responses import ResponsesHandler
from qorgan.streaming.rewriter import StreamRewriter
from qorgan.streaming.segment import (
    CONTEXT_CHARS,
    HoldbackPolicy,
    Segmenter,
    left_context,
    split_segments,
)
from qorgan.streaming.text import IncrementalText, TextProcessor, contexts, process_text

__all__ = [
    "CONTEXT_CHARS",
    "AnthropicHandler",
    "ChatHandler",
    "CompletionsHandler",
    "Handler",
    "HoldbackPolicy",
    "IncrementalText",
    "ResponsesHandler",
    "Segmenter",
    "StreamRewriter",
    "StreamStats",
    "TextProcessor",
    "contexts",
    "left_context",
    "process_text",
    "split_segments",
]
