"""Regenerate ``benchmarks/data/dev/en_kz.jsonl``: English prompts with Kazakh identifiers.

Texts are built from parts, so every gold span's offsets are exact. Hard negatives (invalid
IINs, random twelve-digit numbers, order numbers, versions, placeholder keys) are written
without spans: reporting them is a false positive.

    python -m benchmarks.make_en_kz
"""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import phonenumbers
from stdnum import iban as stdnum_iban

from qorgan.detection.recognizers.kz import is_valid_bin, is_valid_iin, kz_check_digit

OUT = Path(__file__).parent / "data" / "dev" / "en_kz.jsonl"

NAMES = [
    "Aigerim Bekova", "Nurlan Abenov", "Daniyar Seitkali", "Aruzhan Tulegenova",
    "Yerlan Omarov", "Saule Zhaksylykova", "Askar Nurpeisov", "John Smith", "Maria Garcia",
    "Timur Kassymov", "Dana Akhmetova", "Michael Brown", "Olga Ivanova", "Bauyrzhan Sadykov",
]  # fmt: skip

TEMPLATES = [
    "Please update the record for {PERSON}: IIN {KZ_IIN}, mobile {PHONE_NUMBER}.",
    "My name is {PERSON} and my email is {EMAIL_ADDRESS}. Can you draft a reply to the bank?",
    "Transfer 250,000 KZT to account {IBAN_CODE} (beneficiary BIN {KZ_BIN}).",
    "Customer {PERSON} called from {PHONE_NUMBER} about order 7734-2291-05.",
    "Summarize this complaint. Contact: {EMAIL_ADDRESS}, phone {PHONE_NUMBER}.",
    "The company with BIN {KZ_BIN} has not paid invoice 2024-118233 yet.",
    "Here is my config: AWS key {SECRET}, region us-east-1. Why does boto3 fail?",
    "Debug this: requests.get(url, headers={{'Authorization': 'Bearer {SECRET}'}})",
    "I paid with card {CREDIT_CARD} but the charge of 12,500 tenge appears twice.",
    "Verify the IIN {KZ_IIN} belongs to {PERSON} before we open the deposit.",
    "Order number 102938475612 shipped on 2024-03-14; tracking code 4400 1234 5678.",
    "The IIN 901123300259 failed validation, please explain why.",
    "Ticket {NEG12}: customer says the meter reading is 000123456789.",
    "Write a polite reminder to {PERSON} ({EMAIL_ADDRESS}) about the overdue report.",
    "Our GitHub token {SECRET} stopped working after the org migration.",
    "Please call me back at {PHONE_NUMBER}, I am {PERSON}.",
    "Send the payment confirmation for IBAN {IBAN_CODE} to {EMAIL_ADDRESS}.",
    "Python 3.12.1 and numpy 1.26.4 are installed; the build id is 20240315093012.",
    "Why does my OpenAI client reject the key {SECRET}?",
    "Employee {PERSON}, IIN {KZ_IIN}, card {CREDIT_CARD}, asked for a refund.",
    "The invoice total is 1 250 000 tenge, reference {NEG12}, due 15.04.2024.",
    "Reset the password for {EMAIL_ADDRESS} and text the code to {PHONE_NUMBER}.",
    "Registration BIN {KZ_BIN}; director {PERSON}; office phone {PHONE_NUMBER}.",
    "We use sk-learn and the word AKIA in docs; the sample key is "
    "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.",
    "Slack webhook token {SECRET} leaked in the channel, rotate it.",
    "Translate to Russian: {PERSON} lives in {LOCATION} and works for {ORGANIZATION}.",
    "Check whether {KZ_IIN} and {NEG12} are valid identifiers.",
    "Use this JWT for the staging API: {SECRET}",
    "Account {IBAN_CODE} belongs to {PERSON}; her IIN is {KZ_IIN}.",
    "Server {IP_ADDRESS} returned 502 at 14:32; request id 5f3a9c1e.",
    "Draft a contract between {PERSON} and the LLP with BIN {KZ_BIN}.",
    "Google Maps key {SECRET} is in the frontend bundle; is that a problem?",
    "The shipment {NEG12} weighs 12.5 kg and costs 45 000 tenge.",
    "Hi {PERSON}, your verification code is 482913. Do not share it.",
    "Reach {PERSON} via {EMAIL_ADDRESS} or {PHONE_NUMBER} after 6 pm.",
]


def _iin(rng: random.Random) -> str:
    while True:
        year = rng.randint(1940, 2010)
        century = (3 if year < 2000 else 5) + rng.randint(0, 1)
        body = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{century}"
        body += f"{rng.randint(0, 9999):04d}"
        check = kz_check_digit(body)
        if check is not None and is_valid_iin(body + str(check)):
            return body + str(check)


def _bin(rng: random.Random) -> str:
    while True:
        body = f"{rng.randint(0, 24):02d}{rng.randint(1, 12):02d}{rng.choice('456')}"
        body += f"{rng.choice('0123')}{rng.randint(0, 99999):05d}"
        check = kz_check_digit(body)
        if check is not None and is_valid_bin(body + str(check)):
            return body + str(check)


def _neg12(rng: random.Random) -> str:
    while True:
        value = "".join(rng.choice(string.digits) for _ in range(12))
        if not is_valid_iin(value) and not is_valid_bin(value):
            return value


def _iban(rng: random.Random) -> str:
    bank = f"{rng.randint(100, 999)}"
    account = "".join(rng.choice(string.digits + "KZT") for _ in range(13))
    check = stdnum_iban.calc_check_digits("KZ00" + bank + account)
    value = f"KZ{check}{bank}{account}"
    if rng.random() < 0.3:
        return " ".join(value[i : i + 4] for i in range(0, 20, 4))
    return value


def _phone(rng: random.Random) -> str:
    while True:
        code = rng.choice(["701", "702", "705", "707", "747", "771", "775", "777", "778"])
        rest = f"{rng.randint(0, 9999999):07d}"
        number = phonenumbers.parse(f"+7{code}{rest}", None)
        if not phonenumbers.is_valid_number(number):
            continue
        style = rng.randint(0, 3)
        if style == 0:
            return f"+7 {code} {rest[:3]} {rest[3:5]} {rest[5:]}"
        if style == 1:
            return f"8 ({code}) {rest[:3]}-{rest[3:5]}-{rest[5:]}"
        if style == 2:
            return f"+7{code}{rest}"
        return f"8 {code} {rest[:3]} {rest[3:]}"


def _email(rng: random.Random, person: str) -> str:
    first, last = person.lower().split()
    domain = rng.choice(["mail.kz", "gmail.com", "halykbank.kz", "example.org"])
    return f"{rng.choice([first, first[0]])}.{last}@{domain}"


def _luhn_card(rng: random.Random) -> str:
    digits = [4] + [rng.randint(0, 9) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = d * 2 if i % 2 == 0 else d
        total += v - 9 if v > 9 else v
    digits.append((10 - total % 10) % 10)
    raw = "".join(map(str, digits))
    return " ".join(raw[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.6 else raw


def _secret(rng: random.Random, template: str) -> str:
    alnum = string.ascii_letters + string.digits
    pick = lambda n: "".join(rng.choice(alnum) for _ in range(n))  # noqa: E731
    if "AWS" in template:
        return "AKIA" + "".join(
            rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)
        )
    if "GitHub" in template:
        return "ghp_" + pick(36)
    if "Slack" in template:
        return f"xoxb-{rng.randint(10**10, 10**11)}-{rng.randint(10**10, 10**11)}-{pick(24)}"
    if "Google" in template:
        return "AIza" + pick(35)
    if "JWT" in template:
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + pick(40) + "." + pick(43)
    if "OpenAI" in template:
        return "sk-proj-" + pick(48)
    return pick(32)


def _fill(template: str, rng: random.Random) -> dict[str, object]:
    person = rng.choice(NAMES)
    text = ""
    spans: list[dict[str, object]] = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        if tail.startswith("{"):
            text += head + "{"
            rest = tail[1:]
            continue
        key, _, rest = tail.partition("}")
        text += head.replace("}}", "}")
        value = {
            "PERSON": lambda: person,
            "KZ_IIN": lambda: _iin(rng),
            "KZ_BIN": lambda: _bin(rng),
            "IBAN_CODE": lambda: _iban(rng),
            "PHONE_NUMBER": lambda: _phone(rng),
            "EMAIL_ADDRESS": lambda: _email(rng, person),
            "CREDIT_CARD": lambda: _luhn_card(rng),
            "SECRET": lambda: _secret(rng, template),
            "NEG12": lambda: _neg12(rng),
            # every IP address is labelled, private ones too (benchmarks/data/README.md)
            "IP_ADDRESS": lambda: "10.0.0.15",
            "LOCATION": lambda: "Almaty",
            "ORGANIZATION": lambda: "Kaspi Bank",
        }[key]()
        if key != "NEG12":
            spans.append({"start": len(text), "end": len(text) + len(value), "entity_type": key})
        text += value
    text += rest.replace("}}", "}")
    family = ("log" if template.startswith("Server") else "chat") if spans else "negative"
    return {"text": text, "language": "en", "family": family, "spans": spans}


def main() -> None:
    rng = random.Random(230)
    rows = [_fill(t, rng) for _ in range(2) for t in TEMPLATES]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
