"""The detector: pattern recognizers on normalized text plus NER backends, cached.

Built once at start and injected; synchronous (call it off the event loop). For each text
not in the cache:

1. normalize (``normalize.py``) and run every pattern recognizer whose trigger occurs;
   context words raise scores; offsets are mapped back to the original text;
2. run the NER backends the language router picks, batched over all texts;
3. drop findings below the threshold, allowed strings, and entities not asked for;
4. resolve overlaps so one span carries one, best entity.

Any failure raises :class:`~qorgan.errors.DetectionError`: a caller must fail closed.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable, Sequence

from qorgan.detection.base import NER_ENTITIES, NerBackend
from qorgan.detection.cache import DetectionCache
from qorgan.detection.config import DetectionConfig
from qorgan.detection.context import boosted
from qorgan.detection.normalize import normalize
from qorgan.detection.recognizers.mentions import repeated_mentions
from qorgan.detection.recognizers.precision import refine
from qorgan.detection.recognizers.street_towns import towns_after_streets
from qorgan.detection.registry import PATTERN_ENTITIES, Rule, build_rules
from qorgan.errors import ConfigError, DetectionError
from qorgan.types import Finding

__all__ = ["Detector", "NerBackend", "default_router", "resolve_overlaps"]

#: bumped when recognizer behaviour changes, so cached results of older code are not reused
ENGINE_VERSION = "4"

# A name or place has a capital letter and no @ or run of digits; small NER models
# sometimes tag "config" or an e-mail address all the same.
_NOT_A_NAME = re.compile(r"@|\d{2}")


def default_router(text: str) -> frozenset[str]:
    return frozenset({"en"})


class Detector:
    """Finds personal data in texts; see the module docstring for the steps."""

    def __init__(
        self,
        config: DetectionConfig | None = None,
        *,
        ner_backends: Sequence[NerBackend] | None = None,
        language_router: Callable[[str], frozenset[str]] | None = None,
        cache_size: int = 4096,
    ) -> None:
        """``language_router`` must depend on the text alone: results are cached by text.

        ``ner_backends=None`` means the English spaCy backend (when the configuration asks
        for an entity it reports); pass a list to choose, ``[]`` for patterns only.
        """
        self.config = config if config is not None else DetectionConfig()
        self._wanted = frozenset(self.config.entities) | {c.entity for c in self.config.custom}
        try:
            self._rules: list[Rule] = build_rules(self.config)
        except (ValueError, TypeError) as exc:
            raise ConfigError("a detection recognizer could not be built") from exc
        if ner_backends is None:
            ner_backends = self._default_backends()
        self._backends = [b for b in ner_backends if b.entities & self._wanted]
        self._router = language_router if language_router is not None else default_router
        self._allow = frozenset(a.casefold() for a in self.config.allow)
        # NER entities without a backend for them are legal (a policy may name PERSON for a
        # language whose backend is not installed); a name nobody knows is a typo.
        known = PATTERN_ENTITIES | NER_ENTITIES | {c.entity for c in self.config.custom}
        covered = known.union(*(b.entities for b in ner_backends))
        unknown = sorted(set(self.config.entities) - covered)
        if unknown:
            raise ConfigError(f"no recognizer for entities {unknown}; supported: {sorted(covered)}")
        self._cache = DetectionCache(cache_size)
        parts = [ENGINE_VERSION, self.config.fingerprint, *sorted(b.name for b in self._backends)]
        self._fingerprint = hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    def _default_backends(self) -> list[NerBackend]:
        from qorgan.detection.nlp import EnglishNerBackend

        if not EnglishNerBackend.entities & self._wanted or "en" not in self.config.languages:
            return []
        return [EnglishNerBackend()]

    @property
    def fingerprint(self) -> str:
        """Configuration, engine version and backend set: what the cache key depends on."""
        return self._fingerprint

    @property
    def cache(self) -> DetectionCache:
        return self._cache

    def analyze(self, text: str) -> list[Finding]:
        return self.analyze_batch([text])[0]

    def cached(self, texts: Sequence[str]) -> list[list[Finding]] | None:
        """The findings of ``texts`` if every one of them is in the cache, else None; cheap
        enough for the event loop (a hash per text), so a repeat skips the worker queue."""
        out: list[list[Finding]] = []
        for text in texts:
            found = self._cache.get(DetectionCache.key(self._fingerprint, text), count=False)
            if found is None:
                return None
            out.append(list(found))
        self._cache.count_hits(len(texts))
        return out

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        results: list[tuple[Finding, ...] | None] = []
        keys = [DetectionCache.key(self._fingerprint, t) for t in texts]
        todo: dict[bytes, list[int]] = {}
        for i, key in enumerate(keys):
            cached = self._cache.get(key)
            results.append(cached)
            if cached is None:
                todo.setdefault(key[1], []).append(i)
        if todo:
            firsts = [indexes[0] for indexes in todo.values()]
            try:
                fresh = self._detect([texts[i] for i in firsts])
            except DetectionError:
                raise
            except Exception as exc:
                # whatever broke, the caller must fail closed rather than pass text unchecked
                raise DetectionError("detection failed") from exc
            for indexes, found in zip(todo.values(), fresh, strict=True):
                self._cache.put(keys[indexes[0]], found)
                for i in indexes:
                    results[i] = found
        return [list(r) if r is not None else [] for r in results]

    def _detect(self, texts: list[str]) -> list[tuple[Finding, ...]]:
        candidates = [self._patterns(text) for text in texts]
        configured = frozenset(self.config.languages)
        routed = [self._route(text) & configured for text in texts] if self._backends else []
        for backend in self._backends:
            chosen = [i for i, langs in enumerate(routed) if langs & backend.languages]
            if not chosen:
                continue
            try:
                found = backend.analyze_batch([texts[i] for i in chosen])
            except Exception as exc:
                raise DetectionError(f"NER backend {backend.name} failed") from exc
            if len(found) != len(chosen):
                raise DetectionError(f"NER backend {backend.name} returned a wrong batch size")
            # a backend that vouches for lower-case names (a cue, a name list) says so
            cased = getattr(backend, "finds_lower_case", False)
            for i, per_text in zip(chosen, found, strict=True):
                candidates[i].extend(f for f in per_text if _plausible(texts[i], f, cased))
        return [self._finish(text, found) for text, found in zip(texts, candidates, strict=True)]

    def _route(self, text: str) -> frozenset[str]:
        try:
            return frozenset(self._router(text))
        except Exception as exc:
            raise DetectionError("language routing failed") from exc

    def _patterns(self, text: str) -> list[Finding]:
        norm = normalize(text)
        work = norm.text
        found: list[Finding] = []
        for rule in self._rules:
            if rule.trigger is not None and rule.trigger.search(work) is None:
                continue
            try:
                raw = rule.run(work)
            except Exception as exc:
                raise DetectionError(f"recognizer {rule.name} failed") from exc
            for result in raw:
                score = float(result.score)
                if (
                    score < 1.0
                    and rule.context
                    and rule.context.present(work, result.start, result.end)
                ):
                    score = boosted(score)
                start, end = norm.span(result.start, result.end)
                found.append(Finding(result.entity_type, start, end, score, rule.name))
        return found

    def _finish(self, text: str, found: list[Finding]) -> tuple[Finding, ...]:
        kept = self._kept(text, refine(text, found))
        if "PERSON" in self._wanted:
            kept += repeated_mentions(text, resolve_overlaps(kept))
        if "LOCATION" in self._wanted:
            kept += self._kept(text, towns_after_streets(text, resolve_overlaps(kept)))
        for container in ("EMAIL_ADDRESS", "STREET_ADDRESS"):
            kept = _without_names_inside(kept, container)
        return tuple(resolve_overlaps(kept))

    def _kept(self, text: str, findings: Sequence[Finding]) -> list[Finding]:
        """``findings`` of the types asked for, at the threshold and not allowed."""
        return [
            f
            for f in findings
            if f.entity_type in self._wanted
            and f.score >= self.config.threshold
            and text[f.start : f.end].casefold() not in self._allow
        ]


def _without_names_inside(findings: list[Finding], container: str) -> list[Finding]:
    """A model's name or place inside an e-mail or a street address ("assel" of "assel.k at
    mail dot kz", "Davis" of "444 Davis Prairie") is part of it: the ``container`` finding
    is kept whole, whatever the model's score (the same span is left to the scores)."""
    outer = [f for f in findings if f.entity_type == container]
    if not outer:
        return findings
    return [
        f for f in findings
        if f.entity_type not in NER_ENTITIES
        or not any(o.start <= f.start and f.end <= o.end and (o.start, o.end) != (f.start, f.end)
                   for o in outer)
    ]


def _plausible(text: str, finding: Finding, lower_case: bool = False) -> bool:
    if finding.entity_type not in NER_ENTITIES:
        return True
    value = text[finding.start : finding.end]
    if lower_case and any(ch.isalpha() for ch in value):
        value = value.title()
    # a name has a capital letter of any script ("Şebnem Öztürk", "Ágnes"); Han and other
    # scripts without letter case count as capitals
    has_capital = any(ch.isupper() or (ch.isalpha() and ch.lower() == ch.upper())
                      for ch in value)
    return has_capital and _NOT_A_NAME.search(value) is None


def resolve_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """Keep, for every overlapping group, the best finding: highest score, then longest."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    # The chosen spans never overlap, so kept in order of (start, end) their ends rise too:
    # the only one that can overlap a candidate is the last that starts before it ends.
    bounds: list[tuple[int, int]] = []
    chosen: list[Finding] = []
    for finding in ranked:
        before = bisect.bisect_left(bounds, (finding.end, -1))
        if before and bounds[before - 1][1] > finding.start:
            continue
        bisect.insort(bounds, (finding.start, finding.end))
        chosen.append(finding)
    chosen.sort(key=lambda f: (f.start, f.end))
    return chosen
