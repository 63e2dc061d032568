from __future__ import annotations

import pytest

from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer, transliterate


@pytest.mark.parametrize("word", ["summarize", "email", "call", "dear", "will", "summer",
                                  "support", "today", "reading", "london", "hopes", "styles",
                                  "rivers"])
def test_common_words(word: str) -> None:
    assert gazetteer().is_common(word)


@pytest.mark.parametrize("word", ["john", "lydia", "smith", "ivan", "aigerim", "nurlan",
                                  "dmitry", "yerzhan", "serikova", "petrov",
                                  # frequent in English text, yet no English word
                                  "sanjay", "wolfgang", "stefano", "mahmoud"])
def test_names_are_not_common(word: str) -> None:
    gz = gazetteer()
    assert not gz.is_common(word)
    assert gz.is_given(word) or gz.is_surname(word)


@pytest.mark.parametrize("word", ["summarize", "email", "table", "quickly"])
def test_everyday_words_are_no_given_names(word: str) -> None:
    assert not gazetteer().is_given(word)


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [("ержан", "yerzhan"), ("айгерим", "aigerim"), ("дмитрий", "dmitry"), ("ақнұр", "aknur"),
     # "с" between vowels written double
     ("асель", "assel"), ("касым", "kassym")],
)
def test_transliteration(cyrillic: str, latin: str) -> None:
    assert latin in transliterate(cyrillic)


@pytest.mark.parametrize(
    ("words", "country"),
    [(["kostanay"], "KZ"), (["ust", "kamenogorsk"], "KZ"), (["oskemen"], "KZ"),
     (["lisbon"], "PT"), (["new", "york"], "US")],
)
def test_places(words: list[str], country: str) -> None:
    place = gazetteer().match_place(words)
    assert place is not None
    assert place.country == country


def test_no_place_for_an_everyday_word() -> None:
    assert gazetteer().match_place(["summarize"]) is None


def test_ascii_fold() -> None:
    assert ascii_fold("Öskemen") == "oskemen"


@pytest.mark.parametrize(
    ("word", "key"),
    [("Aydın", "aydin"), ("Yıldız", "yildiz"), ("Łódź", "lodz"), ("Đặng", "dang"),
     ("Søren", "soren"), ("O’Brien", "o'brien")],
)
def test_ascii_fold_letters_without_a_decomposition(word: str, key: str) -> None:
    assert ascii_fold(word) == key


def test_names_not_english_are_listed_names_and_no_places() -> None:
    from qorgan.detection.recognizers.lexicon import read_words

    gz = gazetteer()
    names = read_words("names_not_english.txt")
    assert len(names) > 1000
    assert all(gz.is_given(n) or gz.is_surname(n) for n in names)
    assert not any(gz.match_place([n]) for n in names)


def test_word_frequencies_come_back_from_centibels() -> None:
    from qorgan.detection.recognizers.gazetteer import _english_frequencies

    frequencies = _english_frequencies()
    assert len(frequencies) > 25_000
    assert frequencies["the"] == 10 ** (-127 / 100)  # the list's most frequent word
    assert gazetteer().frequency("summarize") > 1e-6 > gazetteer().frequency("aigerim")


def test_place_index_files_a_row_under_its_first_word_and_parses_it_on_lookup() -> None:
    from qorgan.detection.recognizers.gazetteer import PlaceIndex

    index = PlaceIndex()
    index.add_rows(["New Haven\tcity\tUS\t130000", "New York City\tcity\tUS\t8000000",
                    "Saint-Denis\tcity\tFR\t110000", "Öskemen\tcity\tKZ\t300000",
                    "'s-Hertogenbosch\tcity\tNL\t150000",
                    "1234\tcity\tXX\t1"])  # no word: not filed
    assert "new" in index
    assert "1234" not in index
    assert [p.words for p in index.get("new")] == [("new", "york", "city"), ("new", "haven")]
    assert index.get("saint-denis")[0].words == ("saint-denis",)
    assert index.get("oskemen")[0].country == "KZ"
    assert index.get("s-hertogenbosch")[0].words == ("s-hertogenbosch",)
    assert index.get("atlantis") == ()


def test_a_malformed_place_row_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from qorgan.detection.recognizers import gazetteer as module
    from qorgan.errors import DetectionError

    rows = ("Almaty\tcity\tKZ\t2000000", "Astana\tcity\tKZ")  # a field missing
    monkeypatch.setattr(module, "read_lines", lambda name: rows)
    with pytest.raises(DetectionError, match=r"world_places\.tsv"):
        module._places()


@pytest.mark.parametrize("word", ["serkan", "tugba", "nilufer", "frauke", "annegret", "oleh",
                                  "grzegorz", "marloes", "volkan", "jiahui"])
def test_given_names_of_the_world_list(word: str) -> None:
    gz = gazetteer()
    assert word in gz.world_given
    assert gz.is_given(word)
    assert not gz.is_common(word)


@pytest.mark.parametrize("word", ["hi", "me", "you", "eta", "van", "young"])
def test_the_world_list_leaves_out_english_words(word: str) -> None:
    # on the file ("Hi", "Van" are given names somewhere), not read as names from it
    assert word not in gazetteer().world_given
