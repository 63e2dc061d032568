"""qorgan's own HTTP API, built with FastAPI and described by OpenAPI 3.1.

    app.py       build_api_app(runtime): every route below, one document at /qorgan/openapi.json
    body.py      bodies read under a size limit, validated by pydantic, errors in qorgan's envelope
    detect.py    detection off the event loop, per-language detectors for the Presidio API
    presidio.py  Presidio's analyzer and anonymizer REST contract under /presidio
    anonymizer.py  the anonymizer's operators (replace, redact, mask, hash, encrypt, keep)
    scan.py      POST /qorgan/scan, and the policies and policy tests the playground reads
    ui.py        the policy playground page at /qorgan/ui
    credentials.py  how callers present credentials, the admin role check
    consent.py   the consent admin API (/qorgan/consents), also served alone by
                 ``qorgan consent serve``
"""
