from datetime import datetime

import pytest
from pydantic import ValidationError

from schemas import Alert, DeadLetter, EnrichedArticle, RawArticle, decode, derive_article_id, encode
from schemas.dead_letter import MAX_PAYLOAD_BYTES
from schemas.export import SCHEMA_DIR, drifted


def test_raw_article_needs_only_text_and_keeps_unknown_fields():
    article = RawArticle.model_validate({"text": "Body", "crawler": {"depth": 2}})
    assert article.model_extra == {"crawler": {"depth": 2}}
    assert decode(encode(article), RawArticle).model_extra == {"crawler": {"depth": 2}}


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"text": "   \n"}, {"title": "only a title"}])
def test_raw_article_without_text_is_invalid(payload):
    with pytest.raises(ValidationError):
        RawArticle.model_validate(payload)


def test_article_id_is_deterministic_and_ignores_whitespace_and_case():
    a = RawArticle(title="Putin in  Pjöngjang", text="Der Text.\n")
    b = RawArticle(title="putin in pjöngjang", text="  Der   Text. ")
    assert a.article_id == b.article_id == derive_article_id("Putin in Pjöngjang", "Der Text.")
    assert RawArticle(title="other", text="Der Text.").article_id != a.article_id


def test_explicit_id_wins_and_numbers_are_accepted():
    assert RawArticle(id=42, text="x").article_id == "42"


def test_unparsable_date_is_dropped_not_fatal():
    article = RawArticle.model_validate({"text": "x", "published_at": "yesterday-ish"})
    assert article.published_at is None
    parsed = RawArticle.model_validate({"text": "x", "published_at": "2024-06-18T10:00:00+02:00"})
    assert isinstance(parsed.published_at, datetime)


def test_dead_letter_keeps_text_or_base64_and_truncates_huge_payloads():
    text = DeadLetter.from_bytes(b"not json", "not_json", "boom", topic="t", partition=1, offset=7)
    assert (text.payload, text.payload_encoding, text.payload_truncated) == ("not json", "text", False)
    binary = DeadLetter.from_bytes(b"\xff\xfe", "invalid_utf8", "bad")
    assert binary.payload_encoding == "base64" and binary.payload == "//4="
    huge = DeadLetter.from_bytes(b"a" * (MAX_PAYLOAD_BYTES + 10), "too_large", "big")
    assert huge.payload_truncated and huge.payload_size == MAX_PAYLOAD_BYTES + 10
    assert len(huge.payload) == MAX_PAYLOAD_BYTES


def test_outputs_carry_schema_version():
    for model in (EnrichedArticle, Alert, DeadLetter):
        assert model.model_fields["schema_version"].default == 1


def test_exported_json_schemas_match_the_models():
    assert drifted(SCHEMA_DIR) == [], "run `newsmon schemas` and commit the files"


def test_drift_is_detected(tmp_path):
    (tmp_path / "alert.schema.json").write_text("{}")
    assert "alert.schema.json" in drifted(tmp_path)
