"""Development split: texts with no personal data at all. Whatever a detector reports in
them is a false positive. They hold what looks like data (dates, versions, order and
invoice numbers, prices, timestamps, hashes, UUIDs, code, product names) and words that
open sentences with a capital ("Summarize", "Email", "Call")."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T


def _neg(language: str, text: str, count: int = 5) -> T:
    return T("negative", language, text, count)


NEGATIVES = [
    _neg("en", "Summarize this article in three bullet points."),
    _neg("en", "You wrote: Summarize. Did you mean the whole document or the first section?", 1),
    _neg("en", "Email the draft to the team once it is reviewed.", 1),
    _neg("en", "Call the API with a timeout of ⟨~int⟩ seconds and retry on 503."),
    _neg("en", "Order ⟨~order⟩ shipped on ⟨~date⟩; tracking code ⟨~ticket⟩."),
    _neg("en", "Invoice ⟨~num12⟩ totals ⟨~price⟩ KZT, due ⟨~date_dot⟩."),
    _neg("en", "Python ⟨~version⟩ and numpy ⟨~version⟩ are installed; build ⟨~hash⟩."),
    _neg("en", "The commit ⟨~sha⟩ broke the tests, revert it."),
    _neg("en", "Request id ⟨~uuid⟩ returned 500 at ⟨~time⟩."),
    _neg("en", "Conversion rate grew by ⟨~percent⟩ after the redesign."),
    _neg("en", "Explain the difference between TCP and UDP with an example."),
    _neg("en", "Write a haiku about autumn rain.", 1),
    _neg("en", "What is ⟨~int⟩ multiplied by ⟨~int⟩?"),
    _neg("en", "Set the port to ⟨~port⟩ and restart the service."),
    _neg("en", "The meeting moved to ⟨~time⟩; the agenda has ⟨~int⟩ items."),
    _neg("en", "Refactor this function:\n\ndef total(items):\n    return sum(i.price * i.qty for i in items)", 1),
    _neg("en", "Table 3 shows results for versions ⟨~version⟩ and ⟨~version⟩.", 3),
    _neg("en", "Monday, Tuesday and Friday are the release days; Sunday is off.", 1),
    _neg("en", "The iPhone 15 and the Galaxy S24 both support USB-C charging.", 1),
    _neg("en", "Grant Writing 101: a course for beginners.", 1),
    _neg("en", "Please review PR #⟨~int⟩ before ⟨~time⟩."),
    _neg("en", "Checksum sha256:⟨~hash⟩ does not match."),
    _neg("en", "Ticket ⟨~ticket⟩: the dashboard loads slowly on mobile."),
    _neg("en", "Price: $⟨~usd⟩ per month, billed annually."),
    _neg("en", "Step 1: Open Settings. Step 2: Select Privacy. Step 3: Save.", 1),
    _neg("en", "Reminder: the quarterly report is due on ⟨~date⟩."),
    _neg("en", "Meter reading ⟨~num12⟩ recorded at ⟨~ts⟩."),
    _neg("en", "Chapter ⟨~int⟩ covers recursion and dynamic programming."),
    _neg("ru", "Составь план статьи о машинном обучении из пяти пунктов."),
    _neg("ru", "Заказ №⟨~order⟩ отправлен ⟨~date_dot⟩, трек-номер ⟨~ticket⟩."),
    _neg("ru", "Счёт №⟨~num12⟩ на сумму ⟨~price⟩ тенге оплатить до ⟨~date_dot⟩."),
    _neg("ru", "Обнови библиотеку до версии ⟨~version⟩ и перезапусти сборку."),
    _neg("ru", "Понедельник — день тяжёлый, а пятница короткая.", 1),
    _neg("ru", "Напиши функцию сортировки пузырьком на Python."),
    _neg("ru", "Скидка ⟨~percent⟩ действует до ⟨~date_dot⟩."),
    _neg("ru", "Сервер ответил кодом 502 в ⟨~time⟩, идентификатор запроса ⟨~uuid⟩."),
    _neg("kk", "Машиналық оқыту туралы қысқаша түсіндіріп беріңіз."),
    _neg("kk", "Тапсырыс №⟨~order⟩ ⟨~date_dot⟩ жіберілді."),
    _neg("kk", "Бағасы ⟨~price⟩ теңге, жеткізу тегін."),
    _neg("kk", "Дүйсенбі мен жұма — жұмыс күндері.", 1),
    _neg("kk", "Нұсқаны ⟨~version⟩ дейін жаңартыңыз."),
    _neg("mixed", "Сделай review этого pull request, там ⟨~int⟩ файлов."),
    _neg("mixed", "Deploy на staging в ⟨~time⟩, version ⟨~version⟩."),
    _neg("mixed", "Build ⟨~sha⟩ failed, посмотри logs."),
]

ALL = NEGATIVES
