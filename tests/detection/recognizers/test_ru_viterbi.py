"""qorgan's CRF decoder gives slovnet's own paths, on random batches with padding."""

from __future__ import annotations

import numpy as np
import pytest
from slovnet.exec.model import CRF, Weight

from qorgan.detection.recognizers.ru import viterbi


@pytest.mark.parametrize("seed", range(8))
def test_viterbi_matches_slovnet_decoder(seed: int) -> None:
    rng = np.random.default_rng(seed)
    tags, batch, length = 9, 5, 40
    transitions = rng.normal(size=(tags, tags)).astype(np.float32)
    emissions = rng.normal(size=(batch, length, tags)).astype(np.float32)
    lengths = rng.integers(1, length + 1, size=batch)
    mask = np.arange(length)[None, :] < lengths[:, None]
    reference = CRF(Weight(transitions.shape, transitions.dtype.name, transitions)).decode(
        emissions, mask
    )
    ours = viterbi(transitions, emissions, mask)
    assert len(ours) == batch
    for got, want, n in zip(ours, reference, lengths, strict=True):
        assert len(got) == n
        assert got.tolist() == np.asarray(want).tolist()
