from streams.sources.files import read_articles


def test_reads_txt_json_jsonl_and_directories_sorted(tmp_path):
    (tmp_path / "b.txt").write_text("\n\nTitle B\nBody of b.\n", encoding="utf-8")
    (tmp_path / "a.json").write_text('{"text": "Body a", "title": "A", "id": "a1"}', encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"text": "c1"}\n\n{"text": "c2", "source": "x"}\n', encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("x", encoding="utf-8")
    items = list(read_articles([tmp_path]))
    assert [i.error for i in items] == [None] * 4
    assert [i.article.title for i in items] == ["A", "Title B", None, None]
    assert items[0].article.article_id == "a1"
    assert [i.origin.rsplit("/", 1)[-1] for i in items[2:]] == ["c.jsonl:1", "c.jsonl:3"]


def test_bad_lines_and_files_are_reported_with_origin_and_skipped(tmp_path):
    (tmp_path / "mixed.ndjson").write_text('{"text": "ok"}\nnot json\n{"title": "no text"}\n[1]\n')
    (tmp_path / "latin1.txt").write_bytes("Überschrift\nText".encode("latin-1"))
    items = list(read_articles([tmp_path / "mixed.ndjson", tmp_path / "latin1.txt", tmp_path / "missing"]))
    good = [i for i in items if i.article]
    bad = {i.origin.rsplit("/", 1)[-1]: i.error for i in items if i.error}
    assert len(good) == 1
    assert set(bad) == {"mixed.ndjson:2", "mixed.ndjson:3", "mixed.ndjson:4", "latin1.txt", "missing"}
    assert "text" in bad["mixed.ndjson:3"] and "unreadable" in bad["latin1.txt"]


def test_seed_titles_are_first_non_empty_lines(seeds_dir):
    items = list(read_articles([seeds_dir]))
    assert len(items) == 5
    assert items[1].article.title == "NATO-Chef sagt, Russland unterstütze Nordkoreas Atomprogramm"
    assert items[4].article.title == "Putin und Kim Jong Un wollen ihre Zusammenarbeit verstärken"
