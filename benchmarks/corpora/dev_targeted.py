"""Development split: the families aimed at one known weakness each (names that are words,
cues, case, positions, phone and e-mail shapes, separators, places, identity documents),
and hand-written texts."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

COMMON_WORD_NAMES = [
    T("common_word_names", "en", "Ask ⟨PERSON:common.first⟩ whether the report is ready.", 4),
    T("common_word_names", "en", "⟨PERSON:common⟩ sent the slides yesterday; forward them to the board.", 4),
    T("common_word_names", "en", "I met ⟨PERSON:common.first⟩ at the conference and she gave me her number ⟨PHONE_NUMBER⟩.", 3),
    T("common_word_names", "en", "The invoice was approved by ⟨PERSON:common⟩ from accounting.", 3),
    T("common_word_names", "ru", "Передай ⟨PERSON:common.first.dat⟩, что совещание перенесли.", 3),
    T("common_word_names", "kk", "⟨PERSON:common⟩ ертең кеңсеге келеді.", 3),
    T("common_word_names", "en", "Hope you are well. ⟦Hope|PERSON⟧ asked me to send the file to ⟨EMAIL_ADDRESS⟩.", 1),
    T("common_word_names", "en", "Mark the task as done and tell ⟦Mark|PERSON⟧ it shipped.", 1),
    T("common_word_names", "en", "Bill me later, said ⟦Bill Turner|PERSON⟧ at the front desk.", 1),
    T("common_word_names", "en", "A rose for ⟦Rose|PERSON⟧ on her birthday, please write a card.", 1),
]

EDGE_POSITION = [
    T("edge_position", "en", "⟨PERSON⟩ asked for the contract to be sent today", 3),
    T("edge_position", "en", "⟨PHONE_NUMBER⟩ is my new number", 3),
    T("edge_position", "en", "Please send the refund to ⟨IBAN_CODE⟩", 3),
    T("edge_position", "en", "forward everything to ⟨EMAIL_ADDRESS⟩", 3),
    T("edge_position", "en", "⟨KZ_IIN⟩ — whose IIN is this", 3),
    T("edge_position", "ru", "Позвоните мне: ⟨PHONE_NUMBER:kz⟩", 3),
    T("edge_position", "ru", "⟨PERSON⟩ просит перезвонить", 3),
    T("edge_position", "kk", "Карта нөмірі ⟨CREDIT_CARD⟩", 3),
    T("edge_position", "en", "Signed, ⟨PERSON⟩", 3),
    T("edge_position", "en", "⟨SECRET:github⟩ is the token from CI", 2),
]

NAME_CASE = [
    T("name_case", "en", "hey can u email ⟨PERSON:lower⟩ about the party", 4),
    T("name_case", "en", "PLEASE CALL ⟨PERSON:upper⟩ BACK ASAP ABOUT THE DELIVERY", 4),
    T("name_case", "en", "i talked to ⟨PERSON:first.lower⟩ yesterday, she lives in ⟨LOCATION:lower⟩ now", 3),
    T("name_case", "ru", "напомни ⟨PERSON:lower.dat⟩ про оплату", 3),
    T("name_case", "ru", "СРОЧНО: ⟨PERSON:upper⟩ НЕ ПОЛУЧИЛ ЗАРПЛАТУ", 3),
    T("name_case", "kk", "⟨PERSON:lower⟩ бүгін келмейді", 3),
]

NAME_CUE = [
    T("name_cue", "en", "Dear ⟨PERSON⟩, your order has shipped.", 4),
    T("name_cue", "en", "Call ⟨PERSON⟩ and confirm the time.", 4),
    T("name_cue", "en", "Email ⟨PERSON⟩ the signed copy.", 3),
    T("name_cue", "en", "Ask ⟨PERSON⟩ to join the call at noon.", 3),
    T("name_cue", "en", "Mr. ⟨PERSON:last⟩ will be late today.", 4),
    T("name_cue", "en", "Dr. ⟨PERSON:last⟩ prescribed a new medicine.", 3),
    T("name_cue", "en", "The letter was signed by ⟨PERSON:initial⟩.", 4),
    T("name_cue", "en", "Thanks,\n⟨PERSON⟩", 3),
    T("name_cue", "en", "I'm ⟨PERSON⟩ from the finance team.", 3),
    T("name_cue", "ru", "Позвони ⟨PERSON:dat⟩ и уточни время.", 3),
    T("name_cue", "ru", "Уважаемый ⟨PERSON:first_patr⟩, направляем вам счёт.", 3),
    T("name_cue", "ru", "Г-н ⟨PERSON:last⟩ подписал акт.", 3),
    T("name_cue", "ru", "Документ подписал ⟨PERSON:last_initials⟩.", 3),
    T("name_cue", "kk", "Сәлеметсіз бе, ⟨PERSON:first⟩! Жиналыс сағат 10-да.", 3),
    T("name_cue", "kk", "Менің атым ⟨PERSON:first⟩.", 3),
]

PHONE_INTL = [
    T("phone_intl", "en", "reach me at ⟨EMAIL_ADDRESS⟩ or ⟨PHONE_NUMBER:us⟩", 4),
    T("phone_intl", "en", "⟨PHONE_NUMBER:us.dash⟩ after 5 pm works best", 4),
    T("phone_intl", "en", "Our ⟦London|LOCATION⟧ office: ⟨PHONE_NUMBER:gb⟩", 3),
    T("phone_intl", "en", "⟦Berlin|LOCATION⟧ desk ⟨PHONE_NUMBER:de⟩, ⟦Paris|LOCATION⟧ desk ⟨PHONE_NUMBER:fr⟩", 3),
    T("phone_intl", "en", "the supplier in ⟦Istanbul|LOCATION⟧ is on ⟨PHONE_NUMBER:tr⟩", 3),
    T("phone_intl", "en", "⟦Shenzhen|LOCATION⟧ factory: ⟨PHONE_NUMBER:cn⟩", 3),
    T("phone_intl", "en", "⟦Tashkent|LOCATION⟧ ⟨PHONE_NUMBER:uz⟩ / ⟦Bishkek|LOCATION⟧ ⟨PHONE_NUMBER:kg⟩", 3),
    T("phone_intl", "ru", "Мой номер ⟨PHONE_NUMBER:ru.paren⟩, пиши в любое время.", 4),
    T("phone_intl", "en", "New number: ⟨PHONE_NUMBER:kz⟩", 3),
    T("phone_intl", "en", "⟨PHONE_NUMBER:us.paren⟩ or ⟨PHONE_NUMBER:us.spaced⟩, whichever answers", 3),
    T("phone_intl", "mixed", "Мой WhatsApp ⟨PHONE_NUMBER:kz.e164⟩, write anytime", 3),
]

EMAIL_OBFUSCATED = [
    T("email_obfuscated", "en", "Write to ⟨EMAIL_ADDRESS:obf⟩ for the price list.", 5),
    T("email_obfuscated", "en", "contact: ⟨EMAIL_ADDRESS:obf⟩ (no spam please)", 4),
    T("email_obfuscated", "ru", "Пишите на ⟨EMAIL_ADDRESS:idn⟩, отвечу вечером.", 4),
    T("email_obfuscated", "kk", "Поштам: ⟨EMAIL_ADDRESS:idn⟩", 3),
    T("email_obfuscated", "ru", "Моя почта ⟨EMAIL_ADDRESS:obf⟩, продублируйте туда.", 3),
]

CARD_FORMAT = [
    T("card_format", "en", "Card number ⟨CREDIT_CARD:dot⟩, exp 09/27.", 7),
    T("card_format", "en", "charge ⟨CREDIT_CARD:space⟩ for the annual plan", 6),
    T("card_format", "ru", "Оплатил картой ⟨CREDIT_CARD:dash⟩, но заказ не пришёл.", 6),
    T("card_format", "en", "Amex ⟨CREDIT_CARD:amex.space⟩ was declined", 5),
]

IIN_FORMAT = [
    T("iin_format", "en", "IIN: ⟨KZ_IIN:slash⟩ please verify", 6),
    T("iin_format", "ru", "ИИН⟨KZ_IIN:plain⟩, прошу проверить", 6),
    T("iin_format", "en", "id=⟨KZ_IIN:underscore⟩ rejected by the form", 6),
    T("iin_format", "kk", "ЖСН:⟨KZ_IIN:plain⟩ дұрыс па?", 5),
    T("iin_format", "en", "iin⟨KZ_IIN:plain⟩ and bin ⟨KZ_BIN⟩ in one field", 5),
]

PLACES = [
    T("places", "en", "We are opening branches in ⟨LOCATION:kz⟩ and ⟨LOCATION:kz⟩ next year.", 5),
    T("places", "en", "Flights from ⟨LOCATION:world⟩ to ⟨LOCATION:kz⟩ were cancelled.", 4),
    T("places", "en", "She grew up in ⟨LOCATION:region⟩, ⟨LOCATION:country⟩.", 3),
    T("places", "ru", "Командировка в ⟨LOCATION:world⟩ на три дня.", 3),
    T("places", "kk", "Ол ⟨LOCATION:kz⟩ қаласынан келді.", 3),
    T("places", "ru", "Мы переезжаем из ⟦Караганды|LOCATION⟧ в ⟦Астану|LOCATION⟧.", 1),
    T("places", "kk", "Біз ⟦Алматыда|LOCATION⟧ тұрамыз, ал ата-анам ⟦Шымкентте|LOCATION⟧.", 1),
    T("places", "ru", "Посылка из ⟦Костаная|LOCATION⟧ шла неделю до ⟦Павлодара|LOCATION⟧.", 1),
]

ID_DOCUMENTS = [
    T("id_documents", "en", "My passport number is ⟨KZ_PASSPORT⟩, date of birth ⟨DATE_OF_BIRTH⟩.", 7),
    T("id_documents", "en", "ID card ⟨KZ_ID_CARD⟩ issued by the ⟦Ministry of Internal Affairs|ORGANIZATION⟧.", 6),
    T("id_documents", "ru", "Паспорт гражданина ⟨KZ_PASSPORT⟩, дата рождения ⟨DATE_OF_BIRTH⟩.", 6),
    T("id_documents", "ru", "Удостоверение личности № ⟨KZ_ID_CARD⟩ выдано ⟦МВД|ORGANIZATION⟧.", 6),
    T("id_documents", "kk", "Жеке куәлік № ⟨KZ_ID_CARD⟩, туған күні: ⟨DATE_OF_BIRTH⟩.", 6),
    T("id_documents", "en", "born ⟨DATE_OF_BIRTH⟩ in ⟨LOCATION:kz⟩, SSN ⟨US_SSN⟩", 5),
    T("id_documents", "kk", "Төлқұжат нөмірі ⟨KZ_PASSPORT⟩.", 5),
    T("id_documents", "en", "Applicant: ⟨PERSON⟩, DOB: ⟨DATE_OF_BIRTH:mdy_slash⟩, SSN: ⟨US_SSN⟩.", 6),
]

HANDWRITTEN = [
    T("chat", "ru", "Позвоните ⟦Ивану Петрову|PERSON⟧ и скажите, что ⟦Анна Сергеевна|PERSON⟧ ждёт его в ⟦Алматы|LOCATION⟧.", 1),
    T("chat", "ru", "Встретился с ⟦Нурланом Абеновым|PERSON⟧ в ⟦Астане|LOCATION⟧, он передал привет.", 1),
    T("chat", "kk", "⟦Айгерімге|PERSON⟧ хабарлаңыз, ⟦Ерланның|PERSON⟧ нөмірі ⟦+7 701 555 12 34|PHONE_NUMBER⟧.", 1),
    T("chat", "en", "⟦Lydia|PERSON⟧ from ⟦Oskemen|LOCATION⟧ says hi — I mean ⟦Lydia Aguilar|PERSON⟧, not the other one.", 1),
    T("email", "en", "Dear ⟦Lydia Aguilar|PERSON⟧,\nplease find the agenda attached.\nKind regards, ⟦A. Serikova|PERSON⟧", 1),
]

ALL = (COMMON_WORD_NAMES + EDGE_POSITION + NAME_CASE + NAME_CUE + PHONE_INTL + EMAIL_OBFUSCATED
       + CARD_FORMAT + IIN_FORMAT + PLACES + ID_DOCUMENTS + HANDWRITTEN)
