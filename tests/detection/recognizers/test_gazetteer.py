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
