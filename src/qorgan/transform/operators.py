"""Operators that rewrite one text given the policy's decisions about its findings.

``redact`` -> ``<PERSON>``; ``mask`` -> ``+* *** *** 5678``; ``hash`` -> ``<PERSON:h:1f0c...>``
(keyed, per tenant); ``pseudonymize`` -> ``<PERSON_1>`` (vault); ``synthesize`` -> a realistic
fake (vault); ``encrypt`` -> ``<ENC:PERSON:...>`` (AES-GCM, per tenant); ``allow`` keeps the
text. ``block`` is a verdict for the whole request, not an operator.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qorgan.decision import FindingDecision
from qorgan.errors import VaultError
from qorgan.keys import keyed_hash
from qorgan.transform.keyring import Keyring
from qorgan.transform.placeholders import check_entity_type, find_placeholders, normalize_value
from qorgan.transform.vault import TokenRequest, Vault, VaultScope
from qorgan.types import Action

HASH_HEX_CHARS = 12
_NONCE = 12


def redact(entity_type: str, params: Mapping[str, Any] | None = None) -> str:
    """``<ENTITY_TYPE>``, or the policy's ``placeholder`` with ``{entity}`` filled in."""
    template = (params or {}).get("placeholder")
    if not isinstance(template, str):
        return f"<{entity_type}>"
    return template.replace("{entity}", entity_type)


def mask(value: str, params: Mapping[str, Any]) -> str:
    """Hide every letter and digit but the last ``keep``; separators stay for readability."""
    keep = params.get("keep", 4)
    char = params.get("char", "*")
    if not isinstance(keep, int) or isinstance(keep, bool) or keep < 0:
        raise ValueError("mask 'keep' must be a non-negative integer")
    if not isinstance(char, str) or len(char) != 1:
        raise ValueError("mask 'char' must be a single character")
    remaining = sum(ch.isalnum() for ch in value) - keep
    out: list[str] = []
    for ch in value:
        if ch.isalnum():
            out.append(char if remaining > 0 else ch)
            remaining -= 1
        else:
            out.append(ch)
    return "".join(out)


def hash_token(
    keyring: Keyring, tenant: str, entity_type: str, value: str, length: int = HASH_HEX_CHARS
) -> str:
    """A stable, tenant-keyed token: equal values (after normalization) hash equal."""
    if not 8 <= length <= 64:
        raise ValueError("hash length must be between 8 and 64 hex characters")
    digest = keyed_hash(
        keyring.key("hash", tenant),
        normalize_value(entity_type, value),
        domain=f"entity:{entity_type}",
    )
    return f"<{entity_type}:h:{digest[:length]}>"


def _aad(tenant: str, entity_type: str) -> bytes:
    return tenant.encode() + b"\x00" + entity_type.encode()


def encrypt_token(keyring: Keyring, tenant: str, entity_type: str, value: str) -> str:
    nonce = os.urandom(_NONCE)
    sealed = AESGCM(keyring.key("encrypt", tenant)).encrypt(
        nonce, value.encode(), _aad(tenant, entity_type)
    )
    payload = base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()
    return f"<ENC:{entity_type}:{payload}>"


def decrypt_token(keyring: Keyring, tenant: str, token: str) -> tuple[str, str]:
    """``(entity_type, value)`` of an ``encrypt`` token; VaultError if it does not verify."""
    if not (token.startswith("<ENC:") and token.endswith(">")):
        raise VaultError("not an encrypted token")
    entity_type, _, payload = token[5:-1].partition(":")
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        plain = AESGCM(keyring.key("encrypt", tenant)).decrypt(
            raw[:_NONCE], raw[_NONCE:], _aad(tenant, entity_type)
        )
        return entity_type, plain.decode()
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise VaultError("encrypted token does not verify for this tenant") from exc


#: an operator that needs no vault: ``(keyring, tenant, entity type, value, the rule's
#: params) -> replacement``
Operator = Callable[[Keyring, str, str, str, Mapping[str, Any]], str]


def _allow(keyring: Keyring, tenant: str, entity: str, value: str,
           params: Mapping[str, Any]) -> str:
    return value


def _redact(keyring: Keyring, tenant: str, entity: str, value: str,
            params: Mapping[str, Any]) -> str:
    return redact(entity, params)


def _mask(keyring: Keyring, tenant: str, entity: str, value: str,
          params: Mapping[str, Any]) -> str:
    return mask(value, params)


def _hash(keyring: Keyring, tenant: str, entity: str, value: str,
          params: Mapping[str, Any]) -> str:
    return hash_token(keyring, tenant, entity, value, int(params.get("length", HASH_HEX_CHARS)))


def _encrypt(keyring: Keyring, tenant: str, entity: str, value: str,
             params: Mapping[str, Any]) -> str:
    return encrypt_token(keyring, tenant, entity, value)


#: the operators by action; a new one is a function here, its entry, an ``Action`` value
#: (``qorgan.types``) and its parameters in the policy schema
OPERATORS: dict[Action, Operator] = {
    Action.ALLOW: _allow,
    Action.REDACT: _redact,
    Action.MASK: _mask,
    Action.HASH: _hash,
    Action.ENCRYPT: _encrypt,
}
#: operators whose token the vault issues (pseudonyms, realistic fakes)
VAULT_OPERATORS = frozenset({Action.PSEUDONYMIZE, Action.SYNTHESIZE})


def select(decisions: Sequence[FindingDecision], length: int) -> list[FindingDecision]:
    """Decisions in text order without overlaps (the earliest, then longest, span wins).

    Overlaps are resolved before the policy decides; this only keeps a bad input from
    corrupting the text. A span outside the text is a caller error.
    """
    chosen: list[FindingDecision] = []
    last_end = 0
    for fd in sorted(decisions, key=lambda d: (d.finding.start, -d.finding.end)):
        if fd.finding.end > length:
            raise ValueError("finding span lies outside the text")
        if fd.finding.start < last_end:
            continue
        chosen.append(fd)
        last_end = fd.finding.end
    return chosen


class Transformer:
    """Applies the operators; ``pseudonymize``/``synthesize`` go through the vault."""

    def __init__(self, vault: Vault, keyring: Keyring) -> None:
        self.vault = vault
        self.keyring = keyring

    async def apply(
        self, text: str, decisions: Sequence[FindingDecision], scope: VaultScope
    ) -> str:
        return (await self.apply_many([text], [decisions], scope))[0]

    async def apply_many(
        self,
        texts: Sequence[str],
        decisions: Sequence[Sequence[FindingDecision]],
        scope: VaultScope,
    ) -> list[str]:
        """Every text of a request with its decisions applied; the vault is asked once for
        all of them, and placeholder-shaped literals are reserved first, so nothing issued
        can equal what the caller wrote.

        Every text must pass through here (or ``apply``), including texts without findings:
        that is where placeholder-shaped literals the caller wrote are reserved.
        """
        if len(texts) != len(decisions):
            raise ValueError("apply_many needs one decision list per text")
        literals = list(dict.fromkeys(t for text in texts for t in find_placeholders(text)))
        if literals:
            await self.vault.reserve(scope, literals)
        chosen = [select(fds, len(text)) if fds else []
                  for text, fds in zip(texts, decisions, strict=True)]
        # the vault's share in reading order (placeholder numbers follow the text), at once
        wanted: list[tuple[int, int]] = []
        requests: list[TokenRequest] = []
        for t, (text, fds) in enumerate(zip(texts, chosen, strict=True)):
            for k, fd in enumerate(fds):
                if fd.action in VAULT_OPERATORS:
                    wanted.append((t, k))
                    requests.append(TokenRequest(
                        check_entity_type(fd.finding.entity_type),
                        text[fd.finding.start:fd.finding.end],
                        synthesize=fd.action is Action.SYNTHESIZE,
                    ))
        issued = dict(zip(wanted, await self.vault.pseudonyms(scope, requests), strict=True)) \
            if requests else {}
        out: list[str] = []
        for t, (text, fds) in enumerate(zip(texts, chosen, strict=True)):
            if not fds:
                out.append(text)
                continue
            pieces: list[str] = []
            cursor = 0
            for k, fd in enumerate(fds):
                start, end = fd.finding.start, fd.finding.end
                pieces.append(text[cursor:start])
                token = issued.get((t, k))
                pieces.append(token if token is not None
                              else self._replace(text[start:end], fd, scope))
                cursor = end
            pieces.append(text[cursor:])
            out.append("".join(pieces))
        return out

    def _replace(self, value: str, fd: FindingDecision, scope: VaultScope) -> str:
        """The operators that need no vault."""
        operator = OPERATORS.get(fd.action)
        if operator is None:
            raise ValueError(f"{fd.action.value} is a verdict, not an operator")
        entity = check_entity_type(fd.finding.entity_type)
        return operator(self.keyring, scope.tenant, entity, value, fd.params)
