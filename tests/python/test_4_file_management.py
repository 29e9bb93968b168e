"""DashScope docs, OpenAI file interface: a Chinese-named upload, then list, retrieve, delete."""
import openai
import pytest

from common import ask, client, fixture, sha12


def test_chinese_name_list_retrieve_delete():
    c = client()
    path = fixture("采购合同-2026-华东.pdf")
    created = c.files.create(file=path, purpose="file-extract")
    assert created.filename == "采购合同-2026-华东.pdf"

    listed = c.files.list(purpose="file-extract")
    assert created.id in [f.id for f in listed.data]

    got = c.files.retrieve(created.id)
    assert (got.id, got.filename, got.bytes) == (created.id, path.name, path.stat().st_size)
    assert got.status == "processed"

    answer, _ = ask(c, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "system", "content": f"fileid://{created.id}"},
        {"role": "user", "content": "合同总金额是多少？"},
    ])
    data = path.read_bytes()
    assert f"- 采购合同-2026-华东.pdf, {len(data)} bytes, sha256 {sha12(data)}" in answer

    deleted = c.files.delete(created.id)
    assert deleted.deleted and deleted.id == created.id
    with pytest.raises(openai.NotFoundError):
        c.files.retrieve(created.id)
    assert created.id not in [f.id for f in c.files.list().data]
