"""The public API: ``__all__`` is complete and every name resolves."""

from __future__ import annotations

import subprocess
import sys

import pytest

import qorgan


@pytest.mark.parametrize("name", qorgan.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(qorgan, name) is not None


def test_all_lists_every_public_name() -> None:
    public = {n for n in dir(qorgan) if not n.startswith("_")} | set(qorgan._LAZY)
    modules = {"annotations", "importlib", "TYPE_CHECKING", "Any"}
    submodules = {n for n in public if isinstance(getattr(qorgan, n, None), type(sys))}
    assert sorted(public - modules - submodules) == sorted(set(qorgan.__all__) - {"__version__"})


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        qorgan.nope  # noqa: B018


def test_import_is_cheap() -> None:
    # importing the package must not load Presidio or spaCy
    code = "import sys, qorgan; print('presidio_analyzer' in sys.modules, 'spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
