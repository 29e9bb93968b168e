"""DashScope docs, Qwen-Long: upload one file, reference it as `fileid://ID`, stream the answer."""
from common import ask, client, fixture, sha12


def test_one_uploaded_file():
    c = client()
    path = fixture("Q3-2026-sales-report.pdf")
    file_object = c.files.create(file=path, purpose="file-extract")
    assert file_object.id.startswith("file-fe-")
    assert file_object.filename == path.name
    assert file_object.bytes == path.stat().st_size

    answer, usage = ask(c, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "system", "content": f"fileid://{file_object.id}"},
        {"role": "user", "content": "What was total revenue in Q3 2026?"},
    ])
    data = path.read_bytes()
    assert "Mock answer to: What was total revenue in Q3 2026?" in answer
    assert "Documents (1):" in answer
    assert f"- {path.name}, {len(data)} bytes, sha256 {sha12(data)}" in answer
    # The document's text is read and counted: the same question without it reads far less
    # (the report holds about 4,600 characters of text).
    _, bare = ask(c, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What was total revenue in Q3 2026?"},
    ])
    assert usage.prompt_tokens - bare.prompt_tokens >= 1000
