"""Street addresses in English, Russian and Kazakh: a street type, a name and a house."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def addresses(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text)
            if f.entity_type == "STREET_ADDRESS"]


POSITIVES = [
    # English
    ("I live at 221B Baker Street, London.", "221B Baker Street"),
    ("1600 Pennsylvania Avenue NW, Washington", "1600 Pennsylvania Avenue NW"),
    ("ship to 350 Fifth Ave, Suite 200", "350 Fifth Ave, Suite 200"),
    ("office: 350 5th Ave.", "350 5th Ave."),
    ("10 Downing St", "10 Downing St"),
    ("12 Elm Road", "12 Elm Road"),
    ("Our office is on Abay Avenue 150", "Abay Avenue 150"),
    ("Visit Baker Street 221B soon", "Baker Street 221B"),
    ("deliver to 742 Evergreen Terrace", "742 Evergreen Terrace"),  # weak type, context
    ("my address: 4 Privet Drive", "4 Privet Drive"),
    ("apartment 5 at 77 Sunset Blvd, Apt 4B", "77 Sunset Blvd, Apt 4B"),
    # lower case, the rest of the USPS street types with a unit or postcode, British units
    ("i live at 12 baker street now", "12 baker street"),
    ("ship to 123 Willow Lights Apt. 456, Springfield", "123 Willow Lights Apt. 456"),
    ("12 Willow Lights, Lake Jane, IL 62704", "12 Willow Lights"),
    ("Flat 5, 12 Jones bridge", "Flat 5, 12 Jones bridge"),
    ("Studio 3 44 Mill Lane", "Studio 3 44 Mill Lane"),
    # several units, a floor by its ordinal, a unit before the house
    ("send to 17 Oak Lane, Bldg 2, Floor 3", "17 Oak Lane, Bldg 2, Floor 3"),
    ("Address: 12 Baker Street, 2nd floor", "12 Baker Street, 2nd floor"),
    ("Office 301, 5 Dostyk Ave", "Office 301, 5 Dostyk Ave"),
    ("12 Baker Street, Office hours are 9-5", "12 Baker Street"),
    # a name then a lower-case type and the house, post-office boxes
    ("the office is at Dostyk avenue 240 now", "Dostyk avenue 240"),
    ("send it to Abay ave 52", "Abay ave 52"),
    ("mail to P.O. Box 1234, Almaty", "P.O. Box 1234"),
    ("PO Box 77", "PO Box 77"),
    ("Post Office Box 15", "Post Office Box 15"),
    ("пишите на а/я 15, Алматы", "а/я 15"),
    ("абонентский ящик № 312", "абонентский ящик № 312"),
    # a direction before the street, British flats on a numberless street, US military
    ("Send it to 221 W 42nd St, New York", "221 W 42nd St"),
    ("Office: 1234 NE 5th Ave", "1234 NE 5th Ave"),
    ("Flat 22b, Martin mills, Leeds", "Flat 22b, Martin mills"),
    ("Studio 9\nHughes ways\nBath", "Studio 9\nHughes ways"),
    ("PSC 1234, Box 5678\nAPO AA 12345", "PSC 1234, Box 5678"),
    # Turkish, Uzbek, Chinese
    ("Adres: Yıldız Sokak No: 5, Kadıköy", "Yıldız Sokak No: 5"),
    ("Adres: Atatürk Cad. No: 12 D: 4", "Atatürk Cad. No: 12 D: 4"),
    ("Adres: Bağdat Caddesi 45/3", "Bağdat Caddesi 45/3"),
    ("Manzil: Navoiy ko'chasi, 15, Toshkent", "Navoiy ko'chasi, 15"),
    ("Manzil: Amir Temur shoh ko'chasi 108", "Amir Temur shoh ko'chasi 108"),
    ("地址：北京市朝阳区建国路88号", "北京市朝阳区建国路88号"),
    # German and French
    ("Adresse: Käthe-Kollwitz-Str. 5/3, 10405 Berlin", "Käthe-Kollwitz-Str. 5/3"),
    ("Hauptstraße 5, 10115 Berlin", "Hauptstraße 5"),
    ("Goethestr. 12a", "Goethestr. 12a"),
    ("Berliner Straße 10", "Berliner Straße 10"),
    ("Lindenweg 7 in Köln", "Lindenweg 7"),
    ("12, rue de la Paix, Paris", "12, rue de la Paix"),
    ("5 bis avenue Victor Hugo", "5 bis avenue Victor Hugo"),
    ("3 boulevard Haussmann", "3 boulevard Haussmann"),
    # Russian and Ukrainian in lower case with the house word, Kazakh in lower case
    ("ул. ленина, д. 5, кв. 3", "ул. ленина, д. 5, кв. 3"),
    ("вул. Шевченка, 12", "вул. Шевченка, 12"),
    # ... or with a house number that ends the address
    ("доставка: проспект назарбаева 99, Балхаш", "проспект назарбаева 99"),
    ("доставка: проспект назарбаева, 223, Риддер", "проспект назарбаева, 223"),
    ("абай даңғылы 150", "абай даңғылы 150"),
    # Russian
    ("ул. Абая, д. 10, кв. 5", "ул. Абая, д. 10, кв. 5"),
    ("пр. Назарбаева 12", "пр. Назарбаева 12"),
    ("проживает по адресу: г. Алматы, ул. Толе би 59, кв. 12",
     "ул. Толе би 59, кв. 12"),
    ("улица Пушкина, дом 5", "улица Пушкина, дом 5"),
    ("мкр Самал-2, 58", "мкр Самал-2, 58"),
    ("мкр. Аксай-4, д. 12, кв. 40", "мкр. Аксай-4, д. 12, кв. 40"),
    ("пр-т Достык 240/2, офис 301", "пр-т Достык 240/2, офис 301"),
    ("проспект Кабанбай батыра 11", "проспект Кабанбай батыра 11"),
    ("ул. 8 Марта, 14а", "ул. 8 Марта, 14а"),
    ("Адрес: Ленинградский проспект, д. 39, стр. 1", "Ленинградский проспект, д. 39, стр. 1"),
    ("Садовая ул., 5", "Садовая ул., 5"),
    ("Адрес: ш. Энтузиастов, 12к2", "ш. Энтузиастов, 12к2"),
    ("Адрес: наб. реки Мойки, 12", "наб. реки Мойки, 12"),
    ("ул. Абая, 10, кв. 5, 3 этаж", "ул. Абая, 10, кв. 5, 3 этаж"),
    ("Адрес: ул. Толе би, 59А, офис 12", "ул. Толе би, 59А, офис 12"),
    ("Адрес: ул. Кабанбай батыра, 11/1, блок В", "ул. Кабанбай батыра, 11/1, блок В"),
    # Kazakh
    ("Абай даңғылы 150", "Абай даңғылы 150"),
    ("мекенжайы: Сәтпаев көшесі, 22-үй, 15-пәтер", "Сәтпаев көшесі, 22-үй, 15-пәтер"),
    ("Самал-2 шағын ауданы, 58", "Самал-2 шағын ауданы, 58"),
    ("Төле би көшесі, 59", "Төле би көшесі, 59"),
    ("Назарбаев даңғылы, 12 үй", "Назарбаев даңғылы, 12 үй"),
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_address_found(text: str, value: str) -> None:
    assert addresses(text) == [value]


NEGATIVES = [
    # a street without a house number is a place, not an address
    "We walked down Baker Street yesterday",
    "ул. Абая перекрыта",
    "Абай даңғылы жабық",
    # street-like words in prose
    "5 Google Drive files were shared",
    "Top 10 Way Forward ideas",
    "Chapter 3 Main Place of Action",
    "I have 3 Main points to make",
    "Wall Street 24 hours a day",
    "He drove 5 miles down the road",
    "the 2 Square meters of carpet",
    "Take 2 Sq of chocolate",
    "и пр. Кроме того, 5 человек",
    "пер. с англ. 2010",
    "в пл. 5 раз",
    "улица была пустой, 5 машин",
    "Road map 2024",
    "Street Fighter 2",
    "streets 5 and 6",
    # lower case and the weak types in prose
    "there are 3 way streets",
    "he walked 5 blocks down the road",
    "I bought 3 Apple Lights",
    "Step 2 Open Settings",
    "version 2 road map",
    "we have 2 green points left",
    "wait 5 minutes at the station",
    "During 5 minutes the Ring 3 was down",
    "в течение 5 минут, улица была пустой",
    "бұл көше 5 жыл бойы жабық",
    "page 12 rue is a French word",
    "we packed 5 boxes of files",
    "Main street 5 minutes away",
    "the box 12 inches wide",
    "Красная площадь, 5 человек пришли",
    "We visited Bağdat Caddesi yesterday",
    "метро 2号线",
    "Studio 54, great place",
    "Unit 12 Box score",
    "the W 3 form",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_an_address(text: str) -> None:
    assert addresses(text) == []


def test_address_beats_a_place_found_inside_it() -> None:
    # NER reports "Baker Street" as a place at 0.85; the address must win the span
    (finding,) = [f for f in detector().analyze("221B Baker Street")
                  if f.entity_type == "STREET_ADDRESS"]
    assert finding.score > 0.85


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # a street-like type with its house number and then a listed town after a comma
        ("party at 402 Magnolia Drive, Savannah. Bring a dish!", "402 Magnolia Drive"),
        ("dropped the parcel at 9 Willow Court, Swindon, with a neighbour", "9 Willow Court"),
        ("the premises at 17 Elm Row, Edinburgh.", "17 Elm Row"),
        # shouted: the street ends at its strong type, not at a later "CLOSE"
        ("WHAT TIME DOES THE PHARMACY ON 221 KING STREET IN HAMILTON CLOSE", "221 KING STREET"),
        # Russian and Kazakh addresses in Latin letters
        ("Ship to: Anastasia Petrova, ul. Lenina 42, kv. 17, Novosibirsk", "ul. Lenina 42, kv. 17"),
        ("Office: pr. Abaya, d. 5, Almaty", "pr. Abaya, d. 5"),
    ],
)
def test_addresses_from_new_sources(text: str, address: str) -> None:
    assert address in addresses(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have 5 Google Drive, Dropbox and Box accounts.",  # no town after the comma
        "Move 3 Park Place tickets to the backlog",
        "The ul. element renders a list",  # the type word needs a name and a number
    ],
)
def test_street_like_words_without_a_town_stay_clean(text: str) -> None:
    assert addresses(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # Ukrainian letters in the street's name, "шосе"; Russian in capitals
        ('"адреса": "вул. Європейська, 60, кв. 8", "email"', "вул. Європейська, 60, кв. 8"),
        ("адреса: вул. Хмельницьке шосе, 145", "Хмельницьке шосе, 145"),
        ("УЛ. ЛЕНИНА, Д. 5, КВ. 17\nГ. САМАРА", "УЛ. ЛЕНИНА, Д. 5, КВ. 17"),
        # a type in lower case with its dot after a name of two words
        ("Akhmetov Serik\nKabanbay Batyr ave. 11, apt. 304\nAstana 010000",
         "Kabanbay Batyr ave. 11, apt. 304"),
        # the addressee on the line above is no part of the street
        ("Recipient: Aigerim Seitkali\nKabanbay Batyr St 53, apt 117\nUst-Kamenogorsk",
         "Kabanbay Batyr St 53, apt 117"),
    ],
)
def test_addresses_of_this_round(text: str, address: str) -> None:
    assert addresses(text) == [address]
