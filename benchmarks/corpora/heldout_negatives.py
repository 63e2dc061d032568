"""Held-out split: texts with no personal data, written apart from the development ones."""

from __future__ import annotations

from benchmarks.corpora.build import Template as T


def _neg(language: str, text: str, count: int = 5) -> T:
    return T("negative", language, text, count)


NEGATIVES = [
    _neg("en", "Rewrite the following paragraph in plain English for a school newsletter."),
    _neg("en", "Email or Slack: which is better for async status updates?", 1),
    _neg("en", "Call me old-fashioned, but I prefer paper notebooks.", 1),
    _neg("en", "Generate ⟨~int⟩ unit tests for a stack implementation."),
    _neg("en", "Shipment ⟨~ticket⟩ left the warehouse at ⟨~time⟩ on ⟨~date⟩."),
    _neg("en", "Receipt ⟨~num10⟩: subtotal $⟨~usd⟩, tax $⟨~usd⟩."),
    _neg("en", "Bump lodash from ⟨~version⟩ to ⟨~version⟩ in package.json."),
    _neg("en", "git cherry-pick ⟨~sha⟩ onto the release branch"),
    _neg("en", "Trace ⟨~uuid⟩ shows ⟨~int⟩ ms spent in the database."),
    _neg("en", "Churn dropped to ⟨~percent⟩ in Q3."),
    _neg("en", "Compare bubble sort and merge sort in a table."),
    _neg("en", "Give me a recipe for banana bread without eggs.", 1),
    _neg("en", "Convert ⟨~int⟩ kilometres to miles."),
    _neg("en", "Expose container port ⟨~port⟩ and map it to the host."),
    _neg("en", "Sprint review moved to ⟨~time⟩; ⟨~int⟩ stories are done."),
    _neg("en", "What does this regex match?\n\n^[A-Z]{3}-\\d{4}$", 1),
    _neg("en", "Figure ⟨~int⟩ compares releases ⟨~version⟩ and ⟨~version⟩.", 3),
    _neg("en", "January and February were slow; March picked up.", 1),
    _neg("en", "The Pixel 8 and the ThinkPad X1 were on sale last week.", 1),
    _neg("en", "Will it rain tomorrow? Pack an umbrella just in case.", 1),
    _neg("en", "Merge request !⟨~int⟩ needs two approvals."),
    _neg("en", "md5 ⟨~hex⟩⟨~hex⟩⟨~hex⟩⟨~hex⟩ differs from the published one."),
    _neg("en", "Issue ⟨~ticket⟩: dark mode resets after logout."),
    _neg("en", "Plan B costs $⟨~usd⟩ a seat."),
    _neg("en", "Summary: Overview. Goals. Risks. Next steps.", 1),
    _neg("en", "The deadline for the grant proposal is ⟨~date⟩."),
    _neg("en", "Sensor reading ⟨~num12⟩ at ⟨~ts⟩ exceeded the limit."),
    _neg("en", "Lecture ⟨~int⟩: graphs, trees and heaps."),
    _neg("en", "Hunter-gatherer societies shared food widely.", 1),
    _neg("ru", "Объясни простыми словами, что такое инфляция."),
    _neg("ru", "Посылка ⟨~ticket⟩ прибыла в сортировочный центр ⟨~date_dot⟩."),
    _neg("ru", "Накладная №⟨~num12⟩, сумма ⟨~price⟩ тенге, срок ⟨~date_dot⟩."),
    _neg("ru", "Установи пакет версии ⟨~version⟩ и проверь тесты."),
    _neg("ru", "Вторник и четверг — дни планёрок.", 1),
    _neg("ru", "Напиши SQL-запрос, который считает средний чек за месяц."),
    _neg("ru", "Акция: минус ⟨~percent⟩ на второй товар."),
    _neg("ru", "Ответ 504 в ⟨~time⟩, трассировка ⟨~uuid⟩."),
    _neg("kk", "Инфляция деген не, қарапайым тілмен түсіндіріңіз."),
    _neg("kk", "Сәлемдеме ⟨~ticket⟩ ⟨~date_dot⟩ келді."),
    _neg("kk", "Жалпы сома ⟨~price⟩ теңге."),
    _neg("kk", "Сейсенбі мен бейсенбі — жиналыс күндері.", 1),
    _neg("kk", "Бағдарламаны ⟨~version⟩ нұсқасына жаңарттым."),
    _neg("mixed", "Запусти pipeline ещё раз, job ⟨~int⟩ упал."),
    _neg("mixed", "Release ⟨~version⟩ выйдет в ⟨~time⟩ по местному времени.", 1),
    _neg("mixed", "Commit ⟨~sha⟩ — посмотри diff, please."),
]

ALL = NEGATIVES
