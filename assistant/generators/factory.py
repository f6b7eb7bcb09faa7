"""Pick and build a generator from the settings.

Example::

    gen = make_generator(Settings(), "auto")   # an OpenAI-compatible server if configured, else extractive

"auto" never picks the bundled 1.5B local model: on the test split it states fewer key facts
than the extractive generator and takes ~100x longer (see the evaluation report). It stays one
choice away ("local"); a server the user configured — typically a bigger model — is preferred.
"""

from __future__ import annotations

from assistant.generators.base import Generator, GeneratorNotConfigured, GeneratorUnavailable
from assistant.generators.extractive import ExtractiveGenerator
from circularbench.settings import Settings

NAMES = ("auto", "extractive", "local", "openai")


def make_generator(settings: Settings, name: str | None = None) -> Generator:
    name = name or settings.generator
    if name not in NAMES:
        raise ValueError(f"unknown generator {name!r}: choose one of {', '.join(NAMES)}")
    if name == "extractive":
        return ExtractiveGenerator()
    if name == "openai" or (name == "auto" and settings.openai_base_url):
        if not settings.openai_base_url:
            raise GeneratorNotConfigured("set CIRCULARBENCH_OPENAI_BASE_URL to use an OpenAI-compatible server")
        from assistant.generators.openai_compat import OpenAICompatGenerator

        return OpenAICompatGenerator(settings.openai_base_url, settings.openai_model, settings.openai_api_key,
                                     max_tokens=settings.llm_max_tokens)
    if name == "local":
        try:
            from assistant.generators.local_llm import LocalLLMGenerator, resolve_model_path

            # Fail now, not at the first question, when the model or runtime is missing.
            resolve_model_path(settings.llm_model, settings.data_dir / "models")
            return LocalLLMGenerator(settings.llm_model, threads=settings.llm_threads,
                                     max_tokens=settings.llm_max_tokens, context_size=settings.llm_context,
                                     cache_dir=settings.data_dir / "models")
        except (GeneratorUnavailable, ImportError, FileNotFoundError) as exc:
            raise GeneratorNotConfigured(f"local LLM unavailable: {exc}") from exc
    return ExtractiveGenerator()
