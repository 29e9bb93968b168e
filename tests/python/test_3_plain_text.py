"""DashScope docs, Qwen-Long: a document passed as plain text in a system message."""
import hashlib

from common import ask, client, fixture


def test_plain_text_system_message():
    c = client()
    text = fixture("员工手册-节选.txt").read_bytes().decode("gbk")
    answer, usage = ask(c, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "system", "content": text},
        {"role": "user", "content": "产假有多少天？"},
    ])
    raw = text.encode("utf-8")
    assert "Mock answer to: 产假有多少天？" in answer
    assert "Documents (0):" in answer
    assert "Texts (1):" in answer
    assert f"- {len(text)} chars, {len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:12]}" in answer
    # Qwen's tokenizer reads Chinese at roughly two tokens for three characters.
    assert len(text) // 2 <= usage.prompt_tokens <= len(text) * 2
