from __future__ import annotations

import qorgan.policy as policy


def test_all_names_resolve_and_cover_public_names() -> None:
    assert all(hasattr(policy, name) for name in policy.__all__)
    public = {n for n in dir(policy) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(policy.__all__)
