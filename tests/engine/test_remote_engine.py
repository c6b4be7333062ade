"""The remote engine against real servers (llama-cpp-python's, started here) and servers that fail:
killed mid-stream, silent, wrong key, unknown model, wrong address; each gives its sentence."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from tests.fakes.llama_server_like import llama_server_like
from tests.server_process import free_port, llama_server, stop_server
from writer_app.assist.candidates import CandidateListener
from writer_app.assist.rewrite import rewrite
from writer_app.assist.types import RewriteRequest
from writer_app.engine.errors import ServerError
from writer_app.engine.remote_engine import RemoteEngine
from writer_app.engine.server_api import is_local_server, normalise_base_url, status_sentence
from writer_app.engine.types import Sampling, ServerConfig

CHAT = [{"role": "user", "content": "Describe the sea."}]


def test_addresses_are_normalised_and_bad_ones_explained() -> None:
    assert normalise_base_url("127.0.0.1:8080/v1/") == "http://127.0.0.1:8080"
    assert normalise_base_url("https://models.example.org/v1") == "https://models.example.org"
    for bad, said in (("", "Enter the server's address"), ("ftp://host", "not a server address")):
        with pytest.raises(ServerError, match=said):
            normalise_base_url(bad)
    with pytest.raises(ServerError, match="no valid port"):
        normalise_base_url("http://host:port")


def test_only_loopback_servers_count_as_this_computer() -> None:
    for url in ("http://127.0.0.1:8080", "localhost:1234", "http://[::1]:80", "http://127.1.2.3"):
        assert is_local_server(url), url
    for url in ("http://192.168.1.5:8080", "https://api.example.com", "http://localhost.example.com"):
        assert not is_local_server(url), url


def test_the_probe_finds_what_llama_cpp_python_serves(tiny_server) -> None:
    engine = RemoteEngine(ServerConfig(tiny_server.url + "/v1/", n_ctx=1024))
    try:
        assert engine.model_name == "tiny"
        caps = engine.capabilities
        assert caps.grammar and caps.per_candidate_seeds  # it applies grammars and seeds
        assert not caps.parallel_sequences  # one request at a time, `n` ignored
        assert "one after another" in engine.describe_probe()
        assert "server token counts" in engine.describe_probe()
        assert engine.count_tokens("The sea was calm.") == len(engine.raw_tokens("The sea was calm."))
    finally:
        engine.close()


def test_an_unknown_model_names_the_ones_served(tiny_server) -> None:
    with pytest.raises(ServerError, match="no model named 'gpt-9'; it serves: tiny"):
        RemoteEngine(ServerConfig(tiny_server.url, model="gpt-9"))


def test_a_wrong_path_is_a_404_sentence(tiny_server) -> None:
    with pytest.raises(ServerError, match=r"has no /api/v1/models \(404\)"):
        RemoteEngine(ServerConfig(tiny_server.url + "/api"))


def test_nothing_listening_is_a_sentence_after_retries() -> None:
    with pytest.raises(ServerError, match="Could not reach a server at http://127.0.0.1:"):
        RemoteEngine(ServerConfig(f"http://127.0.0.1:{free_port()}"))


def test_a_server_that_never_answers_times_out() -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(ServerError, match="did not answer within 1 seconds"):
            RemoteEngine(ServerConfig(url, timeout_s=1.0))
    finally:
        silent.close()


def test_a_wrong_key_is_refused_and_the_right_one_works(tiny_model_path: Path, monkeypatch) -> None:
    with llama_server(tiny_model_path, alias="tiny", extra=["--api_key", "right-key"]) as server:
        for key in ("", "wrong-key"):
            with pytest.raises(ServerError, match=r"refused the API key \(401\)"):
                RemoteEngine(ServerConfig(server.url, api_key=key))
        engine = RemoteEngine(ServerConfig(server.url, api_key="right-key", n_ctx=1024))
        try:
            text = "".join(engine.stream(engine.chat_tokens(CHAT), Sampling(max_tokens=4)))
        finally:
            engine.close()
        assert text


def test_a_server_killed_mid_stream_keeps_the_text_marked(tiny_model_path: Path) -> None:
    with llama_server(tiny_model_path, alias="tiny") as server:
        engine = RemoteEngine(ServerConfig(server.url, n_ctx=1024))
        try:
            generation = engine.stream(
                engine.raw_tokens("The sea"), Sampling(max_tokens=900, stop_at_end=False, seed=2)
            )
            pieces = []
            for piece in generation:
                pieces.append(piece)
                if len(pieces) == 3:
                    stop_server(server.process, kill=True)
            assert generation.stats.finish_reason == "interrupted"
            assert "went away in the middle of the answer" in generation.stats.note
            assert 3 <= len(pieces) < 900
            with pytest.raises(ServerError, match="Could not reach"):  # the next request says so at once
                engine.count_tokens("the sea")
        finally:
            engine.close()


def test_candidates_before_a_server_dies_are_kept_and_the_result_says_why(tiny_model_path: Path) -> None:
    with llama_server(tiny_model_path, alias="tiny") as server:
        engine = RemoteEngine(ServerConfig(server.url, n_ctx=1024))
        killed = threading.Event()

        class KillDuringTheSecond(CandidateListener):
            def chunk(self, index: int, text: str) -> None:
                if index == 1 and not killed.is_set():
                    killed.set()
                    stop_server(server.process, kill=True)

        try:
            request = RewriteRequest("The sea was calm and grey under a low sky. " * 3, n_candidates=3)
            result = rewrite(engine, request, listener=KillDuringTheSecond())
        finally:
            engine.close()
    assert killed.is_set()
    assert result.interrupted and not result.cancelled
    assert len(result.candidates) in (1, 2)  # the first, and the second cut off if it had text
    assert result.candidates[0].finish_reason in ("stop", "length")
    if len(result.candidates) == 2:  # cut off mid-stream: marked, and no third request was tried
        assert result.candidates[1].finish_reason == "interrupted" and "went away" in result.interrupted
    else:
        assert "Could not reach" in result.interrupted or "went away" in result.interrupted


def test_a_server_like_llama_server_is_probed_without_failing(monkeypatch) -> None:
    with llama_server_like(slots=2) as server:
        engine = RemoteEngine(ServerConfig(server.url))
        try:
            assert engine.model_name == "like-llama-server" and engine.n_ctx == 3000
            assert "concurrent requests (2 slots)" in engine.describe_probe()  # `n` refused: no failure
            caps = engine.capabilities
            assert caps.parallel_sequences and caps.prefix_cache and caps.grammar
            assert engine.count_tokens("abc") == 3  # the server's own tokenizer
            chat = engine.chat_tokens(CHAT, answer_start="The lamp")
            assert len(chat) == len("<|user|>Describe the sea.\n<|assistant|>The lamp")  # rendered exactly
            text = "".join(engine.stream(chat, Sampling(max_tokens=3, seed=5)))
            assert server.bodies[-1]["prompt"].endswith("<|assistant|>The lamp")  # a plain completion
            assert text == "Seed 5 says"
        finally:
            engine.close()


def test_concurrent_candidates_each_have_their_seed_and_one_failing_keeps_the_others() -> None:
    with llama_server_like(slots=3, fail_seed=2) as server:
        engine = RemoteEngine(ServerConfig(server.url))
        try:
            generation = engine.stream_parallel(
                engine.chat_tokens(CHAT), [Sampling(max_tokens=4, seed=seed) for seed in (1, 2, 3)]
            )
            texts = ["", "", ""]
            for position, piece in generation:
                texts[position] += piece
        finally:
            engine.close()
    assert texts[0] == "Seed 1 says hello" and texts[2] == "Seed 3 says hello" and texts[1] == ""
    failed = generation.stats[1]
    assert failed.finish_reason == "interrupted" and "503" in failed.note
    assert [s.finish_reason for s in (generation.stats[0], generation.stats[2])] == ["length", "length"]


def test_stop_ends_a_silent_stream_at_once() -> None:
    with llama_server_like(slots=1, stall_after=2) as server:
        engine = RemoteEngine(ServerConfig(server.url, timeout_s=30))
        try:
            cancel = threading.Event()
            generation = engine.stream(engine.raw_tokens("The sea"), Sampling(max_tokens=10), cancel)
            pieces = []
            started = 0.0
            for piece in generation:
                pieces.append(piece)
                if len(pieces) == 2:  # the server goes silent now
                    threading.Timer(0.2, cancel.set).start()
                    started = time.perf_counter()
            waited = time.perf_counter() - started
        finally:
            engine.close()
    assert pieces == ["Seed", " 0"] and generation.stats.finish_reason == "cancelled"
    assert waited < 2.0  # not the 30 s read timeout


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, "refused the API key (401): check the key in Preferences"),
        (403, "refused the API key (403)"),
        (404, "has no /v1/models (404): check the address"),
        (429, "busy or the quota is used up (429): wait a moment"),
        (500, "The server failed (500): try again, or read the server's log"),
        (503, "The server failed (503)"),
        (422, "rejected the request (422)"),
    ],
)
def test_every_failing_status_has_its_sentence(status: int, said: str) -> None:
    sentence = status_sentence(status, "details", "http://127.0.0.1:8080/v1/models")
    assert said in sentence and sentence.endswith("The server said: details")
