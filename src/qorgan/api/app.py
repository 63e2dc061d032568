"""The HTTP API as one FastAPI application, mounted by the proxy beside its own routes.

    /qorgan/openapi.json     the OpenAPI 3.1 document of everything below that is served
    /qorgan/consents/...     consent administration (with a consent registry; admin role)
    /qorgan/scan             findings and decisions
    /presidio/...            Presidio's analyzer and anonymizer contract (--presidio-api)
    /qorgan/ui, /qorgan/policies, /qorgan/policy-tests   the policy playground (--ui)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from qorgan.api import access
from qorgan.api.body import BODY_MODELS, ERROR_SCHEMA, install_error_handlers
from qorgan.api.consent import consent_router
from qorgan.api.detect import DetectorPool
from qorgan.api.presidio import presidio_router
from qorgan.api.scan import Policies, playground_router, scan_router
from qorgan.api.ui import ui_router
from qorgan.consent.validate import Vocabulary
from qorgan.pipeline import Runtime
from qorgan.types import Principal, Receive, Scope, Send

OPENAPI_PATH = "/qorgan/openapi.json"
CONSENT_PREFIX = "/qorgan/consents"
PRESIDIO_PREFIX = "/presidio"
VERSION = "0.1.0"


class ApiApp:
    """The FastAPI application and which paths it answers (``handles``)."""

    def __init__(self, runtime: Runtime, *, presidio: bool = False, ui: bool = False) -> None:
        self.presidio = presidio
        self.ui = ui
        app = FastAPI(title="qorgan", version=VERSION, openapi_url=OPENAPI_PATH,
                      docs_url=None, redoc_url=None, redirect_slashes=False,
                      description="qorgan's HTTP API: consent administration, scanning and "
                                  "decisions, Presidio's REST contract and the policy "
                                  "playground. Errors: docs/errors.md.")
        pool = DetectorPool()
        policies = Policies(runtime)
        if runtime.consent is not None:

            async def authenticate(headers: Mapping[str, str]) -> Principal | None:
                return await access.authenticate(runtime, headers)

            def vocabulary() -> Vocabulary:
                return Vocabulary.of(runtime.policy().loaded.policy)

            app.include_router(consent_router(runtime.consent, runtime.hasher, authenticate,
                                              vocabulary=vocabulary),
                               prefix=CONSENT_PREFIX)
        app.include_router(scan_router(runtime, pool, policies), prefix="/qorgan")
        if presidio:
            app.include_router(presidio_router(runtime, pool), prefix=PRESIDIO_PREFIX)
        if ui:
            app.include_router(playground_router(runtime, policies), prefix="/qorgan")
            app.include_router(ui_router(), prefix="/qorgan")
        install_error_handlers(app, what="endpoint")
        app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
        self.app = app

    @property
    def paths(self) -> frozenset[str]:
        """Every path an operation of the API answers at (its route templates)."""
        return frozenset(getattr(route, "path", "") for route in self.app.routes) - {""}

    def handles(self, path: str) -> bool:
        if path == "/qorgan" or path.startswith("/qorgan/"):
            return True
        return self.presidio and (path == PRESIDIO_PREFIX
                                  or path.startswith(PRESIDIO_PREFIX + "/"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == CONSENT_PREFIX:
            # the consent API has always answered at its prefix without the slash
            scope = {**scope, "path": CONSENT_PREFIX + "/"}
        await self.app(scope, receive, send)


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, openapi_version="3.1.0",
                      description=app.description, routes=app.routes)
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, model in BODY_MODELS.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for sub, definition in schema.pop("$defs", {}).items():
            components.setdefault(sub, definition)
        components[name] = schema
    components["Error"] = ERROR_SCHEMA
    app.openapi_schema = doc
    return doc


def build_api_app(runtime: Runtime) -> ApiApp:
    """The API as ``runtime``'s settings ask for it (``--presidio-api``, ``--ui``)."""
    settings = runtime.settings
    return ApiApp(runtime, presidio=settings.presidio_api, ui=settings.ui)
