"""Writes a tiny random-weight llama-architecture GGUF with a chat template, for fast tests."""

from __future__ import annotations

from pathlib import Path

import gguf
import numpy as np

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_SPECIALS = ["<unk>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
_WORDS = [
    "▁the",
    "▁a",
    "▁and",
    "▁of",
    "▁to",
    "▁in",
    "▁is",
    "▁it",
    "▁text",
    "▁word",
    "▁write",
    "▁clear",
    "▁short",
    "▁plain",
    "▁good",
    "▁day",
    "▁night",
    "▁story",
    "▁light",
    "▁house",
]


def _vocabulary() -> tuple[list[str], list[float], list[int]]:
    tokens: list[str] = []
    scores: list[float] = []
    types: list[int] = []
    for text in _SPECIALS:
        tokens.append(text)
        scores.append(0.0)
        types.append(gguf.TokenType.UNKNOWN if text == "<unk>" else gguf.TokenType.CONTROL)
    for byte in range(256):
        tokens.append(f"<0x{byte:02X}>")
        scores.append(0.0)
        types.append(gguf.TokenType.BYTE)
    printable = ["▁"] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    printable += [chr(c) for c in range(ord("A"), ord("Z") + 1)] + list(".,!?;'\"-")
    for index, text in enumerate(printable + _WORDS):
        tokens.append(text)
        scores.append(-float(index) if len(text) == 1 else 1.0)
        types.append(gguf.TokenType.NORMAL)
    return tokens, scores, types


def write_tiny_model(
    path: Path,
    *,
    n_embd: int = 64,
    n_layer: int = 2,
    n_head: int = 4,
    n_ff: int = 128,
    n_head_kv: int | None = None,
    context_length: int = 4096,
    dtype: type = np.float32,
    seed: int = 1234,
    chat_template: str | None = CHATML_TEMPLATE,
) -> Path:
    """Write the model to `path` and return it."""
    rng = np.random.default_rng(seed)
    tokens, scores, types = _vocabulary()
    n_vocab = len(tokens)
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny-random-llama")
    writer.add_context_length(context_length)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(n_layer)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    n_head_kv = n_head_kv or n_head
    n_embd_kv = n_embd // n_head * n_head_kv
    writer.add_head_count_kv(n_head_kv)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32 if dtype == np.float32 else gguf.LlamaFileType.MOSTLY_F16)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(4)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    if chat_template is not None:
        writer.add_chat_template(chat_template)

    def weights(*shape: int, scale: float = 0.5) -> np.ndarray:
        return (rng.standard_normal(shape, dtype=np.float32) * scale / np.sqrt(shape[-1] / 64)).astype(dtype)

    writer.add_tensor("token_embd.weight", weights(n_vocab, n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    output = weights(n_vocab, n_embd, scale=2.0).astype(np.float32)
    # Special and byte tokens get zero logits, so sampling with top-k keeps to letters and words:
    # no end-of-generation token ever wins (streams run to max_tokens) and output stays printable.
    output[: len(_SPECIALS) + 256] = 0.0
    writer.add_tensor("output.weight", output)
    for layer in range(n_layer):
        prefix = f"blk.{layer}"
        writer.add_tensor(f"{prefix}.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
        writer.add_tensor(f"{prefix}.attn_q.weight", weights(n_embd, n_embd))
        writer.add_tensor(f"{prefix}.attn_k.weight", weights(n_embd_kv, n_embd))
        writer.add_tensor(f"{prefix}.attn_v.weight", weights(n_embd_kv, n_embd))
        writer.add_tensor(f"{prefix}.attn_output.weight", weights(n_embd, n_embd))
        writer.add_tensor(f"{prefix}.ffn_gate.weight", weights(n_ff, n_embd))
        writer.add_tensor(f"{prefix}.ffn_up.weight", weights(n_ff, n_embd))
        writer.add_tensor(f"{prefix}.ffn_down.weight", weights(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
