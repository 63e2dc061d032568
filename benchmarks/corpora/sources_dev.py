"""The development split's values: the project's own lists (``src/qorgan/data``) and the
names the first corpora were written with, plus hand-made lists kept for this split only.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import ClassVar

from benchmarks.corpora import values as v
from benchmarks.corpora.build import Draw
from benchmarks.corpora.source import BaseSource, Name, translit, words

_DATA = Path(__file__).parents[2] / "src" / "qorgan" / "data"

EN_FIRST_M = words("James Michael David Daniel Robert Thomas Kevin Brian Steven Andrew Paul George")
EN_FIRST_F = words("Emily Sarah Jessica Laura Olivia Hannah Lydia Rachel Megan Natalie Karen Susan")
EN_LAST = words("Smith Johnson Garcia Miller Wilson Moore Taylor Anderson Aguilar Thompson Harris "
           "Clark Lewis Walker Hall Allen Wright Lopez Scott Adams Nelson Carter")
KZ_LAT_M = words("Nurlan Daniyar Yerlan Askar Timur Bauyrzhan Arman Dauren Serik Marat Azamat Yerzhan")
KZ_LAT_F = words("Aigerim Aruzhan Saule Dana Madina Assel Gulnara Dinara Zhanar Aliya Kamila Ainur")
KZ_LAT_LAST = words("Bekov Abenov Tulegenov Omarov Zhaksylykov Nurpeisov Kassymov Akhmetov Sadykov "
               "Serikov Iskakov Zhumabaev Sultanbekov Kenzhebaev Abdrakhmanov Baimukhanov")
RU_LAT = [("Ivan", "Petrov"), ("Sergey", "Smirnov"), ("Dmitry", "Volkov"), ("Alexei", "Morozov"),
          ("Olga", "Ivanova"), ("Natalia", "Kuznetsova"), ("Elena", "Sokolova"),
          ("Anna", "Lebedeva"), ("Pavel", "Novikov"), ("Irina", "Popova")]
COMMON_WORD = [("Rose", "f"), ("Hope", "f"), ("Bill", "m"), ("Mark", "m"), ("Iman", "f"),
               ("Nur", "m"), ("Grace", "f"), ("Will", "m"), ("Amber", "f"), ("Joy", "f"),
               ("Frank", "m"), ("Victor", "m")]
COMMON_LAST = words("Baker Cook Hill Stone King Young Rich Hunter Fox Brown Long Little")

RU_FIRST_M = words("Иван Сергей Дмитрий Алексей Андрей Михаил Николай Павел Игорь Олег")
RU_FIRST_F = words("Ольга Наталья Елена Мария Анна Татьяна Ирина Светлана Екатерина Юлия")
RU_LAST = words("Петров Иванов Смирнов Кузнецов Попов Соколов Лебедев Новиков Морозов Волков")
RU_PATR = words("Петрович Иванович Сергеевич Николаевич Александрович Викторович Андреевич")
KZ_CYR_M = words("Нурлан Данияр Ерлан Асхат Бауыржан Арман Дәурен Серік Марат Азамат Ержан Қайрат")
KZ_CYR_F = words("Айгерим Аружан Сәуле Мадина Әсел Гүлнар Динара Жанар Әлия Камила Айнұр Жұлдыз")
KZ_CYR_LAST = words("Беков Әбенов Төлегенов Омаров Жақсылықов Нұрпейісов Қасымов Ахметов Садықов "
               "Серіков Исқақов Жұмабаев Сұлтанбеков Кенжебаев")
KZ_FATHER = words("Нұрлан Серік Марат Ерлан Асхат Бақыт Қайрат Болат")
COMMON_CYR = [("Вера", "f"), ("Надежда", "f"), ("Любовь", "f"), ("Роман", "m"), ("Лев", "m"),
              ("Арман", "m"), ("Бақыт", "m"), ("Жұлдыз", "f"), ("Шолпан", "f"), ("Нур", "m")]

KZ_CITIES_LAT = words("Almaty Astana Shymkent Karaganda Aktobe Taraz Pavlodar Oskemen Semey Atyrau "
                 "Kostanay Kyzylorda Oral Petropavl Aktau Turkistan Ekibastuz Taldykorgan "
                 "Kokshetau Temirtau Zhezkazgan")
WORLD_LAT = ["London", "Paris", "Berlin", "Istanbul", "Moscow", "Tashkent", "Bishkek", "Dubai",
             "Seoul", "Tokyo", "New York", "Toronto", "Madrid", "Rome", "Prague", "Warsaw",
             "Beijing", "Singapore", "Amsterdam", "Frankfurt", "Los Angeles", "San Francisco"]
WORLD_CYR = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Ташкент", "Бишкек",
             "Стамбул", "Дубай", "Лондон", "Берлин", "Пекин", "Сеул", "Омск", "Казань"]
COUNTRY_LAT = ["Kazakhstan", "Russia", "Germany", "Turkey", "the United States", "China",
               "Uzbekistan", "the United Kingdom", "Kyrgyzstan", "France"]
COUNTRY_CYR = ["Казахстан", "Россия", "Германия", "Турция", "Қазақстан", "Ресей", "Китай",
               "Узбекистан", "Өзбекстан", "Қытай"]
REGION_LAT = ["Almaty Region", "Mangystau Region", "Akmola Region", "Turkestan Region",
              "East Kazakhstan Region", "Pavlodar Region"]

EN_STREETS = ["Abay Avenue", "Dostyk Avenue", "Baker Street", "Main Street", "Oak Street",
              "Maple Avenue", "Park Road", "High Street", "Elm Street", "Al-Farabi Avenue",
              "Tole Bi Street", "Satpayev Street", "Kunayev Street", "Sunset Boulevard"]
RU_STREETS = ["ул. Абая", "пр. Достык", "улица Толе би", "ул. Ленина", "проспект Назарбаева",
              "ул. Сатпаева", "ул. Жандосова", "ул. Розыбакиева", "пр. Республики", "ул. Кабанбай батыра"]
KK_STREETS = ["Абай даңғылы", "Төле би көшесі", "Сәтбаев көшесі", "Достық даңғылы",
              "Қабанбай батыр көшесі", "Жандосов көшесі", "Республика даңғылы", "Әуезов көшесі"]
COMPANIES_LAT = ["Acme Corp", "Globex LLC", "Northwind Traders", "Initech", "Umbrella Logistics",
                 "Blue Steppe Consulting", "Steppe Digital LLP", "Caspian Freight Ltd"]
COMPANIES_CYR = ["ТОО «Алем Трейд»", "АО «Шахар Сервис»", "ТОО «Дала Логистик»", "ИП «Нур»",
                 "ЖШС «Жібек Жолы Консалтинг»"]


def _project_list(name: str, section: str | None = None) -> list[str]:
    rows, current = [], None
    for line in (_DATA / name).read_text("utf-8").splitlines():
        if line.startswith("#"):
            current = line.lstrip("# ").strip()
            continue
        if line.strip() and (section is None or current == section):
            rows.append(line.strip())
    return rows


def _female(last: str) -> str:
    return last + "а" if last.endswith(("ов", "ев", "ин", "ёв")) else last


def _female_lat(last: str) -> str:
    return last + "a" if last.endswith(("ov", "ev", "in")) else last


class DevSource(BaseSource):
    phone_styles = ("intl", "e164", "national", "dash", "paren", "spaced")
    phone_regions = ("KZ", "KZ", "KZ", "RU", "US", "US", "GB", "DE", "FR", "TR", "CN", "UZ", "KG")
    iin_styles = ("plain", "plain", "plain", "space", "slash", "underscore")
    card_styles = ("plain", "space", "dash", "dot")
    card_brands = ("visa", "mastercard", "mir", "amex")
    dob_styles: ClassVar[dict[str, tuple[str, ...]]] = {"en": ("en_long", "en_us", "iso", "mdy_slash"),
                  "ru": ("dmy_dot", "ru_long"), "kk": ("dmy_dot", "kk_long"),
                  "mixed": ("dmy_dot", "iso")}
    obfuscations = (("(at)", "."), ("[at]", "."), (" at ", " dot "))
    idn_domains = ("почта.рф", "мойсайт.рф", "пошта.қаз")
    mail_domains = ("mail.kz", "gmail.com", "halykbank.kz", "example.org", "yandex.ru",
                    "mail.ru", "outlook.com", "inbox.kz")

    def __init__(self) -> None:
        self.kz_cities_cyr = _project_list("kk_places.txt", "Cities")
        self.kz_regions_cyr = _project_list("kk_places.txt", "Regions")
        self.orgs = _project_list("kk_orgs.txt")

    def person(self, rng: random.Random, origin: str | None, script: str) -> Name:
        if origin is None:
            origin = rng.choice(["kz", "kz", "ru", "en", "en"] if script == "lat" else
                                ["kz", "kz", "ru", "ru"])
        female = rng.random() < 0.5
        g = "f" if female else "m"
        if script == "cyr":
            if origin == "common":
                first, g = rng.choice(COMMON_CYR)
                last = rng.choice(RU_LAST + KZ_CYR_LAST)
                return Name(first, _female(last) if g == "f" else last, g)
            if origin == "ru":
                first = rng.choice(RU_FIRST_F if female else RU_FIRST_M)
                patr = rng.choice(RU_PATR)
                patr = patr[:-2] + "на" if female else patr
                last = rng.choice(RU_LAST)
                return Name(first, _female(last) if female else last, g, patr)
            first = rng.choice(KZ_CYR_F if female else KZ_CYR_M)
            last = rng.choice(KZ_CYR_LAST)
            father = rng.choice(KZ_FATHER)
            patr = father + ("қызы" if female else "ұлы")
            return Name(first, _female(last) if female else last, g, patr)
        if origin == "common":
            first, g = rng.choice(COMMON_WORD)
            return Name(first, rng.choice(COMMON_LAST), g)
        if origin == "ru":
            first, last = rng.choice(RU_LAT)
            return Name(first, last, "f" if last.endswith("a") else "m")
        if origin == "kz":
            first = rng.choice(KZ_LAT_F if female else KZ_LAT_M)
            last = rng.choice(KZ_LAT_LAST)
            return Name(first, _female_lat(last) if female else last, g)
        first = rng.choice(EN_FIRST_F if female else EN_FIRST_M)
        return Name(first, rng.choice(EN_LAST), g)

    def place(self, rng: random.Random, kind: str | None, script: str) -> str:
        kind = kind or rng.choice(["kz", "kz", "world"])
        pools = {
            ("kz", "lat"): KZ_CITIES_LAT, ("kz", "cyr"): self.kz_cities_cyr,
            ("world", "lat"): WORLD_LAT, ("world", "cyr"): WORLD_CYR,
            ("country", "lat"): COUNTRY_LAT, ("country", "cyr"): COUNTRY_CYR,
            ("region", "lat"): REGION_LAT, ("region", "cyr"): self.kz_regions_cyr,
        }
        return rng.choice(pools[kind, script])

    def street(self, rng: random.Random, kind: str) -> str:
        n, flat = rng.randint(1, 240), rng.randint(1, 180)
        if kind == "ru":
            s = rng.choice(RU_STREETS)
            return rng.choice([f"{s}, д. {n}, кв. {flat}", f"{s} {n}", f"{s}, {n}",
                               f"{s}, дом {n}, кв. {flat}"])
        if kind == "kk":
            s = rng.choice(KK_STREETS)
            return rng.choice([f"{s}, {n}-үй, {flat}-пәтер", f"{s} {n}", f"{s}, {n}"])
        s = rng.choice(EN_STREETS)
        return rng.choice([f"{n} {s}", f"{n} {s}, apt {flat}", f"{n} {s}, Apt. {flat}",
                           f"{s} {n}"])

    def company(self, rng: random.Random, script: str) -> str:
        if script == "cyr":
            return rng.choice(COMPANIES_CYR + [o for o in self.orgs if not o.isascii()])
        return rng.choice(COMPANIES_LAT + [o for o in self.orgs if o.isascii()])

    def email_local(self, rng: random.Random, name: Name) -> str:
        first, last = translit(name.first), translit(name.last)
        return rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}",
                           f"{first}_{last[0]}"])

    def foreign_iban(self, rng: random.Random, spaced: bool) -> str:
        from stdnum import iban

        while True:
            country, length = rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("TR", 22)])
            if country == "GB":
                bban = v.pick(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + v.pick(rng, "0123456789", 14)
            else:
                bban = v.pick(rng, "0123456789", length)
            value = f"{country}{iban.calc_check_digits(country + '00' + bban)}{bban}"
            if iban.is_valid(value):
                return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if spaced else value


# --- the second round's pools: street shapes of other countries, companies named after
# people, identifiers with other separators (lists written for this split) ----------------

US_STREET_NAMES = words("Maple Cedar Willow Juniper Hawthorne Lincoln Franklin Jefferson Madison "
                        "Walnut Chestnut Sycamore Magnolia Highland Lakeview Riverside Fairview")
US_STRONG = words("Street St. Avenue Ave Road Rd. Boulevard Blvd Lane Ln Parkway Highway")
US_WEAK = words("Court Place Terrace Circle Trail Way Drive Crossing Ridge Hollow Meadows Point "
                "Heights Landing Grove Bend Run Creek Path Square")
US_UNITS = ("Apt. {n}", "Suite {n}", "Unit {n}", "#{n}", "Apt {n}B")
US_TOWNS = [("Springfield", "IL"), ("Columbus", "OH"), ("Austin", "TX"), ("Denver", "CO"),
            ("Portland", "OR"), ("Madison", "WI"), ("Raleigh", "NC"), ("Tucson", "AZ")]
GB_TYPES = words("Road Street Lane Close Gardens Grove Crescent Mews Row Drive Avenue Walk Hill "
                 "Rise Terrace Way Place Green")
GB_UNITS = ("Flat {n}", "Flat {n}A", "Studio {n}", "Apartment {n}")
GB_POSTCODES = ("SW1A 2AA", "M1 4BT", "LS6 2QT", "EH3 9JX", "B15 2TT", "CF10 3AT", "OX1 3PA")
DE_STEMS = words("Linden Eichen Birken Rosen Garten Schiller Goethe Mozart Bahnhof Kirch Schul "
                 "Wald Berg Feld Tal Mühlen")
DE_SUFFIXES = ("straße", "str.", "weg", "gasse", "platz", "allee", "ring", "damm")
FR_TYPES = ("rue", "avenue", "boulevard", "chemin", "impasse", "allée", "place", "quai")
FR_NAMES = ("de la République", "Victor Hugo", "des Lilas", "du Moulin", "Pasteur",
            "de la Gare", "Jean Jaurès", "des Écoles", "du Général Leclerc", "Voltaire")
COMPANY_FORMS = ("{a} & Sons", "{a} Group", "{a}-{b} LLC", "{a}, {b} and {c}", "{a} Holdings",
                 "{a} & {b} LLP", "{a} GmbH", "{a} SARL", "{a} Consulting Ltd", "{a} Partners",
                 "{a} Brothers Inc.", "{a}-{b} AG")


class SecondRoundSource(DevSource):
    """:class:`DevSource` with the second round's shapes, chosen by flags (``us``, ``gb``,
    ``de``, ``fr`` streets; ``lower`` streets; ``surname`` companies; ``space``, ``dash``,
    ``dot`` ID card and SSN groups)."""

    def value(self, kind: str, index: int, flags: frozenset[str], draw: Draw) -> str:
        rng = draw.rng
        if kind == "STREET_ADDRESS" and flags & {"us", "us_weak", "gb", "de", "fr"}:
            text = self._street2(rng, next(iter(flags & {"us", "us_weak", "gb", "de", "fr"})))
            return text.lower() if "lower" in flags else text
        if kind == "STREET_ADDRESS" and "lower" in flags:
            return super().value(kind, index, flags, draw).lower()
        if kind == "ORGANIZATION" and "surname" in flags:
            a, b, c = (rng.choice(EN_LAST + KZ_LAT_LAST) for _ in range(3))
            return rng.choice(COMPANY_FORMS).format(a=a, b=b, c=c)
        if kind == "KZ_ID_CARD" and flags & {"space", "dash", "dot"}:
            digits = v.id_card(rng)
            sep = {"space": " ", "dash": "-", "dot": "."}[next(iter(flags & {"space", "dash", "dot"}))]
            return sep.join((digits[:3], digits[3:6], digits[6:]))
        if kind == "US_SSN" and flags & {"bare", "space", "dot"}:
            digits = v.ssn(rng, dashed=False)
            if "bare" in flags:
                return digits
            sep = " " if "space" in flags else "."
            return sep.join((digits[:3], digits[3:5], digits[5:]))
        return super().value(kind, index, flags, draw)

    def _street2(self, rng: random.Random, kind: str) -> str:
        n = rng.randint(1, 9800)
        if kind in ("us", "us_weak"):
            types = US_WEAK if kind == "us_weak" else US_STRONG
            street = f"{n} {rng.choice(US_STREET_NAMES + EN_LAST)} {rng.choice(types)}"
            if kind == "us_weak" or rng.random() < 0.5:
                street += ", " + rng.choice(US_UNITS).format(n=rng.randint(1, 990))
            return street
        if kind == "gb":
            street = f"{rng.randint(1, 240)} {rng.choice(EN_LAST)} {rng.choice(GB_TYPES)}"
            if rng.random() < 0.5:
                street = rng.choice(GB_UNITS).format(n=rng.randint(1, 60)) + ", " + street
            return street
        if kind == "de":
            house = rng.choice([str(rng.randint(1, 180)), f"{rng.randint(1, 90)}a"])
            return f"{rng.choice(DE_STEMS)}{rng.choice(DE_SUFFIXES)} {house}"
        house = rng.choice([str(rng.randint(1, 180)), f"{rng.randint(1, 40)} bis"])
        return f"{house}{rng.choice(['', ','])} {rng.choice(FR_TYPES)} {rng.choice(FR_NAMES)}"

    def us_town(self, rng: random.Random) -> tuple[str, str]:
        return rng.choice(US_TOWNS)

    def filler(self, kind: str, draw: Draw) -> str:
        rng = draw.rng
        extra = {
            "zip": lambda: f"{rng.randint(10000, 99950)}",
            "gb_postcode": lambda: rng.choice(GB_POSTCODES),
            "weekday": lambda: rng.choice(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]),
            "month": lambda: rng.choice(["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
                                         "Sep", "Oct", "Nov", "Dec"]),
            "state": lambda: rng.choice(["IL", "OH", "TX", "CO", "OR", "WI", "NC", "AZ"]),
        }
        if kind in extra:
            return extra[kind]()
        return super().filler(kind, draw)
