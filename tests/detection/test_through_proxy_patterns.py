"""Every pattern class of issue 13, sent through ``qorgan serve`` with the default policy to a
recording upstream: the upstream never receives the value, and the caller gets it back.

The proxy and the demo model are real servers on loopback (``traffic_fixtures``); each case
is one chat completion whose user message holds the value; every request body the model
received for it is searched for the value and for the parts of it that would still identify
the person (the digits without separators, the local part of an address...).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

import traffic_fixtures as tf

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PEM_BODY = (
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKjMzEfYyjiWA4R4"
    "\\nM2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvuNMoSfm76oqFvAp8Gy0iz5sxjZ"
)
PEM_ESCAPED = f"-----BEGIN PRIVATE KEY-----\\n{PEM_BODY}\\n-----END PRIVATE KEY-----\\n"

#: (id, the user's message, what must never reach the model)
CASES: list[tuple[str, str, tuple[str, ...]]] = [
    # Phones: the examples of the issue, without any context word
    ("phone-after-email", "reach me at x@y.org or 212-504-7577",
     ("212-504-7577", "504-7577", "x@y.org")),
    ("phone-plus-1", "Front desk +1 212 736 5000, ask for the manager.",
     ("+1 212 736 5000", "736 5000")),
    ("phone-parentheses", "(206) 645-4496 is the number on file.", ("645-4496",)),
    ("phone-dashed", "Her line is 415-555-2671.", ("415-555-2671", "555-2671")),
    ("phone-555-01nn", "Test contact 212-555-0123 and 415-555-0187.",
     ("212-555-0123", "415-555-0187", "555-0123", "555-0187")),
    ("phone-russian", "Мой номер +7 (912) 345-67-89, пишите.", ("345-67-89", "912) 345")),
    ("phone-kazakh-national", "Маған 8 701 234 56 78 нөміріне хабарласыңыз.",
     ("701 234 56 78", "234 56 78")),
    ("phone-uk", "Office 020 7946 0958 until six.", ("7946 0958",)),
    ("phone-turkey", "İstanbul ofisi: 0532 123 45 67", ("123 45 67",)),
    # Formats
    ("email-at-parentheses", "Write to aigerim.serikova(at)mail.kz please.",
     ("aigerim.serikova", "serikova(at)mail")),
    ("email-at-brackets", "contact: aigerim [at] mail [dot] kz", ("aigerim [at]",)),
    ("email-at-braces", "aigerim{at}mail.kz", ("aigerim{at}",)),
    ("email-spelled", "email me: marat at example dot com", ("marat at example",)),
    ("email-idn", "Почта: айгерим@почта.рф", ("айгерим@", "айгерим")),
    ("card-dots", "card 4111.1111.1111.1111 exp 12/29",
     ("4111.1111.1111.1111", "4111111111111111", "1111.1111.1111")),
    ("card-spaces", "Pay with 4111 1111 1111 1111 today", ("4111 1111 1111 1111",)),
    ("card-mir", "Карта Мир 2200 1234 5678 9019", ("2200 1234 5678 9019",)),
    ("iin-glued-colon", "ИИН:901123300258", ("901123300258",)),
    ("iin-glued-letters", "iin901123300258", ("901123300258",)),
    ("iin-slashes", "ИИН 9011/2330/0258", ("9011/2330/0258", "2330/0258")),
    ("iin-underscore", "IIN 901123_300258", ("901123_300258", "300258")),
    ("secret-stripe", "STRIPE_SECRET_KEY=sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv",
     ("sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv", "51HxYzAbCdEfGhIjKlMnOpQrStUv")),
    ("secret-gitlab", "git clone with glpat-Ab3dEf6hIj9lMn2pQr5t",
     ("glpat-Ab3dEf6hIj9lMn2pQr5t", "Ab3dEf6hIj9lMn2pQr5t")),
    ("secret-huggingface", "HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
     ("hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",)),
    ("secret-postgres-password", "DATABASE_URL=postgres://app:S3cretPass@db.example.com/app",
     ("S3cretPass",)),
    ("secret-mongodb-password",
     "mongodb+srv://admin:zX9-qW8_eR7@cluster0.ab1cd.mongodb.net/db", ("zX9-qW8_eR7",)),
    ("secret-pem-escaped", f'{{"type": "service_account", "private_key": "{PEM_ESCAPED}"}}',
     ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcw", "PRIVATE KEY-----\\nMIIE")),
    ("secret-telegram-ru",
     "Почему бот не отвечает? token = '8387718787:AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4'",
     ("8387718787:AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4", "AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4")),
    ("secret-url-password-hash", "postgres://app_user:ECHr#0DxeBY3@db.internal:5432/orders",
     ("ECHr#0DxeBY3", "0DxeBY3")),
    ("secret-aws-csv", f"Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,{AWS_SECRET}",
     (AWS_SECRET, "AKIAIOSFODNN7EXAMPLE")),
    # Identifiers with no recognizer before
    ("birth-date-en", "Patient Aigerim, DOB: 14.03.1990, allergic to penicillin.",
     ("14.03.1990",)),
    ("birth-date-ru", "Родилась 14 марта 1990 года в Караганде.", ("14 марта 1990",)),
    ("birth-date-kk", "Туған күні: 14.03.1990", ("14.03.1990",)),
    ("kz-passport", "Паспорт № N12345678 выдан МВД РК.", ("N12345678", "12345678")),
    ("kz-passport-bare", "Document N09876543 on file.", ("N09876543",)),
    ("kz-id-card", "Удостоверение личности № 041234567, выдано МВД РК",
     ("041234567",)),
    ("kz-id-card-en", "ID card no. 041234567", ("041234567",)),
    ("address-en", "I live at 221B Baker Street, London.", ("221B Baker Street", "221B")),
    ("address-ru", "Адрес: ул. Абая, д. 10, кв. 5", ("Абая, д. 10", "д. 10, кв. 5")),
    ("address-ru-avenue", "офис на пр. Назарбаева 12", ("Назарбаева 12",)),
    ("address-kk", "Мекенжайым: Абай даңғылы 150", ("даңғылы 150",)),
    ("address-kk-microdistrict", "мкр Самал-2, 58", ("Самал-2, 58",)),
    # Second round: shapes and placements the first recognizers did not know
    ("birth-date-us-order", "Applicant: Susan Wilson, DOB: 02/22/1959.", ("02/22/1959",)),
    ("birth-date-json-key", '{"patient": "A. B.", "date_of_birth": "1990-03-14"}',
     ("1990-03-14",)),
    ("birth-date-column", "client,ssn,dob\nSarah Taylor,234-56-7890,1989-09-01",
     ("1989-09-01", "234-56-7890")),
    ("birth-date-month-year", "She was born in March 1990 in Almaty.", ("March 1990",)),
    ("ssn-bare", "My SSN is 234567890, keep it safe.", ("234567890",)),
    ("ssn-spaced", "social security number: 234 56 7890", ("234 56 7890",)),
    ("ssn-column", "name,ssn\nAnn Lee,234567890", ("234567890",)),
    ("kz-id-card-bare-cue", "Где проверить удостоверение № 063922295?", ("063922295",)),
    ("kz-id-card-json-key", '{"id_card": "063922295", "city": "Almaty"}', ("063922295",)),
    ("kz-id-card-abbreviation", "УДЛ 063922295 выдано МВД", ("063922295",)),
    ("kz-id-card-column", "name;id_card\nAigerim;063922295", ("063922295",)),
    ("address-lower-case", "i live at 12 baker street, near the park", ("12 baker street",)),
    ("address-us-unit", "Mailing address: 4417 Juniper Hollow, Apt. 12", ("Juniper Hollow",)),
    ("address-gb-flat", "We moved to Flat 5, 12 Jones Close, London SW1A 2AA.",
     ("12 Jones Close",)),
    ("address-de", "Lieferadresse: Lindenstraße 14a, 10115 Berlin", ("Lindenstraße 14a",)),
    ("address-fr", "Notre bureau: 12, rue de la Paix, Paris", ("rue de la Paix",)),
    ("address-ru-lower", "доставка: ул. ленина, д. 5, кв. 3", ("ленина, д. 5",)),
    # Third round: the neighbours' forms, handles, fields, obfuscations
    ("address-po-box", "mail to P.O. Box 1234, Almaty", ("Box 1234",)),
    ("address-tr", "Adres: Yıldız Sokak No: 5, Kadıköy", ("Yıldız Sokak",)),
    ("address-uz", "Manzil: Navoiy ko'chasi, 15, Toshkent", ("Navoiy ko'chasi",)),
    ("address-zh", "地址：北京市朝阳区建国路88号", ("建国路88号",)),
    ("address-gb-numberless", "Flat 22b, Martin mills, Leeds", ("Martin mills",)),
    ("birth-date-de", "geboren am 14. März 1990 in Köln", ("14. März 1990",)),
    ("birth-date-zh", "出生日期：1990年3月14日", ("1990年3月14日",)),
    ("email-defanged", "write to aigerim[@]mail[.]kz", ("aigerim",)),
    ("email-sobaka", "пиши на aigerim собака mail точка ru", ("aigerim",)),
    ("email-mail-service", "write to aigerim at gmail.com", ("aigerim",)),
    ("secret-telegram", "bot token 8387718787:AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4",
     ("AAJaapiqEa1WZ4JV3gh8vMetDqaKNmocNl4",)),
    ("ssn-slash-tin", "SSN/TIN 536904399", ("536904399",)),
    ("person-handle", "login: aigerim.serikova, reset her password", ("serikova",)),
    ("person-han", "The ticket was opened by 李娜 yesterday.", ("李娜",)),
    ("person-non-ascii-capital", '{"name": "Şebnem Öztürk"}', ("Şebnem", "Öztürk")),
    ("person-lower-ru", "напомни андрею лебедеву про оплату", ("андрею", "лебедеву")),
    ("person-sql-insert", "INSERT INTO users (first_name, last_name) VALUES ('Mehmet', 'Öztürk');",
     ("Mehmet", "Öztürk")),
    ("place-field", 'customer: {"name": "A.", "city": "Sarahfurt"}', ("Sarahfurt",)),
    # the round after: forms and words that reached the model before
    ("place-after-postcode", "Lieferadresse: Hauptstraße 12, 69117 Heidelberg",
     ("Heidelberg", "Hauptstraße 12")),
    ("address-italian", "Spedire a: Via Giuseppe Garibaldi 23, interno 5, 10122 Torino",
     ("Garibaldi 23", "Torino")),
    ("address-polish", "Adres: ul. Marszałkowska 84/92 m. 15, 00-514 Warszawa",
     ("Marszałkowska 84", "Warszawa")),
    ("ssn-after-words", "ok my social security card says 509 62 1847, does that go in box 2?",
     ("509 62 1847",)),
    ("ssn-spoken", "caller: yeah my social is five one two, three four, eight eight one nine ok",
     ("five one two, three four",)),
    ("ssn-typed-apart", "ok so my SSN is 4 1 9 - 2 2 - 3 8 0 6 lol", ("4 1 9 - 2 2",)),
    ("ssn-chat-soc", "my soc is 561902274, I work nights", ("561902274",)),
    ("ssn-json-social", '{"user": {"social": "028593317"}}', ("028593317",)),
    ("ssn-line-after-cue", "AGENT: And your social?\nCALLER: Sure, it's 521 44 0986.",
     ("521 44 0986",)),
    ("ssn-second-in-sentence", "My social is 219 38 4456 and my husband's is 374 02 8891.",
     ("219 38 4456", "374 02 8891")),
    ("ssn-cue-after", "is 431 80 2297 the right social for Mr. Ames?", ("431 80 2297",)),
    ("email-spelled-mail-service", "pls write me: ivan at mail dot ru", ("ivan at mail",)),
    ("ssn-remark-in-brackets", "Social Security Number (9 digits, no dashes): 471930265",
     ("471930265",)),
    ("birth-answered", "Agent: may I have your date of birth? Customer: 12 March 1979.",
     ("12 March 1979",)),
    ("birth-italian", "Paolo Conti, nato a Genova il 2 febbraio 1951.", ("2 febbraio 1951",)),
    ("person-passenger", "PAX TOKTAROV/ARMAN MR  CONNECTING ASTANA", ("TOKTAROV", "ARMAN")),
    ("person-table-pipe", "id|name|email\n12|Wang Fang|wangfang@163.com",
     ("Wang Fang", "wangfang@163.com")),
    ("person-repeated", "Attendees: Priya Raghunathan, Tomasz Wiśniewski - Tomasz to send it",
     ("Tomasz", "Raghunathan")),
    ("person-addressed", "Bill, can you bill the customer for the extra hours?", ("Bill,",)),
    ("place-case-ending", "Erlan erteñ Şymkentke barady.", ("Şymkent",)),
    ("ssn-cue-typo", "my socail securty numbr is 053 71 6624, which state issued it?",
     ("053 71 6624", "053716624")),
    ("ssn-bare-cue-after", "I typed 407193386 into the social security field, is that ok?",
     ("407193386",)),
    ("phone-national-trunk", "correct is 0176 3490 2217, she is in Leipzig",
     ("0176 3490 2217", "017634902217")),
    ("phone-kg-national", "Дядя Бакыт в Оше: 0772 41 63 88", ("0772 41 63 88",)),
    ("address-lower-case", "nouvel adresse : 3 impasse des lilas, 33000 bordeaux",
     ("impasse des lilas",)),
    ("address-south-asian", "current addr H.No. 221, Block C, Sector 15, Rohini",
     ("H.No. 221",)),
    ("person-bracketed-place", "+1 212 555 0139 Rachel (New York)", ("Rachel", "New York")),
]


@dataclass
class Env:
    upstream: tf.DemoUpstream
    client: httpx.Client


@pytest.fixture(scope="module")
def env() -> Iterator[Env]:
    upstream, _ = tf.demo()
    _, server = tf.proxy("builtin:default")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield Env(upstream, client)


@pytest.mark.parametrize(("case", "message", "never"), CASES, ids=[c[0] for c in CASES])
def test_value_never_reaches_the_upstream(
    env: Env, case: str, message: str, never: tuple[str, ...]
) -> None:
    mark = len(env.upstream.received)
    response = env.client.post(
        "/v1/chat/completions",
        json={"model": "demo-echo", "messages": [{"role": "user", "content": message}]},
    )
    assert response.status_code == 200, response.text
    records = tf.received(env.upstream, mark)
    assert records, "nothing reached the upstream"
    assert tf.leaked(tf.bodies(records), never) == []
    answer = response.json()["choices"][0]["message"]["content"]
    if "://" in message:
        # inside a URL a value is not restored (response.restore_link_hosts): what fetches
        # the URL would carry it away; the placeholder stays
        assert never[0] not in answer
        assert "<SECRET_" in answer
    else:
        # the caller's own value comes back in the echoed answer
        assert never[0] in answer

