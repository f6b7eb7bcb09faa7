"""Answer generators behind one interface: extractive, local GGUF LLM, OpenAI-compatible server.

The LLM generators import their runtimes lazily: ``make_generator`` (factory.py) builds them.
"""

from assistant.generators.base import Generator, GeneratorError, GeneratorUnavailable

__all__ = ["Generator", "GeneratorError", "GeneratorUnavailable"]
