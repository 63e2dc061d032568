"""Development split: more texts for the entity types the other templates carry rarely
(BIN, SSN, IP addresses, IBANs, identity documents, organisations, streets, cards)."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

MORE = [
    T("crm", "en", "Vendor: ⟨ORGANIZATION:lat⟩, BIN ⟨KZ_BIN⟩, IBAN ⟨IBAN_CODE⟩, contact ⟨PERSON⟩", 12),
    T("crm", "ru", "Контрагент: ⟨ORGANIZATION⟩; БИН: ⟨KZ_BIN⟩; ИИК: ⟨IBAN_CODE:spaced⟩", 12),
    T("email", "kk", "Сәлеметсіз бе! ⟨ORGANIZATION⟩ (БСН ⟨KZ_BIN⟩) шот-фактураны жіберді. Шот: ⟨IBAN_CODE⟩.", 10),
    T("chat", "en", "Is BIN ⟨KZ_BIN⟩ a real company? They asked me to pay ⟨IBAN_CODE⟩.", 10),
    T("hr", "en", "W-4 form: employee ⟨PERSON⟩, SSN ⟨US_SSN⟩, address ⟨STREET_ADDRESS:en⟩.", 12),
    T("chat", "en", "My social security number ⟨US_SSN⟩ was in the leaked file from ⟨ORGANIZATION:lat⟩.", 10),
    T("crm", "en", "applicant_ssn,applicant_ip\n⟨US_SSN⟩,⟨IP_ADDRESS⟩\n⟨US_SSN⟩,⟨IP_ADDRESS⟩", 10),
    T("log", "en", "firewall: DROP src=⟨IP_ADDRESS⟩ dst=⟨IP_ADDRESS:private⟩ proto=TCP dport=22", 12),
    T("log", "en", "session start user=⟨EMAIL_ADDRESS⟩ from=⟨IP_ADDRESS⟩ via=⟨IP_ADDRESS:v6⟩", 10),
    T("hr", "ru", "Сотрудник ⟨PERSON⟩: паспорт ⟨KZ_PASSPORT⟩ действителен до 2031 года.", 12),
    T("id_documents", "en", "For the visa I need passport ⟨KZ_PASSPORT⟩ and my ID card number ⟨KZ_ID_CARD⟩.", 12),
    T("id_documents", "ru", "Номер удостоверения личности ⟨KZ_ID_CARD⟩, ИИН ⟨KZ_IIN⟩.", 12),
    T("id_documents", "kk", "Жеке куәлігімнің нөмірі ⟨KZ_ID_CARD⟩, төлқұжатым ⟨KZ_PASSPORT⟩.", 10),
    T("medical", "en", "Lab results for ⟨PERSON⟩, date of birth ⟨DATE_OF_BIRTH⟩: HbA1c 6.1%.", 12),
    T("medical", "ru", "Направление на анализы: ⟨PERSON⟩, д.р. ⟨DATE_OF_BIRTH⟩.", 10),
    T("address", "en", "Return address: ⟨STREET_ADDRESS:en⟩, ⟨LOCATION:kz⟩ 050000", 12),
    T("address", "ru", "Офис переехал: ⟨STREET_ADDRESS:ru⟩, ⟨LOCATION:kz⟩.", 12),
    T("address", "kk", "Жеткізу мекенжайы: ⟨STREET_ADDRESS:kk⟩", 12),
    T("card_format", "en", "Visa ⟨CREDIT_CARD:visa.space⟩ and Mastercard ⟨CREDIT_CARD:mastercard.dash⟩ both failed", 10),
    T("card_format", "ru", "Карта «Мир» ⟨CREDIT_CARD:mir.dot⟩ не проходит", 10),
    T("code", "en", "stripe listen --api-key ⟨SECRET:stripe⟩ --forward-to localhost:8000/webhook", 10),
    T("code", "en", "pip install -i https://__token__:⟨SECRET:gitlab⟩@gitlab.example.org/api/v4/projects/12/packages/pypi/simple mypkg", 8),
    T("code", "en", "huggingface-cli login --token ⟨SECRET:hf⟩", 8),
    T("chat", "en", "Transfer from ⟨ORGANIZATION:lat⟩ to ⟨IBAN_CODE:foreign⟩ bounced; the beneficiary is ⟨PERSON⟩.", 10),
    T("crm", "en", "client,ssn,dob\n⟨PERSON⟩,⟨US_SSN⟩,⟨DATE_OF_BIRTH:iso⟩", 8),
    T("chat", "ru", "Где проверить удостоверение № ⟨KZ_ID_CARD⟩ и паспорт ⟨KZ_PASSPORT⟩?", 6),
    T("chat", "en", "Save these: office ⟨PHONE_NUMBER⟩, mobile ⟨PHONE_NUMBER⟩.", 8),
]

ALL = MORE
