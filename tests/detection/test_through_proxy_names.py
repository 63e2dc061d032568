"""Names and places through ``qorgan serve``: the real proxy on loopback with the built-in
default policy in front of the recording demo model. The upstream must never receive any
of these values, and common words the model echoes back must reach the client unchanged."""

from __future__ import annotations

import httpx
import pytest

import traffic_fixtures as tf


@pytest.fixture(scope="module")
def proxy_url() -> str:
    tf.demo()
    _, server = tf.proxy("builtin:default")
    return server.url


def _chat(url: str, content: str) -> tuple[list[str], str]:
    upstream, _ = tf.demo()
    mark = len(upstream.received)
    response = httpx.post(
        f"{url}/v1/chat/completions",
        json={"model": "demo-echo", "messages": [{"role": "user", "content": content}]},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    sent = tf.bodies(tf.received(upstream, mark))
    assert sent, "nothing reached the upstream"
    return sent, response.json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize(
    ("prompt", "values"),
    [
        # names a greeting, command or signature introduces
        ("Dear Lydia Aguilar, thank you for your letter.", ["Lydia", "Aguilar"]),
        ("Call Ivan Petrov tomorrow about the contract.", ["Ivan", "Petrov"]),
        ("Call Aigerim Serikova at noon.", ["Aigerim", "Serikova"]),
        ("Dear Aigerim, the documents are ready.", ["Aigerim"]),
        ("Best regards,\nMaria Gonzalez", ["Maria", "Gonzalez"]),
        ("From: Peter Novak <peter.novak@example.com>\nSubject: invoice", ["Peter Novak"]),
        ("Please ask Nurlan Abenov to sign.", ["Nurlan", "Abenov"]),
        # lower case and capitals
        ("please forward this to aigerim serikova today", ["aigerim", "serikova"]),
        ("PLEASE CALL AIGERIM SERIKOVA BEFORE FRIDAY", ["AIGERIM", "SERIKOVA"]),
        ("my name is dmitry, what should i cook?", ["dmitry"]),
        # a surname after a title, initials
        ("Mr. Petrov asked for the invoice.", ["Petrov"]),
        ("A. Serikova signed the form.", ["Serikova"]),
        # Russian and Kazakh
        ("Позвоните Ивану Петрову завтра.", ["Ивану", "Петрову"]),
        ("Меня зовут Ержан Касымов.", ["Ержан", "Касымов"]),
        # places: Kazakhstan in English, world cities
        ("She moved from Kostanay to Aktobe last year.", ["Kostanay", "Aktobe"]),
        ("The office is in Shymkent, not Oskemen or Ust-Kamenogorsk.",
         ["Shymkent", "Oskemen", "Ust-Kamenogorsk"]),
        ("We flew to Lisbon and then drove to Porto.", ["Lisbon", "Porto"]),
        ("The courier left Curitiba this morning.", ["Curitiba"]),
        ("Я приехал из Караганды в Алматы.", ["Караганды", "Алматы"]),
        ("Ертең Астанаға барамын.", ["Астанаға"]),
        # a person next to a company named after people, and a name under a label
        ("Vendor Garcia & Sons sent the invoice; the contact is Nurlan Zhumabaev.",
         ["Nurlan", "Zhumabaev"]),
        ("Full Name: Olivia Scott\nEmergency Contact: Marat Omarov",
         ["Olivia Scott", "Marat Omarov"]),
        # names as values of keys and in a table's name column
        ('{"name": "Assel Abdrakhmanova", "city": "Almaty"}', ["Assel", "Abdrakhmanova"]),
        ('user = User(firstName="Natalia", lastName="Kuznetsova")', ["Natalia", "Kuznetsova"]),
        ("client,ssn,dob\nazamat bekov,313-30-2216,1968-02-10", ["azamat bekov"]),
        ("ФИО;ИИН\nКенжебаев Бауыржан;850220456202", ["Кенжебаев Бауыржан"]),
        # speakers of a transcript, a meeting's roster, a signature, a list (third round)
        ("[00:01:12] Mark: okay, mark it done.\n[00:01:15] Will: will we revisit it?",
         ["Mark:", "Will:"]),
        ("linh: ok final plan\nsky: wait, hoi an first?\nlinh: yes, two nights",
         ["linh", "sky:"]),
        ("Present: jay, penny, oluwaseun, hannah k", ["jay", "penny", "oluwaseun", "hannah"]),
        ("Drew, I drew the floor plan you asked for. — Kemi", ["Drew,", "Kemi"]),
        ("Table 2: Tobias, Adaeze, Xiao Ming", ["Tobias", "Adaeze"]),
        ('{"first_name": "Bao", "last_name": "Tran"}', ['"Bao"', '"Tran"']),
        ("Слава, привет! Скинь фотки.", ["Слава"]),
        # towns after a street, places English writes without a preposition
        ("Vehicle parked outside 141 Barrack Street, Cork. Owner unknown.", ["Cork"]),
        ("Party at 915 Magnolia Street, Savannah. Bring a dish!", ["Savannah"]),
        ("can you check the forecast for Chattanooga?", ["Chattanooga"]),
        # a company-looking name in a field only people fill, names in capitals in a form
        # or surname first, given names of the world list, a lower-case name that speaks
        ("Name: Okonkwo Chidi\nDOB: 12/03/1988", ["Okonkwo", "Chidi"]),
        ("Patient: FAITH NNAMDI\nComplaint: migraine", ["FAITH", "NNAMDI"]),
        ('"SHEVCHENKO OLENA","KYIV"', ["SHEVCHENKO", "OLENA"]),
        ("Account 00419 | Holder: Serkan Çelikbaş | Branch: Kayseri", ["Serkan", "Çelikbaş"]),
        ("Can you write a birthday message for my colleague Frauke?", ["Frauke"]),
        ("ok so jürgen said the parts ship on monday", ["jürgen"]),
        ("Dear Faith,\nYour leave request has been approved.", ["Faith"]),
        ("Yes, 9am works. See you there.\nConor\nSent from my iPhone", ["Conor"]),
        ("Spoke to Dawn this morning; she is happy with it.", ["Dawn"]),
        ("Шановна пані Оксано! Надсилаємо вам договір.", ["Оксано"]),
    ],
)
def test_the_upstream_never_receives_the_value(
    proxy_url: str, prompt: str, values: list[str]
) -> None:
    sent, answer = _chat(proxy_url, prompt)
    assert tf.leaked(sent, values) == []
    assert all(v in answer for v in values)  # the caller gets its own values back


@pytest.mark.parametrize(
    ("prompt", "kept"),
    [
        ("Summarize the text below in three points.", ["Summarize"]),
        ("Email John Smith about the delay.", ["Email"]),
        ("Reading the report took an hour. Bath time is at eight.", ["Reading", "Bath"]),
        ("Call center hours are nine to five.", ["Call center"]),
        # companies named after people, form labels, headings, variable names, calendar
        # words, identifiers and vendors (issue 13, second round)
        ("Vendor Garcia & Sons sent the invoice; Thompson-Lewis LLC paid it.",
         ["Garcia & Sons", "Thompson-Lewis LLC"]),
        ("Fill in Last Name, Customer Name and Date Of Birth.", ["Last Name", "Customer Name"]),
        ("## Incident Report\nStatus: Open", ["Incident Report"]),
        ("Office hours: Sun–Tue 9:00–18:00, closed in Jun.", ["Sun–Tue", "Jun"]),
        ("Set SLACK_CHANNEL and SENDGRID_API_HOST before the deploy.", ["SLACK_CHANNEL"]),
        ("Visa and Mastercard both declined; tracking code UTX-9003.",
         ["Mastercard", "UTX-9003"]),
    ],
)
def test_common_words_come_back_untouched(proxy_url: str, prompt: str, kept: list[str]) -> None:
    sent, answer = _chat(proxy_url, prompt)
    assert answer.startswith("You wrote: ")
    assert prompt in answer  # nothing of it was replaced on the way back
    assert all(k in "\n".join(sent) for k in kept)  # nor on the way to the model
    assert "<PERSON" not in answer


def test_the_name_next_to_a_command_is_all_that_is_replaced(proxy_url: str) -> None:
    sent, _ = _chat(proxy_url, "Email John Smith about the delay.")
    assert tf.leaked(sent, ["John", "Smith"]) == []
    assert any("Email <PERSON_" in body for body in sent)
