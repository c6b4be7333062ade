"""HTTP to an OpenAI-compatible model server (httpx2): JSON calls, streamed events, retries on
connection errors with backoff, and a sentence for every failure."""

from __future__ import annotations

import contextlib
import ipaddress
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import httpx2

from writer_app.engine.errors import ServerError

LOGGER = logging.getLogger(__name__)
RETRIES = 3  # tries for a connection that fails before the server answered
BACKOFF_S = 0.4  # doubled after each failed try
CONNECT_TIMEOUT_S = 10.0
LOCAL_HOSTS = {"localhost", "localhost.localdomain", ""}


def normalise_base_url(url: str) -> str:
    """The server's root address: a scheme added where missing, a trailing `/` or `/v1` removed."""
    text = url.strip()
    if not text:
        raise ServerError("Enter the server's address, e.g. http://127.0.0.1:8080.")
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerError(f"'{url.strip()}' is not a server address: use one like http://127.0.0.1:8080.")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ServerError(f"'{url.strip()}' has no valid port: use one like http://127.0.0.1:8080.") from None
    text = text.rstrip("/")
    return text[: -len("/v1")] if text.endswith("/v1") else text


def is_local_server(url: str) -> bool:
    """True when the server runs on this computer (a loopback address): text then stays here."""
    try:
        host = urlsplit(normalise_base_url(url)).hostname or ""
    except ServerError:
        return False
    if host.lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _detail(response: httpx2.Response) -> str:
    """The server's own words about a failed request, shortened."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200]
    if isinstance(body, dict):
        error = body.get("error", body.get("detail", body))
        if isinstance(error, dict):
            error = error.get("message", error)
        return str(error)[:200]
    return str(body)[:200]


def status_sentence(status: int, detail: str, url: str) -> str:
    """What a failed HTTP status means for the user, and what to do."""
    said = f" The server said: {detail}" if detail else ""
    if status in (401, 403):
        return (
            f"The server refused the API key ({status}): check the key in Preferences → Model source.{said}"
        )
    if status == 404:
        return (
            f"The server has no {urlsplit(url).path or '/'} ({status}): check the address — it is the "
            f"server's root, e.g. http://127.0.0.1:8080.{said}"
        )
    if status == 429:
        return f"The server is busy or the quota is used up (429): wait a moment and try again.{said}"
    if status >= 500:
        return f"The server failed ({status}): try again, or read the server's log.{said}"
    return f"The server rejected the request ({status}).{said}"


class ServerClient:
    """One server's HTTP client: thread-safe calls (the worker, candidate threads and probes)."""

    def __init__(
        self,
        base_url: str,
        api_key: str = "",
        timeout_s: float = 60.0,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.timeout_s = timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx2.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx2.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
            transport=transport,
            trust_env=not is_local_server(self.base_url),  # a proxy setting never reroutes 127.0.0.1
        )

    def _sentence(self, error: Exception) -> str:
        where = self.base_url
        if isinstance(error, httpx2.TimeoutException):
            return f"The server at {where} did not answer within {self.timeout_s:g} seconds."
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            return f"The certificate of {where} could not be verified: check the address (https or http?)."
        if isinstance(error, httpx2.ConnectError):
            return f"Could not reach a server at {where}: check the address and that the server is running."
        return f"The connection to {where} failed ({error})."

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        stream: bool,
        cancel: threading.Event | None = None,
    ) -> httpx2.Response:
        """The response to one request (status checked), retried while the connection fails (a
        cancel ends the wait between tries)."""
        delay = BACKOFF_S
        for attempt in range(1, RETRIES + 1):
            try:
                request = self._http.build_request(method, path, json=body)
                response = self._http.send(request, stream=stream)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as error:
                if attempt == RETRIES or "CERTIFICATE_VERIFY_FAILED" in str(error):
                    raise ServerError(self._sentence(error)) from error
                LOGGER.info("server %s unreachable (%s), retrying in %.1f s", self.base_url, error, delay)
                if cancel is not None and cancel.wait(delay):
                    raise ServerError("Stopped.") from error
                if cancel is None:
                    time.sleep(delay)
                delay *= 2
                continue
            except httpx2.HTTPError as error:
                raise ServerError(self._sentence(error)) from error
            if response.status_code >= 400:
                try:
                    if stream:
                        response.read()
                except httpx2.HTTPError:
                    pass  # the status says enough
                response.close()
                raise ServerError(
                    status_sentence(response.status_code, _detail(response), str(request.url)),
                    status=response.status_code,
                )
            return response
        raise AssertionError("unreachable")

    def get(self, path: str) -> Any:
        response = self._send("GET", path, None, stream=False)
        return _json(response)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self._send("POST", path, body, stream=False)
        return _json(response)

    @contextmanager
    def events(
        self, path: str, body: dict[str, Any], cancel: threading.Event | None
    ) -> Iterator[Iterator[dict]]:
        """The JSON events of a streamed answer until `[DONE]`; setting `cancel` closes the stream at
        once (the iteration then ends quietly), even while the server is silent."""
        response = self._send("POST", path, {**body, "stream": True}, stream=True, cancel=cancel)
        finished = threading.Event()
        if cancel is not None:
            threading.Thread(target=_close_when_set, args=(cancel, finished, response), daemon=True).start()
        try:
            yield self._decode(response, cancel)
        finally:
            finished.set()
            response.close()

    def _decode(self, response: httpx2.Response, cancel: threading.Event | None) -> Iterator[dict]:
        """The events until `[DONE]`; a stream that ends without it, or breaks, raises ServerDropped
        (with what happened) unless it was closed on purpose."""
        try:
            for event in httpx2.EventSource(response):
                if event.data.strip() == "[DONE]":
                    return
                if not event.data.strip():
                    continue
                data = json.loads(event.data)
                if isinstance(data, dict) and "error" in data:
                    raise ServerDropped(f"The server failed in the middle of the answer: {_detail_of(data)}.")
                yield data
            if cancel is not None and cancel.is_set():
                return
            why = "The server ended the answer without finishing it"
        except httpx2.TimeoutException:
            why = f"The server stopped answering for {self.timeout_s:g} seconds"
        except httpx2.SSEError:
            why = "The server did not stream its answer (is it an OpenAI-compatible server?)"
        except (httpx2.HTTPError, ValueError, OSError):
            why = "The server went away in the middle of the answer"
        if cancel is not None and cancel.is_set():
            return  # the stream was closed on purpose
        raise ServerDropped(f"{why}: what came before is kept.")

    def close(self) -> None:
        self._http.close()


class ServerDropped(ServerError):
    """The stream ended without its end: the server stopped or the connection broke."""


def _detail_of(data: dict) -> str:
    error = data.get("error")
    return str(error.get("message", error) if isinstance(error, dict) else error)[:200]


def _json(response: httpx2.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        raise ServerError(
            f"The server at {response.request.url} did not answer in JSON: is it an OpenAI-compatible server?"
        ) from error


def _close_when_set(cancel: threading.Event, finished: threading.Event, response: httpx2.Response) -> None:
    """On cancel, shut the connection's socket down: a read blocked in the reading thread returns at
    once, even while the server is silent, and that thread closes the response itself."""
    while not finished.is_set():
        if cancel.wait(0.05):
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):  # already closed
                    sock.shutdown(socket.SHUT_RDWR)
            return
