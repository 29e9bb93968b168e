"""Shared setup: the client exactly as DashScope's docs build it, with only base_url and key from env."""
import hashlib
import os
from pathlib import Path

from openai import OpenAI

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(os.environ.get("LONGWEN_FIXTURES") or REPO / ".." / "shared" / "fixtures")


def client() -> OpenAI:
    base_url = os.environ.get("MOCK_BASE_URL") or os.environ["OPENAI_BASE_URL"]
    return OpenAI(api_key=os.environ.get("DASHSCOPE_API_KEY", "sk-python-tests"), base_url=base_url)


def fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.is_file(), f"missing fixture {path} (set LONGWEN_FIXTURES)"
    return path


def sha12(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def ask(client: OpenAI, messages: list) -> tuple[str, object]:
    """Streams a qwen-long answer the way the docs do; returns the text and the usage."""
    completion = client.chat.completions.create(
        model="qwen-long",
        messages=messages,
        stream=True,
        stream_options={"include_usage": True},
    )
    text, usage, finish = [], None, None
    for chunk in completion:
        # The usage chunk has no choices: indexing choices[0] there would crash.
        if chunk.choices:
            if chunk.choices[0].delta.content:
                text.append(chunk.choices[0].delta.content)
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert finish == "stop", f"no finish_reason=stop, got {finish!r}"
    assert usage is not None, "the include_usage chunk never arrived"
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    return "".join(text), usage
