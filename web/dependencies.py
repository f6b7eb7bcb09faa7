"""What the faces of the server (API routes, UI) share: settings, the index snapshots, the
document service, and the key and admin checks.

Several workers share one index: :class:`assistant.snapshot.IndexSnapshots` reloads when
another worker (or ``circularbench index``) commits a new ledger.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache

import psutil
from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader

from assistant.assistant import Assistant
from assistant.retriever import IndexNotReadyError
from assistant.snapshot import IndexSnapshots
from circularbench.documents import DocumentService
from circularbench.settings import Settings


@lru_cache
def get_settings() -> Settings:
    return Settings()


@lru_cache
def get_snapshots() -> IndexSnapshots:
    return IndexSnapshots(get_settings())


def get_documents(settings: Settings = Depends(get_settings),
                  snapshots: IndexSnapshots = Depends(get_snapshots)) -> DocumentService:
    return DocumentService(settings, embedder=lambda: snapshots.embedder)


def current_assistant(snapshots: IndexSnapshots) -> Assistant:
    """The snapshot a request keeps from start to end; called in the handler, after the body is
    validated, so bad input is a 422 before any index work."""
    try:
        return snapshots.current()
    except IndexNotReadyError as exc:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc)) from exc


def key_matches(given: str | bytes | None, key: str) -> bool:
    """Constant-time comparison of bytes: any header (non-ASCII ones arrive as latin-1 text)
    or typed key compares without error; an empty key never matches."""
    if not key or not given:
        return False
    if isinstance(given, str):
        given = given.encode("utf-8", "surrogateescape")
    return secrets.compare_digest(given, key.encode("utf-8"))


def header_key(request: Request) -> bytes | None:
    """The raw bytes of the X-API-Key header, as the client sent them."""
    for name, value in request.scope.get("headers", []):
        if name == b"x-api-key":
            return value
    return None


# Declares the key in the OpenAPI schema; the checks compare the header's raw bytes.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_api_key(request: Request, _declared: str | None = Security(api_key_header),
                    settings: Settings = Depends(get_settings)) -> None:
    """Every endpoint but health needs the key when one is configured."""
    if settings.api_key and not key_matches(header_key(request), settings.api_key):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing or wrong X-API-Key header")


@lru_cache
def _listening_addresses(port: int) -> tuple[str, ...]:
    """Addresses this process's listening sockets on ``port`` are bound to (the workers inherit
    the socket uvicorn binds); empty when none is, e.g. an app driven in-process."""
    return tuple(sorted({c.laddr.ip for c in psutil.Process().net_connections(kind="inet")
                         if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port}))


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bound_to_loopback(scope: dict) -> bool:
    """Whether the socket that accepted this request listens on loopback only. Judged by the
    bound socket, not the host setting: ``uvicorn --host 0.0.0.0`` is reachable from elsewhere."""
    host, port = (scope.get("server") or (None, None))[:2]
    if port is None:
        return False
    bound = _listening_addresses(int(port))
    return all(_is_loopback(a) for a in bound) if bound else _is_loopback(str(host))


def admin_refusal(settings: Settings, has_key: bool, scope: dict) -> str | None:
    """Why an upload or deletion is refused (None: allowed): the key is needed, unless none is
    configured and the server listens on loopback only."""
    if has_key:
        return None
    if settings.api_key:
        return "missing or wrong X-API-Key header"
    if not bound_to_loopback(scope):
        return "set CIRCULARBENCH_API_KEY to upload or delete documents on a server reachable from other hosts"
    return None


def require_admin(request: Request, _declared: str | None = Security(api_key_header),
                  settings: Settings = Depends(get_settings)) -> None:
    """Uploads and deletions need the key, unless the server listens on loopback only."""
    reason = admin_refusal(settings, key_matches(header_key(request), settings.api_key), request.scope)
    if reason:
        code = status.HTTP_401_UNAUTHORIZED if settings.api_key else status.HTTP_403_FORBIDDEN
        raise HTTPException(code, reason)
