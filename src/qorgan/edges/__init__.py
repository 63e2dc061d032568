"""The HTTP edges: each translates one kind of HTTP traffic to and from the Guard
(``qorgan.pipeline``), and does nothing else.

    proxy.py             the sidecar (``qorgan serve``): a pure-ASGI reverse proxy
    middleware.py        ``GuardMiddleware``: pure ASGI around a Starlette/FastAPI app
    transport.py         ``GuardTransport``: an httpx transport for SDK clients
    transport_httpx2.py  ``Httpx2GuardTransport``: the same for httpx2 (needs ``httpx2``)
    asgi.py, bodies.py   ASGI helpers; request bodies read under the size limit
    upstream.py          the pooled upstream client and reading its bodies

The public names are re-exported by the package face (``qorgan.GuardMiddleware``, ...) and
by ``qorgan.middleware``, ``qorgan.transport`` and ``qorgan.transport_httpx2``.
"""
