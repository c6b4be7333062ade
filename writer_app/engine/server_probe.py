"""What a model server offers, found by asking it: its models, a tokenizer endpoint, a template
endpoint, plain completions, several choices per request (`n`), slots, context size, grammars, seeds
and llama.cpp's sampling fields. Every probe but the model list may fail: then the feature is off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from writer_app.engine.errors import ServerError
from writer_app.engine.server_api import ServerClient
from writer_app.engine.types import ServerConfig

# A grammar no model follows by chance: the server applies grammars only if it answers with "qqz".
PROBE_GRAMMAR = 'root ::= "qqz"'
# llama.cpp's fields beyond OpenAI's; a strict server (OpenAI's own) rejects them with a 400.
EXTENSION_FIELDS = {"top_k": 40, "min_p": 0.05, "repeat_penalty": 1.1}


@dataclass(frozen=True)
class ServerOffer:
    model: str
    tokenize_path: str = ""  # "" where counts are estimated
    tokenize_field: str = ""
    template: bool = False  # llama.cpp's /apply-template renders a chat as the model reads it
    completions: bool = True  # /v1/completions (plain text to continue); else chat only
    extensions: bool = False
    n_choices: bool = False
    slots: int = 0  # llama.cpp's parallel slots (0: not a llama.cpp server)
    n_ctx: int = 0  # 0: the server does not say
    grammar: bool = False
    seeds: bool = False


def model_names(listed: Any) -> list[str]:
    """The model ids of a /v1/models answer."""
    data = listed.get("data", []) if isinstance(listed, dict) else []
    return [str(m.get("id")) for m in data if isinstance(m, dict) and m.get("id")]


def _choose_model(names: list[str], wanted: str) -> str:
    if wanted:
        if names and wanted not in names:
            raise ServerError(f"The server has no model named '{wanted}'; it serves: {', '.join(names)}.")
        return wanted
    if len(names) == 1:
        return names[0]
    if not names:
        raise ServerError("The server lists no model: load one on the server, or give its name.")
    raise ServerError(f"The server serves several models ({', '.join(names)}): choose one.")


def _refused(error: ServerError) -> bool:
    """A request the server answered with an error status (not a connection that failed)."""
    return error.status is not None


class _Prober:
    def __init__(self, client: ServerClient, model: str) -> None:
        self.client, self.model = client, model

    def post(self, path: str, body: dict[str, Any]) -> Any | None:
        """The answer, or None where the server refuses (a connection failure still raises)."""
        try:
            return self.client.post(path, {"model": self.model, **body})
        except ServerError as error:
            if _refused(error):
                return None
            raise

    def completion(self, **fields: Any) -> str | None:
        answer = self.post("/v1/completions", {"prompt": "The sea", "max_tokens": 1, **fields})
        choices = answer.get("choices") if isinstance(answer, dict) else None
        return (choices[0].get("text") or "") if choices else None

    def tokenizer(self) -> tuple[str, str]:
        """llama-cpp-python's /extras/tokenize, llama.cpp's /tokenize, or none."""
        for path, field in (("/extras/tokenize", "input"), ("/tokenize", "content")):
            answer = self.post(path, {field: "Hello", "prompt": "Hello"})
            tokens = answer.get("tokens") if isinstance(answer, dict) else None
            if isinstance(tokens, list) and tokens and all(isinstance(t, int) for t in tokens):
                return path, field
        return "", ""

    def template(self) -> bool:
        answer = self.post("/apply-template", {"messages": [{"role": "user", "content": "Hello"}]})
        return isinstance(answer, dict) and "Hello" in str(answer.get("prompt", ""))

    def n_choices(self) -> bool:
        answer = self.post(
            "/v1/completions", {"prompt": "The sea", "max_tokens": 1, "n": 2, "temperature": 1}
        )
        return isinstance(answer, dict) and len(answer.get("choices") or []) >= 2

    def props(self, listed: Any) -> tuple[int, int]:
        """llama.cpp's slots and context size; vLLM's `max_model_len` in the model list."""
        data = listed.get("data", []) if isinstance(listed, dict) else []
        context = next(
            (int(m["max_model_len"]) for m in data if isinstance(m, dict) and m.get("max_model_len")), 0
        )
        try:
            props = self.client.get("/props")
        except ServerError as error:
            if not _refused(error):
                raise
            return 0, context
        if not isinstance(props, dict):
            return 0, context
        settings = props.get("default_generation_settings") or {}
        return int(props.get("total_slots") or 1), int(settings.get("n_ctx") or context)

    def seeds(self) -> bool:
        first, again = (self.completion(max_tokens=6, temperature=1.5, seed=11) for _ in range(2))
        return bool(first) and first == again


def probe(client: ServerClient, config: ServerConfig) -> ServerOffer:
    """Ask the server what it offers (a handful of one-token requests, well under a second locally)."""
    listed = client.get("/v1/models")
    prober = _Prober(client, _choose_model(model_names(listed), config.model))
    path, field = prober.tokenizer()
    completions = prober.completion() is not None
    extensions = completions and prober.completion(**EXTENSION_FIELDS) is not None
    slots, n_ctx = prober.props(listed)
    return ServerOffer(
        model=prober.model,
        tokenize_path=path,
        tokenize_field=field,
        template=prober.template(),
        completions=completions,
        extensions=extensions,
        n_choices=completions and prober.n_choices(),
        slots=slots,
        n_ctx=n_ctx,
        grammar=completions
        and (prober.completion(max_tokens=4, temperature=0.0, grammar=PROBE_GRAMMAR) or "").strip() == "qqz",
        seeds=completions and prober.seeds(),
    )
