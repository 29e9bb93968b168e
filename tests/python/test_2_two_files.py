"""DashScope docs, Qwen-Long: two uploaded files in one `fileid://A,fileid://B` system message."""
from common import ask, client, fixture, sha12


def test_two_files_in_one_message():
    c = client()
    paths = [fixture("采购合同-2026-华东.docx"), fixture("meeting-notes.md")]
    ids = [c.files.create(file=p, purpose="file-extract").id for p in paths]

    answer, _ = ask(c, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "system", "content": ",".join(f"fileid://{i}" for i in ids)},
        {"role": "user", "content": "How much was the late-delivery penalty for the PLC controllers?"},
    ])
    assert "Documents (2):" in answer
    for p in paths:
        data = p.read_bytes()
        assert f"- {p.name}, {len(data)} bytes, sha256 {sha12(data)}" in answer
    # Text-like files are quoted, which proves the mock got the real content.
    notes = paths[1].read_text(encoding="utf-8")
    first = " ".join(notes[:40].split("\n"))
    assert f'begins "{first}' in answer, answer
