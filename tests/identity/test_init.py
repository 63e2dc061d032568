"""The package exports every public name of its modules, and nothing that is not there."""

from __future__ import annotations

import importlib
import inspect

import pytest

import qorgan.identity as identity

MODULES = ["qorgan.identity.apikeys", "qorgan.identity.base", "qorgan.identity.jwt_auth"]


@pytest.mark.parametrize("name", identity.__all__)
def test_every_exported_name_exists(name: str) -> None:
    assert getattr(identity, name) is not None


@pytest.mark.parametrize("module_name", MODULES)
def test_public_classes_and_functions_are_exported(module_name: str) -> None:
    module = importlib.import_module(module_name)
    own = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and value.__module__ == module_name
    }
    internal = {"bearer_token", "looks_like_jwt"}  # helpers shared by the authenticators
    assert own - internal <= set(identity.__all__)
