"""Pick and build a generator from the settings.

Example::

    gen = make_generator(Settings(), "auto")   # OpenAI-compatible server > local LLM > extractive
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
    if name == "local" or name == "auto":
        try:
            from assistant.generators.local_llm import LocalLLMGenerator, resolve_model_path

            # Fail now, not at the first question, when the model or runtime is missing.
            resolve_model_path(settings.llm_model, settings.data_dir / "models")
            return LocalLLMGenerator(settings.llm_model, threads=settings.llm_threads,
                                     max_tokens=settings.llm_max_tokens, context_size=settings.llm_context,
                                     cache_dir=settings.data_dir / "models")
        except (GeneratorUnavailable, ImportError, FileNotFoundError) as exc:
            if name == "local":
                raise GeneratorNotConfigured(f"local LLM unavailable: {exc}") from exc
    return ExtractiveGenerator()
