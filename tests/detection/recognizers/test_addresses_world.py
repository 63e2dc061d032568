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
        ("vul. Sumska 17, kv. 8", "vul. Sumska 17, kv. 8"),
        ("Via Giuseppe Garibaldi 23, interno 5, Torino", "Via Giuseppe Garibaldi 23, interno 5"),
        ("Calle de Alcalá 145, 3º B, 28009 Madrid", "Calle de Alcalá 145, 3º B"),
        ("C/ Sierpes 22, piso 1º izq., 41004", "C/ Sierpes 22, piso 1º izq."),
        ("Avinguda Diagonal 405, 2n 1a, 08008", "Avinguda Diagonal 405, 2n 1a"),
        ("Corso Vittorio Emanuele II 140, 80121", "Corso Vittorio Emanuele II 140"),
        ("Rua Augusta 27, Lisboa", "Rua Augusta 27"),
        ("ul. Marszałkowska 84/92 m. 15, 00-514", "ul. Marszałkowska 84/92 m. 15"),
        ("al. Jerozolimskie 65 lok. 7", "al. Jerozolimskie 65 lok. 7"),
        ("Prinsengracht 263-II, 1016 GV", "Prinsengracht 263-II"),
        ("Oudegracht 118bis, 3511 AX", "Oudegracht 118bis"),
        ("Dostyq dańǵyly, 12-úı, 8-páter, Almaty", "Dostyq dańǵyly, 12-úı, 8-páter"),
        ("Tole bi koshesi, 59-ui, 21-pater", "Tole bi koshesi, 59-ui, 21-pater"),
        ("Room 1203, No. 88 Nanjing Dong Lu, Shanghai", "Room 1203, No. 88 Nanjing Dong Lu"),
        ("Wenyi Xi Lu 969 Hao | City: Hangzhou", "Wenyi Xi Lu 969 Hao"),
    ],
)
def test_found(text: str, value: str) -> None:
    assert _found(text) == [value]


@pytest.mark.parametrize(
    "text",
    ["Bağdat Caddesi is long", "Navoiy ko'chasi bo'ylab", "这条路很长", "Flat 5 screens",
     "Unit 12 Box score", "PSC 12, Box 5", "The Plaza Hotel 5 stars", "Via Email",
     "Calle 13 concert", "ul. for sure", "the Lu 5 team"],
)
def test_not_found(text: str) -> None:
    assert _found(text) == []
