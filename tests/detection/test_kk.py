from __future__ import annotations

import itertools
import json
import socket
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from qorgan.detection.language import detect_languages
from qorgan.detection.recognizers.kk import KAZAKH_CONTEXT, KazakhNameRecognizer, lone_place
from qorgan.detection.recognizers.lexicon import fold, lemma_candidates
from qorgan.detection.recognizers.names import NameLexicon
from qorgan.detection.recognizers.ru import RussianNer
from qorgan.types import Finding

CORPUS = Path(__file__).parents[2] / "benchmarks" / "data" / "dev" / "ru_kk.jsonl"
NER_TYPES = ("PERSON", "LOCATION", "ORGANIZATION")


@pytest.fixture(scope="module")
def kk() -> KazakhNameRecognizer:
    backend = KazakhNameRecognizer()
    backend.load()
    return backend


def _found(backend: KazakhNameRecognizer, text: str) -> set[tuple[str, str]]:
    return {(f.entity_type, text[f.start : f.end]) for f in backend.analyze(text)}


@pytest.mark.parametrize(
    ("word", "folded"),
    [("Айгерім", "айгерим"), ("ҚАРАҒАНДЫ", "караганды"), ("Өскемен", "оскемен"), ("Ұлы", "улы"),
     # Ukrainian letters
     ("Євгенія", "евгения"), ("Марії", "марии"), ("Ґанна", "ганна")],
)
def test_fold(word: str, folded: str) -> None:
    assert fold(word) == folded


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("айгеримге", "айгерим"), ("серику", "серик"), ("алие", "алия"), ("алматыда", "алматы"),
     # the Ukrainian vocative
     ("оксано", "оксана"), ("тарасе", "тарас")],
)
def test_lemma_candidates(word: str, lemma: str) -> None:
    assert lemma in lemma_candidates(word)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Менің атым Айгерім Серікқызы Жұмабаева.", "Айгерім Серікқызы Жұмабаева"),
        # The same name typed without Kazakh letters.
        ("Менин атым Айгерим Серикызы Жумабаева.", "Айгерим Серикызы Жумабаева"),
        ("Жиналысқа Ерлан Болатұлы келді.", "Ерлан Болатұлы"),
        ("Жиналысқа Ерлан Болатулы келді.", "Ерлан Болатулы"),
        ("Бұл құжатты Серік ұлы Ғалым әкелді.", "Серік ұлы"),
        ("Позвоните Алие Нурлановне завтра.", "Алие Нурлановне"),
        ("Ахметов Серік Болатұлы Өскеменде тұрады.", "Ахметов Серік Болатұлы"),
        ("Құжаттарды Айгерімге бер.", "Айгерімге"),
        ("Договор подписали Иванов И.И. и бухгалтер.", "Иванов И.И."),
        ("Отчёт готовил А. Смагулов вчера.", "А. Смагулов"),
        # An unlisted surname after a listed given name, and an unlisted given name
        # before a patronymic.
        ("Досым Ербол Сейітқали көшті.", "Ербол Сейітқали"),
        ("Самұрат Әлімжанұлы деген кім?", "Самұрат Әлімжанұлы"),
        # A word announcing a name makes a lone surname enough.
        ("Тегі Нұрпейісов, аты белгісіз.", "Нұрпейісов"),
        # A given name typed in lower case, announced by the word before it.
        ("сәлем, менің атым айгерім", "айгерім"),
        ("привет, меня зовут ерлан", "ерлан"),
        # ... or after a command to the reader, in any case form
        ("спроси у айгерим про отчет", "айгерим"),
        ("передай ерлану документы", "ерлану"),
        # A full name typed in lower case: a listed given name and a listed surname of
        # surname shape, in either order, in any case form, with a patronymic after.
        ("марат жұмабаев бүгін келмейді", "марат жұмабаев"),
        ("напомни андрею лебедеву про оплату", "андрею лебедеву"),
        ("напомни екатерине смирновой про оплату", "екатерине смирновой"),
        ("иванов иван иванович придет завтра", "иванов иван иванович"),
        # a Korean family name before a given name
        ("Сотрудник Ким Виктор Сергеевич уволен.", "Ким Виктор Сергеевич"),
        # A town named after a person is the person's surname after a given name.
        ("Сенімхат: мен, Аружан Сәтбаева, қол қоямын.", "Аружан Сәтбаева"),
        # Ukrainian: letters of its own, the vocative
        ("Поліщук Євгенія повідомляє, що замовлення не прийшло.", "Євгенія"),
        ("Шановна пані Оксано! Надсилаємо вам договір.", "Оксано"),
        ("Привіт, Тарасе! Партія вже на складі.", "Тарасе"),
    ],
)
def test_people(kk: KazakhNameRecognizer, text: str, person: str) -> None:
    assert ("PERSON", person) in _found(kk, text)


@pytest.mark.parametrize(
    "text",
    [
        "Магазин открыт до восьми. Сегодня работаем.",
        "Бүгін ауа райы жақсы. Кеше жаңбыр жауды.",
        "Арман деген жақсы сөз. Алтын күз келді.",
        "Қаңтар айы суық болды. Наурыз мерекесі жақсы өтті.",
        "Жаңа филиал ашылды. Машина сломалась. Картина висит.",
        "С Новым годом! Пусть Рождество принесёт радость.",
        "ИИН 901123300258, ЖСН және БСН нөмірлері.",
        "Менің арманым — таулы жерге саяхат.",
        "клиент роза мая сегодня позвонит",
        # a server, a man, a sign-off: words the name lists also hold
        "Сервер перезапущен в 00:19, ошибок нет.",
        "Адам көп болды. Құрметпен, бухгалтерия",
        # a given name in lower case before a word of surname shape that is no surname
        "марат готов ли отчет",
        "роман готов к печати",
        "у марата нет часов",
        "слава богу все хорошо",
        # in capitals every word is capitalised: a surname's shape alone is no name
        "ОТЧЁТ ЗА МАРТ ГОТОВ",
        "передай привет маме",
        "позвони маме",
        # an everyday word opening a form's field, one the Russian dictionary knows
        "Өтініш №3318 Сипаттама: Кеше кешкі сағат 8-ден бері байланыс жоқ.",
        "Здравствуйте! Буду рада встрече.",
        "Личное дело учащегося",
        "Аты-жөні;Телефон;Эл. пошта;Қала",
        "Клиент: Қайта жіберіңізші. Бағасы қанша?",
        "Шановні колеги, вітаю з святом!",
    ],
)
def test_no_person_in_common_words(kk: KazakhNameRecognizer, text: str) -> None:
    assert not [f for f in kk.analyze(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    "text",
    ["с Победой в руках", "Отчёт Иванова, с. 5", "к Победе", "и т. д. Следующий пункт.",
     "Длина 5 м. Далее идёт текст."],
)
def test_a_one_letter_word_names_no_place_without_its_dot(
    kk: KazakhNameRecognizer, text: str
) -> None:
    assert not [f for f in kk.analyze(text) if f.entity_type == "LOCATION"]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Мен Алматыда тұрамын.", "Алматыда"),
        ("Я живу в Астане.", "Астане"),
        ("Кеңсе Қарағанды облысында орналасқан.", "Қарағанды облысында"),
        ("Алматы облысының әкімі келді.", "Алматы облысының"),
        ("Завод в Усть-Каменогорске.", "Усть-Каменогорске"),
        ("Ол Шымкенттен келді.", "Шымкенттен"),
        ("Сәтбаев қаласы Ұлытау облысында.", "Сәтбаев"),
        ("Филиал в Карагандинской области закрыт.", "Карагандинской области"),
        # a town the list lacks, named a town by the word after or before it
        ("Әйгерім кеше Сайрам қаласынан оралды.", "Сайрам"),
        ("Ол Қарасу ауылында тұрады.", "Қарасу"),
        ("Филиал открыли в городе Жетысай.", "Жетысай"),
        ("Доставка в г. Шардара завтра.", "Шардара"),
        ("клх Победа, д. 12", "Победа"),
        ("Із м. Київ до м. Львів", "Львів"),
        ("Живу в смт Ворзель", "Ворзель"),
        ("с. Березовка Тверской обл.", "Березовка"),
    ],
)
def test_places(kk: KazakhNameRecognizer, text: str, place: str) -> None:
    assert ("LOCATION", place) in _found(kk, text)


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Шарт ТОО «Алтын Дала Агро» компаниясымен жасалды.", "ТОО «Алтын Дала Агро»"),
        ('Жеткізуші ЖШС "Береке Агро" болды.', 'ЖШС "Береке Агро"'),
        ("Карта Kaspi Bank и Халық Банк.", "Kaspi Bank"),
        ("Карта Kaspi Bank и Халық Банк.", "Халық Банк"),
        ("Рейс Air Astana задержан.", "Air Astana"),
        ("Несие Tengri Bank арқылы.", "Tengri Bank"),
        ("Білім министрлігі хат жіберді.", "Білім министрлігі"),
    ],
)
def test_organisations(kk: KazakhNameRecognizer, text: str, org: str) -> None:
    assert ("ORGANIZATION", org) in _found(kk, text)


def test_an_organisation_wins_over_the_place_inside_it(kk: KazakhNameRecognizer) -> None:
    assert _found(kk, "Рейс Air Astana задержан.") == {("ORGANIZATION", "Air Astana")}


def test_an_email_domain_is_not_an_organisation(kk: KazakhNameRecognizer) -> None:
    assert _found(kk, "Пошта: aigerim.k@kaspi.kz жазыңыз.") == set()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("👍🏽 Айгерім Серікқызы 😀 Алматыда", "Айгерім Серікқызы"),
        ("𝓗𝓲 🙂 Алматыда тұратын Ерлан Болатұлы", "Ерлан Болатұлы"),
        ("👨‍👩‍👧 Шымкентте ТОО «Нұр» бар", "ТОО «Нұр»"),
    ],
)
def test_offsets_are_code_points_of_the_original_text(
    kk: KazakhNameRecognizer, text: str, value: str
) -> None:
    start = text.index(value)
    assert (start, start + len(value)) in {(f.start, f.end) for f in kk.analyze(text)}


def test_text_that_changes_length_when_lower_cased(kk: KazakhNameRecognizer) -> None:
    text = "İİ Kaspi Bank"
    assert _found(kk, text) == {("ORGANIZATION", "Kaspi Bank")}


def test_batch_and_entity_filter() -> None:
    backend = KazakhNameRecognizer(entities=["LOCATION"], languages=frozenset({"kk", "ru"}))
    texts = ["", "Ерлан Алматыда тұрады", "123"]
    results = backend.analyze_batch(texts)
    assert [[f.entity_type for f in r] for r in results] == [[], ["LOCATION"], []]
    assert backend.languages == {"kk", "ru"}
    assert all(f.recognizer == "kk-lexicon" for r in results for f in r)


@pytest.mark.parametrize(
    "kwargs",
    [{"languages": frozenset()}, {"entities": ["PERSON", "KZ_IIN"]}],
)
def test_invalid_configuration(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"language|unsupported"):
        KazakhNameRecognizer(**kwargs)  # type: ignore[arg-type]


def test_context_words_are_exported() -> None:
    assert {"жсн", "мекенжай", "тегі", "аты", "есімі", "телефон"} <= set(KAZAKH_CONTEXT)


def test_loading_lists_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("network access while loading word lists")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    backend = KazakhNameRecognizer()
    backend.load()
    assert _found(backend, "Ерлан Алматыда") == {("PERSON", "Ерлан"), ("LOCATION", "Алматыда")}


# --- the labelled corpus --------------------------------------------------------------


def _corpus() -> list[dict[str, object]]:
    with CORPUS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_corpus_is_well_formed() -> None:
    rows = _corpus()
    languages = Counter(str(r["language"]) for r in rows)
    assert len(rows) >= 80
    assert set(languages) == {"ru", "kk", "mixed"}
    assert abs(languages["ru"] - languages["kk"]) <= 0.2 * len(rows)
    for row in rows:
        text = row["text"]
        assert isinstance(text, str)
        spans = row["spans"]
        assert isinstance(spans, list)
        for span in spans:
            value = text[span["start"] : span["end"]]
            assert value, span
            assert value == value.strip(), span
        ordered = sorted((s["start"], s["end"]) for s in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(ordered))


def _merge(findings: Sequence[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for f in sorted(findings, key=lambda f: (-f.score, f.start - f.end)):
        if not any(f.start < k.end and k.start < f.end for k in kept):
            kept.append(f)
    return kept


@pytest.mark.slow
def test_person_precision_and_recall_on_the_corpus(kk: KazakhNameRecognizer) -> None:
    """Routed the way the detector routes: each backend runs on the languages it serves."""
    backends = (RussianNer(), kk)
    counts: dict[str, Counter[str]] = {"ru": Counter(), "kk": Counter()}
    for row in _corpus():
        language = str(row["language"])
        if language not in counts:
            continue
        text = str(row["text"])
        routed = detect_languages(text)
        findings = [
            f
            for backend in backends
            if backend.languages & routed
            for f in backend.analyze_batch([text])[0]
        ]
        predicted = {(f.start, f.end) for f in _merge(findings) if f.entity_type == "PERSON"}
        spans = row["spans"]
        assert isinstance(spans, list)
        gold = {(s["start"], s["end"]) for s in spans if s["entity_type"] == "PERSON"}
        counts[language].update(tp=len(gold & predicted), fp=len(predicted - gold))
        counts[language].update(fn=len(gold - predicted))
    for language, target in (("ru", 0.85), ("kk", 0.80)):
        c = counts[language]
        precision = c["tp"] / (c["tp"] + c["fp"])
        recall = c["tp"] / (c["tp"] + c["fn"])
        assert precision >= target, (language, precision)
        assert recall >= target, (language, recall)


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("Офис переехал: ул. Абая 95, Кульсары.", 28, 36, True),
        # a listed surname as well: the town only where an address names it, after a comma
        ("доставка: проспект назарбаева 99, Балхаш", 34, 40, True),
        ("Звонил Балхаш из бухгалтерии", 7, 13, False),
        # a given name, or a surname in shape, is the person
        ("Передай Талгару привет", 8, 15, False),
        ("Он живёт в городе Сатпаев.", 18, 25, False),
        ("Привет, Айгерим", 8, 15, False),
    ],
)
def test_a_lone_place_the_model_calls_a_person(
    text: str, start: int, end: int, expected: bool
) -> None:
    assert lone_place(text, start, end, NameLexicon()) is expected


def test_a_pronoun_spelled_like_a_korean_name_stays_out(kk: KazakhNameRecognizer) -> None:
    assert ("PERSON", "Нам Марина") not in _found(kk, "Нам Марина сказала об этом.")


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # a given name that is a word too, where the words around it address a person
        ("Сәлем Арман! Кеше жіберген файлыңды аша алмадым.", "Арман"),
        ("Сәлеметсіз бе, Жұлдыз! Жиналыс сағат 10-да.", "Жұлдыз"),
        ("Роза апай, сабақ кестесін жіберіп жібересіз бе?", "Роза"),
        ("Мира, проверь, пожалуйста, отчёт до обеда.", "Мира"),
        ("Нұр, сен кешке келесің бе?", "Нұр"),
        ("Шолпан, please send me the slides.", "Шолпан"),
        # ... greeted after the comma, or told something in the dative
        ("Слава, привет! Скинь, пожалуйста, фотки.", "Слава"),
        ("Айнаға айтшы, торт тапсырыс бердім.", "Айнаға"),
        ("Бақытқа хабарласыңыз, тапсырыс дайын.", "Бақытқа"),
    ],
)
def test_a_person_addressed(kk: KazakhNameRecognizer, text: str, person: str) -> None:
    assert ("PERSON", person) in _found(kk, text)


@pytest.mark.parametrize(
    "text",
    [
        "Май, июнь и июль — жаркие месяцы.",  # a month is never addressed
        "Арман — бұл біздің мақсатымыз.",  # no comma of address
        "Роза, лилия и тюльпан растут в саду.",  # ... and flowers are listed, not greeted
        "Рим, Париж и Лондон — в одном туре.",
        "келесің бе? Арман туралы кейін сөйлесеміз",
        "Көкке айтшы, бәрі жақсы болады.",  # the sky is no name
    ],
)
def test_no_one_addressed_in_words(kk: KazakhNameRecognizer, text: str) -> None:
    assert not [f for f in kk.analyze(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "place"),
    [("Түркістан облысындағы Сайрам ауданының тұрғындары шағымданды.", "Сайрам"),
     ("Біздің Шиелі ауданында мектеп салынып жатыр.", "Шиелі ауданында"),
     ("Жамбыл облысының Мойынқұм ауданында жер сілкінісі тіркелді.", "Мойынқұм ауданында")],
)
def test_a_district_named_by_the_word_after_it(
    kk: KazakhNameRecognizer, text: str, place: str
) -> None:
    assert ("LOCATION", place) in _found(kk, text)


def test_the_letter_of_a_document_number_names_no_settlement(kk: KazakhNameRecognizer) -> None:
    text = "ПРИКАЗ № 112-к. Назначить Мукашева Даурена Аскаровича исполняющим обязанности"
    assert ("LOCATION", "Назначить") not in _found(kk, text)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # a listed place in lower case after a preposition of place or with a case ending
        ("ok so listen клиент из дубая перенёс встречу", "дубая"),
        ("я завтра в караганду еду с ерланом", "караганду"),
        ("мама мен қазір талдықорғаннан шықтым", "талдықорғаннан"),
        ("сағат оннан кейін алматыда боламыз", "алматыда"),
    ],
)
def test_a_place_typed_in_lower_case(kk: KazakhNameRecognizer, text: str, place: str) -> None:
    assert ("LOCATION", place) in _found(kk, text)


@pytest.mark.parametrize(
    "text",
    ["это важно для семей с детьми", "есікті жап", "шымкент", "рудный район добычи"],
)
def test_no_lower_case_place_in_words(kk: KazakhNameRecognizer, text: str) -> None:
    assert not [f for f in kk.analyze(text) if f.entity_type == "LOCATION"]


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("ассалаумағалейкум серік аға бұл нұржан ертең шығамыз", "серік"),
        ("ассалаумағалейкум серік аға бұл нұржан ертең шығамыз", "нұржан"),
        ("жолда қар көп бақытжан ағамен бірге келе жатырмыз", "бақытжан"),
        ("саш привет это дима короче ключи оставил", "дима"),
        ("сәлем айгүл апай мен бүгін ауылға барамын", "айгүл"),
        ("жұлдыз қызым телефонды алмай жатырсың", "жұлдыз"),
        ("hey Dimash! Ержан-ага wants to meet at noon.", "Ержан-ага"),
    ],
)
def test_a_lower_case_name_addressed_or_presented(
    kk: KazakhNameRecognizer, text: str, person: str
) -> None:
    assert ("PERSON", person) in _found(kk, text)


@pytest.mark.parametrize("text", ["это мир и это роза ветров", "привет всем", "это арман біздің"])
def test_no_lower_case_name_in_words_after_a_greeting(
    kk: KazakhNameRecognizer, text: str
) -> None:
    assert not [f for f in kk.analyze(text) if f.entity_type == "PERSON"]


def test_a_conjunction_before_a_kinship_word_is_no_name(kk: KazakhNameRecognizer) -> None:
    text = "Біз Алматыда тұрамыз, ал ата-анам Шымкентте."
    assert not [f for f in kk.analyze(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "person"),
    [("Асқар мен Жұлдыз Көкшетауда үйленді.", "Жұлдыз"),
     ("Иван и Надежда пришли вовремя.", "Надежда")],
)
def test_a_given_name_joined_by_and_to_a_person(
    kk: KazakhNameRecognizer, text: str, person: str
) -> None:
    assert ("PERSON", person) in _found(kk, text)


def test_a_place_joined_by_and_stays_a_place(kk: KazakhNameRecognizer) -> None:
    found = _found(kk, "Ербол мен Алматы арасы алыс.")
    assert ("PERSON", "Алматы") not in found


def test_a_sentence_end_before_the_joint_joins_no_one(kk: KazakhNameRecognizer) -> None:
    # "Мен" after a full stop is "I", not "and"
    found = _found(kk, "Бүгін келген Асқар. Мен Жұлдыз туралы айттым.")
    assert ("PERSON", "Асқар") in found
    assert ("PERSON", "Жұлдыз") not in found
