from __future__ import annotations

import logging
import re
import socket
from collections.abc import Sequence

import pytest
import tldextract

from qorgan.detection.config import CustomPattern, DetectionConfig
from qorgan.detection.engine import Detector, resolve_overlaps
from qorgan.detection.recognizers import emails
from qorgan.errors import ConfigError, DetectionError
from qorgan.types import Finding

PATTERN_ONLY = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "KZ_IIN",
    "KZ_BIN",
    "IBAN_CODE",
    "SECRET",
    "CREDIT_CARD",
    "IP_ADDRESS",
    "US_SSN",
)


class FakeNer:
    """Reports every capitalised word pair as PERSON and counts what it is asked."""

    name = "fake-ner"
    entities = frozenset({"PERSON", "LOCATION"})

    def __init__(self, languages: frozenset[str] = frozenset({"en"})) -> None:
        self.languages = languages
        self.calls: list[list[str]] = []

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        self.calls.append(list(texts))
        return [
            [
                Finding("PERSON", m.start(), m.end(), 0.85, self.name)
                for m in re.finditer(r"[A-Z][a-z]+ [A-Z][a-z]+", text)
            ]
            for text in texts
        ]


class BrokenNer(FakeNer):
    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        raise RuntimeError("model exploded on Aigerim Bekova")


class ShortNer(FakeNer):
    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        return []


def detector(**config: object) -> Detector:
    return Detector(DetectionConfig(**config), ner_backends=[])  # type: ignore[arg-type]


def found(det: Detector, text: str) -> list[tuple[str, str]]:
    return [(f.entity_type, text[f.start : f.end]) for f in det.analyze(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "IIN 901123300258, BIN 940140000385, mail a.bekova@mail.kz",
            [
                ("KZ_IIN", "901123300258"),
                ("KZ_BIN", "940140000385"),
                ("EMAIL_ADDRESS", "a.bekova@mail.kz"),
            ],
        ),
        ("IIN 901123300259 is wrong", []),
        ("order 123456789012 shipped", []),
        ("pay to KZ86125KZT5004100100 today", [("IBAN_CODE", "KZ86125KZT5004100100")]),
        ("телефон 8 (777) 123-45-67", [("PHONE_NUMBER", "8 (777) 123-45-67")]),
        ("key AKIAIOSFODNN7EXAMPLE", [("SECRET", "AKIAIOSFODNN7EXAMPLE")]),
        # obfuscated: offsets cover the original characters
        ("ИИН 9 0 1 1 2 3 3 0 0 2 5 8!", [("KZ_IIN", "9 0 1 1 2 3 3 0 0 2 5 8")]),
        ("IIN 901.123.300.258.", [("KZ_IIN", "901.123.300.258")]),
        ("IIN ９０１１２３３００２５８", [("KZ_IIN", "９０１１２３３００２５８")]),
        ("IIN 9011\u200b2330\u200b0258 ok", [("KZ_IIN", "9011\u200b2330\u200b0258")]),
        ("write to аdmin@ехаmple.com", [("EMAIL_ADDRESS", "аdmin@ехаmple.com")]),
        ("IBAN KZ86125КZT5004100100", [("IBAN_CODE", "KZ86125КZT5004100100")]),  # Cyrillic К
        ("call +1 (415) 555-2671 today", [("PHONE_NUMBER", "+1 (415) 555-2671")]),
        # a valid number in a phone's shape needs no context word
        ("see +1 (415) 555-2671", [("PHONE_NUMBER", "+1 (415) 555-2671")]),
        ("invalid IIN 901123300259, tel", []),  # a bare 12-digit run is not a phone
        ("call me about order 7734-2291-05", []),  # a labelled order number
        ("phone number shipped on 2024-03-14", []),  # a date
        ("card 4111 1111 1111 1111", [("CREDIT_CARD", "4111 1111 1111 1111")]),
        ("card 4111 1111 1111 1112", []),  # Luhn fails
        ("host 10.20.30.40 down", [("IP_ADDRESS", "10.20.30.40")]),
        ("ssn 536-22-8754", [("US_SSN", "536-22-8754")]),
        # a published sample number is still a value the caller labelled as an SSN
        ("ssn 078-05-1120", [("US_SSN", "078-05-1120")]),
        ("ticket 078-05-1120", []),  # ... but not without the label
        ("ssn 000-12-3456", []),  # area 000 is never issued
    ],
)
def test_pattern_findings(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(detector(entities=PATTERN_ONLY), text) == expected


def test_only_requested_entities_are_reported() -> None:
    det = detector(entities=("KZ_IIN",))
    assert found(det, "IIN 901123300258 mail a@mail.kz") == [("KZ_IIN", "901123300258")]


@pytest.mark.parametrize(
    ("threshold", "text", "expected"),
    [
        (0.5, "ref EMP-123456", []),  # 0.4 without context
        (0.3, "ref EMP-123456", [("EMPLOYEE_ID", "EMP-123456")]),
        (0.5, "employee EMP-123456", [("EMPLOYEE_ID", "EMP-123456")]),  # context lifts it
        (0.8, "employee EMP-123456", []),  # 0.75 with context
    ],
)
def test_threshold_and_context_on_custom_pattern(
    threshold: float, text: str, expected: list[tuple[str, str]]
) -> None:
    custom = CustomPattern(
        entity="EMPLOYEE_ID", regex=r"EMP-\d{6}", score=0.4, context=("employee",)
    )
    det = detector(entities=("KZ_IIN",), threshold=threshold, custom=(custom,))
    assert found(det, text) == expected


def test_allow_list_is_case_insensitive_and_exact() -> None:
    ner = FakeNer()
    det = Detector(DetectionConfig(allow=("kazakh telecom",)), ner_backends=[ner])
    text = "Kazakh Telecom hired Aigerim Bekova"
    assert found(det, text) == [("PERSON", "Aigerim Bekova")]


def test_overlap_keeps_the_best_entity() -> None:
    det = Detector(DetectionConfig(), ner_backends=[FakeNer()])
    # the fake NER reports "Aigerim Bekova" inside the e-mail's span too: e-mail wins
    text = "mail Aigerim Bekova@mail.kz"
    assert found(det, text) == [("EMAIL_ADDRESS", "Bekova@mail.kz")]


@pytest.mark.parametrize(
    ("findings", "kept"),
    [
        ([("PERSON", 0, 10, 0.85), ("EMAIL_ADDRESS", 5, 20, 1.0)], [("EMAIL_ADDRESS", 5, 20)]),
        ([("A", 0, 5, 0.6), ("B", 0, 8, 0.6)], [("B", 0, 8)]),  # same score: longer wins
        ([("A", 0, 5, 0.6), ("B", 5, 8, 0.6)], [("A", 0, 5), ("B", 5, 8)]),  # touching
        ([("A", 10, 15, 0.9), ("B", 0, 4, 0.5)], [("B", 0, 4), ("A", 10, 15)]),  # sorted
        ([("A", 0, 20, 0.7), ("B", 2, 4, 0.9), ("C", 6, 9, 0.8)], [("B", 2, 4), ("C", 6, 9)]),
    ],
)
def test_resolve_overlaps(
    findings: list[tuple[str, int, int, float]], kept: list[tuple[str, int, int]]
) -> None:
    result = resolve_overlaps([Finding(e, s, t, p) for e, s, t, p in findings])
    assert [(f.entity_type, f.start, f.end) for f in result] == kept


def test_second_analysis_of_same_text_is_served_from_cache() -> None:
    ner = FakeNer()
    det = Detector(DetectionConfig(), ner_backends=[ner])
    text = "Aigerim Bekova, IIN 901123300258"
    first = det.analyze(text)
    second = det.analyze(text)
    assert first == second
    assert ner.calls == [[text]]
    assert det.cache.hits == 1


def test_conversation_history_is_analysed_once() -> None:
    ner = FakeNer()
    det = Detector(DetectionConfig(), ner_backends=[ner])
    history = ["Hello Aigerim Bekova", "IIN 901123300258", "Thanks Nurlan Abenov"]
    det.analyze_batch(history[:2])
    det.analyze_batch(history)
    det.analyze_batch([*history, history[0]])  # duplicates inside a batch too
    assert ner.calls == [history[:2], history[2:]]


def test_cache_disabled_analyses_every_time() -> None:
    ner = FakeNer()
    det = Detector(DetectionConfig(), ner_backends=[ner], cache_size=0)
    det.analyze("Aigerim Bekova")
    det.analyze("Aigerim Bekova")
    assert len(ner.calls) == 2


@pytest.mark.parametrize(
    ("backend_languages", "routed", "configured", "called"),
    [
        (frozenset({"ru"}), frozenset({"en"}), ("en", "ru"), False),
        (frozenset({"ru"}), frozenset({"ru"}), ("en", "ru"), True),
        (frozenset({"ru"}), frozenset({"ru", "en"}), ("en",), False),  # ru not configured
        (frozenset({"ru", "kk"}), frozenset({"kk"}), ("kk",), True),
    ],
)
def test_backends_run_by_language(
    backend_languages: frozenset[str],
    routed: frozenset[str],
    configured: tuple[str, ...],
    called: bool,
) -> None:
    ner = FakeNer(backend_languages)
    det = Detector(
        DetectionConfig(languages=configured), ner_backends=[ner], language_router=lambda _: routed
    )
    result = det.analyze("Привет Aigerim Bekova")
    assert bool(ner.calls) is called
    assert bool(result) is called


def test_backend_without_wanted_entities_is_not_run() -> None:
    ner = FakeNer()
    det = Detector(DetectionConfig(entities=("KZ_IIN",)), ner_backends=[ner])
    det.analyze("Aigerim Bekova")
    assert ner.calls == []


def test_a_name_inside_a_street_address_keeps_the_whole_address() -> None:
    class Surname(FakeNer):
        def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
            return [[Finding("PERSON", 21, 26, 0.85)] for _ in texts]

    det = Detector(DetectionConfig(), ner_backends=[Surname()])
    text = "Address on file: 444 Davis Prairie"
    assert found(det, text) == [("STREET_ADDRESS", "444 Davis Prairie")]


def test_a_name_inside_a_spelled_out_email_keeps_the_whole_address() -> None:
    class LocalPart(FakeNer):
        def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
            return [[Finding("PERSON", 9, 14, 0.85)] for _ in texts]

    det = Detector(DetectionConfig(), ner_backends=[LocalPart()])
    text = "contact: assel.omarova at gmail dot com"
    assert found(det, text) == [("EMAIL_ADDRESS", "assel.omarova at gmail dot com")]


def test_implausible_names_are_dropped() -> None:
    class Noisy(FakeNer):
        def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
            return [[Finding("PERSON", 0, 6, 0.85), Finding("PERSON", 7, 12, 0.85)] for _ in texts]

    det = Detector(DetectionConfig(), ner_backends=[Noisy()])
    assert found(det, "config Ase12") == []
    assert found(det, "config Aruna") == [("PERSON", "Aruna")]


@pytest.mark.parametrize("text", ["Öztürk", "Şebnem", "Ágnes", "Łukasz", "Žanna", "王伟"])
def test_a_name_may_open_with_a_capital_of_any_script(text: str) -> None:
    class Whole(FakeNer):
        def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
            return [[Finding("PERSON", 0, len(t), 0.85)] for t in texts]

    det = Detector(DetectionConfig(), ner_backends=[Whole()])
    assert found(det, text) == [("PERSON", text)]
    assert found(det, text.lower()) == ([("PERSON", text)] if text == "王伟" else [])


@pytest.mark.parametrize("backend", [BrokenNer(), ShortNer()])
def test_backend_failure_fails_closed_without_content(backend: FakeNer) -> None:
    det = Detector(DetectionConfig(), ner_backends=[backend])
    with pytest.raises(DetectionError) as info:
        det.analyze("Aigerim Bekova 901123300258")
    assert "Aigerim" not in str(info.value)
    assert "901123300258" not in str(info.value)


def test_unknown_entity_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="NOT_A_THING"):
        detector(entities=("KZ_IIN", "NOT_A_THING"))


def test_low_precision_recognizers_only_on_request() -> None:
    text = "seen on 2024-03-15 at 10:00"
    assert found(detector(entities=PATTERN_ONLY), text) == []
    assert ("DATE_TIME", "2024-03-15") in found(detector(entities=("DATE_TIME",)), text)


def test_fingerprint_follows_configuration_and_backends() -> None:
    a = Detector(DetectionConfig(threshold=0.5), ner_backends=[FakeNer()])
    b = Detector(DetectionConfig(threshold=0.5), ner_backends=[FakeNer()])
    c = Detector(DetectionConfig(threshold=0.6), ner_backends=[FakeNer()])
    d = Detector(DetectionConfig(threshold=0.5), ner_backends=[])
    assert a.fingerprint == b.fingerprint
    assert len({a.fingerprint, c.fingerprint, d.fingerprint}) == 3


def test_detection_never_touches_the_network(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in tests")

    def no_module_extract(*args: object, **kwargs: object) -> None:
        raise AssertionError("the fetching module-level extractor was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(tldextract, "extract", no_module_extract)
    # a fresh extractor has not loaded its suffix list yet: it must come from the snapshot
    monkeypatch.setattr(emails, "OFFLINE_TLD", emails.offline_tld())
    caplog.set_level(logging.DEBUG)
    det = detector(entities=("EMAIL_ADDRESS",))
    assert found(det, "write to aigerim@example.kz") == [("EMAIL_ADDRESS", "aigerim@example.kz")]
    messages = " ".join(r.getMessage().lower() for r in caplog.records)
    assert "fetch" not in messages
    assert "suffix" not in messages


def test_english_backend_finds_names() -> None:
    det = Detector(DetectionConfig(entities=("PERSON", "KZ_IIN")))
    text = "Yesterday John Smith sent his IIN 901123300258 to the bank."
    assert found(det, text) == [("PERSON", "John Smith"), ("KZ_IIN", "901123300258")]
    batch = det.analyze_batch([text, "Maria Garcia lives in Paris."])
    assert [(f.entity_type) for f in batch[1]] == ["PERSON"]
