"""Dates of birth: a date is one only when a birth cue says so."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def births(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text)
            if f.entity_type == "DATE_OF_BIRTH"]


NEXT_YEAR = dt.date.today().year + 1

POSITIVES = [
    # other languages' cues and months, compact and two-digit-year forms
    ("DOB 04-Apr-85, Ken Yamada", "04-Apr-85"),
    ("DOB (YYYYMMDD): 19710822 | Surname: Kowalski", "19710822"),
    ("Sophie Laurent (née Mercier), b. 1.3.1966, Strasbourg", "1.3.1966"),
    ("Data urodzenia: 11.11.1964; Imię i nazwisko: Jan Zieliński", "11.11.1964"),
    ("Geboortedatum: 30-06-1985, naam: Lars Bakker", "30-06-1985"),
    ("Paolo Conti, nato a Genova il 2 febbraio 1951.", "2 febbraio 1951"),
    ("Chiara Ricci, nata il 21/09/1972 a Bologna", "21/09/1972"),
    ("Tugan kuni: 14.06.1998, aty-zhoni: Madina Bekova", "14.06.1998"),
    ("Naýqas: Sarsenova Gúlmıra, týǵan kúni 03.02.1986", "03.02.1986"),  # 2021 Latin
    ("Бейтап: Мамытов Нурбек, туулган күнү 03.06.1974, дареги: Ош", "03.06.1974"),  # ky
    ("Дата и место рождения: 12.03.1985, г. Караганда", "12.03.1985"),
    ("Кравчук Дмитро Олегович, 02.08.1985 р.н., мешканець Кременчука", "02.08.1985"),
    ("Xolmatov Bekzod Alisher o'g'li, tug'ilgan sanasi: 05.06.1983", "05.06.1983"),
    ("Sağyntaev Däuren Serıkūly, 09.09.2000 j.t., Taraz", "09.09.2000"),
    ("Rahimova Dilnoza Botirovna, 11.01.2004 yilda tug'ilgan, Samarqand", "11.01.2004"),
    ("Менің атым Меруерт, туған күнім — 15.10.2001", "15.10.2001"),
    ("родился(-ась): 14.03.1990", "14.03.1990"),
    # a few words after the cue, or the answer to its question
    ("Date of birth on file: 2 November 1990.", "2 November 1990"),
    ("14/02/1995 is my date of birth, which zodiac sign am I?", "14/02/1995"),
    ("please confirm your date of birth — we have 19 Feb 1970 on file", "19 Feb 1970"),
    ("Agent: may I have your date of birth? Customer: 12 March 1979.", "12 March 1979"),
    ("Оператор: назовите дату рождения?\nКлиент: 21 декабря 1962", "21 декабря 1962"),
    ("Асхаттың туған күні керек, білесің бе? Ақерке: Иә, 02.12.1985.", "02.12.1985"),
    ("Дата рождения: 14.III.1990", "14.III.1990"),
    ("Дата рождения..........14.03.1990", "14.03.1990"),
    ("Дата рождения: 14-мар-1990", "14-мар-1990"),
    ("Date of birth: ____ 14/03/1990", "14/03/1990"),
    # English, numeric and written months
    ("DOB: 14.03.1990", "14.03.1990"),
    ("D.O.B. 1990-03-14", "1990-03-14"),
    ("dob 03/14/1990", "03/14/1990"),
    ("Date of birth: 14/03/1990", "14/03/1990"),
    ("Birth date 14-03-90", "14-03-90"),
    ("born on 14 March 1990 in Almaty", "14 March 1990"),
    ("Born: March 14, 1990", "March 14, 1990"),
    ("she was born on the 14th of March 1990", "14th of March 1990"),
    ("born Mar 14 1990", "Mar 14 1990"),
    ("birthday: 1 Jan 1985", "1 Jan 1985"),
    ("Year of birth: 1985", "1985"),
    ("born in 1985", "1985"),
    # the US order with a day past 12, keys and markup, format hints, written months
    ("DOB: 02/22/1959, SSN on file", "02/22/1959"),
    ("Employee (born 03/24/2004) joins in June", "03/24/2004"),
    ('{"dob": "1990-03-14", "name": "x"}', "1990-03-14"),
    ("patient_dob=14.03.1990", "14.03.1990"),
    ("dateOfBirth: 1990-03-14", "1990-03-14"),
    ("<birthDate>1990-03-14</birthDate>", "1990-03-14"),
    ("date_of_birth: '1990-03-14'", "1990-03-14"),
    ("Date of birth (dd/mm/yyyy): 14/03/1990", "14/03/1990"),
    ("DOB 14-Mar-1990", "14-Mar-1990"),
    ("born in March 1990", "March 1990"),
    ("born 1985, raised in Almaty", "1985"),
    ("Geburtsdatum: 14.03.1990", "14.03.1990"),
    ("fecha de nacimiento: 12/03/1985", "12/03/1985"),
    # the neighbouring languages' months and cues, the Chinese date
    ("né le 14 mars 1990 à Lyon", "14 mars 1990"),
    ("geboren am 14. März 1990 in Köln", "14. März 1990"),
    ("Doğum tarihi: 14 Mart 1990", "14 Mart 1990"),
    ("fecha de nacimiento: 14 de marzo de 1990", "14 de marzo de 1990"),
    ("Tug'ilgan sana: 14.03.1990", "14.03.1990"),
    ("народився 14 березня 1990 року", "14 березня 1990 року"),
    ("出生日期：1990年3月14日", "1990年3月14日"),
    ("Employee (b. 14.02.1991) joined in 2015.", "14.02.1991"),
    ("bday is on 1990-05-06", "1990-05-06"),
    ("born in Almaty on 14 March 1990", "14 March 1990"),
    ("она родилась в Караганде 14.03.1990", "14.03.1990"),
    # Russian
    ("родилась в марте 1990 года", "марте 1990 года"),
    ("родился в 1985 году", "1985 году"),
    ("Дата рожд.: 14.03.1990", "14.03.1990"),
    ("Дата рождения: 14.03.1990", "14.03.1990"),
    ("дата рождения — 14 марта 1990 г.", "14 марта 1990 г."),
    ("родилась 14 марта 1990 года", "14 марта 1990 года"),
    ("Родился 1 января 1985 г. в Караганде", "1 января 1985 г."),
    ("д.р. 14.03.1990", "14.03.1990"),
    ("д/р: 14.03.1990", "14.03.1990"),
    ("Иванов И.И., 14.03.1990 г.р.", "14.03.1990"),
    ("Петров, 1985 г.р.", "1985"),
    ("14.03.1990 года рождения", "14.03.1990"),
    ("год рождения: 1985", "1985"),
    # Kazakh
    ("Туған күні: 14.03.1990", "14.03.1990"),
    ("туған күні 14 наурыз 1990 ж.", "14 наурыз 1990 ж."),
    ("1990 жылғы 14 наурызда туған", "1990 жылғы 14 наурызда"),
    ("Туған жылы: 1985", "1985"),
    ("1985 жылы туған", "1985"),
]


@pytest.mark.parametrize(("text", "value"), POSITIVES)
def test_birth_date_found(text: str, value: str) -> None:
    assert births(text) == [value]


NEGATIVES = [
    # "nato" only as the Italian "born" before "a"/"il"; a compact number without a cue
    "The NATO summit on 12.03.1985 in Brussels",
    # a form's own recent dates a few words after the cue
    "Date of birth field added on 12.05.2024",
    "What is your date of birth? Order: 12.05.2023",
    "Invoice 19710822 was paid, DOB unknown",
    "the national archive, 12.03.1985",
    # an abbreviation in parentheses, a celebration: no year of birth
    "see section (b. 1990 edition)",
    "the bday party is in 2024",
    "生日 2024",
    "invoice of 14 mars 1990",
    # dates that are not birth dates
    "Invoice date 14.03.1990",
    "Order placed on 14 March 2024",
    "deadline: 2024-03-14",
    "Срок оплаты 14.03.2024",
    "Мерзімі: 14 наурыз 2024",
    "The meeting was on 03/14/1990 in Almaty",
    "birthday party next Friday, 14.03.2024 is booked",  # "party" breaks the cue
    # a cue without a date, or with an impossible or future one
    "date of birth unknown",
    "DOB: 31.02.1990",
    f"born on 01.01.{NEXT_YEAR}",
    "DOB: 14.03.1890",
    "Дата рождения: 32.01.1990",
    # "born" inside another word, a year that is not a birth year
    "newborn 14.03.2024 checkup",
    "founded in 1985, reborn 2001",
    "In 1985 the company was born",
    "туған жер Алматы, 2024 жыл",
    # a birthday is every year; a birth certificate's date is its own
    "birthday 2024 party at the office",
    "Birthday party on 2024-03-14",
    "birth certificate issued 2020-01-01",
    "the date 02/22/1959 is in the archive",
    "born to run 1975 tour",
    "Date of birth: 02/30/1990",
    "born and raised here, moved 2010-01-01",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_a_birth_date(text: str) -> None:
    assert births(text) == []


def test_overlapping_cues_report_one_date() -> None:
    assert births("Дата рождения: 14.03.1990 г.р.") == ["14.03.1990"]


@pytest.mark.parametrize(
    ("table", "dates"),
    [
        ("client,ssn,dob\nSarah Taylor,098-68-1309,1989-09-01\nKaren Allen,1,02/22/1959",
         ["1989-09-01", "02/22/1959"]),
        ("| Name | Date of Birth |\n|---|---|\n| Ann | 1990-01-02 |", ["1990-01-02"]),
        ("ФИО;Дата рождения\n\"Ли, В.\";14.03.1990 г.", ["14.03.1990 г."]),
        ("name\tbirth_date\tcity\nAnn\t14.03.1990\tAlmaty", ["14.03.1990"]),
    ],
)
def test_dates_under_a_birth_date_column(table: str, dates: list[str]) -> None:
    assert births(table) == dates


@pytest.mark.parametrize(
    "table",
    [
        "order,date,total\n1,2024-03-14,15.00",  # no birth column
        "client,dob\nAnn,unknown",  # not a date
        "client,dob\nAnn,31.02.1990",  # not a real date
        "client,dob,created\nAnn,1990-01-02,2024-03-14",  # only the dob column
    ],
)
def test_other_columns_and_cells_stay_clean(table: str) -> None:
    assert births(table) in ([], ["1990-01-02"])
    assert "2024-03-14" not in births(table)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Ахметжанов Болат Серікұлы, 1978 ж. 11 қараша, Жезқазған қ. тұрғыны.",
         "1978 ж. 11 қараша"),
        ("Выписка: Байжанова Гульмира Сериковна, 1972-05-19, выписана.", "1972-05-19"),
        ("Медициналық жазба: Тұрсынбаева Ләззат, 1990 жылғы 3 мамыр, 28 апта.",
         "1990 жылғы 3 мамыр"),
        ("В медкарте исправить дату рождения: 07.07.2001.", "07.07.2001"),
    ],
)
def test_a_date_right_after_a_full_name_opening_a_record(text: str, value: str) -> None:
    assert value in births(text)


@pytest.mark.parametrize(
    "text",
    [
        "Отчёт Петрова, 12.03.1999 года: продажи выросли.",  # a document, not a person
        "Иванов Иван Петрович, 12.05.2020 — отпуск.",  # too recent to be a birth
        "Договор подписал Иванов Иван Петрович, 12.03.1985 года.",  # inside a sentence
    ],
)
def test_no_birth_date_after_a_name_elsewhere(text: str) -> None:
    assert births(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("Емханаға кезек: Төлебаев Ә.С., 1962 ж. 3 қаңтар, кардиолог.", "1962 ж. 3 қаңтар"),
     ("Запись: пациент Абдрахманова Сауле Кайратовна, 30.06.1971, терапевт.", "30.06.1971")],
)
def test_a_date_after_a_name_with_initials_or_a_role(text: str, value: str) -> None:
    assert value in births(text)


def test_a_manifest_date_of_birth() -> None:
    assert "05DEC88" in births("MANIFEST: AKHMETOVA FARIDA, F, DOB 05DEC88, BOARDING ASTANA")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # the answer to a request for the date, after a full stop or a time-stamped label,
        # opening with its month
        ("[00:01:21] AGENT: And your date of birth?\n[00:01:23] CALLER: July 3rd, 1977.",
         "July 3rd, 1977"),
        ("Bot: Now enter your date of birth (MM/DD/YYYY).\nUser: 10/01/1966", "10/01/1966"),
        ("Оператор: Назовите дату рождения. Клиент: 21 декабря 1962.", "21 декабря 1962"),
        ("Agent: Thank you, and your date of birth?\nCustomer: july 19 1992", "july 19 1992"),
        # "b." before the date after a name; eight digits month first; a participle of birth
        ("Pt Lowe, Gerald  b. 3/17/1951  SS 225-61-3047", "3/17/1951"),
        ("SSN:472183309|DOB:07041976|LN:PARK", "07041976"),
        ("Я, Гусейнова Лейла Руслановна, родившаяся 1 января 2001 г., прошу",
         "1 января 2001 г."),
    ],
)
def test_births_of_this_round(text: str, value: str) -> None:
    assert value in births(text)


@pytest.mark.parametrize(
    "text",
    [
        "Date of birth field added. Admin: 12.05.2024 release",
        "Plan b. 12 steps to follow",
        "Please enter the date. User: 10/01/2021",
    ],
)
def test_no_birth_of_this_round(text: str) -> None:
    assert births(text) == []
