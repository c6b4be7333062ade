"""The engine protocol on a model server over the OpenAI-compatible HTTP API (llama.cpp's
llama-server, llama-cpp-python's server, vLLM, Ollama, LM Studio).

Loading probes what the server offers (`server_probe.py`). Prompts are `ServerPrompt`s: token lists
as the server counts them (exact with its tokenizer endpoint, else estimated) that also carry what is
sent — chat messages to /v1/chat/completions (the server applies its template) or a plain text to
/v1/completions. The features see the same protocol as on the local engine.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Mapping, Sequence

from writer_app.engine.errors import GenerationError
from writer_app.engine.interface import EngineCapabilities
from writer_app.engine.remote_generation import (
    ChoicesGeneration,
    ConcurrentGeneration,
    RemoteGeneration,
    SequentialOnly,
    StreamRequest,
    sampling_fields,
)
from writer_app.engine.server_api import ServerClient
from writer_app.engine.server_probe import ServerOffer, probe
from writer_app.engine.types import Sampling, ServerConfig

LOGGER = logging.getLogger(__name__)
CHARS_PER_TOKEN = 4  # the estimate where the server has no tokenizer endpoint (English prose: ~4.2)
MESSAGE_OVERHEAD = 6  # tokens a chat template adds per message (role markers), for the estimate
# The prompt for the continuation of an answer (long drafts) where the server cannot render its
# template for a plain completion: the answer so far is given back and the model asked to go on.
GO_ON = "Go on from exactly where your answer stops, without repeating any of it."
# A plain text to continue on a server with chat completions only.
CONTINUE = "Continue this text from exactly where it stops. Answer with the continuation only.\n\n"


class ServerPrompt(list):
    """Token ids as the server counts them (estimated placeholders without a tokenizer endpoint),
    and the request they stand for: `messages` (+ `answer_start`) for a chat, else `text`."""

    def __init__(
        self,
        tokens: Sequence[int],
        *,
        text: str = "",
        messages: Sequence[Mapping[str, str]] = (),
        answer_start: str = "",
    ) -> None:
        super().__init__(tokens)
        self.text, self.messages, self.answer_start = text, [dict(m) for m in messages], answer_start


class RemoteEngine:
    """A model on a server: the same features as the local engine, degraded where the server lacks
    a capability (no `n` and one slot → candidates one after another; no grammar → plans parsed)."""

    def __init__(self, config: ServerConfig, *, client: ServerClient | None = None) -> None:
        started = time.perf_counter()
        self.config = config
        self.client = client or ServerClient(config.base_url, config.api_key, config.timeout_s)
        try:
            self.offer: ServerOffer = probe(self.client, config)
        except BaseException:
            self.client.close()
            raise
        offer = self.offer
        self._capabilities = EngineCapabilities(
            prefix_cache=offer.slots > 0,  # llama-server (it has /props) keeps each slot's prompt
            parallel_sequences=offer.n_choices or offer.slots > 1,
            per_candidate_seeds=offer.seeds,
            grammar=offer.grammar,
        )
        self._closed = False
        self._load_s = time.perf_counter() - started
        LOGGER.info("server %s: model %s, %s", self.client.base_url, offer.model, self.describe_probe())

    def describe_probe(self) -> str:
        """How candidates are generated here, for logs, benchmarks and the self-test."""
        offer = self.offer
        if offer.n_choices:
            way = "several candidates as n choices of one request"
        elif offer.slots > 1:
            way = f"several candidates as concurrent requests ({offer.slots} slots)"
        else:
            way = "candidates one after another"
        counting = "server token counts" if offer.tokenize_path else "estimated token counts"
        return f"{way}; {counting}; grammar {'yes' if offer.grammar else 'no'}"

    # ----- the protocol --------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self.offer.model

    @property
    def n_ctx(self) -> int:
        return self.offer.n_ctx or self.config.n_ctx

    @property
    def load_seconds(self) -> float:
        return self._load_s

    @property
    def capabilities(self) -> EngineCapabilities:
        return self._capabilities

    def _tokens(self, text: str) -> list[int]:
        self._check_open()
        if not text:
            return []
        offer = self.offer
        if not offer.tokenize_path:
            return [0] * max(1, round(len(text) / CHARS_PER_TOKEN))
        body = {offer.tokenize_field: text, "model": offer.model, "prompt": text}
        return list(self.client.post(offer.tokenize_path, body).get("tokens") or [])

    def count_tokens(self, text: str) -> int:
        return len(self._tokens(text))

    def raw_tokens(self, text: str) -> ServerPrompt:
        if not self.offer.completions:  # a chat-only server is asked to continue the text
            return self.chat_tokens([{"role": "user", "content": CONTINUE + text}])
        return ServerPrompt(self._tokens(text), text=text)

    def _rendered(self, messages: Sequence[Mapping[str, str]]) -> str:
        """The chat as the model reads it, from llama.cpp's /apply-template."""
        answer = self.client.post("/apply-template", {"messages": [dict(m) for m in messages]})
        return str(answer.get("prompt", ""))

    def chat_tokens(self, messages: Sequence[Mapping[str, str]], answer_start: str = "") -> ServerPrompt:
        """The chat as the server will read it: rendered and counted exactly where the server can,
        else its contents counted plus each message's markers. With `answer_start`, a server that
        renders templates continues the answer itself as a plain completion."""
        offer = self.offer
        if offer.template and offer.completions:
            text = self._rendered(messages) + answer_start
            return ServerPrompt(self._tokens(text), text=text)
        rendered = (
            "\n".join(f"{m['role']}\n{m['content']}" for m in messages) + "\nassistant\n" + answer_start
        )
        tokens = self._tokens(rendered) + [0] * (MESSAGE_OVERHEAD * (len(messages) + 1))
        return ServerPrompt(tokens, messages=messages, answer_start=answer_start)

    def _request(
        self, prompt: Sequence[int], sampling: Sampling, cancel: threading.Event | None
    ) -> StreamRequest:
        self._check_open()
        if not isinstance(prompt, ServerPrompt):
            raise GenerationError("This prompt was made for another engine: ask again.")
        offer = self.offer
        fields = {"model": offer.model, **sampling_fields(sampling, offer.extensions, offer.grammar)}
        joins = ""
        if prompt.messages:
            messages = list(prompt.messages)
            if prompt.answer_start:  # the answer so far goes back to the server, which renders it
                messages += [
                    {"role": "assistant", "content": prompt.answer_start},
                    {"role": "user", "content": GO_ON},
                ]
                joins = prompt.answer_start
            path, body = "/v1/chat/completions", {**fields, "messages": messages}
        else:
            path, body = "/v1/completions", {**fields, "prompt": prompt.text}
        return StreamRequest(
            self.client, path, body, len(prompt), self.n_ctx, sampling.max_tokens, cancel, joins
        )

    def stream(
        self, prompt_tokens: Sequence[int], sampling: Sampling, cancel: threading.Event | None = None
    ) -> RemoteGeneration:
        return RemoteGeneration(self._request(prompt_tokens, sampling, cancel))

    def stream_parallel(
        self,
        prompt_tokens: Sequence[int],
        samplings: Sequence[Sampling],
        cancel: threading.Event | None = None,
    ) -> ChoicesGeneration | ConcurrentGeneration | SequentialOnly:
        """Several candidates at once where the server can: as `n` choices (one seed for all), or as
        concurrent requests (a seed each); otherwise `fits` is False and they go one after another."""
        if self.offer.n_choices:
            request = self._request(prompt_tokens, samplings[0], cancel)
            with_n = dataclasses.replace(request, body={**request.body, "n": len(samplings)})
            return ChoicesGeneration(with_n, len(samplings))
        if self.offer.slots > 1:
            return ConcurrentGeneration([self.stream(prompt_tokens, s, cancel) for s in samplings])
        return SequentialOnly()

    def _check_open(self) -> None:
        if self._closed:
            raise GenerationError("The server connection has been closed: choose a model source first.")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.client.close()
