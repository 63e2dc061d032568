"""Fuzz the SSE parser: ``python fuzz/fuzz_sse.py [corpus_dir]`` (``make fuzz``; needs atheris).

Each input is split into chunks at offsets taken from its first bytes. The parser must
either raise ``SSEError`` or return events that serialize and parse back to themselves,
and the split must not change the result.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from qorgan.protocols.sse import SSEError, SSEItem, SSEParser, serialize_all


def _parse(data: bytes, cuts: list[int]) -> list[SSEItem] | None:
    parser = SSEParser(max_line=4096, max_event=16384)
    items: list[SSEItem] = []
    try:
        for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True):
            items += parser.feed(data[a:b])
        items += parser.close()
    except SSEError:
        return None
    return items


def test_one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    head, body = data[:2], data[2:]
    cuts = sorted({c for c in (head[0] % 64, head[1] * 3) if 0 < c < len(body)})
    whole = _parse(body, [])
    split = _parse(body, cuts)
    if whole != split:
        raise RuntimeError("a split changed the parse")
    if whole is not None and _parse(serialize_all(whole), []) != whole:
        raise RuntimeError("serialized events do not parse back to themselves")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
