"""E-mail addresses: plain (ASCII or internationalised) and written to dodge a regex.

Domains are checked against the public-suffix snapshot bundled with ``tldextract`` (no
fetch), in their Unicode form, so ``айгерим@почта.рф`` is an address and ``x@y.invalid`` is
not. ``user:password@host`` inside a URL is credentials, not an address: the secret
recognizers report its password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tldextract
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from qorgan.detection.recognizers.gazetteer import gazetteer
from qorgan.detection.recognizers.scan import Hit, ScanRecognizer


def offline_tld() -> tldextract.TLDExtract:
    """The public-suffix snapshot bundled with tldextract: no fetch, no cache dir, no log."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


OFFLINE_TLD = offline_tld()


def has_public_suffix(domain: str) -> bool:
    """Whether ``domain`` ends with a public suffix: a registered name under it
    ("mail.kz"), or a suffix of two labels or more itself ("edu.kz", "gov.kz"), where
    institutions receive mail too, or a name reserved for testing ("corp.example"); never a
    bare top-level domain ("a@com")."""
    parts = OFFLINE_TLD(domain)
    if parts.fqdn != "" or (parts.suffix == domain.lower().rstrip(".") and "." in parts.suffix):
        return True
    # mail kept under a reserved name ("corp.example", "staging.test")
    labels = domain.lower().rstrip(".").split(".")
    return len(labels) >= 2 and labels[-1] in _PRIVATE_TLDS and all(labels)


#: top-level names reserved for documentation and testing (RFC 2606, RFC 6761), where
#: systems keep copies of real people's mailboxes; not the names of private hosts
#: ("db.internal" in a database URL), nor ".invalid", which says it is none
_PRIVATE_TLDS = frozenset({"example", "test"})


EMAIL_CONTEXT: tuple[str, ...] = (
    "email", "e-mail", "mail", "address", "contact", "write", "почта", "эл", "адрес",
    "пишите", "пошта", "электрондық", "мекенжай", "жазыңыз",
)  # fmt: skip

# the userinfo of a URL ends right where a match would start: "scheme://user:" or "scheme://"
_USERINFO_BEFORE = re.compile(r"://[^\s/?#@]*$")
# RFC 5322 lets a local part hold "/", "?", "=" and "&", so Presidio's pattern runs back over
# a URL ("example.com/find?email=a@b.kz"); an address pasted in text starts after them, and
# after a table's "|" or a template's braces ("Wang Fang|wangfang@163.com")
_URL_PUNCTUATION = re.compile(r".*[/?=&#|{}`^~!*$]")


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with an offline domain check and more context words.

    Presidio's pattern uses Unicode word characters, so internationalised addresses match
    too; the normalizer leaves their Cyrillic letters alone (``normalize.py``).
    """

    CONTEXT = list(EMAIL_CONTEXT)  # noqa: RUF012 - Presidio's own class attribute shape

    # Presidio's e-mail regex is the slowest of the set; addresses never contain spaces, so
    # it only needs to run on the space-free runs around each "@".
    CANDIDATE = re.compile(r"[^\s@]*@[^\s@]+")

    def __init__(self) -> None:
        super().__init__(context=list(self.CONTEXT))

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        for candidate in self.CANDIDATE.finditer(text):
            found = super().analyze(candidate.group(), entities, nlp_artifacts, regex_flags)
            for result in found:
                result.start += candidate.start()
                result.end += candidate.start()
                at = text.rfind("@", result.start, result.end)
                cut = _URL_PUNCTUATION.match(text, result.start, at)
                if cut is not None:
                    result.start = cut.end()
                before = text[max(0, result.start - 200) : result.start]
                if result.start < at and _USERINFO_BEFORE.search(before) is None:
                    results.append(result)
        return results

    def validate_result(self, pattern_text: str) -> bool:
        return has_public_suffix(pattern_text.rsplit("@", 1)[-1])


# -- obfuscated addresses ---------------------------------------------------------------------

# mail services: "aigerim at gmail.com" is an address even with a real dot
_MAIL_DOMAINS = (
    r"gmail\.com|googlemail\.com|outlook\.com|hotmail\.com|live\.com|yahoo\.com|icloud\.com|"
    r"proton(?:mail)?\.(?:com|me)|mail\.ru|inbox\.ru|list\.ru|bk\.ru|yandex\.(?:ru|kz|com)|"
    r"ya\.ru|mail\.kz|rambler\.ru"
)

_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
# "(at)", "[@]", "-at-"; " @ "; "@" itself when a dot after it is written out
_BRACKET_AT = rf"\s*(?:{_OPEN}\s*(?:at|собака|@)\s*{_CLOSE}|-\s*at\s*-)\s*"
_SPACED_AT = r"\s+(?:@|собака)\s+"  # "собака" is what Russian calls "@": never prose here
_PLAIN_AT = r"@"
_BARE_AT = r"\s+at\s+"
_BRACKET_DOT = rf"\s*(?:{_OPEN}\s*(?:dot|точка|\.)\s*{_CLOSE}|-\s*dot\s*-)\s*"
_BARE_DOT = r"\s+(?:dot|точка)\s+"
_SPACED_DOT = r"\s+\.\s+"
_LOCAL = r"[^\W_](?:[\w.%+\-]{0,63}[^\W_])?"
_LABEL = r"[^\W_](?:[\w\-]{0,61}[^\W_])?"
_ANY_DOT = rf"(?:\.|{_BRACKET_DOT}|{_BARE_DOT}|{_SPACED_DOT})"
_OBFUSCATED = re.compile(
    rf"(?i)(?<![\w.%+\-])(?P<local>{_LOCAL}(?:{_BRACKET_DOT}{_LABEL}){{0,4}})"
    rf"(?:(?P<strong>{_BRACKET_AT}|{_SPACED_AT}|{_PLAIN_AT})"
    rf"(?P<domain>{_LABEL}(?:{_ANY_DOT}{_LABEL}){{1,6}})"
    rf"|(?P<weak>{_BARE_AT})(?P<bare>{_LABEL}(?:{_ANY_DOT}{_LABEL}){{0,4}}"
    rf"(?:{_BRACKET_DOT}|{_BARE_DOT}){_LABEL}(?:{_ANY_DOT}{_LABEL}){{0,4}}"
    rf"|(?:{_MAIL_DOMAINS})))"
    r"(?![\w\-]|\.[^\W_])"
)
# repetitions are bounded (a local part of five dotted words, a domain of seven labels):
# unbounded, a long run of "a (dot) a (dot) ..." is tried again from every word in it
_DOTS = re.compile(rf"(?i){_BRACKET_DOT}|{_BARE_DOT}|{_SPACED_DOT}")

#: "(at)", "[at]", "{at}", " @ ": written so on purpose, reported on their own
BRACKETED = 0.8
#: " at " with " dot ": prose has such runs ("laughed at the dot com era"), so only with
#: an e-mail context word near, unless its words are no English words or its domain is a
#: mail service's
SPELLED = 0.4


class ObfuscatedEmailRecognizer(ScanRecognizer):
    """``aigerim(at)mail.kz``, ``aigerim [at] mail [dot] kz``, ``aigerim at mail dot kz``,
    ``aigerim[@]mail[.]kz``, ``aigerim -at- mail -dot- com``, ``aigerim @ mail . kz``,
    ``aigerim@mail(dot)kz``, ``aigerim собака mail точка ru``, and a mail service's domain
    after a bare "at" (``aigerim at gmail.com``, not "looked at gmail.com")."""

    ENTITY = "EMAIL_ADDRESS"
    CONTEXT = EMAIL_CONTEXT

    def scan(self, text: str) -> Iterator[Hit]:
        for match in _OBFUSCATED.finditer(text):
            domain = match.group("domain") or match.group("bare")
            if not has_public_suffix(_DOTS.sub(".", domain)):
                continue
            if match.group("strong") == "@" and not _DOTS.search(domain):
                continue  # a plain address: the plain recognizer's
            mail_service = match.group("weak") is not None and not _DOTS.search(domain)
            if mail_service and gazetteer().is_common(match.group("local")):
                continue  # "looked at gmail.com": a word, not a mailbox
            if match.group("strong") is not None or mail_service:
                yield Hit(match.start(), match.end(), BRACKETED, "e-mail with a written-out @")
            elif _spelled_address(match.group("local"), _DOTS.sub(".", domain)):
                yield Hit(match.start(), match.end(), BRACKETED, "e-mail spelled with at and dot")
            else:
                yield Hit(match.start(), match.end(), SPELLED, "e-mail spelled with at and dot")


_MAIL_DOMAIN = re.compile(rf"(?i)(?:{_MAIL_DOMAINS})")


def _spelled_address(local: str, domain: str) -> bool:
    """Whether " at ... dot ..." spells an address on its own: a mail service's domain
    ("ivan at mail dot ru"), or a mailbox and a domain that are no English words
    ("aigerim at kaspi dot kz"; not "laughed at the dot com era")."""
    if _MAIL_DOMAIN.fullmatch(domain):
        return True
    gz = gazetteer()
    return not gz.is_common(local) and not gz.is_common(domain.split(".")[0])

