"""``newsmon_sentences``: sentence ends at . ! ? … (after any closing quotes) and at every line break.

Does what spaCy's rule-based Sentencizer does, plus paragraph breaks (so a heading never merges into
the next paragraph), over token arrays; the main loop visits only the tokens that can end a sentence.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

ENDS = {hash_string(p) for p in (".", "!", "?", "…", "...", "?!", "!?", "。", "!!", "??")}
NOT_START = numpy.uint64(2**64 - 1)  # -1 as Doc arrays store it
CLOSERS = {hash_string(p) for p in ("»", "«", "“", "”", '"', "'", "’", ")", "]", "›", "‹", "„")}


@Language.component("newsmon_sentences", assigns=["token.is_sent_start"])
def split_sentences(doc: Doc) -> Doc:
    n = len(doc)
    if n == 0:
        return doc
    array = doc.to_array([ORTH, IS_SPACE])
    orths = array[:, 0].tolist()
    spaces = array[:, 1].tolist()
    starts = numpy.full((n, 1), NOT_START, dtype="uint64")
    starts[0, 0] = 1
    # Only sentence ends and whitespace tokens can end a sentence: visit those, not every token.
    candidates = [i for i, orth in enumerate(orths) if orth in ENDS or spaces[i]]
    after = 0  # tokens before this were consumed as closers of the previous end
    for i in candidates:
        if i < after or i >= n - 1:
            continue
        if orths[i] in ENDS or (spaces[i] and "\n" in doc[i].text):
            j = i + 1
            while j < n and (orths[j] in CLOSERS or orths[j] in ENDS or spaces[j]):
                j += 1
            if j < n:
                starts[j, 0] = 1
            after = j
    doc.from_array([SENT_START], starts)
    return doc
