"""A separate scoring context (logits for every position) for log-probabilities and a model judge."""

from __future__ import annotations

import math
from pathlib import Path

import llama_cpp
import numpy as np

from writer_app.engine.errors import ModelFileError
from writer_app.engine.llama_log import route_llama_log_to_logging
from writer_app.engine.model_file import read_model_file

JUDGE_PROMPT = (
    "Which of the two texts below is better written: clearer, more specific, free of clichés and "
    "filler? Answer with one letter, A or B.\n\nText A:\n{a}\n\nText B:\n{b}"
)


class TokenScorer:
    """Owns its own `Llama` with `logits_all=True`, so the generating context never pays for it."""

    def __init__(self, model_path: Path, n_threads: int, n_ctx: int = 2048) -> None:
        read_model_file(model_path)
        route_llama_log_to_logging()
        try:
            self._llama = llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                logits_all=True,
                verbose=False,
            )
        except (ValueError, RuntimeError) as error:
            raise ModelFileError(f"The scoring model {model_path.name} could not be loaded.") from error

    def _log_softmax_rows(self, start: int, stop: int) -> np.ndarray:
        rows = np.asarray(self._llama.scores[start:stop], dtype=np.float64)
        rows -= rows.max(axis=1, keepdims=True)
        return rows - np.log(np.exp(rows).sum(axis=1, keepdims=True))

    def mean_logprob(self, text: str) -> float:
        """Mean natural-log probability per token of `text` (after the BOS token)."""
        llama = self._llama
        tokens = llama.tokenize(text.encode("utf-8"), add_bos=True, special=False)
        tokens = tokens[: llama.n_ctx() - 1]
        if len(tokens) < 2:
            return 0.0
        llama.reset()
        llama.eval(tokens)
        logprobs = self._log_softmax_rows(0, len(tokens) - 1)
        picked = logprobs[np.arange(len(tokens) - 1), tokens[1:]]
        return float(picked.mean())

    def prefer_first(self, a: str, b: str) -> float:
        """P(A is better) from the next-token probabilities of "A" and "B" after a judging prompt."""
        llama = self._llama
        template = llama.metadata.get("tokenizer.chat_template")
        content = JUDGE_PROMPT.format(a=a, b=b)
        if template:
            formatter = llama_cpp.llama_chat_format.Jinja2ChatFormatter(
                template=template, eos_token="", bos_token="", add_generation_prompt=True
            )
            prompt = formatter(messages=[{"role": "user", "content": content}]).prompt
        else:
            prompt = content + "\nAnswer:"
        tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)[-(llama.n_ctx() - 1) :]
        llama.reset()
        llama.eval(tokens)
        last = self._log_softmax_rows(len(tokens) - 1, len(tokens))[0]
        options = {}
        for letter in ("A", "B"):
            ids = {
                llama.tokenize(v.encode(), add_bos=False, special=False)[0] for v in (letter, f" {letter}")
            }
            options[letter] = math.log(sum(math.exp(last[i]) for i in ids))
        return 1 / (1 + math.exp(options["B"] - options["A"]))

    def close(self) -> None:
        self._llama.close()
