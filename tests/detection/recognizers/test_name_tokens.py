"""Words with exact offsets, initials and sentence starts."""

from __future__ import annotations

from qorgan.detection.recognizers.name_tokens import starts_sentence, tokenize


def test_tokens_keep_offsets_initials_and_sentence_starts() -> None:
    text = "Иванов И. пришёл. Ерлан — тоже"
    tokens = tokenize(text)
    assert [(t.text, text[t.start : t.end]) for t in tokens][:2] == [
        ("Иванов", "Иванов"), ("И.", "И.")]
    assert tokens[1].initial
    assert not tokens[0].initial
    assert tokens[0].sentence_initial
    assert not tokens[1].sentence_initial
    erlan = next(t for t in tokens if t.text == "Ерлан")
    assert erlan.sentence_initial
    assert erlan.folded == "ерлан"


def test_a_symbol_opens_a_message() -> None:
    assert starts_sentence("👍 Айгерим", 2)
    assert not starts_sentence("и Айгерим", 2)
