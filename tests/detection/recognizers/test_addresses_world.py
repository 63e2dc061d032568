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


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Dirección: Av. Insurgentes Sur 1602, Piso 4", "Av. Insurgentes Sur 1602"),
        ("Dirección: Avenida de la Constitución 18, 4ºA, 41004 Sevilla",
         "Avenida de la Constitución 18"),
        ("Neue Adresse: Nørrebrogade 66, 3. tv, 2200 København N", "Nørrebrogade 66, 3. tv"),
        ("addr 12 Jalan Bukit Merah #03-05 Singapore 150012", "12 Jalan Bukit Merah #03-05"),
        ("addr Plot 22, 4th Cross, Indiranagar", "Plot 22, 4th Cross"),
        ("current addr H.No. 221, Block C, Sector 15", "H.No. 221, Block C"),
        ("she resides at Flat No. 703, B Wing, Sai Krupa CHS", "Flat No. 703, B Wing"),
        ("residing at Lot 8 Block 3, Sampaguita St.", "Lot 8 Block 3"),
        ("Forwarding address 12877 76 Ave, Surrey, BC", "12877 76 Ave"),
        ("Address: Suite 1408, 1010 6 St SW, Calgary", "1010 6 St SW"),
        # lower case after an address word or before a postcode
        ("nuovo indirizzo via Garibaldi 27, int. 5, 10122 Torino", "via Garibaldi 27, int. 5"),
        ("endereço rua dos andradas 1234 casa 2, porto alegre", "rua dos andradas 1234 casa 2"),
        ("lotte van dijk, witte de withstraat 39b, 3012 BM rotterdam",
         "witte de withstraat 39b"),
        ("nouvel adresse : 3 impasse des lilas, 33000 bordeaux", "3 impasse des lilas"),
        ("paul, wohnt bautzner str. 45, whg 12, 01099 dresden", "bautzner str. 45, whg 12"),
    ],
)
def test_more_forms(text: str, value: str) -> None:
    assert any(found.startswith(value) for found in _found(text))


@pytest.mark.parametrize(
    "text",
    [
        "i sent it via email 2 times, no answer",
        "sent via DHL 3 times, the address was wrong",
        "my address: see page 4, thanks",
        "the plaza hotel 5 stars",
    ],
)
def test_lower_case_words_are_no_address(text: str) -> None:
    assert _found(text) == []
