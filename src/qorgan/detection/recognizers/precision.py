"""What NER calls a person or a place but the text around it says is not one.

Applied once per text to the candidates of every layer (``engine.Detector._finish``),
before the threshold and the overlap resolution. Each rule is a class of text the models
misread on text nobody tuned for:

* **companies named after people**: "Garcia & Sons", "Moore SARL", "Thompson-Lewis LLC",
  "ТОО «Петров и партнёры»", "ООО Петров": a name followed by a legal form is an
  organisation, and so are partners' surnames joined by "and" or "&" ("Smith, Johnson and
  Lee", "Latham & Watkins") or by a hyphen with no given name or title before them
  ("Garcia-Brown sent it"; "Mrs. Smith-Jones" is a person). The person or place inside is
  dropped and the organisation reported in its place;
* **form labels, headings and variable names**: "Last Name", "Customer Name", "Reported
  By", "Lieferadresse", "## Incident Report", ``firstName``: a span made of label words
  only (camel case and ``_`` split) is no one;
* **weekdays and months**: "Sun–Tue", "closed in Jun", "Mon, 4 Mar": a calendar word is no
  name; the ones that are also given names ("May", "June", "April", "Jan") only next to a
  number or another calendar word;
* **identifiers**: a word glued to ``_`` ("SLACK" in ``SLACK_BOT_TOKEN``) or a code's
  letters ("UTX" in ``UTX-9003``);
* **peoples and languages** the model calls places ("Kazakh and Russian versions"), and
  holidays, cheeses and products named after a place ("before Easter", "Dijon mustard");
* **products and vendors** named as technology ("Mastercard", "Google Maps", "WhatsApp"),
  and the organisations of Kazakhstan's list ("Kcell", "Kazatomprom", "Казпочта").

Findings of other types pass untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qorgan.detection.recognizers.cues import title_before
from qorgan.detection.recognizers.gazetteer import ascii_fold, gazetteer
from qorgan.detection.recognizers.lexicon import fold, listed_organisations
from qorgan.types import Finding

__all__ = ["ORG_SCORE", "organisations", "refine"]

ORG_SCORE = 0.86
_TARGETS = frozenset({"PERSON", "LOCATION"})

# -- companies ------------------------------------------------------------------------------

_LEGAL_FORM = (
    r"(?:LLC|L\.L\.C\.|Inc\.?|Incorporated|Ltd\.?|Limited|LLP|L\.P\.|PLC|plc|Corp\.?|"
    r"Corporation|GmbH|AG|KG|OHG|SARL|S\.A\.R\.L\.|SAS|S\.A\.S\.|S\.A\.|SA|N\.V\.|B\.V\.|"
    r"Oy|A/S|ApS|S\.p\.A\.|SpA|S\.r\.l\.|Srl|Pty|A\.Ş\.|Group|Holdings?|Partners|"
    r"Associates|Consulting|Trading|Industries|Enterprises|Technologies|Solutions|Systems|"
    r"Logistics|Capital|Ventures|Brothers|Bros\.?|(?:&|and)[ \t]+(?:Sons|Daughters|Co\.?|"
    r"Partners|Associates|Brothers)|(?:et|&)[ \t]+(?:Fils|Cie\.?|Associés)|Şti\.?)"
)
_ORG_NAME = r"[A-Z][\w'’]*(?:-[A-Z][\w'’]*)*"
# one to three capitalised words, or two joined by "&"/"and", or a list ending in "and"
# ("Allen, Taylor and Aguilar LLP"), then the legal form, all on one line: a person's
# name before a comma ("Dana Omarova, Acme LLC") stays outside
_ORG_WORDS = rf"{_ORG_NAME}(?:[ \t]+{_ORG_NAME}){{0,2}}"
_LATIN_ORG = re.compile(
    rf"(?<![\w\-])(?:{_ORG_WORDS}(?:[ \t]+(?:&|and)[ \t]+{_ORG_WORDS})?|"
    rf"{_ORG_NAME}(?:,[ \t]*{_ORG_NAME}){{1,3}},?[ \t]+(?:&|and)[ \t]+{_ORG_NAME})"
    rf",?[ \t]+{_LEGAL_FORM}(?![\w])"
)
# Russian, Kazakh and Ukrainian legal forms (an individual entrepreneur, "ИП Петров", trades
# under the person's own name and is no company here)
_CYRILLIC_FORM = r"(?<![\w\-])(?:ТОО|АО|ООО|ЗАО|ПАО|ОАО|ЖШС|АҚ|ТОВ|ПрАТ)"
_CYRILLIC_ORG = re.compile(rf"{_CYRILLIC_FORM}\s*[«\"„“][^»\"“”\n]{{1,60}}[»\"”]")
# ... or without quotes, one word
_CYRILLIC_ORG_BARE = re.compile(rf"{_CYRILLIC_FORM}[ \t]+[А-ЯЁӘҒҚҢӨҰҮҺІЇЄ][\w\-]+")
# a firm named after its partners' surnames: "Smith, Johnson and Lee", "Latham & Watkins";
# none of the words may be mainly a given name ("Tom & Jerry" are two people)
_PARTNERS = re.compile(
    r"(?<![\w\-])(?P<names>[A-Z][a-z'’]+(?:,[ \t]*[A-Z][a-z'’]+){1,3},?[ \t]+(?:and|&)[ \t]+"
    r"[A-Z][a-z'’]+|[A-Z][a-z'’]+[ \t]+&[ \t]+[A-Z][a-z'’]+)(?![\w\-]|[ \t]+[A-Z])"
)
# the legal forms a Latin organisation can end with, as plain words for a cheap pre-check
_ORG_HINTS = re.compile(
    r"LLC|L\.L\.C|Inc|Ltd|Limited|LLP|L\.P|PLC|plc|Corp|GmbH|AG\b|KG\b|OHG|SARL|SAS|S\.A|"
    r"SA\b|N\.V|B\.V|Oy\b|A/S|ApS|SpA|S\.p\.A|Srl|S\.r\.l|Pty|A\.Ş|Group|Holding|Partners|"
    r"Associates|Consulting|Trading|Industries|Enterprises|Technologies|Solutions|Systems|"
    r"Logistics|Capital|Ventures|Brothers|Bros|Sons|Daughters|Co\b|Fils|Cie|Associés|Şti"
)

# -- labels, calendar words, vendors ----------------------------------------------------------

def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


_LABEL_WORDS = _words(
    """
    name names first last full middle given family surname nickname customer client account
    holder contact emergency billing shipping delivery mailing home work address date birth
    of phone mobile email e-mail number no id manager employee reported assigned owner user
    username status title department company city state country zip postal code notes note
    comments subject from to cc bcc sent received signature approved approver requested
    requester reviewer author created updated modified by field column header section summary
    overview details report incident action items agenda minutes project budget item total
    amount description type category priority team lead contact person info information
    personal details applicant patient guest recipient sender value key label
    admin administrator console portal dashboard helpdesk help desk support service settings
    billing invoices invoice panel app application login page tier queue
    premium enterprise starter basic standard pro plus outdoor region plan
    vorname nachname adresse lieferadresse rechnungsadresse anschrift straße strasse
    hausnummer telefon geburtsdatum ort stadt land nom prénom prenom ville pays téléphone
    фио имя фамилия отчество город адрес телефон страна клиент контакт менеджер сотрудник
    дата рождения почта комментарий примечание кому статус должность отдел
    аты жөні тегі әкесінің қала мекенжай мекенжайы туған күні пошта
    müşteri adı soyadı şehir adres kunde kundin straße ort wohnort mijoz ismi manzil клієнт місто
    """
)
_WEEKDAYS = _words(
    "mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday "
    "saturday sunday"
)
_MONTHS = _words(
    "feb mar apr jun jul aug sep sept oct nov dec january february march july september "
    "october november december"
)
# calendar words that are given names too: only with a date or another calendar word near
_NAME_MONTHS = _words("jan may june april august")
# holidays, which the model reads as places or people ("before Easter", "посвящённый
# Наурызу"): matched on the folded word's start, so case endings count too
_HOLIDAYS = (
    "easter", "christmas", "xmas", "thanksgiving", "halloween", "hanukkah", "diwali",
    "ramadan", "nowruz", "nauryz", "наурыз", "рождеств", "пасх", "масленниц", "масленица",
)
_CALENDAR = _WEEKDAYS | _MONTHS | _NAME_MONTHS
_FEASTS = frozenset(fold(w) for w in ("курбан", "құрбан", "ораза", "kurban", "oraza"))
_FEAST_AFTER = re.compile(r"(?i)\s+(?:айт|ait)\b")
# a product or a dish named after a place ("Dijon mustard", "Panama hats", "Buffalo wings"),
# and the cheeses the model reads as towns
_PRODUCT_AFTER = re.compile(
    r" (?:mustard|hats?|wings|cheese|wine|sauce|salad|dressing|pie|cream|tea|rugs?|carpets?|"
    r"shirts?|cake|sausages?|ham|sprouts|cheesesteak|clam|chowder|duck|fried|style|"
    r"drill|range|fridge|fleece|blanket|charger|"
    # software and services named after places: "the Phoenix cluster", "Jupiter plan"
    r"cluster|scheduler|theme|export|format|plugin|module|engine|pipeline|instance|node|"
    r"tier|plan|release|build|codename|sprint|migration|upgrade|rollout|dashboard)\b"
)
# ... and after a dish's first word ("Chicken Kiev", "Baked Alaska"), or a team's name
# ("Real Madrid", "Glasgow Warriors", "Denver Nuggets")
_PRODUCT_BEFORE = re.compile(r"(?:Chicken|Baked|Beef|Salade|Real|Atlético|Atletico|Inter)\s+$")
_TEAM_AFTER = re.compile(
    r" (?:Warriors|Packers|Nuggets|Heat|Lakers|Celtics|Rovers|Wanderers|Rangers|Athletic|"
    r"United|FC|Villa|Hotspur|Giants|Bulls|Knicks|Yankees|Dodgers)\b"
)
_CHEESES = _words("gouda brie cheddar parmesan camembert roquefort mozzarella emmental")
_VENDORS = _words(
    """
    mastercard visa maestro amex mir unionpay paypal venmo stripe google gmail youtube slack
    github gitlab bitbucket jira confluence notion trello zoom teams skype whatsapp telegram
    viber signal instagram facebook messenger linkedin twitter tiktok iphone ipad android
    windows macos linux excel outlook salesforce hubspot shopify wordpress aws azure docker
    kubernetes postgres redis kaspi zendesk freshdesk servicenow intercom hubspot okta auth0
    sentry datadog grafana kibana elasticsearch jira bitrix bitrix24 amocrm 1c sap oracle
    figma asana clickup monday.com airtable dropbox onedrive sharepoint icloud gmail
    yandex mail.ru vk odnoklassniki kolesa krisha olx wildberries ozon
    toyota honda nissan hyundai kia lexus tesla bmw audi mercedes volkswagen chevrolet
    kindle netflix spotify uber bolt wolt glovo airbnb booking.com siri alexa cortana nike adidas
    reebok puma
    react postgresql mysql kafka django flask jenkins terraform aurora storybook jest
    marriott hyatt hilton airasia iberia lufthansa dewalt chipotle nando's
    """
) | {"google maps", "google drive", "google docs", "google sheets", "microsoft teams",
     "american express", "apple pay", "google pay", "samsung pay"}



# peoples and languages, which name no place ("Kazakh and Russian versions") and, alone,
# no person ("Thai basil")
_DEMONYMS = _words(
    """
    kazakh kazakhs kazakhstani russian russians english american americans british german
    germans french turkish chinese uzbek uzbeks kyrgyz ukrainian ukrainians italian spanish
    japanese korean indian arab arabic european europeans asian african latin tatar uyghur
    belarusian polish dutch swedish finnish norwegian danish greek persian hindi urdu
    thai vietnamese filipino indonesian malay mexican brazilian portuguese irish scottish
    welsh swiss austrian czech hungarian romanian bulgarian serbian croatian israeli
    iranian afghan pakistani nepali georgian armenian azerbaijani mongolian tajik turkmen
    canadian australian egyptian moroccan nigerian kenyan ethiopian cuban peruvian
    chilean argentinian colombian
    казахский казахская казахские русский русская русские английский английская
    қазақша орысша ағылшынша
    """
)
_WORD = re.compile(r"[^\W\d_]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_CODE_AFTER = re.compile(r"-\d")
_NEAR_DATE = re.compile(r"\d")


def refine(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """``findings`` without the people and places the rules above rule out, with the
    organisations they name in their place."""
    if not any(f.entity_type in _TARGETS for f in findings):
        return list(findings)
    orgs = organisations(text)
    kept: list[Finding] = []
    for finding in findings:
        if finding.entity_type not in _TARGETS:
            kept.append(finding)
            continue
        if any(finding.start < e and s < finding.end for s, e in orgs):
            continue
        if _ruled_out(text, finding):
            continue
        if _double_surname_firm(text, finding):
            orgs.append((finding.start, finding.end))
            continue
        kept.append(finding)
    touched = {(s, e) for s, e in orgs if any(
        f.entity_type in _TARGETS and f.start < e and s < f.end for f in findings)}
    kept += [Finding("ORGANIZATION", s, e, ORG_SCORE, "precision") for s, e in sorted(touched)]
    return kept


def organisations(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the companies and firms the rules above name in ``text``."""
    spans: list[tuple[int, int]] = []
    if _ORG_HINTS.search(text):
        spans += [m.span() for m in _LATIN_ORG.finditer(text)]
    if "«" in text or '"' in text or "“" in text:
        spans += [m.span() for m in _CYRILLIC_ORG.finditer(text)]
    if not text.isascii():
        spans += [m.span() for m in _CYRILLIC_ORG_BARE.finditer(text)]
    if "&" in text or " and " in text:
        spans += [m.span() for m in _PARTNERS.finditer(text) if _surnames_only(m.group())]
    # one organisation per stretch of text: the widest of those that overlap
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0] - span[1], span[0])):
        if not any(start < e and s < end for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


_DOUBLE_SURNAME = re.compile(r"[A-Z][a-z'’]+-[A-Z][a-z'’]+")
_TITLE_BEFORE = re.compile(
    r"(?i)\b(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|lady|lord|coach|nurse|pastor|rabbi|imam"
    r"|detective|inspector|sergeant|sgt|officer)\.?\s+$"
)


# a capitalised word of letters right before or after the hyphenated pair, one space away
_NAME_BESIDE = re.compile(r"(?<![\w\-])[A-Z][a-z'’]+ $")
_NAME_AFTER = re.compile(r" [A-Z][a-z'’]+(?![\w\-])")


def _double_surname_firm(text: str, finding: Finding) -> bool:
    """"Garcia-Brown sent the contract": two surnames joined by a hyphen, with no given
    name or title before them, name a firm ("Mrs. Smith-Jones" is a person)."""
    value = text[finding.start : finding.end]
    if finding.entity_type != "PERSON" or not _DOUBLE_SURNAME.fullmatch(value):
        return False
    if _TITLE_BEFORE.search(text, max(0, finding.start - 8), finding.start):
        return False
    beside = [m.group().strip() for m in (
        _NAME_BESIDE.search(text, max(0, finding.start - 24), finding.start),
        _NAME_AFTER.match(text, finding.end),
    ) if m is not None]
    if any(not gazetteer().is_common(word) for word in beside):
        # "Amelia Hartley-Boyce", "Heinz-Dieter Kramer": a name beside it the model left
        # out ("The Garcia-Brown report" is still the firm's)
        return False
    return _surnames_only(value.replace("-", " "))


def _surnames_only(names: str) -> bool:
    gz = gazetteer()
    keys = [ascii_fold(w) for w in _WORD.findall(names) if w not in ("and",)]
    return all(k in gz.surnames and not gz.mainly_given(k) for k in keys)


def _ruled_out(text: str, finding: Finding) -> bool:
    value = text[finding.start : finding.end]
    low = value.lower()
    if low in _VENDORS or fold(value) in listed_organisations():
        return True
    if finding.entity_type == "LOCATION" and (low in _DEMONYMS or low in _CHEESES):
        return True
    if finding.entity_type == "PERSON" and low in _DEMONYMS:
        return True  # "Thai basil", "Georgian townhouse": a people's word, alone
    if fold(value).startswith(_HOLIDAYS) or _PRODUCT_AFTER.match(text, finding.end):
        return True
    if _TEAM_AFTER.match(text, finding.end) or _PRODUCT_BEFORE.search(
        text, max(0, finding.start - 12), finding.start
    ):
        return True
    if _FEAST_AFTER.match(text, finding.end) and fold(value) in _FEASTS:
        return True  # "Курбан айт", "Ораза айт": the feast, not a man named Курбан
    words = [w.lower() for part in _CAMEL.split(value) for w in _WORD.findall(part)]
    if not words:
        return False
    if finding.entity_type == "PERSON" and words[0] in _VENDORS and value[:1].isupper():
        return True  # "Nike Air Max", "Siri": a brand's product, not a person
    if finding.entity_type == "PERSON" and title_before(text, finding.start):
        return False  # "Dr. Page", "Mr. May": after a title the word is a surname
    if all(w in _LABEL_WORDS for w in words):
        return True
    if all(w in _CALENDAR for w in words):
        if any(w not in _NAME_MONTHS for w in words):
            return True
        near = text[max(0, finding.start - 4) : finding.end + 4]
        return _NEAR_DATE.search(near) is not None
    before = text[finding.start - 1] if finding.start > 0 else ""
    after = text[finding.end] if finding.end < len(text) else ""
    if before == "_" or after == "_":
        return True
    return value.isupper() and _CODE_AFTER.match(text, finding.end) is not None
