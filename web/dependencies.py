"""What the routes depend on: settings, the assistant (kept current with the index), API keys.

Several workers share one index: before each request the assistant compares the ledger's
modification time with the one it loaded, and reopens the retriever when another worker (or
``circularbench index``) has changed the index.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
from functools import lru_cache

from fastapi import Depends, Header, HTTPException, Request, status

from assistant.assistant import Assistant
from assistant.retriever import HybridRetriever, IndexNotReadyError
from circularbench.settings import Settings


@lru_cache
def get_settings() -> Settings:
    return Settings()


class AssistantHolder:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._assistant: Assistant | None = None
        self._stamp: int | None = None

    def _ledger_stamp(self) -> int | None:
        path = self.settings.index_dir / "ledger.json"
        return path.stat().st_mtime_ns if path.exists() else None

    def get(self) -> Assistant:
        stamp = self._ledger_stamp()
        if self._assistant is not None and stamp == self._stamp:
            return self._assistant
        with self._lock:
            if self._assistant is None or stamp != self._stamp:
                retriever = HybridRetriever.open(self.settings, self._assistant.retriever.embedder if self._assistant else None)
                if self._assistant is None:
                    self._assistant = Assistant(self.settings, retriever)
                else:
                    self._assistant.retriever = retriever  # generators (a loaded LLM) are kept
                self._stamp = stamp
        return self._assistant

    def embedder(self):
        """The loaded embedder, for indexing uploads without loading the model again (None before)."""
        return self._assistant.retriever.embedder if self._assistant else None


@lru_cache
def get_holder() -> AssistantHolder:
    return AssistantHolder(get_settings())


def get_assistant(holder: AssistantHolder = Depends(get_holder)) -> Assistant:
    try:
        return holder.get()
    except IndexNotReadyError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


def _key_ok(settings: Settings, given: str | None) -> bool:
    return bool(settings.api_key) and given is not None and secrets.compare_digest(given, settings.api_key)


def require_api_key(x_api_key: str | None = Header(default=None), settings: Settings = Depends(get_settings)) -> None:
    """Every endpoint but health needs the key when one is configured."""
    if settings.api_key and not _key_ok(settings, x_api_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong X-API-Key header")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def require_admin(request: Request, x_api_key: str | None = Header(default=None),
                  settings: Settings = Depends(get_settings)) -> None:
    """Uploads and deletions need the key, unless the server listens on loopback only."""
    if _key_ok(settings, x_api_key):
        return
    if settings.api_key:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong X-API-Key header")
    if not _is_loopback(settings.host):
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            "set CIRCULARBENCH_API_KEY to upload or delete documents on a server reachable from other hosts")
