from __future__ import annotations

import qorgan.protocols as package


def test_all_is_complete_and_importable() -> None:
    names = set(package.__all__)
    assert all(hasattr(package, name) for name in names)
    public = {
        name
        for name, value in vars(package).items()
        if not name.startswith("_")
        and getattr(value, "__module__", "").startswith(package.__name__ + ".")
    }
    assert public
    assert public <= names
