"""Answers from any OpenAI-compatible chat server (Ollama, vLLM, llama.cpp server, OpenAI).

Goes through LangChain's ``ChatOpenAI`` with temperature 0 and streams the content of each
chunk. Only ``base_url`` is contacted.

Example::

    from assistant.generators.openai_compat import OpenAICompatGenerator
    gen = OpenAICompatGenerator("http://127.0.0.1:11434/v1", "qwen2.5:1.5b", api_key="", timeout=120)
    for piece in gen.stream("What collection rate applies?", passages):
        print(piece, end="", flush=True)
"""

from __future__ import annotations

from typing import Iterator

from assistant.generators.base import GeneratorError, GeneratorUnavailable
from assistant.prompting import build_messages
from circularbench.types import Passage

_ROLES = {"system": "SystemMessage", "user": "HumanMessage", "assistant": "AIMessage"}


def to_langchain_messages(messages: list[dict[str, str]]) -> list:
    """``build_messages`` output as LangChain message objects."""
    from langchain_core import messages as lc

    return [getattr(lc, _ROLES[m["role"]])(content=m["content"]) for m in messages]


def _text(content) -> str:
    """A chunk's content as text (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content
                       if isinstance(b, str) or (isinstance(b, dict) and b.get("type", "text") == "text"))
    return ""


class OpenAICompatGenerator:
    """Streams an answer from an OpenAI-compatible ``/v1/chat/completions`` endpoint."""

    name = "openai-compat"

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 120.0,
                 max_tokens: int | None = 400, max_retries: int = 1):
        """``base_url`` is the API root including ``/v1``; servers without keys take any ``api_key``."""
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise GeneratorUnavailable(f"the OpenAI-compatible generator needs langchain-openai: {exc}") from exc
        self.base_url = base_url
        self.model = model
        self.llm = ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=api_key or "not-needed",  # the client refuses an empty key; local servers ignore it
            temperature=0,
            timeout=timeout,
            max_retries=max_retries,
            max_tokens=max_tokens,  # sent as max_completion_tokens
            streaming=True,
            stream_usage=False,  # not every server accepts stream_options
            use_responses_api=False,  # plain chat completions: what every compatible server speaks
        )

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        return self.chat_stream(build_messages(question, passages))

    def chat_stream(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        """Any chat request (role/content messages), streamed: what translation uses too.
        ``max_tokens`` overrides the generator's cap for this request."""
        import openai

        messages = to_langchain_messages(messages)
        extra = {"max_tokens": max_tokens} if max_tokens else {}
        try:
            for chunk in self.llm.stream(messages, **extra):
                if text := _text(chunk.content):
                    yield text
        except openai.APIConnectionError as exc:  # refused, DNS, timeout (APITimeoutError is a subclass)
            raise GeneratorUnavailable(f"cannot reach the LLM server at {self.base_url}: {exc}") from exc
        except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
            raise GeneratorUnavailable(f"the LLM server at {self.base_url} refused the API key: {exc}") from exc
        except openai.NotFoundError as exc:
            raise GeneratorUnavailable(
                f"the LLM server at {self.base_url} has no model {self.model!r} (or no chat endpoint): {exc}") from exc
        except openai.APIError as exc:
            raise GeneratorError(f"the LLM server at {self.base_url} failed: {exc}") from exc
