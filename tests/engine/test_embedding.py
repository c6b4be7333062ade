"""The scoring model's reader: fixed-size readings, kept for texts read before, refused clearly when the
file is damaged or memory is short, and counted by the writing model's memory check."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from writer_app.engine.embedding import TextEmbedder, model_key
from writer_app.engine.errors import ModelFileError, NotEnoughMemoryError
from writer_app.engine.model_file import embedding_memory_bytes


def test_readings_have_the_models_width_and_differ_by_text(tiny_model_path: Path) -> None:
    reader = TextEmbedder(tiny_model_path, n_threads=2)
    try:
        first = reader.embed("The boats came in at dawn.")
        assert first.shape == (reader.size,) and np.isfinite(first).all()
        assert reader.embed("The boats came in at dawn.") is first  # read once, kept
        assert not np.allclose(first, reader.embed("A gull stole a herring from the crate."))
        assert reader.embed("word " * 2000).shape == first.shape  # longer text is cut, not refused
        assert reader.cached("The boats came in at dawn.") is first  # peeked at, not read again
        assert reader.cached("Never read before.") is None
    finally:
        reader.close()


def test_a_reading_is_the_last_layers_state_then_the_bands(tiny_model_path: Path) -> None:
    """The first part is what llama.cpp's own embedding gives (the quality model was fitted on it);
    then the middle layers' states and the later layers', seen during the same pass."""
    import llama_cpp

    from writer_app.engine.layer_capture import voice_bands

    reader = TextEmbedder(tiny_model_path, n_threads=2)
    plain = llama_cpp.Llama(
        str(tiny_model_path), n_ctx=512, n_batch=512, n_ubatch=512, n_threads=2, embedding=True,
        pooling_type=llama_cpp.LLAMA_POOLING_TYPE_MEAN, verbose=False,
    )  # fmt: skip
    try:
        text = "The boats came in at dawn, and the gulls came with them."
        reading, own = reader.embed(text), np.asarray(plain.embed(text), dtype=np.float32)
        width = len(own)
        assert reader.size == 3 * width and len(reading) == reader.size
        cosine = float(reading[:width] @ own / np.linalg.norm(reading[:width]) / np.linalg.norm(own))
        assert cosine > 0.999
        assert reader._bands == voice_bands(2) == (range(0, 1), range(1, 2))
        assert reader._capture.seen == 2  # each band's layer
        middle, later = reading[width : 2 * width], reading[2 * width :]
        assert np.isfinite(reading).all()
        assert not np.allclose(middle, reading[:width]) and not np.allclose(later, middle)
        other = reader.embed("A gull stole a herring from the crate while nobody looked.")
        assert not np.allclose(middle, other[width : 2 * width])  # the bands follow the text too
        assert not np.allclose(later, other[2 * width :])
    finally:
        plain.close()
        reader.close()


@pytest.mark.parametrize(
    "names",
    [{b"no-such-layer": 0}, {b"l_out-0": 0}, {b"l_out-1": 1}],
    ids=["no band", "the middle band only", "the later band only"],
)
def test_where_llama_cpp_shows_too_few_layers_the_last_layers_state_is_read(
    tiny_model_path: Path, names: dict
) -> None:
    reader = TextEmbedder(tiny_model_path, n_threads=2)
    try:
        reader._capture._names = names  # as if llama.cpp named its layers otherwise, or had fewer
        reading = reader.embed("The boats came in at dawn.")
        assert reading.shape == (reader.size,) and reader.size == reader._width  # the quality model's part
        assert reader._capture.seen == sum(name.startswith(b"l_out") for name in names)
        reader._capture._names = {b"l_out-0": 0, b"l_out-1": 1}  # every band seen from now on
        assert len(reader.embed("The gulls came with them.")) == reader._width  # one width in a run
    finally:
        reader.close()
    reader.close()  # twice is harmless
    assert reader.read("Read after closing.") is None  # a sentence in the log, not a crash


def test_a_failure_inside_the_layer_callback_costs_that_reading_only(
    tiny_model_path: Path, monkeypatch
) -> None:
    reader = TextEmbedder(tiny_model_path, n_threads=2)
    try:

        def broken(_tensor, _ask):
            raise MemoryError

        monkeypatch.setattr(reader._capture, "_take", broken)
        assert reader.read("The boats came in at dawn.") is None  # logged, and not a wrong reading
        monkeypatch.undo()
        assert reader.read("The boats came in at dawn.").shape == (reader.size,) == (3 * reader._width,)
    finally:
        reader.close()


def test_the_bands_are_the_same_share_of_any_depth() -> None:
    from writer_app.engine.layer_capture import later_layers, middle_layers, voice_bands

    assert middle_layers(30) == range(9, 19)  # the default model's: measured by make eval-style
    assert later_layers(30) == range(19, 29)
    assert list(middle_layers(2)) == [0] and list(middle_layers(12)) == [3, 4, 5, 6]
    assert list(later_layers(2)) == [1] and list(later_layers(12)) == [7, 8, 9, 10]
    assert voice_bands(1) == (range(0, 1),)  # no layer after the middle band: no later band
    for depth in range(1, 80):
        bands = voice_bands(depth)
        assert all(band and band.stop <= depth for band in bands)
        assert len(bands) == 1 or bands[0].stop == bands[1].start  # the later band right after, never over
    assert [list(later_layers(n)) for n in (1, 4)] == [[], [2]]  # none after a one-layer model's band


def test_a_damaged_file_is_refused_with_a_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    with pytest.raises(ModelFileError):
        TextEmbedder(broken, n_threads=2)


def test_too_little_memory_is_refused_before_loading(tiny_model_path: Path) -> None:
    with pytest.raises(NotEnoughMemoryError, match="memory"):
        TextEmbedder(tiny_model_path, n_threads=2, available_memory=lambda: 1024)


def test_the_scoring_model_is_counted_beside_the_writing_model(default_model_path: Path, tmp_path) -> None:
    from writer_app.model_config import scoring_memory_bytes
    from writer_app.paths import AppPaths

    needed = embedding_memory_bytes(default_model_path)
    assert needed > default_model_path.stat().st_size  # weights, context and compute buffers
    assert scoring_memory_bytes(AppPaths.under(tmp_path)) == needed  # found in the checkout's models/


def test_the_cache_key_of_a_model_follows_its_contents(tiny_model_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.gguf"
    copy.write_bytes(tiny_model_path.read_bytes())
    assert model_key(copy).endswith(model_key(tiny_model_path)[-12:])  # the same model wherever it lies
    grown = tmp_path / "grown.gguf"
    grown.write_bytes(tiny_model_path.read_bytes() + b"\x00")
    assert model_key(grown)[-12:] != model_key(tiny_model_path)[-12:]


def test_a_text_llama_cannot_read_costs_only_its_own_reading(tiny_model_path: Path, monkeypatch) -> None:
    reader = TextEmbedder(tiny_model_path, n_threads=2)
    try:
        real = reader._decode
        broken = reader._tokens("A broken text.")

        def decode(tokens):
            if tokens == broken:
                raise RuntimeError("llama_decode returned -1")
            return real(tokens)

        monkeypatch.setattr(reader, "_decode", decode)
        assert reader.read("A broken text.") is None
        assert reader.read("The boats came in at dawn.").shape == (reader.size,)
    finally:
        reader.close()
