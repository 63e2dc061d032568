"""US social security numbers without dashes: only after a cue or in an SSN column."""

from __future__ import annotations

import functools

import pytest

from qorgan.detection.config import DetectionConfig
from qorgan.detection.engine import Detector
from qorgan.detection.recognizers.ssn import issuable


@functools.cache
def detector() -> Detector:
    return Detector(DetectionConfig(), ner_backends=[])


def ssns(text: str) -> list[str]:
    return [text[f.start : f.end] for f in detector().analyze(text) if f.entity_type == "US_SSN"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("SSN 234567890", "234567890"),
        ("ssn: 234 56 7890", "234 56 7890"),
        ("Social Security Number: 234.56.7890", "234.56.7890"),
        ("my social security number is 234567890.", "234567890"),
        ("SSN# 234567890", "234567890"),
        ("soc. sec. no. 234567890", "234567890"),
        ('{"ssn": "234567890"}', "234567890"),
        ("applicant_ssn=234567890", "234567890"),
        ("name,ssn\nAnn Lee,234567890", "234567890"),
        ("SSN 234-56-7890", "234-56-7890"),  # the dashed form, as before
        ("SSN 234–56–7890", "234–56–7890"),  # an en dash
        ("ssn: 234/56/7890", "234/56/7890"),
        ("234567890 (SSN)", "234567890"),
        # after a cue, the sample-card numbers are what the writer says they are
        ("SSN 123456789", "123456789"),
        ("The SSN is 123-45-6789.", "123-45-6789"),
        ("SSN: 078-05-1120", "078-05-1120"),
        ("My social is 536 90 4399", "536 90 4399"),
        ("her social security number is 219-09-9999", "219-09-9999"),
        ("SSN/TIN 536904399", "536904399"),
        ("SS number 536904399", "536904399"),
        ("ssn_last=536904399", "536904399"),
        ("номер социального страхования 536904399", "536904399"),
        # a few words between the cue and the number, in the cue's sentence
        ("SSN (no dashes): 386102954", "386102954"),
        ("my social security card says 509 62 1847, ok?", "509 62 1847"),
        ("Please update my SSN to 386102954.", "386102954"),
        ("TIN: 386 10 2954", "386 10 2954"),
        ("taxpayer id 386102954", "386102954"),
        ("SSN 386 - 10 - 2954", "386 - 10 - 2954"),
        ("S.S.N. 386102954", "386102954"),
        ("Here is my social 386102954", "386102954"),
        ("386102954 is my social security number", "386102954"),
        ("is 386 10 2954 your SSN?", "386 10 2954"),
        # an ID or an account in a US record is an SSN as often as not
        ("Tax ID: 386-10-2954", "386-10-2954"),
        # "soc" and "social" as chat and JSON write them, a key's "=", the next line
        ("my soc is 561902274, I work nights", "561902274"),
        ('{"user": {"social":"028593317"}}', "028593317"),
        ("kyc.verify tin=219554087 result=MISMATCH", "219554087"),
        ("Insured: Gloria Whitaker\nSocial security no.\n436 27 8851\nVehicle: Honda",
         "436 27 8851"),
        # said or typed one digit at a time, in a voice transcript or IVR log
        ("my social is five one two, three four, eight eight one nine and the name",
         "five one two, three four, eight eight one nine"),
        ("Can I get your social? Caller: it's, uh, three one seven, six two, zero four five five.",
         "three one seven, six two, zero four five five"),
        ("ok so my SSN is 4 1 9 - 2 2 - 3 8 0 6 lol", "4 1 9 - 2 2 - 3 8 0 6"),
    ],
)
def test_ssn_found(text: str, value: str) -> None:
    assert ssns(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "order 234567890",  # no cue
        "account number 234567890",
        "SSN 000567890",  # area 000
        "SSN 666567890",  # area 666
        "SSN 934567890",  # area 9xx
        "SSN 234007890",  # group 00
        "SSN 234560000",  # serial 0000
        "123-45-6789",  # a sample-card number with no cue
        "social media post 234567890 views",
        "SSN 2345678901",  # ten digits
        "SSN 23456789",  # eight digits
        "name,order\nAnn Lee,234567890",
        "pages 234–56 of volume 7890",
        "234567890 (order)",
        "ss 536904399 shipped",
        "social media 536904399",
        # the cue's sentence ended; "social" alone is no cue before other words
        "SSN is required. Order 386 10 2954 shipped.",
        "Social media post count 386 10 2954",
        "The meeting with Tina is at 386 10 2954",
        # a label says what the dashed number is
        "Part No. 550-21-4083 (replacement gasket)",
        "Ticket number 402-88-1937 has been escalated",
        "Error code 500-12-3344 indicates a timeout",
        # a dashed number inside an identifier, an ITIN
        "Claim #CLM-448-21-9906 denied: service not covered.",
        "rental agreements RA-558-21-7712 and RA-558-21-7713.",
        "ITIN 912-78-4431 was issued in March.",
        # ten digits said after "social": the tail of a longer run is none
        "social club line: nine one one two three four five six seven eight",
        "social security office hours: one to five, Monday to Friday",
    ],
)
def test_not_an_ssn(text: str) -> None:
    assert ssns(text) == []


def test_issuable() -> None:
    assert issuable("234567890")
    assert not issuable("666123456")
    assert not issuable("123456789")
    assert issuable("123456789", cued=True)
    assert not issuable("666123456", cued=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # spaced or dotted 3-2-4 groups with an SSN cue in the lines before or later on the
        # line; the cue need not be next to the number
        ("AGENT: And your social?\nCALLER: Sure, it's 521 44 0986.", ["521 44 0986"]),
        ("My social is 219 38 4456 and my husband's is 374 02 8891.",
         ["219 38 4456", "374 02 8891"]),
        ("is 431 80 2297 the right social for Mr. Ames?", ["431 80 2297"]),
        ("Applicant: Roy Esposito   S/S #: 354.21.8870", ["354.21.8870"]),
        ("Borrower Social Security Number (9 digits, no dashes): 471930265", ["471930265"]),
        # "social sec", Russian "социальный номер", Kazakh "әлеуметтік сақтандыру нөмірі"
        ("my social sec #: 512 34 8819", ["512 34 8819"]),
        ("мой социальный номер 512348819, проверь", ["512348819"]),
        ("Менің әлеуметтік сақтандыру нөмірім 512348819", ["512348819"]),
        # no cue near, or a label that says what the number is
        ("Call 521 44 0986 to reach the front desk.", []),
        ("SSN on file. Unrelated: tracking 521 44 0986", []),
        ("The social media campaign reached 521 440 986 people.", []),
    ],
)
def test_grouped_numbers_near_a_cue(text: str, expected: list[str]) -> None:
    assert ssns(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Replace bearing part no. 100-45-2210 with 100-45-2211 at the next service.",
        "Pallet part numbers: part no. 100-45-2210 through 100-45-2290.",
        "id,sku,qty\n1,448-21-9906,4\n2,448-21-9907,1",
        "order_id;qty\n517-30-2281;2",
    ],
)
def test_dashed_numbers_a_label_or_a_column_says_are_other(text: str) -> None:
    assert ssns(text) == []


def test_a_dashed_ssn_beside_another_column_is_still_one() -> None:
    assert ssns("name,ssn,sku\nAnn Lee,412-55-0987,448-21-9906") == ["412-55-0987"]
    assert ssns("My SSN is 412-55-0987 and hers is 412-55-0988") == [
        "412-55-0987", "412-55-0988"
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # a cue typed in a hurry, the card, "social's", someone's social at a distance
        ("my socail securty numbr is 053 71 6624 can you tell me the state", "053 71 6624"),
        ("the number on my ss card is 496 18 0773 but the software differs", "496 18 0773"),
        ("ok my social's 240.17.9366 do i need it on the jury form", "240.17.9366"),
        ("she wants me to keep her social in case of emergencies: 603 72 1189.",
         "603 72 1189"),
        # nine bare digits with the cue after them on their line
        ("the portal won't take dashes, so I typed 407193386 into the social security field",
         "407193386"),
    ],
)
def test_ssns_the_cue_names_in_other_words(text: str, value: str) -> None:
    assert ssns(text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "My FedEx tracking number is 771234509812 and the order # is 384-22-7719.",
        "tickets 192-44-0871 through 192-44-0890 are reserved for the VIP table",
        "My claim # is 299-37-4410 and the adjuster's extension is 4418.",
        "my social media post count is 512 44 0986 lol",
        "routing 322271627 for my social security deposit",
        "order 512440986 shipped, social media team notified",
        "sent 401882210 to the account, then checked my social media",
    ],
)
def test_numbers_that_are_no_ssn_beside_those_words(text: str) -> None:
    assert ssns(text) == []
