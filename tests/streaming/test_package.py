from __future__ import annotations

import inspect

import pytest

import qorgan.streaming as streaming
from qorgan.streaming import rewriter, segment, text


def test_all_names_exist() -> None:
    missing = [name for name in streaming.__all__ if not hasattr(streaming, name)]
    assert missing == []


@pytest.mark.parametrize("module", [rewriter, segment, text])
def test_public_names_of_submodules_are_exported(module: object) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", "") == getattr(module, "__name__", "")
    }
    assert public - set(streaming.__all__) <= {"error_event"}
