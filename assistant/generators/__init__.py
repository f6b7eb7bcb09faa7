"""Answer generators behind one interface: extractive, local GGUF LLM, OpenAI-compatible server."""

from assistant.generators.base import Generator, GeneratorError, GeneratorUnavailable

__all__ = ["Generator", "GeneratorError", "GeneratorUnavailable"]
