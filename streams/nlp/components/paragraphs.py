"""``newsmon_paragraphs``: a line break ends a sentence, so headings never merge into the next paragraph."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("newsmon_paragraphs", assigns=["token.is_sent_start"])
def split_paragraphs(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc
