"""E-mail addresses written to dodge a regex, internationalised ones, and what is not one."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.recognizers.emails import BRACKETED, SPELLED, ObfuscatedEmailRecognizer


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def emails(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text)
            if f.entity_type == "EMAIL_ADDRESS"]


POSITIVES = [
    # a table's "|" or a template's brace before the address is no part of it
    ("12|Wang Fang|wangfang@163.com|+86 139", "wangfang@163.com"),
    ("{owner}ann.lee@example.org", "ann.lee@example.org"),
    # obfuscated
    ("write to aigerim(at)mail.kz please", "aigerim(at)mail.kz"),
    ("aigerim (at) mail.kz", "aigerim (at) mail.kz"),
    ("aigerim[at]mail[dot]kz", "aigerim[at]mail[dot]kz"),
    ("contact: aigerim [at] mail [dot] kz.", "aigerim [at] mail [dot] kz"),
    ("aigerim{at}mail.kz", "aigerim{at}mail.kz"),
    ("aigerim<at>example.com", "aigerim<at>example.com"),
    ("john.smith(AT)example.co.uk", "john.smith(AT)example.co.uk"),
    ("john (dot) smith (at) example (dot) com", "john (dot) smith (at) example (dot) com"),
    ("email me: john at example dot com", "john at example dot com"),
    ("e-mail: john at example [dot] org", "john at example [dot] org"),
    ("почта: ivan(собака)mail.ru", "ivan(собака)mail.ru"),
    ("пишите ivan at mail точка ru", "ivan at mail точка ru"),
    ("aigerim @ mail.kz", "aigerim @ mail.kz"),
    ("write to aigerim@mail(dot)kz", "aigerim@mail(dot)kz"),
    ("write to aigerim[@]mail[.]kz", "aigerim[@]mail[.]kz"),
    ("write to aigerim -at- mail -dot- com", "aigerim -at- mail -dot- com"),
    ("write to aigerim @ mail . kz", "aigerim @ mail . kz"),
    ("пиши на aigerim собака mail точка ru", "aigerim собака mail точка ru"),
    ("write to aigerim at gmail.com", "aigerim at gmail.com"),
    # internationalised: Cyrillic local part, IDN domain
    ("айгерим@почта.рф", "айгерим@почта.рф"),
    ("почта: айгерим@почта.рф.", "айгерим@почта.рф"),
    ("aigerim@почта.рф", "aigerim@почта.рф"),
    ("айгерим@mail.kz", "айгерим@mail.kz"),
    ("ерлан.касымов@пример.қаз", "ерлан.касымов@пример.қаз"),
    ("müller@bücher.de", "müller@bücher.de"),
    # homoglyph obfuscation still folds: Latin and Cyrillic mixed in one word
    ("write to аdmin@ехаmple.com", "аdmin@ехаmple.com"),
    # an e-mail in a URL's query is an e-mail
    ("https://crm.example.com/find?email=aigerim@mail.kz", "aigerim@mail.kz"),
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_email_found(text: str, value: str) -> None:
    assert emails(text) == [value]


NEGATIVES = [
    # "at" and "dot" in prose
    "I laughed at the dot com era",
    "look at example.com for details",
    "meet me at noon dot",
    "we met at home. Dot the i's",
    "the dot at the end of the line",
    "Smith (at) home today",
    "stay (at) the hotel.Then leave",
    "prices (at) cost",
    # not a domain
    "aigerim(at)mail.notatld",
    "write to x@y.invalid",
    # URL credentials are not an address (the password is a secret, reported as such)
    "postgres://app:S3cretPass@db.example.com:5432/app",
    "ftp://anonymous@ftp.example.com/pub",
    # a handle, a decorator
    "ping @aigerim on Slack",
    "@dataclass(frozen=True)",
    # a word before "at" and a mail service, "собака" as a dog
    "looked at gmail.com yesterday",
    "моя собака mail любит",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_an_email(text: str) -> None:
    assert emails(text) == []


@pytest.mark.parametrize(
    ("text", "score"),
    [("a(at)mail.kz", BRACKETED), ("a @ mail.kz", BRACKETED),
     # spelled with " at " and " dot ": on its own when the domain is a mail service's or
     # no word of it is an English word; else only with a context word
     ("a at mail dot kz", BRACKETED), ("aigerim at kaspi dot kz", BRACKETED),
     ("see at home dot kz", SPELLED)],
)
def test_spelled_out_addresses_need_a_context_word(text: str, score: float) -> None:
    results = ObfuscatedEmailRecognizer().analyze(text, ["EMAIL_ADDRESS"])
    assert [r.score for r in results] == [score]
    assert score < 0.5 or emails(text) == [text]


@pytest.mark.parametrize(
    ("text", "value"),
    [("Хатшыға: d.serikbayeva@edu.kz поштасына жіберіңіз.", "d.serikbayeva@edu.kz"),
     ("mail x@gov.kz or the registry", "x@gov.kz")],
)
def test_an_address_at_a_public_suffix_of_two_labels(text: str, value: str) -> None:
    assert value in emails(text)


def test_an_address_at_a_bare_top_level_domain_is_none() -> None:
    assert emails("write to a@com now") == []


@pytest.mark.parametrize("value", ["laleh.moradi@corp.example", "qa.lead@staging.test"])
def test_an_address_under_a_reserved_name(value: str) -> None:
    assert value in emails(f'{{"email": "{value}", "role": "admin"}}')
