from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from qorgan.detection.recognizers import ru
from qorgan.detection.recognizers.ru import RussianNer, RussianNerRecognizer
from qorgan.errors import DetectionError


@pytest.fixture(scope="module")
def ner() -> RussianNer:
    backend = RussianNer()
    backend.load()
    return backend


def _found(ner: RussianNer, text: str) -> set[tuple[str, str]]:
    return {(f.entity_type, text[f.start : f.end]) for f in ner.analyze_batch([text])[0]}


class _NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise _NetworkUsed("network access while loading a model")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_loading_never_touches_the_network(no_network: None) -> None:
    ru._load_slovnet_ner.cache_clear()
    backend = RussianNer()
    backend.load()
    assert _found(backend, "Иван Петров живёт в Москве.") == {
        ("PERSON", "Иван Петров"),
        ("LOCATION", "Москве"),
    }
    # The model files are found without executing natasha/__init__ (pymorphy2 breaks there).
    assert "natasha" not in sys.modules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Вчера Иван Петрович Сидоров прилетел в Москву из Алматы.",
            {("PERSON", "Иван Петрович Сидоров"), ("LOCATION", "Москву"), ("LOCATION", "Алматы")},
        ),
        (
            "Договор с ООО «Ромашка» подписала Ольга Сергеевна Кузнецова.",
            {("ORGANIZATION", "ООО «Ромашка»"), ("PERSON", "Ольга Сергеевна Кузнецова")},
        ),
        (
            "Позвоните Алие Нурлановне, она работает в Kaspi Bank в Астане.",
            {
                ("PERSON", "Алие Нурлановне"),
                ("ORGANIZATION", "Kaspi Bank"),
                ("LOCATION", "Астане"),
            },
        ),
        # The model stops before the closing quote; the span is repaired.
        (
            "Получатель: ТОО «Сункар Логистик», оплата до пятницы.",
            {("ORGANIZATION", "ТОО «Сункар Логистик»")},
        ),
    ],
)
def test_finds_people_places_and_orgs(
    ner: RussianNer, text: str, expected: set[tuple[str, str]]
) -> None:
    assert _found(ner, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Январь выдался холодным. Работа кипит, отчёты сданы.",
        "Перепиши вежливее: вы опять опоздали на совещание.",
        "Подскажи, как доехать до вокзала?",
        "Привет, как дела?",
        "Магазин закрыт до понедельника.",
    ],
)
def test_no_person_in_common_words(ner: RussianNer, text: str) -> None:
    assert not [f for f in ner.analyze_batch([text])[0] if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "town"),
    [("Офис переехал: ул. Абая 95, Кульсары.", "Кульсары"),
     ("доставка: пр. республики, д. 177, кв. 86, Текели", "Текели"),
     # a settlement abbreviation names the place after it
     ("Адрес: ст. Бабушкин, ш. Гагарина, д. 3", "Бабушкин")],
)
def test_a_town_ending_an_address_is_a_place(ner: RussianNer, text: str, town: str) -> None:
    found = _found(ner, text)
    assert ("LOCATION", town) in found
    assert ("PERSON", town) not in found


def test_an_account_number_is_not_an_organisation(ner: RussianNer) -> None:
    text = "Переведите на счёт KZ86125KZT5004100100, ИИН 901123300258."
    assert not [f for f in ner.analyze_batch([text])[0] if f.entity_type == "ORGANIZATION"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("😀👍🏽 Сергей Иванович Орлов работает в Москве.", "Сергей Иванович Орлов"),
        ("Ответ 🙂: 𝓗𝓲 — Мария Ивановна Белова приедет завтра.", "Мария Ивановна Белова"),
        ("Ｔｅｓｔ: Дмитрий Волков 👨‍👩‍👧 пишет из Казани.", "Дмитрий Волков"),
    ],
)
def test_offsets_are_code_points_of_the_original_text(
    ner: RussianNer, text: str, value: str
) -> None:
    people = [f for f in ner.analyze_batch([text])[0] if f.entity_type == "PERSON"]
    assert [(f.start, f.end) for f in people] == [
        (text.index(value), text.index(value) + len(value))
    ]


def test_batch_keeps_order_and_skips_texts_without_letters(ner: RussianNer) -> None:
    texts = ["", "12345", "Иван Петров", "— 🙂 —", "Живу в Караганде"]
    results = ner.analyze_batch(texts)
    assert [[f.entity_type for f in r] for r in results] == [[], [], ["PERSON"], [], ["LOCATION"]]
    assert all(f.recognizer == "slovnet-ru" for r in results for f in r)


def test_entity_filter(ner: RussianNer) -> None:
    people_only = RussianNer(entities=["PERSON"])
    text = "Иван Петров живёт в Москве."
    assert {f.entity_type for f in people_only.analyze_batch([text])[0]} == {"PERSON"}


@pytest.mark.parametrize(
    "kwargs",
    [{"score": 0.0}, {"score": 1.5}, {"entities": ["PERSON", "EMAIL_ADDRESS"]}],
)
def test_invalid_configuration(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"score|unsupported"):
        RussianNer(**kwargs)  # type: ignore[arg-type]


def test_missing_model_fails_closed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(ru, "natasha_data_dir", lambda: tmp_path)
    ru._load_slovnet_ner.cache_clear()
    try:
        with pytest.raises(DetectionError, match="missing") as info:
            RussianNer().analyze_batch(["Иван Петров"])
        assert "Иван" not in str(info.value)
    finally:
        ru._load_slovnet_ner.cache_clear()


def test_presidio_recognizer(ner: RussianNer) -> None:
    recognizer = RussianNerRecognizer(ner)
    text = "Иван Петров живёт в Москве."
    results = recognizer.analyze(text, ["PERSON"])
    assert [(r.entity_type, text[r.start : r.end]) for r in results] == [("PERSON", "Иван Петров")]
    assert recognizer.supported_language == "ru"
    assert set(recognizer.supported_entities) == {"PERSON", "LOCATION", "ORGANIZATION"}
    assert {r.entity_type for r in recognizer.analyze(text, [])} == {"PERSON", "LOCATION"}


def test_an_individual_entrepreneur_is_the_person(ner: RussianNer) -> None:
    found = _found(ner, "Договор с ИП Ахметов Б.Б. продлён.")
    assert ("PERSON", "Ахметов Б.Б.") in found


@pytest.mark.parametrize(
    ("text", "person"),
    [("ПРИВЕТ, АЙГЕРИМ!", "АЙГЕРИМ"), ("ЗВОНИЛ ПЕТРОВ, ПРОСИЛ ПЕРЕЗВОНИТЬ", "ПЕТРОВ"),
     ("СРОЧНО: АЛЕКСЕЙ ВОЛКОВ НЕ ПОЛУЧИЛ ЗАРПЛАТУ", "АЛЕКСЕЙ ВОЛКОВ")],
)
def test_a_sentence_in_capitals_is_read_in_title_case(
    ner: RussianNer, text: str, person: str
) -> None:
    assert ("PERSON", person) in _found(ner, text)


@pytest.mark.parametrize(
    "text", ["ВНИМАНИЕ: СЕРВЕР НЕ ОТВЕЧАЕТ, ПРОВЕРЬТЕ ЛОГИ", "ТОО «АЛЬФА» ОПЛАТИЛО СЧЁТ"]
)
def test_words_in_capitals_are_no_person_without_a_name_list_or_shape(
    ner: RussianNer, text: str
) -> None:
    assert not [f for f in _found(ner, text) if f[0] == "PERSON"]


@pytest.mark.parametrize(
    ("text", "verb"),
    [("Посоветуй, куда сходить в Тбилиси на три дня.", "Посоветуй"),
     ("Назначить ответственным за проект.", "Назначить")],
)
def test_a_verb_opening_a_request_is_no_place(ner: RussianNer, text: str, verb: str) -> None:
    assert not [f for f in ner.analyze_batch([text])[0] if text[f.start : f.end] == verb]


@pytest.mark.parametrize(
    ("word", "verb"),
    [("Посоветуй", True), ("Назначить", True), ("Москва", False), ("Алтай", False),
     ("Айгерим", False), ("Barsik", False)],
)
def test_is_verb(word: str, verb: bool) -> None:
    from qorgan.detection.recognizers.morph import is_verb

    assert is_verb(word) is verb


def test_a_titled_name_the_model_calls_a_company(ner: RussianNer) -> None:
    text = "Сделай follow-up email для Mr Johnson после встречи в Дубае."
    assert ("PERSON", "Johnson") in _found(ner, text)


@pytest.mark.parametrize(
    ("value", "person"),
    [("ТУРСУНОВА ДИЛНОЗА", True), ("ИСКАКОВ ДАНИЯР МУРАТОВИЧ", True),
     ("ТОО АЛЕМ ГРУПП", False), ("Иванов Иван", False), ("АЛЕМ", False)],
)
def test_a_shouted_full_name(ner: RussianNer, value: str, person: bool) -> None:
    assert ner._shouted_name(value) is person
