"""Russian named entities from the slovnet NER model shipped inside the natasha wheel.

The model and its navec embeddings are plain files in the installed ``natasha`` package.
They are located without importing ``natasha`` (its ``__init__`` imports pymorphy2, which
does not run on current Python) and loaded once per process, on first use. Nothing is
downloaded: a missing file is a :class:`~qorgan.errors.DetectionError`, so detection
fails closed instead of silently finding nothing.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from presidio_analyzer import EntityRecognizer, RecognizerResult

from qorgan.detection.gate import gate_words, name_sentences, readable_case
from qorgan.detection.language import detect_languages
from qorgan.detection.recognizers.cues import TITLE_WORDS, title_before
from qorgan.detection.recognizers.kk import lone_place, settlement_word_before
from qorgan.detection.recognizers.latin_words import split_at_breaks
from qorgan.detection.recognizers.lexicon import fold, natasha_data_dir
from qorgan.detection.recognizers.names import NameLexicon, tokenize
from qorgan.detection.recognizers.spans import clean_span
from qorgan.errors import DetectionError
from qorgan.types import Finding

__all__ = [
    "NAVEC_FILE",
    "NER_MODEL_FILE",
    "RussianNer",
    "RussianNerRecognizer",
    "load_slovnet_ner",
]

NER_MODEL_FILE = "model/slovnet_ner_news_v1.tar"
NAVEC_FILE = "emb/navec_news_v1_1B_250K_300d_100q.tar"

_TYPES = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"}
ENTITIES = frozenset(_TYPES.values())

_load_lock = threading.Lock()


def load_slovnet_ner() -> Any:
    """Load the slovnet NER model with its navec embeddings, once per process."""
    # The lock makes concurrent first requests wait for one load instead of each loading.
    with _load_lock:
        return _load_slovnet_ner()


@lru_cache(maxsize=1)
def _load_slovnet_ner() -> Any:
    data = natasha_data_dir()
    model_path, navec_path = data / NER_MODEL_FILE, data / NAVEC_FILE
    for path in (model_path, navec_path):
        if not path.is_file():
            raise DetectionError(f"Russian NER file missing: {path.name}")
    try:
        from navec import Navec
        from slovnet import NER

        ner = NER.load(str(model_path))
        ner.navec(Navec.load(str(navec_path)))
        crf = ner.infer.model.head.crf
        crf.decode = functools.partial(viterbi, np.asarray(crf.transitions.array))
    except (OSError, ValueError, KeyError, ImportError, AttributeError) as exc:
        raise DetectionError("Russian NER model could not be loaded") from exc
    _one_blas_thread()
    return ner


def _one_blas_thread() -> None:
    """The model's products run on numpy's BLAS, which starts a thread per core for each
    one; detection already runs in several worker threads, and the BLAS threads waiting
    on the same cores took 2.5 times the CPU of one thread for the same batch."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def viterbi(transitions: Any, emissions: Any, mask: Any) -> list[Any]:
    """The CRF's best tag path for each sequence of a batch.

    Replaces slovnet's decoder, which steps through the whole padded batch with eight array
    operations a token; this walks each sequence's own length with three, and gives the
    same paths (the emission of the next tag does not change which previous tag is best).
    """
    tags = transitions.shape[0]
    columns = np.arange(tags)
    paths: list[Any] = []
    for row, valid in zip(emissions, mask, strict=True):
        length = int(valid.sum())
        score = row[0]
        back: list[Any] = []
        for t in range(1, length):
            candidates = score[:, None] + transitions
            best_from = candidates.argmax(0)
            back.append(best_from)
            score = candidates[best_from, columns] + row[t]
        best = int(score.argmax())
        path = [best]
        for best_from in reversed(back):
            best = int(best_from[best])
            path.append(best)
        path.reverse()
        paths.append(np.array(path))
    return paths


class RussianNer:
    """NER backend for Russian text (PERSON, LOCATION, ORGANIZATION).

    Safe to share between threads once loaded; :meth:`load` may be called at start-up so
    the first request does not pay for it.
    """

    name = "slovnet-ru"
    languages: frozenset[str] = frozenset({"ru"})
    entities: frozenset[str] = ENTITIES

    def __init__(self, *, score: float = 0.85, entities: Sequence[str] | None = None) -> None:
        if not 0.0 < score <= 1.0:
            raise ValueError("score must be in (0, 1]")
        if entities is not None:
            unknown = set(entities) - ENTITIES
            if unknown:
                raise ValueError(
                    f"unsupported entities {sorted(unknown)}; supported: {sorted(ENTITIES)}"
                )
            self.entities = frozenset(entities)
        self.score = score
        self._lexicon = NameLexicon()

    def load(self) -> None:
        load_slovnet_ner()

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        results: list[list[Finding]] = [[] for _ in texts]
        # only the sentences that can hold a name go to the model (detection/gate.py): much
        # of a chat prompt is instructions, and the model is most of the cost. One sequence
        # a sentence: a name never runs across a sentence end, and a long text is read the
        # way its sentences are read alone.
        pieces: list[tuple[int, int, bool]] = []  # (text index, offset, read in title case)
        segments: list[str] = []
        common, labels = gate_words()
        for i, text in enumerate(texts):
            if not _has_letters(text):
                continue
            for start, end in name_sentences(text, common, labels):
                # each sentence in its own language: a Kazakh or English sentence inside a
                # long Russian text is not the model's to read, just as it would not be alone
                if "ru" not in detect_languages(text[start:end]):
                    continue
                segment = readable_case(text[start:end])
                pieces.append((i, start, segment != text[start:end]))
                segments.append(segment)
        if not segments:
            return results
        ner = load_slovnet_ner()
        # Each distinct sentence once, in order of length: slovnet pads every chunk of a
        # batch to its longest sentence (with zero vectors, which change nothing but cost
        # time), so sentences of like length share a chunk.
        distinct = list(dict.fromkeys(segments))
        order = sorted(range(len(distinct)), key=lambda k: len(distinct[k]))
        try:
            read = list(ner.map([distinct[k] for k in order]))
        except (ValueError, IndexError, KeyError) as exc:
            raise DetectionError("Russian NER failed") from exc
        by_sentence = {distinct[k]: markup for k, markup in zip(order, read, strict=True)}
        markups = [by_sentence[segment] for segment in segments]
        for (index, offset, cased), markup in zip(pieces, markups, strict=True):
            spans = [(span.type, offset + span.start, offset + span.stop)
                     for span in markup.spans if span.start >= 0]
            found = self._findings(texts[index], spans)
            if cased:
                # read in title case, every word looks like a name to the model: a person
                # needs a listed given name, a patronymic or a surname's shape
                found = [f for f in found
                         if f.entity_type != "PERSON" or self._vouched(texts[index], f)]
            results[index].extend(found)
        return results

    def _shouted_name(self, value: str) -> bool:
        """Two or three words in capitals, each a listed given name or of a surname's or
        patronymic's shape ("ТУРСУНОВА ДИЛНОЗА", "ИСКАКОВ ДАНИЯР МУРАТОВИЧ")."""
        words = value.split()
        return 2 <= len(words) <= 3 and value.isupper() and all(
            self._lexicon.given_in_any_case(fold(w)) or _NAME_SHAPE.search(fold(w)) is not None
            for w in words
        )

    def _vouched(self, text: str, finding: Finding) -> bool:
        return any(
            self._lexicon.given_in_any_case(t.folded)
            or _NAME_SHAPE.search(t.folded) is not None
            for t in tokenize(text[finding.start : finding.end])
        )

    def _findings(self, text: str, spans: Sequence[tuple[str, int, int]]) -> list[Finding]:
        findings: list[Finding] = []
        for label, start, stop in spans:
            entity = _TYPES.get(label)
            entrepreneur = (
                _ENTREPRENEUR.match(text, start, stop) if entity == "ORGANIZATION" else None
            )
            if entrepreneur is not None and entrepreneur.end() < stop:
                # "ИП Ахметов Б.Б.": an individual entrepreneur's business is the person
                entity, start = "PERSON", entrepreneur.end()
            titled = _opening_title(text, start, stop) if entity == "ORGANIZATION" else None
            if titled is not None:
                entity, start = "PERSON", titled  # the model's "Mr Johnson" is a person
            elif entity == "ORGANIZATION" and (
                title_before(text, start) or self._shouted_name(text[start:stop])
            ):
                # "для г-на Johnson", "ТУРСУНОВА ДИЛНОЗА —": a titled or a shouted full name
                entity = "PERSON"
            if entity is None or entity not in self.entities:
                continue
            cleaned = clean_span(text, entity, start, stop, self._lexicon)
            if cleaned is None:
                continue
            if entity == "PERSON" and (
                lone_place(text, *cleaned, self._lexicon)
                or _after_settlement_word(text, cleaned[0])
            ):
                # a town no one is named after ("..., Кульсары"), or one a settlement word
                # names ("ст. Бабушкин", "с. Петровка")
                entity = "LOCATION"
            # the model reads a few sentences at once; a name never runs across their ends
            for piece in split_at_breaks(text, *cleaned):
                findings.append(Finding(entity, *piece, self.score, self.name))
        return findings


# a surname's or patronymic's ending ("Волков", "Петрович", "Сейітқызы")
_NAME_SHAPE = re.compile(r"(?:ов|ев|ин|ова|ева|ина|ский|ская|ович|евич|овна|евна|улы|кызы)$")
# an individual entrepreneur ("ИП Ахметов Б.Б.") trades under the person's own name
_ENTREPRENEUR = re.compile(r"(?:ИП|[Ии]ндивидуальный\s+предприниматель)\s+[«\"“]?")


_OPENING_WORD = re.compile(r"([^\W\d_][\w-]*)\.?\s+(?=\w)")


def _opening_title(text: str, start: int, stop: int) -> int | None:
    """Where the name starts when a span opens with a title and holds more ("Mr Johnson")."""
    match = _OPENING_WORD.match(text, start, stop)
    if match is None or match.group(1).lower() not in TITLE_WORDS:
        return None
    return match.end()


def _after_settlement_word(text: str, start: int) -> bool:
    """Whether a settlement word or abbreviation stands right before ``start``."""
    window = text[max(0, start - 12) : start]
    tokens = tokenize(window)
    if not tokens:
        return False
    last = tokens[-1]
    return not window[last.end :].strip(" \t.") and settlement_word_before(window, last)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


class RussianNerRecognizer(EntityRecognizer):
    """Presidio recognizer over :class:`RussianNer`, for hand-assembled Presidio engines."""

    def __init__(self, backend: RussianNer | None = None, supported_language: str = "ru") -> None:
        self._backend = backend or RussianNer()
        super().__init__(
            supported_entities=sorted(self._backend.entities),
            name="RussianNerRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        # Presidio calls load() from __init__; the model stays lazy until the first text.
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: object = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else set(self.supported_entities)
        return [
            RecognizerResult(f.entity_type, f.start, f.end, f.score)
            for f in self._backend.analyze_batch([text])[0]
            if f.entity_type in wanted
        ]
