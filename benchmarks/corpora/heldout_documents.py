"""Held-out split: chat prompts and document families, written apart from the development
templates (other wording, other layouts). Tune nothing on these: benchmarks/data/README.md.
"""

from __future__ import annotations

from benchmarks.corpora.build import Template as T

CHAT = [
    T("chat", "en", "Could you draft an apology for ⟨PERSON⟩? We double-booked her flat in ⟨LOCATION:world⟩.", 4),
    T("chat", "en", "I'm relocating from ⟨LOCATION:kz⟩ to ⟨LOCATION:world⟩ with my wife ⟨PERSON⟩; what papers do we need?", 4),
    T("chat", "en", "Rewrite this so it sounds friendlier: \"⟨PERSON⟩, you still owe us for March. Pay to ⟨IBAN_CODE:foreign⟩.\"", 3),
    T("chat", "en", "Is ⟨PHONE_NUMBER⟩ a mobile or a landline? Someone called me from it twice.", 4),
    T("chat", "en", "List three gift ideas for my colleague ⟨PERSON⟩ who just moved to ⟨LOCATION:kz⟩.", 3),
    T("chat", "en", "The bank asked for my IIN (⟨KZ_IIN⟩) and card ⟨CREDIT_CARD⟩ over the phone. Is that a scam?", 4),
    T("chat", "en", "Make a packing list for ⟨PERSON:first⟩ and me: five days in ⟨LOCATION:world⟩, then ⟨LOCATION:world⟩.", 3),
    T("chat", "en", "Plan a birthday dinner for ⟨PERSON⟩, born ⟨DATE_OF_BIRTH⟩; guests arrive at 7.", 3),
    T("chat", "en", "What does this tax letter mean? It is addressed to ⟨PERSON⟩, SSN ⟨US_SSN⟩.", 3),
    T("chat", "ru", "Подскажи, как вежливо отказать ⟨PERSON:dat⟩ в повышении зарплаты.", 4),
    T("chat", "ru", "Мой сосед ⟨PERSON⟩ из ⟨LOCATION:kz⟩ просит занять денег. Как ответить?", 3),
    T("chat", "ru", "Составь резюме: ⟨PERSON:patr⟩, ⟨LOCATION:kz⟩, опыт 7 лет, телефон ⟨PHONE_NUMBER⟩.", 4),
    T("chat", "ru", "Проверь текст доверенности на имя ⟨PERSON:gen⟩, ИИН ⟨KZ_IIN⟩.", 3),
    T("chat", "ru", "Найди ошибки: «Перевод на счёт ⟨IBAN_CODE⟩ от ⟨ORGANIZATION⟩ поступил вчера».", 3),
    T("chat", "kk", "⟨PERSON⟩ есімді досыма туған күн құттықтауын жазып беріңізші.", 4),
    T("chat", "kk", "Мен ⟨LOCATION:kz⟩ қаласынан ⟨LOCATION:kz⟩ қаласына көшіп жатырмын, не істеу керек?", 3),
    T("chat", "kk", "Ағам ⟨PERSON⟩ ⟨PHONE_NUMBER:kz⟩ нөмірінен хабарласты, оған жауап жазуға көмектес.", 3),
    T("chat", "kk", "Төлем ⟨ORGANIZATION⟩ атына, шот ⟨IBAN_CODE⟩, ЖСН ⟨KZ_IIN⟩ — дұрыс толтырдым ба?", 3),
    T("chat", "mixed", "Нужно написать reminder для ⟨PERSON:gen⟩: дедлайн завтра, call в 10:00.", 4),
    T("chat", "mixed", "How do I say in Kazakh: «⟨PERSON:lat⟩ will meet you in ⟨LOCATION:kz.lat⟩»? Мен үйренемін.", 3),
    T("chat", "mixed", "Переведи please: ⟨PERSON:lat⟩ is waiting for the documents, his email ⟨EMAIL_ADDRESS:person⟩.", 3),
    T("chat", "mixed", "Менің досым ⟨PERSON⟩ wants to visit ⟨LOCATION:world.lat⟩, кеңес беріңіз.", 3),
]

EMAIL = [
    T("email", "en", "-----Original Message-----\nFrom: ⟨PERSON⟩ [mailto:⟨EMAIL_ADDRESS:person⟩]\nSent: Tuesday, May 7, 2024 3:14 PM\nTo: Accounts\nSubject: RE: overdue payment\n\nWe sent the transfer from ⟨IBAN_CODE:foreign⟩ yesterday.", 4),
    T("email", "en", "Good morning ⟨PERSON:first⟩,\n\nJust a quick reminder about tomorrow's interview.\n\nWarm wishes,\n⟨PERSON#2⟩ | Talent Acquisition\nM: ⟨PHONE_NUMBER⟩\n⟨EMAIL_ADDRESS#2:person⟩", 4),
    T("email", "en", "On Fri, 12 Apr 2024 at 09:03, ⟨PERSON⟩ <⟨EMAIL_ADDRESS:person⟩> wrote:\n> Can we move the call to Monday?\n\nSure, Monday works.", 4),
    T("email", "en", "Please proofread before I send:\n\nTo whom it may concern,\nI confirm that ⟨PERSON⟩ has worked at ⟨ORGANIZATION:lat⟩ since 2021.\nSincerely, ⟨PERSON#2⟩", 3),
    T("email", "en", "Begin forwarded message:\n\nFrom: \"⟨PERSON⟩\" <⟨EMAIL_ADDRESS:person⟩>\nSubject: Lease\n\nThe new address is ⟨STREET_ADDRESS:en⟩.", 3),
    T("email", "ru", "Здравствуйте, ⟨PERSON:first⟩!\n\nВысылаю акт сверки. Если будут вопросы — звоните: ⟨PHONE_NUMBER⟩.\n\n--\n⟨PERSON#2:patr⟩, главный бухгалтер ⟨ORGANIZATION⟩", 4),
    T("email", "ru", "Пересылаемое сообщение\nОт кого: ⟨PERSON⟩ <⟨EMAIL_ADDRESS:person⟩>\nТема: справка\nПрошу выдать справку с места работы.", 3),
    T("email", "kk", "Қайырлы күн, ⟨PERSON:first⟩!\n\nКелісімшартты қол қоюға жіберемін. БСН ⟨KZ_BIN⟩.\n\nІзгі ниетпен,\n⟨PERSON#2⟩, ⟨EMAIL_ADDRESS#2:person⟩", 3),
    T("email", "mixed", "FYI, письмо ниже.\n\nFrom: ⟨PERSON:lat⟩ <⟨EMAIL_ADDRESS:person⟩>\nSent: вторник\nОтветь ему сегодня, ок?", 3),
]

CRM = [
    T("crm", "en", "contact:\n  name: ⟨PERSON⟩\n  email: ⟨EMAIL_ADDRESS:person⟩\n  mobile: \"⟨PHONE_NUMBER⟩\"\n  city: ⟨LOCATION⟩", 4),
    T("crm", "en", "<customer><name>⟨PERSON⟩</name><iin>⟨KZ_IIN⟩</iin><phone>⟨PHONE_NUMBER⟩</phone></customer>", 3),
    T("crm", "en", "first_name\tlast_name\tssn\n⟨PERSON:first⟩\t⟨PERSON:last⟩\t⟨US_SSN⟩", 3),
    T("crm", "en", '[{"account": "⟨ORGANIZATION:lat⟩", "owner": "⟨PERSON⟩", "iban": "⟨IBAN_CODE⟩", "bin": "⟨KZ_BIN⟩"}]', 3),
    T("crm", "en", "Deal #⟨~order⟩ — ⟨PERSON⟩ (⟨EMAIL_ADDRESS:person⟩) moved to Closed Won; billing card ⟨CREDIT_CARD⟩", 3),
    T("crm", "ru", "Карточка клиента\nФамилия Имя Отчество: ⟨PERSON:last_first⟩\nИИН: ⟨KZ_IIN⟩\nАдрес: ⟨STREET_ADDRESS:ru⟩\nМоб.: ⟨PHONE_NUMBER⟩", 4),
    T("crm", "ru", "\"⟨PERSON⟩\",\"⟨EMAIL_ADDRESS:person⟩\",\"⟨LOCATION:kz⟩\",\"VIP\"", 3),
    T("crm", "kk", '{"аты_жөні": "⟨PERSON⟩", "жсн": "⟨KZ_IIN⟩", "қала": "⟨LOCATION:kz⟩"}', 3),
]

LOG = [
    T("log", "en", '{"level":"info","ts":"⟨~ts⟩","msg":"password reset requested","email":"⟨EMAIL_ADDRESS⟩","remote_addr":"⟨IP_ADDRESS⟩"}', 4),
    T("log", "en", "I0412 10:22:31.004 gateway.go:88] upstream error client=⟨IP_ADDRESS:v6⟩ user_id=⟨~order⟩", 3),
    T("log", "en", "nginx: ⟨IP_ADDRESS⟩ - - [10/Oct/2024:13:55:36 +0000] \"GET /admin HTTP/2\" 403 0", 3),
    T("log", "en", "WARN  [billing] retry 3/5 charge card=⟨CREDIT_CARD:plain⟩ customer=\"⟨PERSON⟩\"", 3),
    T("log", "en", "notify.sms status=sent msisdn=⟨PHONE_NUMBER:e164⟩ template=otp", 4),
    T("log", "en", "kyc-worker | checking document passport=⟨KZ_PASSPORT⟩ holder=\"⟨PERSON:upper⟩\"", 3),
    T("log", "en", "fail2ban.actions: NOTICE [sshd] Ban ⟨IP_ADDRESS⟩", 3),
    T("log", "ru", "[⟨~ts⟩] ПРЕДУПРЕЖДЕНИЕ оплата: клиент ⟨PERSON⟩, ИИН ⟨KZ_IIN⟩, отказ банка", 3),
]

CODE = [
    T("code", "en", "# .env\nSTRIPE_SECRET_KEY=⟨SECRET:stripe⟩\nSTRIPE_WEBHOOK_PATH=/hooks/stripe\nWhy is the webhook signature invalid?", 4),
    T("code", "en", "services:\n  db:\n    image: postgres:16\n  app:\n    environment:\n      DB_DSN: postgresql://svc:⟨SECRET:password⟩@db:5432/main", 4),
    T("code", "en", "resource \"gitlab_project_variable\" \"ci\" {\n  key   = \"DEPLOY_TOKEN\"\n  value = \"⟨SECRET:gitlab⟩\"\n}", 3),
    T("code", "en", "HF_TOKEN = '⟨SECRET:hf⟩'\nmodel = AutoModel.from_pretrained('org/model', token=HF_TOKEN)", 4),
    T("code", "en", "cat credentials.csv\nAccess key ID,Secret access key\n⟨SECRET:aws_id⟩,⟨SECRET:aws_secret⟩", 4),
    T("code", "en", "const creds = {\n  type: 'service_account',\n  private_key: '⟨SECRET:pem_json⟩\\n',\n};", 3),
    T("code", "en", "kubectl create secret generic gh --from-literal=token=⟨SECRET:github_pat⟩", 3),
    T("code", "en", "The key file starts like this, is it RSA or EC?\n⟨SECRET:pem_ec⟩", 3),
    T("code", "en", "client = anthropic.Anthropic(api_key=\"⟨SECRET:anthropic⟩\")", 3),
    T("code", "en", "headers = {'Authorization': 'Bearer ⟨SECRET:jwt⟩'}  # expires hourly", 3),
    T("code", "ru", "В конфиге settings.py: SLACK_TOKEN = \"⟨SECRET:slack⟩\", GITHUB_TOKEN = \"⟨SECRET:github⟩\". Как вынести в vault?", 3),
    T("code", "en", "mysql://root:⟨SECRET:password⟩@⟨IP_ADDRESS:private⟩/prod fails with access denied", 3),
]

TICKET = [
    T("ticket", "en", "[Zendesk] Requester: ⟨PERSON⟩ <⟨EMAIL_ADDRESS:person⟩>\nSubject: Refund not received\nBody: I returned the item on 3 May.", 4),
    T("ticket", "en", "JIRA SUP-⟨~int⟩ | reporter ⟨PERSON⟩ | phone ⟨PHONE_NUMBER⟩ | cannot upload files larger than 10 MB", 3),
    T("ticket", "en", "Case ⟨~ticket⟩ escalated: caller ⟨PERSON⟩ from ⟨LOCATION:world⟩ disputes a charge on ⟨CREDIT_CARD⟩.", 3),
    T("ticket", "ru", "Заявка ⟨~ticket⟩. Заявитель: ⟨PERSON⟩. Контакт: ⟨EMAIL_ADDRESS:person⟩. Суть: не приходит SMS-код.", 4),
    T("ticket", "kk", "Шағым №⟨~order⟩: ⟨PERSON⟩, ЖСН ⟨KZ_IIN⟩, картадан ақша екі рет алынды.", 3),
    T("ticket", "mixed", "Incident ⟨~ticket⟩ — пользователь ⟨PERSON⟩ (⟨PHONE_NUMBER⟩) reports login loop.", 3),
]

ADDRESS = [
    T("address", "en", "Billing address: ⟨STREET_ADDRESS:us⟩", 4),
    T("address", "en", "Deliver to ⟨PERSON⟩ at ⟨STREET_ADDRESS:gb⟩, ⟨LOCATION:world⟩ — leave it with the porter.", 4),
    T("address", "en", "The office moved to ⟨STREET_ADDRESS:kz⟩, ⟨LOCATION:kz⟩.", 4),
    T("address", "en", "Lieferadresse: ⟨STREET_ADDRESS:de⟩, ⟨LOCATION:world⟩", 3),
    T("address", "en", "Adresse: ⟨STREET_ADDRESS:fr⟩ — can you translate this form for me?", 3),
    T("address", "ru", "Прописан по адресу: ⟨STREET_ADDRESS:ru⟩, ⟨LOCATION:cyr⟩.", 4),
    T("address", "ru", "Курьер не нашёл дом: ⟨STREET_ADDRESS:ru⟩. Уточните, пожалуйста.", 3),
    T("address", "kk", "Тұрғылықты мекенжайы: ⟨STREET_ADDRESS:kk⟩, ⟨LOCATION:kz⟩ қ.", 4),
    T("address", "kk", "Жаңа үйіміз ⟨STREET_ADDRESS:kk⟩ мекенжайында, қонаққа келіңіз!", 3),
]

MEDICAL = [
    T("medical", "en", "S: ⟨PERSON⟩, date of birth ⟨DATE_OF_BIRTH⟩, reports headaches for a week.\nO: BP 150/95.\nA: hypertension.", 4),
    T("medical", "en", "Referral: please see ⟨PERSON⟩ (DOB ⟨DATE_OF_BIRTH:dmy_slash⟩) for an MRI of the knee.", 3),
    T("medical", "ru", "Выписка: ⟨PERSON:patr⟩, ⟨DATE_OF_BIRTH⟩ г.р., находился на лечении с диагнозом гастрит.", 4),
    T("medical", "kk", "⟨PERSON⟩, туған күні ⟨DATE_OF_BIRTH⟩, емханаға тіркелді. ЖСН ⟨KZ_IIN⟩.", 3),
]

HR = [
    T("hr", "en", "Onboarding checklist — ⟨PERSON⟩\n[x] contract signed\n[x] passport ⟨KZ_PASSPORT⟩ copied\n[ ] salary card ⟨CREDIT_CARD⟩", 4),
    T("hr", "en", "Exit interview notes: ⟨PERSON⟩ is leaving for ⟨ORGANIZATION:lat⟩; reports to ⟨PERSON#2⟩.", 3),
    T("hr", "ru", "Личная карточка работника: ⟨PERSON:patr⟩, дата рождения ⟨DATE_OF_BIRTH⟩, уд. личности № ⟨KZ_ID_CARD⟩.", 4),
    T("hr", "kk", "Бұйрық: ⟨PERSON⟩ (жеке куәлік № ⟨KZ_ID_CARD⟩) жұмысқа қабылдансын.", 3),
]

ALL = CHAT + EMAIL + CRM + LOG + CODE + TICKET + ADDRESS + MEDICAL + HR
