"""Held-out split: the families aimed at one weakness each, and hand-written texts,
phrased apart from the development ones. Tune nothing on these."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

COMMON_WORD_NAMES = [
    T("common_word_names", "en", "Let ⟨PERSON:common.first⟩ know the budget was cut.", 4),
    T("common_word_names", "en", "Yesterday ⟨PERSON:common⟩ and I reviewed the contract line by line.", 4),
    T("common_word_names", "en", "Who is covering for ⟨PERSON:common.first⟩ while she is on leave?", 3),
    T("common_word_names", "en", "Meeting notes taken by ⟨PERSON:common⟩.", 3),
    T("common_word_names", "ru", "Спроси у ⟨PERSON:common.first.gen⟩, готов ли отчёт.", 3),
    T("common_word_names", "kk", "Бүгін ⟨PERSON:common.first⟩ жиналысқа қатыспайды.", 3),
    T("common_word_names", "en", "Summer is busy, so ⟦Summer Hayes|PERSON⟧ will take her vacation in May.", 1),
    T("common_word_names", "en", "Art class is cancelled; ⟦Art|PERSON⟧ will refund everyone.", 1),
    T("common_word_names", "en", "Pat the dough flat, then ask ⟦Pat|PERSON⟧ to bake it.", 1),
    T("common_word_names", "en", "Joy was everywhere when ⟦Joy Carpenter|PERSON⟧ won the award.", 1),
]

EDGE_POSITION = [
    T("edge_position", "en", "⟨PERSON⟩ will present the quarterly numbers", 3),
    T("edge_position", "en", "⟨EMAIL_ADDRESS⟩ keeps bouncing, can you check why", 3),
    T("edge_position", "en", "text the code to ⟨PHONE_NUMBER⟩", 3),
    T("edge_position", "en", "⟨CREDIT_CARD⟩ was charged twice", 3),
    T("edge_position", "en", "the account holder is ⟨PERSON⟩", 3),
    T("edge_position", "ru", "⟨KZ_IIN⟩ — это мой ИИН, проверьте", 3),
    T("edge_position", "ru", "Перезвоните по номеру ⟨PHONE_NUMBER⟩", 3),
    T("edge_position", "kk", "⟨PERSON⟩ хабарласуды сұрады", 3),
    T("edge_position", "en", "⟨IBAN_CODE⟩ is the beneficiary account", 3),
    T("edge_position", "en", "leaked token: ⟨SECRET:stripe⟩", 2),
]

NAME_CASE = [
    T("name_case", "en", "remind ⟨PERSON:lower⟩ to bring the keys tomorrow", 4),
    T("name_case", "en", "URGENT: ⟨PERSON:upper⟩ HAS NOT SIGNED THE LEASE", 4),
    T("name_case", "en", "lunch with ⟨PERSON:first.lower⟩ and ⟨PERSON#2:first.lower⟩ at noon?", 3),
    T("name_case", "ru", "передай ⟨PERSON:lower.dat⟩ что ключи у охраны", 3),
    T("name_case", "ru", "ВНИМАНИЕ: ⟨PERSON:upper⟩ ОПОЗДАЕТ НА ЧАС", 3),
    T("name_case", "kk", "⟨PERSON:upper⟩ ЕРТЕҢ ДЕМАЛЫСТА", 3),
]

NAME_CUE = [
    T("name_cue", "en", "Hello ⟨PERSON⟩, thanks for reaching out.", 4),
    T("name_cue", "en", "Message ⟨PERSON⟩ on Slack when the build is green.", 3),
    T("name_cue", "en", "Remind ⟨PERSON⟩ about the dentist at 4.", 3),
    T("name_cue", "en", "Ms. ⟨PERSON:last⟩ asked for a copy of the minutes.", 4),
    T("name_cue", "en", "Prof. ⟨PERSON:last⟩ approved the thesis topic.", 3),
    T("name_cue", "en", "Approved: ⟨PERSON:initial⟩, Head of Sales", 4),
    T("name_cue", "en", "Regards,\n⟨PERSON:first⟩", 3),
    T("name_cue", "en", "This is ⟨PERSON⟩ speaking, I called about the invoice.", 3),
    T("name_cue", "en", "Hi, my name's ⟨PERSON:first⟩ and I have a question about shipping.", 3),
    T("name_cue", "ru", "Напиши ⟨PERSON:dat⟩, что договор готов.", 3),
    T("name_cue", "ru", "Уважаемая ⟨PERSON:first_patr⟩, благодарим за сотрудничество.", 3),
    T("name_cue", "ru", "Г-жа ⟨PERSON:last⟩ будет на связи после обеда.", 3),
    T("name_cue", "ru", "Исполнитель: ⟨PERSON:last_initials⟩", 3),
    T("name_cue", "kk", "Құрметті ⟨PERSON:first⟩, сізді құттықтаймыз!", 3),
    T("name_cue", "kk", "Сәлем, ⟨PERSON:first⟩! Кездесу кейінге қалдырылды.", 3),
]

PHONE_INTL = [
    T("phone_intl", "en", "⟨PHONE_NUMBER:us⟩ or ⟨EMAIL_ADDRESS⟩, either is fine", 4),
    T("phone_intl", "en", "my cell: ⟨PHONE_NUMBER:us.dots⟩", 3),
    T("phone_intl", "en", "⟨PHONE_NUMBER:us.paren⟩ (leave a voicemail)", 3),
    T("phone_intl", "en", "⟦UK|LOCATION⟧ number ⟨PHONE_NUMBER:gb⟩, German number ⟨PHONE_NUMBER:de⟩", 3),
    T("phone_intl", "en", "The hotel gave us ⟨PHONE_NUMBER:fr⟩ and ⟨PHONE_NUMBER:tr⟩ as contacts", 3),
    T("phone_intl", "en", "supplier contact ⟨PHONE_NUMBER:cn⟩; backup ⟨PHONE_NUMBER:uz⟩", 3),
    T("phone_intl", "en", "⟨PHONE_NUMBER:kg⟩ — the driver's number", 3),
    T("phone_intl", "ru", "Пиши в телегу, номер ⟨PHONE_NUMBER:ru⟩", 4),
    T("phone_intl", "kk", "Нөмірім өзгерді: ⟨PHONE_NUMBER:kz⟩", 4),
    T("phone_intl", "en", "+ dial ⟨PHONE_NUMBER:us.paren_plus⟩ from abroad", 3),
    T("phone_intl", "mixed", "Call me on ⟨PHONE_NUMBER:ru⟩ или на ⟨PHONE_NUMBER:kz⟩", 3),
]

EMAIL_OBFUSCATED = [
    T("email_obfuscated", "en", "drop me a line: ⟨EMAIL_ADDRESS:obf⟩", 5),
    T("email_obfuscated", "en", "Resumes go to ⟨EMAIL_ADDRESS:obf⟩ before Friday.", 4),
    T("email_obfuscated", "ru", "Адрес для связи: ⟨EMAIL_ADDRESS:idn⟩", 4),
    T("email_obfuscated", "kk", "Хат жазыңыз: ⟨EMAIL_ADDRESS:idn⟩, жауап беремін.", 3),
    T("email_obfuscated", "mixed", "Почта ⟨EMAIL_ADDRESS:obf⟩, please don't share", 3),
]

CARD_FORMAT = [
    T("card_format", "en", "pay with ⟨CREDIT_CARD:visa.dot⟩ (Visa)", 6),
    T("card_format", "en", "Card: ⟨CREDIT_CARD:space⟩, CVV on the back", 6),
    T("card_format", "kk", "Картам ⟨CREDIT_CARD:dash⟩ бұғатталды.", 5),
    T("card_format", "ru", "Номер карты ⟨CREDIT_CARD:plain⟩ — верно?", 5),
    T("card_format", "en", "UnionPay ⟨CREDIT_CARD:unionpay.space⟩ is not accepted online", 5),
]

IIN_FORMAT = [
    T("iin_format", "en", "IIN ⟨KZ_IIN:underscore⟩ was typed with underscores", 6),
    T("iin_format", "ru", "мой иин:⟨KZ_IIN:slash⟩", 6),
    T("iin_format", "en", "IIN⟨KZ_IIN:plain⟩ (no space in the export)", 6),
    T("iin_format", "kk", "ЖСН ⟨KZ_IIN:dash⟩ енгізілмеді", 5),
    T("iin_format", "ru", "БИН⟨KZ_BIN:plain⟩ и ИИН ⟨KZ_IIN:space4⟩", 5),
]

PLACES = [
    T("places", "en", "Our team is split between ⟨LOCATION:kz⟩, ⟨LOCATION:kz⟩ and ⟨LOCATION:world⟩.", 5),
    T("places", "en", "Is it colder in ⟨LOCATION:kz⟩ or in ⟨LOCATION:world⟩ in January?", 4),
    T("places", "en", "He was born in ⟨LOCATION:country⟩ and moved to ⟨LOCATION:region⟩ as a child.", 3),
    T("places", "ru", "Филиал открылся в городе ⟨LOCATION:cyr⟩.", 3),
    T("places", "kk", "⟨LOCATION:kz⟩ — менің туған қалам.", 3),
    T("places", "ru", "Еду из ⟦Уральска|LOCATION⟧ в ⟦Актобе|LOCATION⟧, потом в ⟦Шымкент|LOCATION⟧.", 1),
    T("places", "kk", "⟦Қарағандыдан|LOCATION⟧ ⟦Өскеменге|LOCATION⟧ пойызбен бардық.", 1),
    T("places", "ru", "В ⟦Кокшетау|LOCATION⟧ и ⟦Петропавловске|LOCATION⟧ выпал снег.", 1),
]

ID_DOCUMENTS = [
    T("id_documents", "en", "Passport no. ⟨KZ_PASSPORT⟩, holder born ⟨DATE_OF_BIRTH⟩", 7),
    T("id_documents", "en", "Kazakh ID card number: ⟨KZ_ID_CARD⟩", 6),
    T("id_documents", "ru", "Данные паспорта: ⟨KZ_PASSPORT⟩; дата рождения владельца ⟨DATE_OF_BIRTH⟩", 6),
    T("id_documents", "ru", "уд. личности №⟨KZ_ID_CARD⟩ от 2019 года", 6),
    T("id_documents", "kk", "Жеке куәлік нөмірі ⟨KZ_ID_CARD⟩, ⟨DATE_OF_BIRTH⟩ туған.", 6),
    T("id_documents", "en", "SSN ⟨US_SSN⟩ and date of birth ⟨DATE_OF_BIRTH⟩ are needed for the credit check", 5),
    T("id_documents", "kk", "Паспорт: ⟨KZ_PASSPORT⟩", 5),
    T("id_documents", "en", "Tenant ⟨PERSON⟩, DOB ⟨DATE_OF_BIRTH:iso⟩, SSN ⟨US_SSN:plain⟩", 6),
]

HANDWRITTEN = [
    T("chat", "ru", "Передайте ⟦Сергею Николаевичу|PERSON⟧, что ⟦Ольга Викторовна Кравец|PERSON⟧ приедет из ⟦Костаная|LOCATION⟧.", 1),
    T("chat", "ru", "Поговори с ⟦Айгерим Сериковой|PERSON⟧ о командировке в ⟦Атырау|LOCATION⟧.", 1),
    T("chat", "kk", "⟦Нұрланға|PERSON⟧ айт, ⟦Әсемнің|PERSON⟧ поштасы ⟦asem.nurlankyzy@mail.kz|EMAIL_ADDRESS⟧.", 1),
    T("chat", "en", "⟦Ivan|PERSON⟧ said Mr. ⟦Petrov|PERSON⟧ would call from ⟦Aktobe|LOCATION⟧ tonight.", 1),
    T("email", "en", "Dear ⟦Aigerim|PERSON⟧,\nthe visa centre in ⟦Kostanay|LOCATION⟧ needs your form.\nBest, ⟦D. Ivanova|PERSON⟧", 1),
]

ALL = (COMMON_WORD_NAMES + EDGE_POSITION + NAME_CASE + NAME_CUE + PHONE_INTL + EMAIL_OBFUSCATED
       + CARD_FORMAT + IIN_FORMAT + PLACES + ID_DOCUMENTS + HANDWRITTEN)
