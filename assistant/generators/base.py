"""The generator interface: numbered passages in, answer text with ``[n]`` citations out.

A generator only writes; the assistant checks what it wrote (citations in range, numbers
grounded in the cited passage) whatever the generator, so all three are held to one standard.

Example::

    class Echo:
        name = "echo"
        def stream(self, question, passages):
            yield f"{passages[0].text} [1]"
"""

from __future__ import annotations

from typing import Iterator, Protocol

from circularbench.types import Passage

# Said by an LLM generator when the passages do not answer the question.
INSUFFICIENT = "INSUFFICIENT"


class GeneratorError(RuntimeError):
    """The generator failed while answering."""


class GeneratorUnavailable(GeneratorError):
    """The generator cannot run here (package, model file or server missing)."""


class GeneratorNotConfigured(GeneratorUnavailable):
    """The generator asked for is not set up here at all (no server URL, no model installed):
    a request for it names an option this installation does not offer."""


class Generator(Protocol):
    name: str

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """Yield the answer in pieces (tokens for LLMs, sentences for the extractive one)."""
        ...
