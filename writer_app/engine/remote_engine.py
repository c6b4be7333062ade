"""The engine protocol on a model server over the OpenAI-compatible HTTP API (llama.cpp's
llama-server, llama-cpp-python's server, vLLM, Ollama, LM Studio).

Loading probes what the server offers: its models, a tokenizer endpoint (exact counts; otherwise an
estimate), several choices per request (`n`), several slots (concurrent requests), grammars, and
llama.cpp's sampling fields. Prompts are `ServerPrompt`s: token lists as the server counts them that
also carry what is sent — chat messages to /v1/chat/completions (the server applies its template) or
a plain text to /v1/completions. The features see the same protocol as on the local engine.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from writer_app.engine.errors import GenerationError, ServerError
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
from writer_app.engine.types import Sampling, ServerConfig

LOGGER = logging.getLogger(__name__)
CHARS_PER_TOKEN = 4  # the estimate where the server has no tokenizer endpoint (English prose: ~4.2)
MESSAGE_OVERHEAD = 6  # tokens a chat template adds per message (role markers), for the estimate
# The prompt for the continuation of an answer (long drafts) where the server cannot render its
# template for a plain completion: the answer so far is given back and the model asked to go on.
GO_ON = "Go on from exactly where your answer stops, without repeating any of it."
# A grammar no model follows by chance: the server applies grammars only if it answers with "qqz".
PROBE_GRAMMAR = 'root ::= "qqz"'


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
            self._model = self._choose_model()
            self._tokenize_path, self._tokenize_field = self._probe_tokenizer()
            self._extensions = True
            self._n_choices = self._probe_choices()
            self._slots, context = self._probe_props()
            self._n_ctx = context or config.n_ctx
            grammar, seeds = self._probe_grammar(), self._probe_seeds()
        except BaseException:
            self.client.close()
            raise
        self._capabilities = EngineCapabilities(
            prefix_cache=self._slots > 0,  # llama-server (it has /props) keeps each slot's prompt
            parallel_sequences=self._n_choices or self._slots > 1,
            per_candidate_seeds=seeds,
            grammar=grammar,
        )
        self._closed = False
        self._load_s = time.perf_counter() - started
        LOGGER.info("server %s: model %s, %s", self.client.base_url, self._model, self.describe_probe())

    # ----- probing -----------------------------------------------------------------------------
    def _choose_model(self) -> str:
        listed = self.client.get("/v1/models")
        names = [str(m.get("id")) for m in (listed or {}).get("data", []) if isinstance(m, dict)]
        self._listed = listed
        wanted = self.config.model
        if wanted:
            if names and wanted not in names:
                raise ServerError(f"The server has no model named '{wanted}'; it serves: {', '.join(names)}.")
            return wanted
        if len(names) == 1:
            return names[0]
        if not names:
            raise ServerError("The server lists no model: load one on the server, or give its name.")
        raise ServerError(f"The server serves several models ({', '.join(names)}): choose one.")

    def _probe_tokenizer(self) -> tuple[str, str]:
        """llama.cpp's /tokenize, llama-cpp-python's /extras/tokenize, or none (an estimate)."""
        for path, field in (("/extras/tokenize", "input"), ("/tokenize", "content")):
            try:
                body = {field: "Hello", "model": self._model, "prompt": "Hello"}
                tokens = self.client.post(path, body).get("tokens")
            except (ServerError, AttributeError):
                continue
            if isinstance(tokens, list) and tokens and all(isinstance(t, int) for t in tokens):
                return path, field
        return "", ""

    def _completion(self, **fields: Any) -> dict:
        body = {"model": self._model, "prompt": "The sea", "max_tokens": 1, **fields}
        return self.client.post("/v1/completions", body)

    def _probe_choices(self) -> bool:
        """Whether one request returns several choices (`n`); also whether llama.cpp's sampling
        fields are accepted (a strict server rejects them: then only OpenAI's are sent)."""
        extra = sampling_fields(Sampling(max_tokens=1, temperature=1.0), extensions=True, grammar=False)
        try:
            answer = self._completion(**extra, n=2)
        except ServerError as error:
            if error.status != 400:
                raise
            self._extensions = False
            answer = self._completion(temperature=1.0, n=2)
        return len(answer.get("choices") or []) >= 2

    def _probe_props(self) -> tuple[int, int]:
        """llama-server's slots and context size (0, 0 where the server has no /props)."""
        try:
            props = self.client.get("/props")
        except ServerError:
            props = None
        listed = [m for m in (self._listed or {}).get("data", []) if isinstance(m, dict)]
        context = next((int(m["max_model_len"]) for m in listed if m.get("max_model_len")), 0)  # vLLM
        if not isinstance(props, dict):
            return 0, context
        settings = props.get("default_generation_settings") or {}
        return int(props.get("total_slots") or 1), int(settings.get("n_ctx") or context)

    def _probe_grammar(self) -> bool:
        try:
            answer = self._completion(max_tokens=4, temperature=0.0, grammar=PROBE_GRAMMAR)
        except ServerError:
            return False
        return ((answer.get("choices") or [{}])[0].get("text") or "").strip() == "qqz"

    def _probe_seeds(self) -> bool:
        texts = [
            (self._completion(max_tokens=6, temperature=1.5, seed=11).get("choices") or [{}])[0].get("text")
            for _ in range(2)
        ]
        return bool(texts[0]) and texts[0] == texts[1]

    def describe_probe(self) -> str:
        """How candidates are generated here, for logs, benchmarks and the status bar."""
        if self._n_choices:
            way = "several candidates as n choices of one request"
        elif self._slots > 1:
            way = f"several candidates as concurrent requests ({self._slots} slots)"
        else:
            way = "candidates one after another"
        counting = "server token counts" if self._tokenize_path else "estimated token counts"
        return f"{way}; {counting}; grammar {'yes' if self._capabilities.grammar else 'no'}"

    # ----- the protocol --------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        return self._model

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

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
        if not self._tokenize_path:
            return [0] * max(1, round(len(text) / CHARS_PER_TOKEN))
        body = {self._tokenize_field: text, "model": self._model, "prompt": text}
        return list(self.client.post(self._tokenize_path, body).get("tokens") or [])

    def count_tokens(self, text: str) -> int:
        return len(self._tokens(text))

    def raw_tokens(self, text: str) -> ServerPrompt:
        return ServerPrompt(self._tokens(text), text=text)

    def chat_tokens(self, messages: Sequence[Mapping[str, str]], answer_start: str = "") -> ServerPrompt:
        """The chat as the server will read it: its contents counted, plus each message's markers."""
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
        fields = {
            "model": self._model,
            **sampling_fields(sampling, self._extensions, self.capabilities.grammar),
        }
        if prompt.messages:
            messages = list(prompt.messages)
            if prompt.answer_start:  # the server renders the template: the answer so far goes back to it
                messages += [
                    {"role": "assistant", "content": prompt.answer_start},
                    {"role": "user", "content": GO_ON},
                ]
            path, body = "/v1/chat/completions", {**fields, "messages": messages}
        else:
            path, body = "/v1/completions", {**fields, "prompt": prompt.text}
        return StreamRequest(self.client, path, body, len(prompt), self._n_ctx, sampling.max_tokens, cancel)

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
        if self._n_choices:
            request = self._request(prompt_tokens, samplings[0], cancel)
            return ChoicesGeneration(
                StreamRequest(**{**request.__dict__, "body": {**request.body, "n": len(samplings)}}),
                len(samplings),
            )
        if self._slots > 1:
            return ConcurrentGeneration([self.stream(prompt_tokens, s, cancel) for s in samplings])
        return SequentialOnly()

    def _check_open(self) -> None:
        if self._closed:
            raise GenerationError("The server connection has been closed: choose a model source first.")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.client.close()
