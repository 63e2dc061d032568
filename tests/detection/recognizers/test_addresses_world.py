"""The neighbours' address forms on their own: each needs its type word and a number."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.addresses_world import world_addresses


def _found(text: str) -> list[str]:
    return [text[s:e] for s, e in world_addresses(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Yıldız Sokak No: 5", "Yıldız Sokak No: 5"),
        ("Atatürk Cad. No: 12 D: 4", "Atatürk Cad. No: 12 D: 4"),
        ("Navoiy ko'chasi, 15", "Navoiy ko'chasi, 15"),
        ("Mustaqillik ko‘chasi 7-uy", "Mustaqillik ko‘chasi 7-uy"),
        ("上海市浦东新区世纪大道100号", "上海市浦东新区世纪大道100号"),
        ("马鞍山路U座", "马鞍山路U座"),
        ("Flat 3, Abbey road", "Flat 3, Abbey road"),
        ("Unit 1234 Box 5678", "Unit 1234 Box 5678"),
    ],
)
def test_found(text: str, value: str) -> None:
    assert _found(text) == [value]


@pytest.mark.parametrize(
    "text",
    ["Bağdat Caddesi is long", "Navoiy ko'chasi bo'ylab", "这条路很长", "Flat 5 screens",
     "Unit 12 Box score", "PSC 12, Box 5"],
)
def test_not_found(text: str) -> None:
    assert _found(text) == []
