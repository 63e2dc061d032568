from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgan.detection.language import KAZAKH_LETTERS, detect_languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please summarize the meeting notes.", {"en"}),
        ("Привет, меня зовут Иван, я живу в Москве.", {"ru"}),
        ("Сәлем, менің атым Айгерім, Алматыда тұрамын.", {"kk"}),
        # Kazakh typed without its letters, as in chat: stop words decide.
        ("Салем, мен Алматыда турамын, жумыс истеймин", {"kk"}),
        # Cyrillic with no Kazakh signal at all is Russian.
        ("Иванов Иван", {"ru"}),
        ("Меня зовут Айгерім, я из Астаны", {"ru", "kk"}),
        ("Сәлем! How are you? Как у тебя дела?", {"en", "ru", "kk"}),
        ("Please translate: «Менің атым Ерлан»", {"en", "kk"}),
        ("Please summarize this for me: клиент не может войти", {"en", "ru"}),
        # One English word of instruction is too little English to run English NER on.
        ("Summarize: клиент не может войти в приложение", {"ru"}),
        ("Напиши на почту ivan.petrov@mail.ru и сайт https://example.kz", {"ru"}),
        ("Счёт KZ86125KZT5004100100 для оплаты", {"ru"}),
        ("901123300258 +7 701 123 45 67", set()),
        ("", set()),
        ("  \n\t ", set()),
        ("?!… — 🙂👍🏽", set()),
        ("🙂 Қайырлы таң!", {"kk"}),
    ],
)
def test_routing_table(text: str, expected: set[str]) -> None:
    assert detect_languages(text) == frozenset(expected)


@pytest.mark.parametrize("letter", list(KAZAKH_LETTERS))
def test_every_kazakh_letter_marks_kazakh(letter: str) -> None:
    assert "kk" in detect_languages(f"сөз{letter}")


def test_one_stray_word_does_not_add_a_language() -> None:
    kazakh = "Менің атым Айгерім, мен Алматыда тұрамын және жұмыс істеймін. " * 4
    assert detect_languages(kazakh + " и") == frozenset({"kk"})


def test_long_russian_text_with_a_kazakh_name_runs_both() -> None:
    text = "Вчера я встретил коллегу, и он рассказал, что Әсел уже в отпуске. " * 3
    assert detect_languages(text) == frozenset({"ru", "kk"})


@given(st.text(max_size=200))
def test_result_is_always_a_subset_of_supported(text: str) -> None:
    assert detect_languages(text) <= {"en", "ru", "kk"}


@given(st.text(alphabet=st.characters(categories=["Nd", "P", "Zs", "So"]), max_size=100))
def test_text_without_letters_has_no_language(text: str) -> None:
    assert detect_languages(text) == frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Составь жалобу в Tengri Bank: клиент не получил возврат за билет, он очень зол.", {"ru"}),
        ("Встреча с John Smith завтра", {"ru", "en"}),
    ],
)
def test_latin_brand_names_inside_cyrillic_text(text: str, expected: set[str]) -> None:
    assert detect_languages(text) == frozenset(expected)
