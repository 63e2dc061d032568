"""Held-out split: more texts for the entity types the other templates carry rarely,
phrased apart from the development ones. Tune nothing on these."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

MORE = [
    T("crm", "en", "supplier_name;bin;account\n⟨ORGANIZATION:lat⟩;⟨KZ_BIN⟩;⟨IBAN_CODE⟩", 12),
    T("email", "ru", "Коллеги, ⟨ORGANIZATION⟩ сменила реквизиты: БИН ⟨KZ_BIN⟩, новый счёт ⟨IBAN_CODE⟩.", 12),
    T("chat", "kk", "⟨ORGANIZATION⟩ компаниясының БСН-і ⟨KZ_BIN⟩ ме, тексеріңізші.", 10),
    T("ticket", "en", "Refund to ⟨IBAN_CODE:spaced⟩ requested by ⟨ORGANIZATION:lat⟩ (BIN ⟨KZ_BIN⟩).", 10),
    T("hr", "en", "I-9 packet — ⟨PERSON⟩, social security no. ⟨US_SSN⟩, home: ⟨STREET_ADDRESS:us⟩", 12),
    T("chat", "en", "Someone opened a credit line with my SSN ⟨US_SSN⟩. What should I do first?", 10),
    T("log", "en", "[auth] mfa challenge failed ssn_last_check=⟨US_SSN⟩ ip=⟨IP_ADDRESS⟩", 10),
    T("log", "en", "conntrack: ⟨IP_ADDRESS⟩:443 -> ⟨IP_ADDRESS:private⟩:51234 ESTABLISHED", 12),
    T("log", "en", "{\"event\":\"login\",\"ip\":\"⟨IP_ADDRESS:v6⟩\",\"fallback_ip\":\"⟨IP_ADDRESS⟩\"}", 10),
    T("hr", "ru", "Копия паспорта ⟨KZ_PASSPORT⟩ и удостоверения № ⟨KZ_ID_CARD⟩ приложена к делу ⟨PERSON:gen⟩.", 12),
    T("id_documents", "en", "Traveller document: passport ⟨KZ_PASSPORT⟩, nationality Kazakh, national ID ⟨KZ_ID_CARD⟩", 12),
    T("id_documents", "kk", "Төлқұжат ⟨KZ_PASSPORT⟩ мерзімі өтіп кетті, жаңасын қалай алуға болады?", 10),
    T("id_documents", "ru", "Удостоверение личности №⟨KZ_ID_CARD⟩ утеряно, что делать?", 12),
    T("medical", "en", "Vaccination record: ⟨PERSON⟩, born ⟨DATE_OF_BIRTH⟩, second dose given.", 12),
    T("medical", "kk", "Науқас: ⟨PERSON⟩, туған күні ⟨DATE_OF_BIRTH⟩, диагнозы — тұмау.", 10),
    T("address", "en", "Ship-to: ⟨PERSON⟩, ⟨STREET_ADDRESS:us⟩", 12),
    T("address", "ru", "Новый адрес склада — ⟨STREET_ADDRESS:ru⟩", 12),
    T("address", "kk", "Біздің кеңсе: ⟨STREET_ADDRESS:kk⟩, ⟨LOCATION:kz⟩ қаласы", 12),
    T("card_format", "en", "Mastercard ⟨CREDIT_CARD:mastercard.dot⟩ expires next month", 10),
    T("card_format", "kk", "Төлем картасы: ⟨CREDIT_CARD:visa.space⟩", 10),
    T("code", "en", "STRIPE_KEY=⟨SECRET:stripe⟩ npm run dev", 10),
    T("code", "en", "git clone https://oauth2:⟨SECRET:gitlab⟩@gitlab.com/team/repo.git", 8),
    T("code", "en", "export HUGGING_FACE_HUB_TOKEN=⟨SECRET:hf⟩", 8),
    T("crm", "en", "Account owner ⟨PERSON⟩ at ⟨ORGANIZATION:lat⟩ — renewal due, IBAN on file ⟨IBAN_CODE:foreign⟩", 10),
    T("chat", "en", "The lender wants SSN ⟨US_SSN⟩ for me and ⟨US_SSN:plain⟩ for my co-signer ⟨PERSON⟩.", 8),
    T("crm", "en", "borrower: ⟨PERSON⟩ | ssn: ⟨US_SSN⟩ | phone: ⟨PHONE_NUMBER:us⟩", 8),
    T("chat", "ru", "Проверь БИН ⟨KZ_BIN⟩ и ИИН директора ⟨KZ_IIN⟩ перед подписанием.", 8),
    T("hr", "kk", "Қызметкердің төлқұжаты ⟨KZ_PASSPORT⟩, жеке куәлігі ⟨KZ_ID_CARD⟩, ЖСН ⟨KZ_IIN⟩.", 6),
    T("chat", "en", "Two numbers called me today: ⟨PHONE_NUMBER⟩ and ⟨PHONE_NUMBER⟩. Which one is spam?", 8),
    T("ticket", "ru", "Клиент оставил два номера: ⟨PHONE_NUMBER⟩, ⟨PHONE_NUMBER⟩. Перезвонить до 18:00.", 8),
    T("crm", "kk", "Байланыс: ⟨PHONE_NUMBER:kz⟩; қосымша: ⟨PHONE_NUMBER⟩", 6),
]

ALL = MORE
