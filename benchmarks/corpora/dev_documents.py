"""Development split: chat prompts and the document families (e-mail, CRM, logs, code,
tickets, addresses, medical and HR notes). Held-out templates live in ``heldout_*.py`` and
are written separately; nothing here is copied there."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

CHAT = [
    T("chat", "en", "Please update the record for ⟨PERSON⟩: IIN ⟨KZ_IIN⟩, mobile ⟨PHONE_NUMBER:kz⟩.", 4),
    T("chat", "en", "My name is ⟨PERSON⟩ and I live in ⟨LOCATION:kz⟩. Can you help me write a cover letter?", 4),
    T("chat", "en", "Translate into Russian: ⟨PERSON⟩ will arrive in ⟨LOCATION:world⟩ on Monday and stay at ⟨STREET_ADDRESS:en⟩.", 3),
    T("chat", "en", "Write a short thank-you note to ⟨PERSON:first⟩ for helping with the move to ⟨LOCATION:kz⟩.", 3),
    T("chat", "en", "I need to wire money to ⟨IBAN_CODE⟩, the account of ⟨PERSON⟩. Is a SWIFT code needed?", 3),
    T("chat", "en", "Can you check if the card ⟨CREDIT_CARD⟩ is expired? It belongs to my father ⟨PERSON⟩.", 3),
    T("chat", "en", "Summarize the meeting: ⟨PERSON⟩ presented the budget, ⟨PERSON#2⟩ will follow up by e-mail ⟨EMAIL_ADDRESS#2:person⟩.", 3),
    T("chat", "en", "Help me fill in this form. Name: ⟨PERSON⟩. Date of birth: ⟨DATE_OF_BIRTH⟩. Phone: ⟨PHONE_NUMBER⟩.", 4),
    T("chat", "en", "What is the best way to get from ⟨LOCATION:kz⟩ to ⟨LOCATION:world⟩ by train?", 3),
    T("chat", "en", "My SSN is ⟨US_SSN⟩, is it safe to give it to a landlord in ⟨LOCATION:world⟩?", 3),
    T("chat", "ru", "Меня зовут ⟨PERSON:patr⟩, живу в городе ⟨LOCATION:kz⟩. Помогите составить заявление на отпуск.", 4),
    T("chat", "ru", "Напиши письмо для ⟨PERSON:dat⟩ о переносе встречи на пятницу. Его телефон ⟨PHONE_NUMBER:kz⟩.", 3),
    T("chat", "ru", "Переведите на английский: «⟨PERSON⟩ работает в компании ⟨ORGANIZATION⟩ с 2019 года».", 3),
    T("chat", "ru", "Проверь, правильный ли ИИН ⟨KZ_IIN⟩ у сотрудника ⟨PERSON:gen⟩.", 4),
    T("chat", "ru", "Скинь реквизиты: счёт ⟨IBAN_CODE⟩, БИН ⟨KZ_BIN⟩, получатель ⟨ORGANIZATION⟩.", 3),
    T("chat", "ru", "Как доехать из ⟨LOCATION:kz⟩ в ⟨LOCATION:world⟩ на машине? Выезжаем с ⟨PERSON:first⟩ в субботу.", 3),
    T("chat", "kk", "Менің атым ⟨PERSON⟩, ⟨LOCATION:kz⟩ қаласында тұрамын. Түйіндеме жазуға көмектесіңіз.", 4),
    T("chat", "kk", "⟨PERSON⟩ деген қызметкердің ЖСН нөмірі ⟨KZ_IIN⟩, телефоны ⟨PHONE_NUMBER:kz⟩.", 4),
    T("chat", "kk", "Осы хатты ағылшын тіліне аударыңыз: ⟨PERSON:first⟩ ертең ⟨LOCATION:kz⟩ қаласына барады.", 3),
    T("chat", "kk", "Шот нөмірі ⟨IBAN_CODE⟩, алушы ⟨ORGANIZATION⟩, БСН ⟨KZ_BIN⟩. Төлем тапсырмасын толтырыңыз.", 3),
    T("chat", "mixed", "Сделай summary для ⟨PERSON⟩: meeting в ⟨LOCATION:kz⟩, дедлайн пятница, contact ⟨EMAIL_ADDRESS:person⟩.", 4),
    T("chat", "mixed", "Please translate: Сәлем, мен ⟨PERSON⟩, телефоным ⟨PHONE_NUMBER:kz⟩.", 3),
    T("chat", "mixed", "Нужен cover letter для ⟨PERSON:lat⟩, he moved from ⟨LOCATION:kz.lat⟩ to ⟨LOCATION:world.lat⟩.", 3),
    T("chat", "mixed", "Client ⟨PERSON⟩ просит refund на карту ⟨CREDIT_CARD⟩, сумма 45 000 тенге.", 3),
]

EMAIL = [
    T("email", "en", "Dear ⟨PERSON⟩,\n\nThank you for your application. We will call you at ⟨PHONE_NUMBER⟩ next week.\n\nBest regards,\n⟨PERSON#2⟩\nHR Team, ⟨ORGANIZATION:lat⟩", 4),
    T("email", "en", "Hi ⟨PERSON:first⟩,\n\nAttached is the invoice. Please pay to ⟨IBAN_CODE⟩ by Friday.\n\nThanks,\n⟨PERSON#2:first⟩", 3),
    T("email", "en", "---------- Forwarded message ---------\nFrom: ⟨PERSON⟩ <⟨EMAIL_ADDRESS:person⟩>\nDate: Mon, 4 Mar 2024 10:12\nSubject: Contract\nTo: ⟨PERSON#2⟩ <⟨EMAIL_ADDRESS#2:person⟩>\n\nPlease see the draft below.", 4),
    T("email", "en", "Hello team,\nI'm out of office until Monday. For urgent matters contact ⟨PERSON⟩ (⟨EMAIL_ADDRESS:person⟩, ⟨PHONE_NUMBER⟩).\nCheers,\n⟨PERSON#2:first⟩", 3),
    T("email", "en", "Can you reply to this e-mail politely?\n\n> From: ⟨EMAIL_ADDRESS⟩\n> I still have not received my refund. My account is ⟨IBAN_CODE:foreign⟩.\n> ⟨PERSON⟩", 3),
    T("email", "ru", "Добрый день, ⟨PERSON:first_patr⟩!\n\nНаправляю договор на подпись. Реквизиты: БИН ⟨KZ_BIN⟩, счёт ⟨IBAN_CODE⟩.\n\nС уважением,\n⟨PERSON#2⟩\nтел. ⟨PHONE_NUMBER:kz⟩", 4),
    T("email", "ru", "От: ⟨PERSON⟩ <⟨EMAIL_ADDRESS:person⟩>\nКому: бухгалтерия\nТема: авансовый отчёт\n\nПрошу принять отчёт, чеки во вложении.", 3),
    T("email", "kk", "Құрметті ⟨PERSON⟩!\n\nСізді жиналысқа шақырамыз. Сұрақтар болса, ⟨PHONE_NUMBER:kz⟩ нөміріне хабарласыңыз.\n\nҚұрметпен,\n⟨PERSON#2⟩", 3),
    T("email", "mixed", "Hi ⟨PERSON:first.lat⟩,\nпересылаю письмо от клиента:\nFrom: ⟨PERSON#2:lat⟩ <⟨EMAIL_ADDRESS#2:person⟩>\nРазберись, please.", 3),
]

CRM = [
    T("crm", "en", '{"id": 48213, "name": "⟨PERSON⟩", "email": "⟨EMAIL_ADDRESS:person⟩", "phone": "⟨PHONE_NUMBER⟩", "city": "⟨LOCATION⟩"}', 4),
    T("crm", "en", '{"customer": {"full_name": "⟨PERSON⟩", "iin": "⟨KZ_IIN⟩", "card": "⟨CREDIT_CARD⟩"}, "status": "active"}', 3),
    T("crm", "en", "id,name,email,phone\n1,⟨PERSON⟩,⟨EMAIL_ADDRESS:person⟩,⟨PHONE_NUMBER⟩\n2,⟨PERSON#2⟩,⟨EMAIL_ADDRESS#2:person⟩,⟨PHONE_NUMBER⟩", 3),
    T("crm", "en", "Lead: ⟨PERSON⟩ | Company: ⟨ORGANIZATION:lat⟩ | Stage: negotiation | Tel: ⟨PHONE_NUMBER⟩ | Notes: wants a demo in ⟨LOCATION:kz⟩", 3),
    T("crm", "ru", '{"фио": "⟨PERSON:patr⟩", "иин": "⟨KZ_IIN⟩", "адрес": "⟨STREET_ADDRESS:ru⟩", "телефон": "⟨PHONE_NUMBER:kz⟩"}', 4),
    T("crm", "ru", "ФИО;ИИН;Телефон;Город\n⟨PERSON:last_first⟩;⟨KZ_IIN⟩;⟨PHONE_NUMBER:kz⟩;⟨LOCATION:kz⟩", 3),
    T("crm", "en", "INSERT INTO clients (name, ssn, ip) VALUES ('⟨PERSON⟩', '⟨US_SSN⟩', '⟨IP_ADDRESS⟩');", 3),
    T("crm", "kk", "Клиент: ⟨PERSON⟩; ЖСН: ⟨KZ_IIN⟩; мекенжайы: ⟨STREET_ADDRESS:kk⟩, ⟨LOCATION:kz⟩", 3),
]

LOG = [
    T("log", "en", "2024-05-14T09:21:07Z INFO auth: login ok user=⟨EMAIL_ADDRESS⟩ ip=⟨IP_ADDRESS⟩", 4),
    T("log", "en", "[WARN] payment declined card=⟨CREDIT_CARD:plain⟩ amount=120.00 client_ip=⟨IP_ADDRESS⟩", 3),
    T("log", "en", "Mar 03 11:42:19 web-1 sshd[2231]: Failed password for admin from ⟨IP_ADDRESS⟩ port 52144 ssh2", 3),
    T("log", "en", "ERROR sms-gateway: delivery failed to=⟨PHONE_NUMBER:e164⟩ code=30007", 4),
    T("log", "en", '⟨IP_ADDRESS⟩ - - [12/Apr/2024:10:01:55 +0000] "POST /api/login HTTP/1.1" 401 512', 3),
    T("log", "en", "DEBUG kyc: verifying iin=⟨KZ_IIN⟩ name=\"⟨PERSON⟩\" result=pending", 3),
    T("log", "en", "audit: user ⟨EMAIL_ADDRESS⟩ exported report from ⟨IP_ADDRESS:v6⟩", 3),
    T("log", "ru", "2024-02-01 12:00:03 ОШИБКА: не удалось отправить SMS на номер ⟨PHONE_NUMBER:kz⟩ (абонент ⟨PERSON⟩)", 3),
]

CODE = [
    T("code", "en", "Why does this fail?\n\nimport stripe\nstripe.api_key = \"⟨SECRET:stripe⟩\"\nstripe.Charge.create(amount=500, currency=\"usd\")", 4),
    T("code", "en", "My .gitlab-ci.yml has\n  variables:\n    GITLAB_TOKEN: ⟨SECRET:gitlab⟩\nand the job still gets 401.", 4),
    T("code", "en", "from huggingface_hub import login\nlogin(token=\"⟨SECRET:hf⟩\")\n# the download hangs, why?", 4),
    T("code", "en", "DATABASE_URL=postgres://app_user:⟨SECRET:password⟩@db.internal:5432/orders\nThe migration says password authentication failed.", 4),
    T("code", "en", 'Here is the service account file:\n{"type": "service_account", "project_id": "demo-app", "private_key": "⟨SECRET:pem_json⟩\\n", "client_email": "⟦deployer@demo-app.iam.gserviceaccount.com|EMAIL_ADDRESS⟧"}', 3),
    T("code", "en", "User name,Password,Access key ID,Secret access key\nci-bot,,⟨SECRET:aws_id⟩,⟨SECRET:aws_secret⟩", 4),
    T("code", "en", "git remote set-url origin https://⟨SECRET:github⟩@github.com/acme/app.git — is this safe?", 3),
    T("code", "en", "export OPENAI_API_KEY=⟨SECRET:openai⟩\npython app.py returns 429 all the time", 3),
    T("code", "en", "I pasted my key by accident:\n⟨SECRET:pem⟩\nHow do I rotate it?", 3),
    T("code", "en", "curl -H \"Authorization: Bearer ⟨SECRET:jwt⟩\" https://api.example.org/v1/me", 3),
    T("code", "ru", "Почему бот не отвечает? token = '⟨SECRET:telegram⟩', webhook стоит на 443.", 3),
    T("code", "en", "SLACK_BOT_TOKEN=⟨SECRET:slack⟩\nSLACK_CHANNEL=#alerts", 3),
]

TICKET = [
    T("ticket", "en", "Ticket #⟨~order⟩\nCustomer: ⟨PERSON⟩\nEmail: ⟨EMAIL_ADDRESS:person⟩\nIssue: charged twice on card ending ⟨CREDIT_CARD⟩.", 4),
    T("ticket", "en", "Support request from ⟨PERSON⟩ (⟨PHONE_NUMBER⟩): the app crashes on login since update 4.2.", 3),
    T("ticket", "en", "Priority: high. Reporter ⟨EMAIL_ADDRESS⟩. Cannot reset password, last login from ⟨IP_ADDRESS⟩ in ⟨LOCATION:world⟩.", 3),
    T("ticket", "ru", "Обращение №⟨~order⟩. Клиент ⟨PERSON:patr⟩, ИИН ⟨KZ_IIN⟩, жалуется на списание с карты ⟨CREDIT_CARD⟩.", 4),
    T("ticket", "kk", "Өтініш №⟨~order⟩. Клиент ⟨PERSON⟩ (тел. ⟨PHONE_NUMBER:kz⟩) қосымшаға кіре алмайды.", 3),
    T("ticket", "mixed", "Ticket ⟨~ticket⟩: клиент ⟨PERSON⟩ не может войти, email ⟨EMAIL_ADDRESS:person⟩, city ⟨LOCATION⟩.", 3),
]

ADDRESS = [
    T("address", "en", "Ship the parcel to ⟨PERSON⟩, ⟨STREET_ADDRESS:en⟩, ⟨LOCATION:kz⟩.", 5),
    T("address", "en", "Our new flat is at ⟨STREET_ADDRESS:en⟩ in ⟨LOCATION:world⟩ — how do I register the address?", 4),
    T("address", "ru", "Адрес доставки: ⟨STREET_ADDRESS:ru⟩, г. ⟨LOCATION:kz⟩, получатель ⟨PERSON⟩.", 5),
    T("address", "ru", "Я переехал, теперь живу по адресу ⟨STREET_ADDRESS:ru⟩. Куда подать документы?", 4),
    T("address", "kk", "Мекенжайым: ⟨LOCATION:kz⟩ қаласы, ⟨STREET_ADDRESS:kk⟩. Сәлемдемені осында жіберіңіз.", 5),
    T("address", "kk", "⟨PERSON⟩ ⟨STREET_ADDRESS:kk⟩ мекенжайында тұрады.", 3),
]

MEDICAL = [
    T("medical", "en", "Patient ⟨PERSON⟩, DOB ⟨DATE_OF_BIRTH:iso⟩, presents with chest pain for 2 days. BP 140/90.", 4),
    T("medical", "en", "Discharge summary: ⟨PERSON⟩ (born ⟨DATE_OF_BIRTH⟩) was treated for pneumonia at the clinic in ⟨LOCATION:kz⟩.", 3),
    T("medical", "ru", "Пациент ⟨PERSON:patr⟩, дата рождения ⟨DATE_OF_BIRTH⟩, ИИН ⟨KZ_IIN⟩. Диагноз: ОРВИ.", 4),
    T("medical", "kk", "Науқас ⟨PERSON⟩, туған күні ⟨DATE_OF_BIRTH⟩. Қан қысымы жоғары.", 3),
]

HR = [
    T("hr", "en", "Employee ⟨PERSON⟩ (born ⟨DATE_OF_BIRTH⟩) joins on 1 June. Passport ⟨KZ_PASSPORT⟩, bank card ⟨CREDIT_CARD⟩.", 4),
    T("hr", "en", "Performance review for ⟨PERSON⟩: exceeds expectations. Manager: ⟨PERSON#2⟩.", 3),
    T("hr", "ru", "Приказ о приёме на работу: ⟨PERSON:patr⟩, паспорт ⟨KZ_PASSPORT⟩, удостоверение личности № ⟨KZ_ID_CARD⟩, ИИН ⟨KZ_IIN⟩.", 4),
    T("hr", "kk", "Қызметкер ⟨PERSON⟩, жеке куәлік № ⟨KZ_ID_CARD⟩, ЖСН ⟨KZ_IIN⟩, еңбек демалысына шығады.", 3),
]

ALL = CHAT + EMAIL + CRM + LOG + CODE + TICKET + ADDRESS + MEDICAL + HR
