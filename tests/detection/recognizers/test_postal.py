"""Towns named by their place in a postal address, on their own (``postal``)."""

from __future__ import annotations

import pytest

from qorgan.detection.recognizers.postal import PostalTownRecognizer


def _towns(text: str) -> list[str]:
    return [text[h.start : h.end] for h in PostalTownRecognizer().scan(text)]


@pytest.mark.parametrize(
    ("text", "towns"),
    [
        ("Lieferadresse: Jonas Becker, Hauptstraße 12, 69117 Heidelberg", ["Heidelberg"]),
        ("Francesca Bianchi, Piazza Santo Spirito 4, 50125 Firenze", ["Firenze"]),
        ("Prinsengracht 263-II, 1016 GV Amsterdam", ["Amsterdam"]),
        ("ul. Marszałkowska 84/92 m. 15, 00-514 Warszawa", ["Warszawa"]),
        ("Corso Vittorio Emanuele II 140, 80121 Napoli – intestatario", ["Napoli"]),
        ("Mariahilfer Straße 88, 1070 Wien, Österreich", ["Wien"]),
        ("4821 Maple Avenue, Apt 3B, Columbus, OH 43215, USA", ["Columbus"]),
        ("Brian Foster,233-90-4471,1981-09-14,Denver,CO", ["Denver"]),
        ("9 Willow Lane, Harrogate, North Yorkshire HG1 2AB; mobile", ["North Yorkshire"]),
        ("Flat 4, 27 Cavendish Road Manchester M20 1JQ", ["Manchester"]),
        ("1453 Sokak No:7 Kat:3, Konak/İzmir. Elif Kaya", ["Konak", "İzmir"]),
        # a town no list holds, after its postcode
        ("Bergdamm 87, 88024 Sarahfurt", ["Sarahfurt"]),
    ],
)
def test_towns(text: str, towns: list[str]) -> None:
    assert _towns(text) == towns


@pytest.mark.parametrize(
    "text",
    [
        "Order 12345 Shipped today",  # the number opens no field
        "Total, 2024 Revenue was up",  # English words after it
        "Version 2.0, 1200 Main Office",
        "Report,Draft,CO",  # no listed town before the code
        "TCP/IP and Input/Output",  # no listed province after the slash
        "Room 12, 4500 Items in stock",
    ],
)
def test_no_town(text: str) -> None:
    assert _towns(text) == []
