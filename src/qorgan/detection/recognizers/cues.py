"""Words that announce a person's name: greetings, sign-offs, titles, introductions, the
words for relatives and friends, field labels and commands, in English, Russian and Kazakh,
and the common ones of the neighbouring languages (German, French, Spanish, Turkish, Uzbek,
Ukrainian).

A cue says where a name may start; whether one does is for the word after it to show
(``latin.py``, ``names.py``): "Call Ivan" and "call ivan" are names after a cue, "Call
back" and "Call Center" are not, because "back" and "center" are common words.

Each cue is data: a phrase and a kind. ``title`` cues (Mr, Dr, г-н) make the next
capitalised word a name whatever it is ("Mr. Brown"); ``line`` cues (sign-offs) may be
followed by the name on the next line; the rest need the name on the same line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ABBREVIATED_TITLES",
    "CUE_KINDS",
    "TITLE_WORDS",
    "Cue",
    "cue_positions",
    "ends_with_cue",
    "person_field_before",
    "title_before",
]

_TITLES = """
mr mrs ms miss mx dr prof professor sir madam madame dame lord lady mister doctor rev
capt captain sgt officer judge senator president minister uncle aunt auntie
coach nurse pastor rabbi imam detective inspector sergeant
herr frau mme mlle monsieur mademoiselle señor señora don doña sayın sayin
"""
_GREETINGS = """
dear hi hello hey hiya howdy greetings welcome congratulations congrats thanks
thank_you thanks_in_advance thank_you_in_advance thanks_again cheers bye goodbye
thanks_so_much thank_you_so_much thanks_a_lot thanks_a_million
attn attention good_morning good_afternoon good_evening good_night
sehr_geehrte sehr_geehrter hallo bonjour bonsoir chère merhaba salom assalomu_alaykum
hurmatli hurmatli_janob estimado estimada hola
gentile egregio buongiorno olá prezado prezada bom_dia buenos_días buenos_dias geachte
szanowny szanowna szanowni dzień_dobry cześć kedves dobrý_den kære bună buna bună_ziua
hej hei moin servus
"""
_SIGN_OFFS = """
regards best_regards kind_regards warm_regards best_wishes sincerely
yours_sincerely yours_truly yours_faithfully yours best respectfully cordially
love many_thanks thanks thank_you cheers signed
mit_freundlichen_grüßen mit_freundlichen_grüssen viele_grüße beste_grüße cordialement
bien_cordialement saygılarımla hurmat_bilan saludos atentamente
grüße grüßen grüsse grüssen liebe_grüße viele_grüsse amicalement bien_à_vous merci
cordiali_saluti distinti_saluti saluti grazie atenciosamente abraços abraço cumprimentos
un_saludo saludos_cordiales gracias met_vriendelijke_groet vriendelijke_groet groeten groet
bedankt pozdrawiam z_poważaniem serdecznie mvh med_vennlig_hilsen vennlig_hilsen
med_venlig_hilsen venlig_hilsen hilsen vänliga_hälsningar hälsningar s_pozdravem
üdvözlettel cu_stimă mulțumesc diolch cofion hormat_kami terima_kasih trân_trọng
"""
_INTRODUCTIONS = """
my_name_is my_name's name's name_is i_am i'm i’m im this_is it's it’s
call_me i_go_by known_as named called signed_by written_by sent_by
"""
# the people of one's life, named right after the word ("my daughter Ivy", "son Minh")
_RELATIONS = """
daughter son wife husband brother sister cousin friend best_friend mom mum dad mother
father grandma granny grandpa grandmother grandfather nephew niece boyfriend girlfriend
fiance fiancé fiancee fiancée colleague coworker co-worker boss neighbour neighbor
roommate flatmate stepson stepdaughter
"""
_FIELDS = """
name full_name first_name last_name surname given_name family_name contact
contact_person customer client patient employee applicant recipient sender from to
cc bcc author owner assignee reporter manager user signature guest passenger holder
cardholder beneficiary payee tenant student driver
firstname lastname fullname givenname familyname username first last given family
vorname nachname prénom prenom nom_de_famille ad_soyad soyad isim familiya nombre apellido
adı adı_soyadı müşteri müşteri_adı kunde kundin mijoz ismi ім'я прізвище клієнт
"""
_COMMANDS = """
call phone ring email e-mail mail ask tell message msg dm text ping contact remind invite
notify inform thank meet greet congratulate hire visit pay
meet_with talk_to speak_to speak_with write_to reply_to respond_to
forward_to forward_this_to forward_it_to send_to send_this_to send_it_to
assign_to assign_this_to assign_it_to introduce get_in_touch_with
reach_out_to follow_up_with check_with loop_in escalate_to cc_to
schedule_a_call_with schedule_a_meeting_with book_a_call_with
set_up_a_call_with set_up_a_meeting_with
"""
# Russian and Kazakh: imperatives addressed to the reader, forms of address and titles.
_RU_KK_TITLES = """
г-н г-жа гн гжа господин господина господину госпожа госпожи госпоже гражданин
гражданка гражданина гражданки мырза ханым тов товарищ
"""
_RU_KK_GREETINGS = """
уважаемый уважаемая уважаемые дорогой дорогая здравствуйте привет добрый_день
құрметті қымбатты сәлеметсіз_бе сәлем шановний шановна шановні вельмишановний
вельмишановна вітаю
"""
_RU_KK_COMMANDS = """
позвоните позвони перезвоните перезвони напишите напиши передайте передай спросите
спроси скажите скажи свяжитесь_с свяжись_с отправьте отправь пригласите пригласи
поблагодарите уточните_у встретьтесь_с
хабарласыңыз хабарлас жазыңыз жаз айтыңыз айт сұраңыз сұра шақырыңыз
"""
_RU_KK_SIGN_OFFS = """
с_уважением с_наилучшими_пожеланиями спасибо құрметпен рахмет рақмет з_повагою дякую
"""
# the fields above that only a person fills: a company's name after them is still a name
# ("Patient: Okonkwo Chidi" read as an organisation by the model), unlike "Customer: Acme"
_PERSON_FIELDS = """
name full_name first_name last_name surname given_name family_name patient employee
applicant passenger cardholder student driver tenant guest
firstname lastname fullname givenname familyname vorname nachname prénom prenom
nom_de_famille ad_soyad soyad isim familiya ism ismi ім'я прізвище
фио ф.и.о имя фамилия отчество пациент сотрудник аты-жөні аты тегі
"""
_RU_KK_FIELDS = """
фио ф.и.о имя фамилия клиент пациент сотрудник получатель отправитель от кому
аты-жөні аты тегі
"""

#: the titles written short, with or without their dot ("Dr. Page", "Mr Brown")
ABBREVIATED_TITLES = frozenset(
    ["mr", "mrs", "ms", "mx", "dr", "prof", "capt", "sgt", "rev", "mme", "mlle", "г-н", "г-жа",
     "гн", "гжа", "тов"]
)

CUE_KINDS = ("title", "greeting", "line", "intro", "field", "command")
#: the titles as words: a title after a title is no name ("Herr Dr. Becker")
TITLE_WORDS = frozenset((_TITLES + _RU_KK_TITLES).split())


@dataclass(frozen=True, slots=True)
class Cue:
    end: int  # where the announced name may start
    kind: str


# between a cue and the name it announces (titles: in ``_index``, by how they are written)
_SEPARATOR = {
    "line": r"\b[ \t]*[,.!]?[ \t]*\r?\n[ \t]*(?:[-–—][ \t]*)?",
    "greeting": r"\b[ \t]*,?[ \t]*",
    # "Name: ...", and as a key: "name": "...", firstName="...", name=..., <firstName>...
    "field": r"(?:[\"']?[ \t]*[:=][ \t]*[\"']?|>)",
    "intro": r"\b[ \t]*:?[ \t]*",
    "command": r"\b[ \t]*:?[ \t]*",
}
_BLOCKS = {
    "title": _TITLES + _RU_KK_TITLES,
    "line": _SIGN_OFFS + _RU_KK_SIGN_OFFS,
    "greeting": _GREETINGS + _RU_KK_GREETINGS,
    "field": _FIELDS + _RU_KK_FIELDS,
    "intro": _INTRODUCTIONS + _RELATIONS,
    "command": _COMMANDS + _RU_KK_COMMANDS,
}
# Every word start is looked up by its first word; only the phrases that begin with that
# word are tried there (one regex over all phrases tried at every offset was 20x slower).
_WORD_START = re.compile(r"(?<![\w@.\-])[^\W\d_][\w'’.\-]*")
_FIRST = re.compile(r"[^\W\d_]+")


def _spelled(phrase: str) -> str:
    """A cue phrase as a pattern: "first_name" is written "first name", "first_name" and
    "first-name"."""
    return re.escape(phrase).replace("_", r"[\s_\-]+")


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """First word of a phrase (lower case) -> (kind, the phrase anchored with its ending)."""
    grouped: dict[str, dict[str, list[str]]] = {}
    for kind, block in _BLOCKS.items():
        for phrase in block.split():
            head = _FIRST.match(phrase.lower())
            if head is not None:
                grouped.setdefault(head.group(), {}).setdefault(kind, []).append(phrase)
    index: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, kinds in grouped.items():
        for kind in CUE_KINDS:
            phrases = sorted(kinds.get(kind, ()), key=len, reverse=True)
            if not phrases:
                continue
            if kind == "title":
                # an abbreviation keeps its dot ("Dr. Page"); after a title written out the
                # dot ends a sentence ("... Happiness Officer. Department: ...")
                short = "|".join(re.escape(p) for p in phrases if p in ABBREVIATED_TITLES)
                whole = "|".join(re.escape(p) for p in phrases if p not in ABBREVIATED_TITLES)
                alternatives = "|".join(
                    a for a in (short and rf"(?:{short})\.?", whole and rf"(?:{whole})\b") if a
                )
                pattern = re.compile(rf"(?:{alternatives})[ \t]*", re.I)
            else:
                alternatives = "|".join(_spelled(p) for p in phrases)
                pattern = re.compile(f"(?:{alternatives}){_SEPARATOR[kind]}", re.I)
            index.setdefault(first, []).append((kind, pattern))
    return index


def _matches(text: str) -> list[tuple[int, str]]:
    """``(end, kind)`` of every cue in ``text``, strongest kind first at each offset."""
    index = _index()
    out: list[tuple[int, str]] = []
    for word in _WORD_START.finditer(text):
        first = _FIRST.match(word.group())
        options = index.get(first.group().lower()) if first else None
        for kind, pattern in options or ():
            match = pattern.match(text, word.start())
            if match is not None:
                out.append((match.end(), kind))
    return out


def cue_positions(text: str) -> dict[int, str]:
    """Offsets where a cued name may start, with the strongest cue kind for each."""
    found: dict[int, str] = {}
    for end, kind in _matches(text):
        if end < len(text):
            found.setdefault(end, kind)
    return found


@lru_cache(maxsize=4096)
def ends_with_cue(context: str) -> bool:
    """Whether ``context`` ends with a cue, so the text after it may open with a name."""
    # a stand-in first letter of the next word lets the patterns' word boundaries match
    tail = context[-40:] + "x"
    return any(end == len(tail) - 1 for end, _ in _matches(tail))


@lru_cache(maxsize=1)
def _person_field() -> re.Pattern[str]:
    phrases = sorted(_PERSON_FIELDS.split(), key=len, reverse=True)
    alternatives = "|".join(_spelled(p) for p in phrases)
    return re.compile(rf"(?<![\w\-])(?:{alternatives}){_SEPARATOR['field']}[ \t]*\Z", re.I)


def person_field_before(text: str, start: int) -> bool:
    """Whether a field only a person fills ("Name:", "Patient:", ``"first_name": "``,
    "ФИО:") ends right before ``start``."""
    return _person_field().search(text[max(0, start - 30) : start]) is not None


def title_before(text: str, start: int) -> bool:
    """Whether a title ("Mr", "Dr.", "г-н") stands right before ``start``, with its dot and
    a space at most between them ("Dr. Page"; not "..., Page")."""
    before = text[max(0, start - 12) : start].rstrip()
    words = before.replace(".", " ").split()
    return bool(words) and before[-1:] != "," and words[-1].lower() in TITLE_WORDS
