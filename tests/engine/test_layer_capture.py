"""The layer capture's averages, fed tensors as ggml would: each band's layers in order, the attention
sink left out, a band not wholly seen refused, and a layer seen in two batches averaged over both."""

from __future__ import annotations

import ctypes

import numpy as np
import pytest

from writer_app.engine import layer_capture
from writer_app.engine.layer_capture import LayerCapture


class FakeGgml:
    """ggml's tensor accessors over numpy arrays: a tensor is an index into `tensors`."""

    def __init__(self) -> None:
        self.tensors: list[tuple[bytes, np.ndarray]] = []

    def add(self, name: str, states: np.ndarray) -> int:
        self.tensors.append((name.encode(), np.ascontiguousarray(states, dtype=np.float32)))
        return len(self.tensors) - 1

    def ggml_get_name(self, tensor: int) -> bytes:
        return self.tensors[tensor][0]

    def ggml_nelements(self, tensor: int) -> int:
        return self.tensors[tensor][1].size

    def ggml_nrows(self, tensor: int) -> int:
        return self.tensors[tensor][1].shape[0]

    def ggml_nbytes(self, tensor: int) -> int:
        return self.tensors[tensor][1].nbytes

    def ggml_backend_tensor_get(self, tensor: int, target: int, offset: int, size: int) -> None:
        ctypes.memmove(target, self.tensors[tensor][1].ctypes.data + offset, size)


@pytest.fixture
def ggml(monkeypatch) -> FakeGgml:
    fake = FakeGgml()
    monkeypatch.setattr(layer_capture, "_GGML", fake)
    return fake


def _decode(capture: LayerCapture, ggml: FakeGgml, layers: dict[int, np.ndarray]) -> None:
    """What a pass shows the callback: each tensor asked about, then given."""
    for layer, states in layers.items():
        tensor = ggml.add(f"l_out-{layer}", states)
        assert capture._take(tensor, True) is True
        assert capture._take(tensor, False) is True
    other = ggml.add("attn_norm-0", np.ones((3, 2)))
    assert capture._take(other, True) is False  # never asked for, never copied


def test_each_band_is_its_layers_mean_over_the_tokens_but_the_first(ggml: FakeGgml) -> None:
    capture = LayerCapture((range(0, 2), range(2, 3)))
    sink = [100.0, 100.0]
    _decode(
        capture,
        ggml,
        {
            0: np.array([sink, [1.0, 2.0], [3.0, 4.0]]),
            1: np.array([sink, [5.0, 6.0], [7.0, 8.0]]),
            2: np.array([sink, [-1.0, 0.0], [1.0, 0.0]]),
        },
    )
    middle, later = capture.means()
    assert middle == pytest.approx([4.0, 5.0])  # (2, 3) and (6, 7) averaged: the sink left out
    assert later == pytest.approx([0.0, 0.0])
    assert capture.seen == 3
    capture.reset()
    assert capture.means() is None and capture.seen == 0


def test_a_band_not_wholly_seen_gives_no_means(ggml: FakeGgml) -> None:
    capture = LayerCapture((range(0, 2), range(2, 3)))
    _decode(capture, ggml, {0: np.ones((2, 2)), 2: np.ones((2, 2))})  # layer 1 of the middle band missing
    assert capture.means() is None
    capture.reset()
    _decode(capture, ggml, {0: np.ones((2, 2)), 1: np.ones((2, 2))})  # the later band missing
    assert capture.means() is None


def test_a_layer_seen_in_two_batches_is_averaged_over_both(ggml: FakeGgml) -> None:
    capture = LayerCapture((range(0, 1),))
    _decode(capture, ggml, {0: np.array([[100.0], [1.0], [2.0]])})  # the first batch: the sink left out
    _decode(capture, ggml, {0: np.array([[3.0], [6.0], [9.0]])})  # the second: every token counts
    (mean,) = capture.means()
    assert mean == pytest.approx([4.2])  # (1 + 2 + 3 + 6 + 9) / 5: by token, not by batch
    assert capture.seen == 1


def test_a_state_not_in_float32_is_not_read_and_a_failure_spoils_the_pass(ggml: FakeGgml) -> None:
    capture = LayerCapture((range(0, 1),))
    tensor = ggml.add("l_out-0", np.ones((2, 2)))
    ggml.ggml_nbytes = lambda _tensor: 2 * 4  # as a half-precision tensor of four numbers would be
    assert capture._take(tensor, False) is True and capture.means() is None
    capture.reset()
    ggml.ggml_nbytes = lambda tensor: ggml.tensors[tensor][1].nbytes
    _decode(capture, ggml, {0: np.ones((2, 2))})
    assert capture.means() is not None
    capture.failed = True  # as when copying a state failed part-way
    assert capture.means() is None
