"""Putting the caller's values back where the model wrote tokens.

Only tokens issued in the request's own scope are replaced: a placeholder-shaped string the
vault never issued there is left exactly as written. Fakes (synthesized values) are matched
as whole words so a fake ``Dana`` does not rewrite ``Danara``.

For streams, ``partial_token_suffix`` says how much of a text's tail must be held back
because the next chunk could still complete a token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from qorgan.transform.placeholders import (
    MAX_PLACEHOLDER_LEN,
    PLACEHOLDER_PREFIX_RE,
    PLACEHOLDER_RE,
)
from qorgan.transform.vault import Vault, VaultScope

__all__ = [
    "MAX_PLACEHOLDER_LEN",
    "PLACEHOLDER_RE",
    "TokenTable",
    "max_token_len",
    "partial_token_suffix",
    "restore",
]


def _allow_all(entity_type: str) -> bool:
    return True


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _token_pattern(token: str) -> str:
    # whole-word matching only at ends that are word characters ("<...>" needs none)
    left = r"(?<!\w)" if _word(token[0]) else ""
    right = r"(?!\w)" if _word(token[-1]) else ""
    return f"{left}{re.escape(token)}{right}"


class TokenTable:
    """A scope's tokens compiled once for repeated restores (a stream calls it per chunk)."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self.table = dict(table)
        fakes = sorted((t for t in self.table if not PLACEHOLDER_RE.fullmatch(t)), key=len)
        parts = [PLACEHOLDER_RE.pattern]
        # longest first: an alternation takes the first alternative that matches
        parts.extend(_token_pattern(t) for t in reversed(fakes) if t)
        self._pattern = re.compile("|".join(f"(?:{p})" for p in parts))
        self._prefixes: set[str] = {t[:k] for t in self.table for k in range(1, len(t))}
        self._word_final = {t for t in self.table if t and _word(t[-1])}
        self.longest = max((len(t) for t in self.table), default=0)

    def restore(
        self, text: str, allowed: Callable[[str], bool] = _allow_all, *, before: str = ""
    ) -> str:
        """``text`` with this table's tokens replaced by their values when allowed.

        ``before`` is the text that precedes ``text`` (a stream's last emitted character):
        it decides whether a fake at the very start is a whole word, and is not returned.
        """
        if not self.table or not text:
            return text
        full = before[-1:] + text
        out: list[str] = []
        cursor = len(full) - len(text)
        # finditer from an offset still lets the lookbehind see the context character
        for match in self._pattern.finditer(full, cursor):
            token = match.group(0)
            entry = self.table.get(token)
            out.append(full[cursor : match.start()])
            out.append(token if entry is None or not allowed(entry[0]) else entry[1])
            cursor = match.end()
        out.append(full[cursor:])
        return "".join(out)

    def partial_suffix(self, text: str) -> int:
        """Length of the longest tail of ``text`` that could still become a token.

        A tail counts when it is a proper prefix of an issued token, of the placeholder
        grammar, or a whole word-final token (the next character decides whether it is a
        whole word).
        """
        best = 0
        grammar = PLACEHOLDER_PREFIX_RE.search(text, max(0, len(text) - MAX_PLACEHOLDER_LEN))
        if grammar is not None:
            best = len(text) - grammar.start()
        limit = min(len(text), self.longest)
        for k in range(limit, best, -1):
            tail = text[-k:]
            if tail not in self._prefixes and tail not in self._word_final:
                continue
            start = len(text) - k
            if start > 0 and _word(tail[0]) and _word(text[start - 1]):
                continue  # preceded by a word character: cannot start a whole-word token
            return k
        return best


def partial_token_suffix(text: str, tokens: Iterable[str]) -> int:
    """Length of the longest suffix of ``text`` that may still grow into one of ``tokens``
    or into any placeholder (see ``TokenTable.partial_suffix``); 0 when none can.
    """
    return TokenTable(dict.fromkeys(tokens, ("", ""))).partial_suffix(text)


def max_token_len(tokens: Iterable[str]) -> int:
    """The hold-back bound for a scope: its longest token, at least the placeholder grammar's."""
    return max([MAX_PLACEHOLDER_LEN, *(len(t) for t in tokens)])


async def restore(
    text: str,
    vault: Vault,
    scope: VaultScope,
    *,
    allowed: Callable[[str], bool] = _allow_all,
) -> str:
    """``text`` with every token issued in ``scope`` replaced by its value when
    ``allowed(entity_type)``; anything else (foreign or unknown tokens) is left as is.
    """
    if not text:
        return text
    table = await vault.tokens(scope)
    if not table:
        return text
    return TokenTable(table).restore(text, allowed)
