from __future__ import annotations

import pytest

from qorgan.detection.normalize import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain ascii 901123300258", "plain ascii 901123300258"),
        ("IIN ９０１１２３３００２５８", "IIN 901123300258"),
        ("IIN 9011\u200b2330\u200c0258", "IIN 901123300258"),
        ("IIN 9011\u00ad23300258", "IIN 901123300258"),
        ("IIN 9 0 1 1 2 3 3 0 0 2 5 8.", "IIN 901123300258."),
        ("IIN 901.123.300.258", "IIN 901123300258"),
        ("IIN 901-123-300-258", "IIN 901123300258"),
        ("IIN 9011 2330 0258", "IIN 901123300258"),
        ("mail аdmin@ехаmple.com now", "mail admin@example.com now"),
        ("Привет, мир", "Привет, мир"),  # Russian words are not folded
        ("ip 192.168.100.200", "ip 192.168.100.200"),  # a dotted quad stays an address
        ("card 4111 1111 1111 1111", "card 4111 1111 1111 1111"),  # 16 digits: not an id
        ("date 2024-01-15", "date 2024-01-15"),
        ("mixed 9.011-2330 0258", "mixed 9.011-2330 0258"),  # separators must agree
        ("IIN 9011/2330/0258", "IIN 901123300258"),
        ("IIN 901123_300258", "IIN 901123300258"),
        ("ИИН:901 123 300 258", "ИИН:901123300258"),  # letters may touch the run
        ("ref_901123_300258", "ref_901123_300258"),  # part of an identifier
        ("mobil 0151 23456789", "mobil 0151 23456789"),  # uneven groups: a phone
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("date 12/05/2024", "date 12/05/2024"),
        # internationalised addresses keep their letters; mixed-script words fold
        ("айгерим@почта.рф", "айгерим@почта.рф"),
        ("aigerim@почта.рф", "aigerim@почта.рф"),
        ("ivan@мail.ru", "ivan@mail.ru"),
        ("асе@сосо.сом", "ace@coco.com"),  # an address in look-alikes only
        ("Wi-Fi роутер", "Wi-Fi роутер"),  # a Russian word beside a Latin one
        ("№ 5 … 50\u00a0000", "No 5 ... 50 000"),
    ],
)
def test_normalized_text(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("IIN ９０１１２３３００２５８!", "９０１１２３３００２５８"),
        ("IIN 9011\u200b23300258!", "9011\u200b23300258"),
        ("x 9 0 1 1 2 3 3 0 0 2 5 8 y", "9 0 1 1 2 3 3 0 0 2 5 8"),
        ("Ж 901.123.300.258 ж", "901.123.300.258"),
        ("to аdmin@ехаmple.com.", "аdmin@ехаmple.com"),
        ("ИИН 9011/2330/0258 ок", "9011/2330/0258"),
        ("Сумма 50\u00a0000 тенге, ИИН 901 123 300 258", "901 123 300 258"),
    ],
)
def test_spans_map_back_to_the_original(text: str, value: str) -> None:
    norm = normalize(text)
    folded = normalize(value).text
    start = norm.text.index(folded)
    mapped = norm.span(start, start + len(folded))
    assert text[mapped[0] : mapped[1]] == value
    assert norm.changed


def test_unchanged_text_has_identity_mapping() -> None:
    norm = normalize("nothing to see here 12 34")
    assert not norm.changed
    assert norm.span(3, 7) == (3, 7)


def test_expanding_characters_map_to_their_source() -> None:
    text = "ﬁle 901123300258"  # the ligature becomes two letters
    norm = normalize(text)
    assert norm.text == "file 901123300258"
    start = norm.text.index("9")
    assert norm.span(start, start + 12) == (text.index("9"), len(text))
    assert norm.span(0, 2) == (0, 1)
