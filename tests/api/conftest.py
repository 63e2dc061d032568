"""The proxy with the Presidio API and the playground on, served on loopback for the module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import traffic_fixtures as tf


@pytest.fixture(scope="session")
def api_server() -> tf.Server:
    _, server = tf.proxy("builtin:default", presidio_api=True, ui=True)
    return server


@pytest.fixture
async def presidio(api_server: tf.Server) -> AsyncIterator[httpx.AsyncClient]:
    """A client whose base URL is what a Presidio client is configured with."""
    async with httpx.AsyncClient(base_url=api_server.url + "/presidio", timeout=60) as client:
        yield client


@pytest.fixture
async def qorgan(api_server: tf.Server) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=api_server.url, timeout=60) as client:
        yield client
