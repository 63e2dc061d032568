"""What both splits' sources share: how a drawn person, place or identifier is written.

A split's source (``sources_dev.py``, ``sources_test.py``) supplies the pools (names,
places, streets, companies, mail domains) and the written shapes it uses; this base turns
a template's ``⟨TYPE:flags⟩`` into text.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
import uuid
from dataclasses import dataclass
from typing import ClassVar

from benchmarks.corpora import values as v
from benchmarks.corpora.build import Draw, decline
from benchmarks.corpora.values import words

__all__ = ["BaseSource", "Name", "translit", "words"]

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "a", "g",
     "k", "n", "o", "u", "u", "h", "i"],
    strict=True,
))


def translit(word: str) -> str:
    """An ASCII spelling for mail addresses: Cyrillic transliterated, accents dropped."""
    latin = "".join(_TRANSLIT.get(c, c) for c in word.lower())
    latin = latin.replace("ı", "i").replace("ß", "ss").replace("ø", "o").replace("æ", "ae")
    folded = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9-]", "", folded)


@dataclass(frozen=True, slots=True)
class Name:
    first: str
    last: str
    gender: str = "m"  # "m" or "f": Russian case forms and patronymics depend on it
    patronymic: str = ""


class BaseSource:
    """Subclasses fill the pools and shapes; see ``sources_dev.DevSource``."""

    phone_styles: tuple[str, ...] = ("intl",)
    phone_regions: tuple[str, ...] = ("KZ",)
    iin_styles: tuple[str, ...] = ("plain",)
    card_styles: tuple[str, ...] = ("space",)
    card_brands: tuple[str, ...] = ("visa",)
    dob_styles: ClassVar[dict[str, tuple[str, ...]]] = {"en": ("iso",), "ru": ("dmy_dot",),
                                              "kk": ("dmy_dot",), "mixed": ("dmy_dot",)}
    obfuscations: tuple[tuple[str, str], ...] = (("(at)", "."),)
    idn_domains: tuple[str, ...] = ("почта.рф",)
    mail_domains: tuple[str, ...] = ("example.org",)

    # pools a subclass must give
    def person(self, rng: random.Random, origin: str | None, script: str) -> Name:
        raise NotImplementedError

    def place(self, rng: random.Random, kind: str | None, script: str) -> str:
        raise NotImplementedError

    def street(self, rng: random.Random, kind: str) -> str:
        raise NotImplementedError

    def company(self, rng: random.Random, script: str) -> str:
        raise NotImplementedError

    def email_local(self, rng: random.Random, name: Name) -> str:
        first, last = translit(name.first), translit(name.last)
        return f"{first}.{last}"

    # ---------------------------------------------------------------------------------

    def value(self, kind: str, index: int, flags: frozenset[str], draw: Draw) -> str:
        rng = draw.rng
        if kind == "PERSON":
            return self._person_text(self._person(index, flags, draw), flags, draw)
        if kind == "EMAIL_ADDRESS":
            return self._email(index, flags, draw)
        if kind == "LOCATION":
            kind_flag = next((f for f in flags if f in {"kz", "world", "country", "region"}), None)
            text = self.place(rng, kind_flag, self._script(flags, draw))
            return _cased(text, flags)
        if kind == "STREET_ADDRESS":
            style = next(iter(flags - {"lower", "upper"}), draw.language)
            return self.street(rng, style if style != "mixed" else "ru")
        if kind == "ORGANIZATION":
            return self.company(rng, self._script(flags, draw))
        if kind == "PHONE_NUMBER":
            regions = [f.upper() for f in flags if len(f) == 2] or list(self.phone_regions)
            styles = tuple(s for s in flags if s in _PHONE_STYLES) or self.phone_styles
            return v.phone(rng, rng.choice(regions), styles)
        if kind == "KZ_IIN":
            style = next((f for f in flags if f in _GROUPS), None) or rng.choice(self.iin_styles)
            return v.group12(v.iin_digits(rng), style)
        if kind == "KZ_BIN":
            style = next((f for f in flags if f in _GROUPS), "plain")
            return v.group12(v.bin_digits(rng), style)
        if kind == "IBAN_CODE":
            return self._iban(rng, flags)
        if kind == "CREDIT_CARD":
            brand = next((f for f in flags if f in v._CARD_PREFIXES), None)
            style = next((f for f in flags if f in {"plain", "space", "dash", "dot"}), None)
            raw = v.card_digits(rng, brand or rng.choice(self.card_brands))
            return v.card_format(raw, style or rng.choice(self.card_styles))
        if kind == "US_SSN":
            return v.ssn(rng, dashed="plain" not in flags)
        if kind == "IP_ADDRESS":
            if "v6" in flags:
                return v.ipv6(rng)
            return v.ipv4(rng, private="private" in flags)
        if kind == "SECRET":
            return self._secret(rng, flags)
        if kind == "DATE_OF_BIRTH":
            style = next(iter(flags), None) or rng.choice(self.dob_styles[draw.language])
            return v.date_format(v.birth_date(rng), style)
        if kind == "KZ_PASSPORT":
            return v.passport(rng)
        if kind == "KZ_ID_CARD":
            return v.id_card(rng)
        raise ValueError(f"unknown slot {kind}")

    def _script(self, flags: frozenset[str], draw: Draw) -> str:
        if "lat" in flags:
            return "lat"
        if "cyr" in flags:
            return "cyr"
        return "lat" if draw.language == "en" else "cyr"

    def _person(self, index: int, flags: frozenset[str], draw: Draw) -> Name:
        if index not in draw.people:
            origin = next((f for f in flags if f in ORIGINS), None)
            draw.people[index] = self.person(draw.rng, origin, self._script(flags, draw))
        person: Name = draw.people[index]
        return person

    def _person_text(self, name: Name, flags: frozenset[str], draw: Draw) -> str:
        case = "gen" if "gen" in flags else "dat" if "dat" in flags else ""

        def part(word: str, role: str) -> str:
            return decline(word, role, name.gender, case) if case else word

        first, last = part(name.first, "first"), part(name.last, "last")
        patronymic = part(name.patronymic, "patronymic") if name.patronymic else ""
        if "first" in flags:
            text = first
        elif "last" in flags:
            text = last
        elif "initial" in flags:
            text = f"{name.first[0]}. {last}"
        elif "last_initials" in flags:
            text = f"{last} {name.first[0]}." + (f" {name.patronymic[0]}." if patronymic else "")
        elif "last_first" in flags:
            text = f"{last} {first}" + (f" {patronymic}" if patronymic else "")
        elif "patr" in flags and patronymic:
            text = f"{first} {patronymic} {last}"
        elif "first_patr" in flags and patronymic:
            text = f"{first} {patronymic}"
        else:
            text = f"{first} {last}"
        return _cased(text, flags)

    def _email(self, index: int, flags: frozenset[str], draw: Draw) -> str:
        rng = draw.rng
        if "idn" in flags:
            name = self._person(index, flags | {"cyr"}, draw)
            return f"{name.first.lower()}@{rng.choice(self.idn_domains)}"
        name = self._person(index, flags, draw)
        local = self.email_local(rng, name)
        domain = rng.choice(self.mail_domains)
        if "obf" in flags:
            at, dot = rng.choice(self.obfuscations)
            host, _, tld = domain.rpartition(".")
            return f"{local}{at}{host}{dot}{tld}"
        return f"{local}@{domain}"

    def _iban(self, rng: random.Random, flags: frozenset[str]) -> str:
        if "foreign" in flags:
            return self.foreign_iban(rng, spaced="spaced" in flags)
        return v.kz_iban(rng, spaced="spaced" in flags)

    def foreign_iban(self, rng: random.Random, spaced: bool) -> str:
        return v.kz_iban(rng, spaced)

    def _secret(self, rng: random.Random, flags: frozenset[str]) -> str:
        kind = next(iter(flags - {"short"}), "github")
        if kind == "pem":
            return "\n".join(v.pem_block(rng, "RSA PRIVATE KEY", rng.randint(4, 8)))
        if kind == "pem_ec":
            return "\n".join(v.pem_block(rng, "EC PRIVATE KEY", 3))
        if kind == "pem_json":
            return "\\n".join(v.pem_block(rng, "PRIVATE KEY", rng.randint(4, 8)))
        return v.secret(rng, kind)

    # --- unlabelled fillers ----------------------------------------------------------------

    def filler(self, kind: str, draw: Draw) -> str:
        rng = draw.rng
        fillers = {
            "order": lambda: f"{rng.randint(10**6, 10**8)}",
            "num12": lambda: v.twelve_not_kz(rng),
            "num10": lambda: f"{rng.randint(10**9, 10**10 - 1)}",
            "int": lambda: str(rng.randint(2, 480)),
            "price": lambda: f"{rng.randint(2, 900) * 50:,}".replace(",", " "),
            "usd": lambda: f"{rng.randint(1, 999)}.{rng.randint(0, 99):02d}",
            "version": lambda: f"{rng.randint(0, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 20)}",
            "date": lambda: f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-"
                            f"{rng.randint(1, 28):02d}",
            "date_dot": lambda: f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}."
                                f"{rng.randint(2019, 2026)}",
            "time": lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}",
            "ts": lambda: f"{rng.randint(2021, 2026)}-{rng.randint(1, 12):02d}-"
                          f"{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
                          f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
            "hash": lambda: v.pick(rng, "0123456789abcdef", 40),
            "sha": lambda: v.pick(rng, "0123456789abcdef", 7),
            "uuid": lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "hex": lambda: v.pick(rng, "0123456789abcdef", 8),
            "ticket": lambda: f"{v.pick(rng, string.ascii_uppercase, 3)}-{rng.randint(100, 9999)}",
            "percent": lambda: f"{rng.randint(1, 99)}.{rng.randint(0, 9)}%",
            "port": lambda: str(rng.choice([80, 443, 5432, 6379, 8000, 8080, 9090, 3000])),
            "year": lambda: str(rng.randint(1995, 2026)),
        }
        return fillers[kind]()


_PHONE_STYLES = {"e164", "intl", "national", "intl_dash", "dash", "dots", "paren", "paren_plus",
                 "spaced"}
_GROUPS = {"plain", "space", "space4", "slash", "underscore", "dash", "dot"}
ORIGINS = {"kz", "ru", "en", "de", "fr", "tr", "cn", "uz", "common", "uk"}


def _cased(text: str, flags: frozenset[str]) -> str:
    if "lower" in flags:
        return text.lower()
    if "upper" in flags:
        return text.upper()
    return text
