"""The held-out split's values: Faker's locales (names, companies, streets, cities of
Russia and Germany, countries, mail domains, foreign IBANs) and lists made for this split
alone, none taken from the project's data or from the development split's lists.
"""

from __future__ import annotations

import random
import re
from typing import ClassVar

import faker
from stdnum import iban

from benchmarks.corpora.checks import iban_ok
from benchmarks.corpora.source import BaseSource, Name, translit, words

_LOCALES = {"en": "en_US", "gb": "en_GB", "ru": "ru_RU", "de": "de_DE", "fr": "fr_FR",
            "tr": "tr_TR", "cn": "zh_CN", "uz": "uz_UZ", "uk": "uk_UA"}

KZ_LAT_M = words("Yerbol Olzhas Zhandos Kanat Ruslan Nursultan Alibek Berik Dias Sanzhar Galym "
            "Rustem Adilet Miras")
KZ_LAT_F = words("Akmaral Zarina Meruyert Togzhan Botagoz Aizhan Zhansaya Indira Perizat Moldir "
            "Gaukhar Symbat Aliya")
KZ_LAT_LAST = words("Mukanov Zhunusov Bekmukhambetov Tokhtarov Yessenov Suleimenov Kairatov "
               "Utepov Baimagambetov Dzhaksybekov Rakhimov Sarsenbaev Alimzhanov Kuanyshev "
               "Yergaliyev Temirkhanov")
KZ_CYR_M = words("Ербол Олжас Жандос Қанат Руслан Әлібек Берік Диас Санжар Ғалым Рүстем Әділет Мирас")
KZ_CYR_F = words("Ақмарал Зарина Меруерт Тоғжан Ботагөз Айжан Жансая Индира Перизат Мөлдір "
            "Гаухар Сымбат")
KZ_CYR_LAST = words("Мұқанов Жүнісов Бекмұхамбетов Тохтаров Есенов Сүлейменов Қайратов Өтепов "
               "Баймағамбетов Рахымов Сәрсенбаев Әлімжанов Қуанышев Темірханов")
COMMON_WORD = [("Faith", "f"), ("Joy", "f"), ("June", "f"), ("Hunter", "m"), ("Iman", "f"),
               ("Nur", "m"), ("Hope", "f"), ("Mark", "m"), ("Rose", "f"), ("Bill", "m"),
               ("Summer", "f"), ("Sunny", "f"), ("Gene", "m"), ("Art", "m"), ("Pat", "f")]
COMMON_LAST = words("Miller Fisher Carpenter Mason Gold Field Wood Hart Price Bell Golden Banks")
COMMON_CYR = [("Роза", "f"), ("Лилия", "f"), ("Мир", "m"), ("Слава", "m"), ("Ая", "f"),
              ("Айгүл", "f"), ("Ақерке", "f"), ("Мейір", "m"), ("Бота", "f"), ("Самал", "f"),
              ("Ару", "f"), ("Айбек", "m")]

KZ_CITIES_LAT = ["Karagandy", "Ust-Kamenogorsk", "Uralsk", "Petropavlovsk", "Aqtobe", "Qostanay",
                 "Shymkent", "Nur-Sultan", "Zhanaozen", "Balkhash", "Satbayev", "Konaev",
                 "Ridder", "Stepnogorsk", "Aksu", "Kentau", "Rudny", "Semipalatinsk", "Kaskelen",
                 "Zharkent", "Aktau", "Atyrau", "Kyzylorda", "Taraz", "Talgar", "Shchuchinsk"]
KZ_CITIES_CYR = ["Қарағанды", "Өскемен", "Орал", "Петропавл", "Ақтөбе", "Қостанай", "Шымкент",
                 "Жаңаөзен", "Балқаш", "Сәтбаев", "Риддер", "Степногорск", "Кентау", "Рудный",
                 "Жаркент", "Талгар", "Уральск", "Усть-Каменогорск", "Кокшетау", "Экибастуз",
                 "Атырау", "Туркестан", "Кызылорда", "Талдыкорган"]
WORLD_LAT = ["Lyon", "Munich", "Hamburg", "Izmir", "Ankara", "Samarkand", "Osh", "Novosibirsk",
             "Kazan", "Yekaterinburg", "Chicago", "Seattle", "Boston", "Denver", "Manchester",
             "Edinburgh", "Vienna", "Zurich", "Milan", "Barcelona", "Lisbon", "Helsinki", "Oslo",
             "Riga", "Vilnius", "Tbilisi", "Baku", "Yerevan", "Doha", "Urumqi", "Guangzhou",
             "Shenzhen", "Osaka", "Bangkok", "Kuala Lumpur", "Cairo", "Nairobi", "Sydney"]
REGION_LAT = ["Karaganda Region", "Zhambyl Region", "North Kazakhstan", "West Kazakhstan Region",
              "Kyzylorda Region", "Ulytau Region", "Abai Region", "Zhetysu Region"]
REGION_CYR = ["Карагандинская область", "Жамбыл облысы", "Северо-Казахстанская область",
              "Батыс Қазақстан облысы", "Ұлытау облысы", "Жетісу облысы", "Павлодарская область"]
KK_STREETS = ["Назарбаев даңғылы", "Жамбыл көшесі", "Бөгенбай батыр көшесі", "Құрманғазы көшесі",
              "Сейфуллин даңғылы", "Ғабит Мүсірепов көшесі", "Шевченко көшесі", "Тұран даңғылы"]
KZ_STREETS_LAT = ["Nazarbayev Ave", "Zhambyl St", "Bogenbay Batyr St", "Kurmangazy Street",
                  "Seifullin Avenue", "Turan Ave", "Mangilik El Avenue", "Kenesary Street"]
MAIL_DOMAINS = ("kazmail.kz", "post.kz", "bk.ru", "list.ru", "icloud.com", "proton.me",
                "yahoo.com", "web.de", "orange.fr", "hotmail.com", "rambler.ru", "company.kz")


class TestSource(BaseSource):
    phone_styles = ("intl", "e164", "national", "intl_dash", "dots", "paren_plus", "paren", "dash")
    phone_regions = ("KZ", "KZ", "RU", "RU", "US", "US", "GB", "DE", "FR", "TR", "CN", "UZ", "KG")
    iin_styles = ("plain", "plain", "space4", "slash", "underscore", "dash")
    card_styles = ("space", "plain", "dot", "dash")
    card_brands = ("visa", "mastercard", "unionpay", "amex", "mir")
    dob_styles: ClassVar[dict[str, tuple[str, ...]]] = {"en": ("en_short", "dmy_slash", "iso", "en_long"),
                  "ru": ("ru_long", "dmy_dot", "iso"), "kk": ("kk_short", "kk_long", "dmy_dot"),
                  "mixed": ("dmy_dot", "en_short")}
    obfuscations = (("[at]", "[dot]"), ("(at)", "(dot)"), (" at ", " dot "), (" [at] ", "."))
    idn_domains = ("компания.рф", "сайт.қаз", "домен.рус", "пример.рф")
    mail_domains = MAIL_DOMAINS

    def __init__(self, seed: int) -> None:
        self.fakers: dict[str, faker.Faker] = {}
        for key, locale in _LOCALES.items():
            fake = faker.Faker(locale)
            fake.seed_instance(seed + len(self.fakers))
            self.fakers[key] = fake
        self.ru_cities = sorted({re.sub(r"^(?:г|с|п|д|к|пгт|ст|клх|сл)\. ", "", c)
                                 for c in (self.fakers["ru"].city() for _ in range(400))})
        self.de_cities = sorted({c for c in (self.fakers["de"].city() for _ in range(400))
                                 if " " not in c and "-" not in c})

    def person(self, rng: random.Random, origin: str | None, script: str) -> Name:
        if origin is None:
            origin = rng.choice(["kz", "kz", "ru", "en", "gb", "de", "fr", "tr", "cn", "uz"]
                                if script == "lat" else ["kz", "kz", "ru", "ru", "uk"])
        female = rng.random() < 0.5
        g = "f" if female else "m"
        if origin == "common":
            first, g = rng.choice(COMMON_CYR if script == "cyr" else COMMON_WORD)
            last = (rng.choice(KZ_CYR_LAST) if script == "cyr" else rng.choice(COMMON_LAST))
            return Name(first, last + "а" if script == "cyr" and g == "f" else last, g)
        if origin == "kz":
            if script == "cyr":
                first = rng.choice(KZ_CYR_F if female else KZ_CYR_M)
                last = rng.choice(KZ_CYR_LAST)
                return Name(first, last + "а" if female else last, g,
                            _kz_patronymic(rng.choice(KZ_CYR_M), female))
            first = rng.choice(KZ_LAT_F if female else KZ_LAT_M)
            last = rng.choice(KZ_LAT_LAST)
            return Name(first, last + "a" if female and last.endswith(("ov", "ev")) else last, g)
        if origin in ("ru", "uk"):
            fake = self.fakers[origin]
            if female:
                first, last = fake.first_name_female(), fake.last_name_female()
                patr = fake.middle_name_female() if origin == "ru" else ""
            else:
                first, last = fake.first_name_male(), fake.last_name_male()
                patr = fake.middle_name_male() if origin == "ru" else ""
            if script == "lat":
                return Name(translit(first).title(), translit(last).title(), g)
            return Name(first, last, g, patr)
        fake = self.fakers["en" if script == "cyr" else origin]
        if origin == "cn":
            return Name(fake.first_romanized_name(), fake.last_romanized_name(), g)
        if female:
            return Name(fake.first_name_female(), fake.last_name(), g)
        return Name(fake.first_name_male(), fake.last_name(), g)

    def place(self, rng: random.Random, kind: str | None, script: str) -> str:
        kind = kind or rng.choice(["kz", "kz", "world"])
        if kind == "kz":
            return rng.choice(KZ_CITIES_LAT if script == "lat" else KZ_CITIES_CYR)
        if kind == "region":
            return rng.choice(REGION_LAT if script == "lat" else REGION_CYR)
        if kind == "country":
            fake = self.fakers["en" if script == "lat" else "ru"]
            while True:
                country = fake.country()
                if len(country) < 16 and "(" not in country and "," not in country:
                    return country
        if script == "cyr":
            return rng.choice(self.ru_cities)
        return rng.choice(WORLD_LAT + self.de_cities[:15])

    def street(self, rng: random.Random, kind: str) -> str:
        if kind == "kk":
            s = rng.choice(KK_STREETS)
            n = rng.randint(1, 320)
            return rng.choice([f"{s}, {n}", f"{s} {n}-үй", f"{s}, {n} үй, {rng.randint(1, 99)} пәтер"])
        if kind == "kz":
            s = rng.choice(KZ_STREETS_LAT)
            return rng.choice([f"{s} {rng.randint(1, 99)}", f"{rng.randint(1, 99)} {s}, flat "
                               f"{rng.randint(1, 200)}"])
        locale = {"en": rng.choice(["en", "gb"]), "us": "en", "gb": "gb", "de": "de",
                  "fr": "fr", "ru": "ru"}[kind]
        return self.fakers[locale].street_address().replace("\n", ", ")

    def company(self, rng: random.Random, script: str) -> str:
        if script == "cyr":
            return self.fakers["ru"].company()
        return self.fakers[rng.choice(["en", "gb", "de", "fr"])].company()

    def email_local(self, rng: random.Random, name: Name) -> str:
        first, last = translit(name.first).replace(" ", ""), translit(name.last).replace(" ", "")
        return rng.choice([f"{last}.{first}", f"{first}_{last}{rng.randint(1, 99)}",
                           f"{first[0]}{last}{rng.randint(1970, 2005)}", f"{first}-{last}"])

    def foreign_iban(self, rng: random.Random, spaced: bool) -> str:
        while True:
            value = self.fakers[rng.choice(["de", "fr", "tr", "gb"])].iban()
            if iban_ok(value) and iban.is_valid(value):
                break
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if spaced else value


def _kz_patronymic(father: str, female: bool) -> str:
    return father + ("қызы" if female else "ұлы")
