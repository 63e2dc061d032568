"""The package version, in a module of its own so any layer can read it without importing
the package face (``qorgan/__init__.py``)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("qorgan")
except metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
