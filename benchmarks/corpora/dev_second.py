"""Development split, second round: texts of the classes that independent text showed to be
weak (held-out per-type figures, not its texts): streets of other countries and in lower
case, companies and streets named after people, form labels, headings and variable names,
weekday and month abbreviations, names that are words, values at the edges, lower-case and
ALL-CAPS names, and identifiers written with other separators, as keys or in columns."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

ADDRESSES = [
    T("address", "en", "Please ship the order to ⟨PERSON⟩, ⟨STREET_ADDRESS:us⟩, ⟨LOCATION:world⟩ ⟨~zip⟩.", 8),
    T("address", "en", "Mailing address: ⟨STREET_ADDRESS:us_weak⟩", 8),
    T("address", "en", "The tenant at ⟨STREET_ADDRESS:us_weak⟩ has not paid since March.", 6),
    T("address", "en", "We moved to ⟨STREET_ADDRESS:gb⟩, ⟦London|LOCATION⟧ ⟨~gb_postcode⟩.", 8),
    T("address", "en", "send the keys to ⟨STREET_ADDRESS:gb.lower⟩ please", 6),
    T("address", "en", "i live at ⟨STREET_ADDRESS:us.lower⟩, can you find a gym near me", 6),
    T("address", "en", "Lieferadresse: ⟨STREET_ADDRESS:de⟩, ⟨~zip⟩ ⟦Berlin|LOCATION⟧", 4),
    T("address", "en", "Rechnungsadresse: ⟨STREET_ADDRESS:de⟩, ⟨~zip⟩ ⟦Köln|LOCATION⟧", 4),
    T("address", "en", "Our ⟦Paris|LOCATION⟧ office moved to ⟨STREET_ADDRESS:fr⟩.", 8),
    T("address", "ru", "доставка: ⟨STREET_ADDRESS:ru.lower⟩, ⟨LOCATION:kz⟩", 6),
    T("address", "kk", "мекенжайым ⟨STREET_ADDRESS:kk.lower⟩", 4),
    T("address", "en", "⟨STREET_ADDRESS:us⟩ is the billing address on file", 4),
]

COMPANIES = [
    T("crm", "en", "Vendor ⟨ORGANIZATION:surname⟩ sent invoice ⟨~order⟩; the contact is ⟨PERSON⟩.", 10),
    T("email", "en", "Hi ⟨PERSON:first⟩,\nthe audit of ⟨ORGANIZATION:surname⟩ starts on Monday.\nRegards,\n⟨PERSON#2⟩", 8),
    T("chat", "en", "Write a cover letter for a job at ⟨ORGANIZATION:surname⟩.", 8),
    T("crm", "en", '{"company": "⟨ORGANIZATION:surname⟩", "owner": "⟨PERSON⟩", "city": "⟨LOCATION:world⟩"}', 8),
]

LABELS = [
    T("crm", "en", "Full Name: ⟨PERSON⟩\nDate Of Birth: ⟨DATE_OF_BIRTH:mdy_slash⟩\nEmergency Contact: ⟨PERSON#2⟩", 6),
    T("crm", "en", "First Name,Last Name,Email\n⟦Aigerim|PERSON⟧,⟦Serikova|PERSON⟧,⟨EMAIL_ADDRESS⟩", 1),
    T("crm", "en", "Customer Name | Account Holder | Phone\n⟨PERSON⟩ | ⟨PERSON#2⟩ | ⟨PHONE_NUMBER⟩", 6),
    T("code", "en", "user = User(firstName=\"⟨PERSON:first⟩\", lastName=\"⟨PERSON:last⟩\", email=\"⟨EMAIL_ADDRESS⟩\")", 6),
    T("ticket", "en", "## Incident Report\nReported By: ⟨PERSON⟩\nAssigned To: ⟨PERSON#2⟩\nStatus: Open", 6),
    T("email", "en", "From: ⟨PERSON⟩ <⟨EMAIL_ADDRESS⟩>\nSent: ⟨~weekday⟩, ⟨~month⟩ 4, 2024 10:12 AM\nSubject: Invoice", 8),
    T("hr", "en", "Employee: ⟨PERSON⟩ | Start: ⟨~weekday⟩ ⟨~month⟩ 3 | Manager: ⟨PERSON#2⟩", 6),
]

COMMON_WORD_NAMES = [
    T("common_word_names", "en", "Thanks to ⟨PERSON:common⟩ for the quick review.", 6),
    T("common_word_names", "en", "Can ⟨PERSON:common.first⟩ take over the night shift?", 6),
    T("common_word_names", "en", "Meeting notes: ⟨PERSON:common⟩ will draft the budget.", 6),
]

EDGES = [
    T("edge_position", "en", "⟨PERSON:first⟩ says the build is green", 4),
    T("edge_position", "en", "the shipment is for ⟨PERSON⟩", 4),
    T("edge_position", "en", "⟨LOCATION:kz⟩ office closes early on Friday", 4),
    T("edge_position", "en", "flight lands in ⟨LOCATION:kz⟩", 4),
    T("edge_position", "en", "SSN ⟨US_SSN:bare⟩", 4),
    T("edge_position", "ru", "удостоверение ⟨KZ_ID_CARD⟩", 3),
    T("edge_position", "en", "⟨STREET_ADDRESS:us⟩", 3),
    T("edge_position", "en", "DOB ⟨DATE_OF_BIRTH:dmy_dot⟩", 3),
]

NAME_CASE = [
    T("name_case", "en", "ask ⟨PERSON:lower⟩ to send the report", 6),
    T("name_case", "en", "NAME: ⟨PERSON:upper⟩ DEPARTMENT: FINANCE", 6),
    T("name_case", "en", "meeting with ⟨PERSON:first.lower⟩ at 3pm tomorrow", 6),
]

IDS = [
    T("id_documents", "en", "Applicant SSN ⟨US_SSN:bare⟩, ID card ⟨KZ_ID_CARD:space⟩.", 8),
    T("id_documents", "en", "social security number: ⟨US_SSN:space⟩", 6),
    T("id_documents", "en", '{"ssn": "⟨US_SSN:bare⟩", "dob": "⟨DATE_OF_BIRTH:iso⟩"}', 8),
    T("id_documents", "ru", "Удостоверение личности гражданина ⟦РК|LOCATION⟧ № ⟨KZ_ID_CARD:dash⟩ выдано 12.05.2019.", 6),
    T("id_documents", "ru", "УДЛ ⟨KZ_ID_CARD⟩, ИИН ⟨KZ_IIN⟩", 6),
    T("id_documents", "en", "national ID: ⟨KZ_ID_CARD:dot⟩", 6),
    T("id_documents", "en", "name,id_card,dob\n⟨PERSON⟩,⟨KZ_ID_CARD⟩,⟨DATE_OF_BIRTH:dmy_dot⟩", 8),
    T("id_documents", "en", "employee_id,ssn\n⟨~order⟩,⟨US_SSN:bare⟩\n⟨~order⟩,⟨US_SSN:bare⟩", 6),
    T("id_documents", "en", "She was born in ⟦March 1990|DATE_OF_BIRTH⟧ in ⟨LOCATION:kz⟩.", 1),
    T("medical", "en", "Patient: ⟨PERSON⟩, DOB ⟨DATE_OF_BIRTH:mdy_slash⟩, allergies: none.", 8),
    T("medical", "ru", "Пациентка родилась ⟨DATE_OF_BIRTH:ru_long⟩, наблюдается с 2019 года.", 6),
]

NEGATIVES = [
    T("negative", "en", "Full Name, Date Of Birth and Billing Address are required fields.", 1),
    T("negative", "en", "## Action Items\n- Update the roadmap\n- Review Q3 Budget", 1),
    T("negative", "en", "Office hours: ⟨~weekday⟩–⟨~weekday⟩ 9:00–18:00, closed in ⟨~month⟩.", 5),
    T("negative", "en", "Sprint review ⟨~weekday⟩ ⟨~month⟩ 12, retro ⟨~weekday⟩ ⟨~month⟩ 14.", 5),
    T("negative", "en", "const firstName = form.FirstName.trim(); const LastName = null;", 1),
    T("negative", "en", "Set SLACK_CHANNEL and SENDGRID_API_HOST before the deploy.", 1),
    T("negative", "en", "The Customer Name column is empty for order ⟨~order⟩.", 3),
    T("negative", "en", "Will you grant me access? Hope so, Mark said it is fine to bill the team.", 1),
    T("negative", "en", "Walk 5 blocks down the road, then turn at the Park.", 1),
    T("negative", "en", "Johnson & Johnson and Procter & Gamble reported earnings on ⟨~date⟩.", 1),
    T("negative", "en", "Account ⟨~num10⟩ was closed; reference ⟨~ticket⟩.", 4),
    T("negative", "en", "Our team moved 3 Green Hills projects to the next quarter.", 1),
    T("negative", "ru", "Сервер перезапущен в ⟨~time⟩, ошибок нет.", 3),
    T("negative", "ru", "Вера в успех и Надежда на лучшее — главное в проекте.", 1),
]

ALL = ADDRESSES + COMPANIES + LABELS + COMMON_WORD_NAMES + EDGES + NAME_CASE + IDS + NEGATIVES
