"""Dates of birth (``DATE_OF_BIRTH``): a date is one only when a cue says so.

Dates are everywhere in prompts (deadlines, invoices, logs) and are not personal data on
their own; a birth date is. So a date is reported only right after a birth cue ("born",
"DOB", "(b. ...)", "bday", "date of birth", "fecha de nacimiento", "дата рождения",
"родился/родилась", "туған күні") or right before one ("1990 г.р.", "1990 жылы туған"),
in numeric (``14.03.1990``, ``1990-03-14``, ``03/14/1990``, ``19900314``, ``14.III.1990``)
or written-month form in English, Russian and Kazakh (and French, German, Spanish, Italian,
Portuguese, Dutch, Polish, Turkish, Ukrainian and Uzbek months, Chinese ``1990年3月14日``).
The date must exist and lie between 1900 and today. A year alone counts only after a cue
about the year ("year of birth", "год рождения", "туған жылы", "born in"). In a record that
opens with a full Cyrillic name, a date right after the name and its comma, at least 14
years back, is the person's birth ("Байжанова Гульмира Сериковна, 1972-05-19, ..."). So is
a date a few words after a birth cue, or in the answer to it ("may I have your date of
birth? Customer: 12 March 1979"), when it lies as far back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from qorgan.detection.recognizers.morph import is_common_noun
from qorgan.detection.recognizers.scan import (
    AnyWord,
    Hit,
    ScanRecognizer,
    lowered_aligned,
    occurrences,
    windows,
    words,
)
from qorgan.detection.recognizers.tables import labelled_cells, leading_value

DATE_SCORE = 0.9
YEAR_SCORE = 0.6
MONTH_YEAR_SCORE = 0.8
RECORD_SCORE = 0.7
_EARLIEST = 1900

_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_RU_MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "мае": 5, "июн": 6, "июл": 7,
    "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}  # fmt: skip
_KK_MONTHS = {
    "қаңтар": 1, "ақпан": 2, "наурыз": 3, "сәуір": 4, "мамыр": 5, "маусым": 6,
    "шілде": 7, "тамыз": 8, "қыркүйек": 9, "қазан": 10, "қараша": 11, "желтоқсан": 12,
}  # fmt: skip

# French, German, Spanish, Italian, Portuguese, Dutch, Polish (genitive), Turkish, Ukrainian
# (genitive) and Uzbek month names, whole
_FOREIGN_MONTHS = {
    **dict.fromkeys(("janvier", "januar", "jänner", "enero", "ocak", "січня", "yanvar",
                     "gennaio", "janeiro", "januari", "stycznia"), 1),
    **dict.fromkeys(("février", "fevrier", "februar", "febrero", "şubat", "лютого", "fevral",
                     "febbraio", "fevereiro", "februari", "lutego"), 2),
    **dict.fromkeys(("mars", "märz", "maerz", "marzo", "mart", "березня", "março", "marco",
                     "maart", "marca"), 3),
    **dict.fromkeys(("avril", "abril", "nisan", "квітня", "aprel", "aprile", "kwietnia"), 4),
    **dict.fromkeys(("mai", "mayo", "mayıs", "травня", "maggio", "maio", "mei", "maja"), 5),
    **dict.fromkeys(("juin", "juni", "junio", "haziran", "червня", "iyun", "giugno", "junho",
                     "czerwca"), 6),
    **dict.fromkeys(("juillet", "juli", "julio", "temmuz", "липня", "iyul", "luglio", "julho",
                     "lipca"), 7),
    **dict.fromkeys(("août", "aout", "agosto", "ağustos", "серпня", "avgust", "augustus",
                     "sierpnia"), 8),
    **dict.fromkeys(("septembre", "septiembre", "setiembre", "eylül", "вересня",
                     "sentyabr", "settembre", "setembro", "września", "wrzesnia"), 9),
    **dict.fromkeys(("octobre", "oktober", "octubre", "ekim", "жовтня", "oktyabr", "ottobre",
                     "outubro", "października", "pazdziernika"), 10),
    **dict.fromkeys(("novembre", "noviembre", "kasım", "листопада", "noyabr", "novembro",
                     "listopada"), 11),
    **dict.fromkeys(("décembre", "decembre", "dezember", "diciembre", "aralık", "грудня",
                     "dekabr", "dicembre", "dezembro", "grudnia"), 12),
}
_ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_FOREIGN_MONTH = "|".join(sorted(_FOREIGN_MONTHS, key=len, reverse=True))
_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_RU_MONTH = (
    r"(?:январ[яь]|феврал[яь]|март[а]?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|август[а]?|"
    r"сентябр[яь]|октябр[яь]|ноябр[яь]|декабр[яь]|янв|фев|мар|апр|авг|сент?|окт|нояб?|дек)\.?"
)
_KK_MONTH = r"(?:" + words(" ".join(_KK_MONTHS)) + r")[а-яәғқңөұүһі]*"
_DAY = r"(?P<d>[0-3]?\d)"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_YEAR_WORD = r"(?:\s*(?:г\.|года|году|год\b|г\b|ж\.|жылы|жылғы|жыл\b|року|р\.))?"

# one alternative per written form; group names repeat, so each form is its own pattern.
# Numeric forms take either order of day and month (``_plausible`` decides): "03/24/2004"
# is the US order, "24/03/2004" the European one.
_DATE_FORMS = [
    r"(?P<d>[0-3]?\d)(?P<s>[./\-])(?P<m>[0-3]?\d)(?P=s)(?P<y>(?:19|20)\d\d|\d\d)(?!\d)",
    r"(?P<y>(?:19|20)\d\d)(?P<s>[./\-])(?P<m>[01]?\d)(?P=s)(?P<d>[0-3]?\d)(?!\d)",
    rf"{_DAY}(?:st|nd|rd|th)?(?:\s+of)?(?:\s+|-|\s*/\s*)(?P<en>{_EN_MONTH}),?(?:\s+|-|\s*/\s*)"
    r"(?P<y>(?:19|20)?\d\d)(?!\d)",
    rf"(?P<en>{_EN_MONTH})(?:\s+|-){_DAY}(?:st|nd|rd|th)?,?(?:\s+|-){_YEAR}",
    rf"[«\"“]?{_DAY}[»\"”]?(?:\s+|-)(?P<ru>{_RU_MONTH})(?:\s+|-){_YEAR}{_YEAR_WORD}",
    # a Roman month: 14.III.1990
    rf"{_DAY}[./\-\s](?P<rom>XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)[./\-\s]{_YEAR}(?!\d)",
    rf"{_YEAR}{_YEAR_WORD}\s+{_DAY}\s*-?\s*(?P<kk>{_KK_MONTH})",
    rf"{_DAY}\s+(?P<kk>{_KK_MONTH})\s+{_YEAR}{_YEAR_WORD}",
    rf"{_DAY}\.?\s+(?:de\s+)?(?P<fm>{_FOREIGN_MONTH})\s+(?:de\s+)?{_YEAR}{_YEAR_WORD}",
    # airline and passport manifests: 05DEC88, 05DEC1988
    r"(?P<d>[0-3]\d)(?P<en>JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)"
    r"(?P<y>(?:19|20)?\d\d)(?![\dA-Z])",
    # written without separators after its cue ("DOB (YYYYMMDD): 19710822", "DOB:07041976")
    r"(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)",
    r"(?P<m>[01]\d)(?P<d>[0-3]\d)(?P<y>(?:19|20)\d\d)(?!\d)",
    r"(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19|20)\d\d)(?!\d)",
    # Chinese: 1990年3月14日
    r"(?P<y>(?:19|20)\d\d)\s?年\s?(?P<m>[01]?\d)\s?月\s?(?P<d>[0-3]?\d)\s?日",
]
_DATES = [re.compile(r"(?i)" + form) for form in _DATE_FORMS]
# a month and a year ("born in March 1990", "родился в марте 1990 года"): after a cue only
_MONTH_YEAR = re.compile(
    rf"(?i)(?:(?P<en>{_EN_MONTH})|(?P<ru>{_RU_MONTH}|(?:январ|феврал|апрел|июн|июл|сентябр|"
    rf"октябр|ноябр|декабр)е|марте|мае|августе))\s+{_YEAR}{_YEAR_WORD}"
)
_YEAR_ONLY = re.compile(r"(?P<y>(?:19|20)\d\d)(?!\d)" + _YEAR_WORD)

# cues are written in lower case and searched in the lower-cased text (``scan.lowered``);
# "_" in a cue is a space or an underscore (``date_of_birth`` is a key as often as words),
# and a cue may end a longer key ("patient_dob"), so only a letter or digit before it
# breaks it
_START = r"(?<![^\W\x5f])"  # \x5f: "_", which the cues spell as a space
# between a cue and its date: punctuation, quotes and "=" of a key, a format hint
_SEP = (
    r"(?:[\s:,\-–—=\"'«»“”>|]|\.{2,}|\x5f{2,}|…|\((?:[dmyдмгж]{1,4}[./\-\s]?){2,3}\))"
)
_CUE_BEFORE = (
    rf"(?:{_START}(?:date_of_birth|dateofbirth|birth_date|birthdate|birthday|birth_day|"
    r"d\.o\.b\.?|dob|born(?:_on)?|tug['‘’ʻ]ilgan_sana(?:si)?|туғилган_сана(?:си)?|"
    r"туған_күнім|туылған_күнім|b-day|bday|b_day|birth|(?<=\()b\.|(?<=[,;\s]\s)b\.(?=\s?\d)|"
    r"date_de_naissance|data_urodzenia|urodzon[ya]|geboortedatum|data_de_nascimento|"
    r"nascid[oa]|(?<![^\W\x5f])nat[oa](?=_(?:a|il|nel)_)|tugan_kuni|tuǵan_kúni|týǵan_kúni|"
    r"туулган_күнү|туулган_куну|"  # Kazakh in its 2021 Latin letters; Kyrgyz
    r"née?_le|née?|geburtsdatum|fecha_de_nacimiento|nacid[oa]|data_di_nascita|"
    r"geboren(?:_am)?|geb\.|doğum_tarihi|tug['‘’ʻ]ilgan(?:_sana|_kuni)?|дата_народження|"
    r"народи(?:вся|лася|лись)|出生日期|出生于|出生|生日|"
    r"дат[аыуе]_(?:и_место_)?рождения|дата_рожд\.?|дата_рож\.|д\.\s?рожд\.|день_рождения|д\.\s?р\.|д/р|"
    r"родил(?:ся|ась|ось|ись)(?:\s?\(-?(?:ась|лась|ся|а)\))?|рожд[её]н[аы]?(?:\s?\(-?а\))?|"
    r"родивш(?:ийся|аяся|иеся|егося|ейся|ему|ей)|"
    r"туған_күні|туылған_күні|туған_күн|туған|туылған|дүниеге_келген)"
    rf"(?:{_SEP}*(?:on|is|was|the|il|в|—|:)(?![^\W\x5f]))*{_SEP}*)"
)
_YEAR_CUE_BEFORE = (
    rf"(?:{_START}(?:year_of_birth|birth_year|born_in|год_рождения|г\.\s?р\.|туған_жылы|"
    rf"туылған_жылы)(?:{_SEP}*(?:is|was|в|—|:)(?![^\W\x5f]))*{_SEP}*)"
)
_CUE_AFTER = (
    r"[\s,]*(?:\(|-)?\s*(?:г\.\s?р\.|года_рождения|г\.?_рождения|жылы_туған|ж\.\s?т\.|"
    r"туған|туылған|дүниеге_келген|\(d\.?o\.?b\.?\)|\(born\)|р\.\s?н\.|року_народження|"
    r"j\.\s?t\.|jyly_tuǵan|jyly_tugan|(?:yilda|йилда)_(?:tug['‘’ʻ]ilgan|туғилган)|"
    # "14/02/1995 is my date of birth"
    r"(?:is|was)_(?:my|his|her|their|our)_(?:date_of_birth|dob|d\.o\.b\.?|birth_date|birthdate))"
)
_CUES = tuple(
    (re.compile(cue.replace("_", r"[\s_]+")),
     re.compile("(?i)" + cue.replace("_", r"[\s_]+")))
    for cue in (_CUE_BEFORE, _YEAR_CUE_BEFORE, _CUE_AFTER)
)
# every cue holds one of these; the cue patterns run only around them
_NEEDLES = (
    "born", "dob", "d.o.b", "birth", "b-day", "рожд", "родил", "туған", "туыл", "дүниеге",
    "г.р.", "г. р.", "д.р.", "д. р.", "д/р", "ж.т.", "ж. т.", "naissance", "né", "geb",
    "doğum", "bday", "b_day", "(b.", "nacim", "nacid", "nascit", "tug", "народ", "出生",
    "生日", "urodz", "geboorte", "nato", "nata", "nascid", "tuǵan", "р.н.", "р. н.", "j.t.",
    "j. t.", "туғил", "týǵan", "туулган", " b. ", "родивш",
)
# a record that opens with a person's full name and gives a date right after it
# ("Байжанова Гульмира Сериковна, 1972-05-19, ..."; "Ахметжанов Болат Серікұлы, 1978 ж. 11
# қараша"): the date is the person's birth, when it lies at least _RECORD_AGE years back
_CYR_WORD = r"[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+(?:-[А-ЯЁӘҒҚҢӨҰҮҺІ][а-яёәғқңөұүһі]+)?"
_CYR_INITIALS = r"[А-ЯЁӘҒҚҢӨҰҮҺІ]\.[ \t]?(?:[А-ЯЁӘҒҚҢӨҰҮҺІ]\.)?"
_RECORD_NAME = re.compile(
    rf"(?:(?:{_CYR_WORD}[ \t]+){{1,2}}{_CYR_WORD}|{_CYR_WORD}[ \t]+{_CYR_INITIALS}),[ \t]*$"
)
# the lower-case word a record may name its person after ("пациент Абдрахманова ...")
_RECORD_ROLE = re.compile(
    r"(?:пациент|пациентка|клиент|клиентка|сотрудник|сотрудница|заявитель|получатель|"
    r"ученик|ученица|студент|студентка|науқас|қызметкер|оқушы|алушы)[ \t]*$"
)
_NAME_SHAPED = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|ович|евич|ьич|овна|евна|ична|ұлы|улы|"
    r"қызы|кызы)\b"
)
_RECORD_GAP = re.compile(r",[ \t]*(?=\d)")
_RECORD_AGE = 14
#: what the trigger needs to see before the recognizer runs
CUES = AnyWord(*_NEEDLES, ", 0", ", 1", ", 2", ", 3")
# a cue starts at most this far before its needle ("date of birth") and, with its filler,
# ends at most this far after it
_CUE_BEFORE_NEEDLE = 24
_CUE_AFTER_NEEDLE = 48
_FILLER = re.compile(_SEP + "*")
# a table's column of birth dates: its header cell names one
_COLUMN = re.compile(
    r"[\w\s.()/\-]{0,24}?" + _START + r"(?:dob|d\.o\.b\.?|date[\s_]*of[\s_]*birth|"
    r"birth[\s_]*date|birthday|born|birth|дата[\s_]+рождения|д\.\s?р\.|туған[\s_]+күні|"
    r"туылған[\s_]+күні|geburtsdatum|date[\s_]+de[\s_]+naissance|doğum[\s_]+tarihi)"
    r"(?![^\W_])[\w\s.()/\-]{0,24}"
)
# "born", "родился", "туған": a place may stand between the cue and the date
_BORN_WORDS = r"born|родил|рожд[её]н|туған|туылған|nat[oa]|nacid|née?|geboren|urodzon"
_BORN = re.compile(_BORN_WORDS)
# ... of them, the verbs alone ("born", not "туған күні", the date of birth)
_VERBAL_BORN = re.compile(rf"(?:{_BORN_WORDS})(?![\s_]+күн)")
_GAP = re.compile(
    r"(?:(?:in|at|в|a|à|en|w)[ \t]+)?(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w'’\-]*[ \t,]+){1,3}"
    r"(?:(?:on|il|le|el|am|dnia)[ \t]+(?:the[ \t]+)?)?(?=\d)"
)
# between a birth cue and a date later on: up to four words in its sentence ("— we have"),
# or the question's end and the next speaker's label ("? Customer:", "?\nКлиент:")
# ... or the request's end, with a full stop too ("Назовите дату рождения. Клиент: ...",
# "enter your date of birth (MM/DD/YYYY).\nUser: ..."), the speaker's label required then,
# and an answer that opens with its month ("CALLER: July 3rd, 1977")
_ANSWER_OPENS = rf"(?=\d|(?i:{_EN_MONTH})\b)"
# a short word before the answer ("Sure, 3 March"), never the answer's month itself
_REPLY_WORD = rf"(?:(?!(?i:{_EN_MONTH})\b)[^\W\d_]{{1,6}}[,.!]?[ \t]+)?"
# the next speaker's label, after a time stamp ("[00:01:23] CALLER:")
_SPEAKER = r"(?:\[[\d:]{4,8}\][ \t]*)?[^\W\d_][\w .]{0,20}:[ \t]*"
_ANSWER_GAP = re.compile(
    r"(?:[ \t]*[—–\-:]?[ \t]*[^\W\d_]+){1,4}[ \t:—–\-]*[ \t](?=\d)|"
    rf"[^\n?.\d]{{0,30}}\?[ \t]*(?:\n[ \t]*)?(?:{_SPEAKER})?{_REPLY_WORD}{_ANSWER_OPENS}|"
    rf"[^\n?.\d]{{0,30}}[.?][ \t]*(?:\n[ \t]*)?{_SPEAKER}{_REPLY_WORD}{_ANSWER_OPENS}"
)  # "Ақерке: Иә, 02.12.1985", "Клиент: 21 декабря 1962"
# a birthday is celebrated every year: "birthday 2024" is no birth year
_CELEBRATION = re.compile(r"birthday|birth[\s_]+day|b-day|bday|b_day|день|күн|生日")
_WHOLE_DATES = [re.compile(p.pattern + _YEAR_WORD + r"\.?", p.flags) for p in _DATES]


class DateOfBirthRecognizer(ScanRecognizer):
    """See the module docstring."""

    ENTITY = "DATE_OF_BIRTH"

    def scan(self, text: str) -> Iterator[Hit]:
        low = lowered_aligned(text)
        if low is None:  # a letter that lower-cases to two: search the text as it is
            spans, (before, year, after) = [(0, len(text))], [ci for _, ci in _CUES]
            source = text
        else:
            found = occurrences(low, _NEEDLES)
            spans = windows(found, _CUE_BEFORE_NEEDLE, _CUE_AFTER_NEEDLE, len(text))
            (before, _), (year, _), (after, _) = _CUES
            source = low
        hits: list[Hit | None] = []
        for start, end in spans:
            for cue in before.finditer(source, start, end):
                at = cue.end()
                hit = self._date_at(text, at, DATE_SCORE) or self._month_year_at(text, at)
                if hit is None and _BORN.match(cue.group()):
                    hit = self._date_after_words(text, at)
                if hit is None and not _VERBAL_BORN.match(cue.group()):
                    # "date of birth", "туған күні", not "born": "born here, moved 2010"
                    hit = self._answer_after(text, at)
                # a year alone only after a cue about the person ("born 1985"): not after
                # a celebration ("birthday 2024") or an abbreviation ("(b. 1990 edition)")
                if hit is None and not _CELEBRATION.search(cue.group()) and not (
                    cue.group().startswith("b.")
                ):
                    hit = self._year_at(text, at)
                hits.append(hit)
            for cue in year.finditer(source, start, end):
                at = cue.end()
                hits.append(self._date_at(text, at, DATE_SCORE) or self._month_year_at(text, at)
                            or self._year_at(text, at))
            for cue in after.finditer(source, start, end):
                hits.append(self._date_before(text, cue.start()))
        hits.extend(_column_date(text, s, e) for s, e in labelled_cells(text, _COLUMN))
        hits.extend(self._after_full_name(text))
        seen: set[int] = set()
        for hit in hits:
            if hit is not None and hit.start not in seen:
                seen.add(hit.start)
                yield hit

    def _date_at(self, text: str, pos: int, score: float) -> Hit | None:
        match = _date_match(text, pos)
        if match is None:
            return None
        return Hit(match.start(), match.end(), score, "date after a birth cue")

    def _after_full_name(self, text: str) -> Iterator[Hit]:
        """Dates right after a full name in Cyrillic that holds a surname's or a
        patronymic's ending, and a comma."""
        if text.isascii():
            return
        latest = dt.date.today().year - _RECORD_AGE
        for gap in _RECORD_GAP.finditer(text):
            name = _RECORD_NAME.search(text, max(0, gap.start() - 80), gap.start() + 1)
            if name is None or _NAME_SHAPED.search(name.group()) is None:
                continue
            opens = text[: name.start()].rstrip(" \t")
            if opens and opens[-1] not in ":;|\n—–-(\"«" and not _RECORD_ROLE.search(
                text, max(0, name.start() - 16), name.start()
            ):
                continue  # the name opens the record, after a label, a role or a line end
            if is_common_noun(name.group().split()[0]):
                continue  # "Отчёт Петрова, 12.03.1999": a document, not a person's record
            for pattern in _DATES:
                match = pattern.match(text, gap.end())
                if match is not None and _plausible(match) and _year(match) <= latest:
                    yield Hit(match.start(), match.end(), RECORD_SCORE, "date after a full name")
                    break

    def _date_after_words(self, text: str, pos: int) -> Hit | None:
        """A full date after "born" and a place ("born in Almaty on 14 March 1990")."""
        gap = _GAP.match(text, pos)
        if gap is None or gap.end() == pos:
            return None
        return self._date_at(text, gap.end(), DATE_SCORE)

    def _answer_after(self, text: str, pos: int) -> Hit | None:
        """A birth date a few words after its cue, or in the answer to it: "confirm your
        date of birth — we have 19 Feb 1970 on file", "may I have your date of birth?
        Customer: 12 March 1979". It must lie at least _RECORD_AGE years back: a form's
        own dates ("date of birth field added on 12.05.2024") are recent."""
        gap = _ANSWER_GAP.match(text, pos)
        match = _date_match(text, gap.end()) if gap is not None else None
        if match is None or _year(match) > dt.date.today().year - _RECORD_AGE:
            return None
        return Hit(match.start(), match.end(), RECORD_SCORE, "date after a birth cue")

    def _month_year_at(self, text: str, pos: int) -> Hit | None:
        match = _MONTH_YEAR.match(text, _skip_filler(text, pos))
        if match is None or _month_number(match.groupdict()) is None:
            return None
        if not _EARLIEST <= int(match.group("y")) <= dt.date.today().year:
            return None
        return Hit(match.start(), match.end(), MONTH_YEAR_SCORE, "month and year after a cue")

    def _year_at(self, text: str, pos: int) -> Hit | None:
        match = _YEAR_ONLY.match(text, _skip_filler(text, pos))
        if match is None or not _EARLIEST <= int(match.group("y")) <= dt.date.today().year:
            return None
        return Hit(match.start(), match.end(), YEAR_SCORE, "year after a birth-year cue")

    def _date_before(self, text: str, end: int) -> Hit | None:
        """A date (or a year) that ends right where a cue after it starts."""
        window = max(0, end - 40)
        for pattern in (*_DATES, _YEAR_ONLY):
            for match in pattern.finditer(text, window, end):
                if match.end() != end or (match.start() > 0 and text[match.start() - 1].isdigit()):
                    continue
                if pattern is _YEAR_ONLY:
                    year = int(match.group("y"))
                    if _EARLIEST <= year <= dt.date.today().year:
                        return Hit(match.start(), end, YEAR_SCORE, "year before a birth cue")
                elif _plausible(match):
                    return Hit(match.start(), end, DATE_SCORE, "date before a birth cue")
        return None


def _column_date(text: str, start: int, end: int) -> Hit | None:
    for pattern in _WHOLE_DATES:
        match = leading_value(text, start, end, pattern)
        if match is not None and _plausible(match):
            return Hit(start, match.end(), DATE_SCORE, "date in a birth-date column")
    return None


def _date_match(text: str, pos: int) -> re.Match[str] | None:
    """The first real date of the written forms at ``pos``, past the cue's filler."""
    pos = _skip_filler(text, pos)
    for pattern in _DATES:
        match = pattern.match(text, pos)
        if match is not None and _plausible(match):
            return match
    return None


def _skip_filler(text: str, pos: int) -> int:
    filler = _FILLER.match(text, pos)
    return filler.end() if filler is not None else pos


def _year(match: re.Match[str]) -> int:
    """The match's year in four digits ("88" is 1988, "05" is 2005)."""
    year = int(match.group("y"))
    if year < 100:
        year += 1900 if year > dt.date.today().year % 100 else 2000
    return year


def _plausible(match: re.Match[str]) -> bool:
    """A real calendar date between 1900 and today (day-month order or, failing that, the
    US month-day order)."""
    groups = match.groupdict()
    year = _year(match)
    day = int(groups["d"])
    numeric = groups.get("m")
    if numeric is not None:
        return _real(year, int(numeric), day) or _real(year, day, int(numeric))
    month = _month_number(groups)
    return month is not None and _real(year, month, day)


def _month_number(groups: dict[str, str | None]) -> int | None:
    if groups.get("en"):
        return _EN_MONTHS.get(str(groups["en"]).lower()[:3])
    if groups.get("ru"):
        return _RU_MONTHS.get(str(groups["ru"]).lower()[:3])
    if groups.get("fm"):
        return _FOREIGN_MONTHS.get(str(groups["fm"]).lower())
    if groups.get("rom"):
        return _ROMAN_MONTHS.index(str(groups["rom"]).upper()) + 1
    if groups.get("kk"):
        value = str(groups["kk"]).lower()
        return next((n for name, n in _KK_MONTHS.items() if value.startswith(name)), None)
    return None


def _real(year: int, month: int, day: int) -> bool:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return False
    return year >= _EARLIEST and date <= dt.date.today()
