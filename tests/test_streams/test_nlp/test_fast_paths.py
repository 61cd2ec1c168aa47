"""The per-article fast paths answer exactly what the plain code they replaced answered.

Each fast path (issue 16, NLP cost) is compared with a straightforward reference written here: the
batched cache lookup, the SimHash (pinned to values the earlier implementation produced), the topic
prefix index, the lexicon's per-section prefilter, the cleaner's guarded substitutions and the sentence
splitter that visits only the tokens that can end a sentence.
"""

from __future__ import annotations

import random
import re

import pytest
import spacy
from spacy.tokens import Doc

from streams.nlp.bounded import BoundedCache
from streams.nlp.cleaning import _GLUED_DASH, _WS, _key, _normalise
from streams.nlp.components.sentences import CLOSERS, ENDS, split_sentences
from streams.nlp.fingerprint import simhash
from streams.nlp.lexicon import load_lexicon
from streams.nlp.taxonomy import TopicScorer, load_taxonomy

LANGS = ("de", "en", "fr")
WORDS = [
    "waffenlieferungen", "Waffenlieferung", "raketen", "Raketentechnik", "munition", "artilleriegranaten", "Soldaten",
    "troops", "missiles", "shells", "supplied", "livré", "livraisons", "obus", "soldats", "Strafmaßnahmen",
    "sanktionen", "wirtschaft", "inflation", "élections", "election", "tennis", "fußball", "klima", "klimawandel",
    "x", "", "-", "ß", "12.000", "Kim", "Jong-un", "US-Außenminister", "nordkoreanische", "north", "corée",
]


def _vocabulary(lang: str) -> list[str]:
    """Test words, every term of the taxonomy and lexicon examples with endings, and random strings."""
    rng = random.Random(lang)
    words = list(WORDS)
    for topic in load_taxonomy().topics:
        for term in topic.terms.get(lang, []):
            base = term.rstrip("*")
            words += [base, base + "en", base[:-1], base.upper(), base + "ungen"]
    letters = "aeiounrstlkmwzäöüéèß-"
    words += ["".join(rng.choice(letters) for _ in range(rng.randrange(1, 14))) for _ in range(2_000)]
    return words


def test_get_many_answers_as_get_does_and_promotes_old_entries() -> None:
    cache: BoundedCache[int, str] = BoundedCache(3)
    for k in range(5):  # young {3, 4}, old {0, 1, 2}
        cache[k] = str(k)
    hits, misses = cache.get_many({0, 4, 9})
    assert hits == {0: "0", 4: "4"} and misses == [9]
    assert 0 in cache._young  # promoted like get() does
    assert len(cache) <= 2 * cache.size
    empty = BoundedCache[int, tuple](2)
    empty[1] = ()
    assert empty.get_many([1]) == ({1: ()}, [])  # an empty value is a hit, not a miss


@pytest.mark.parametrize(("text", "expected"), [
    ("Nordkorea hat Russland nach Angaben aus Seoul Millionen Artilleriegranaten geliefert.", "77281b0010c20aeb"),
    ("a b", "51e696ade5866f74"),
    ("Straße STRASSE straße, 12.000 Soldaten; Kim Jong-un", "0ec1886be170b695"),
])
def test_simhash_keeps_the_fingerprints_of_earlier_versions(text: str, expected: str) -> None:
    """Fingerprints are stored and compared across releases: the faster SimHash must give the same bits."""
    assert f"{simhash(text):016x}" == expected


@pytest.mark.parametrize("lang", LANGS)
def test_topic_prefix_index_finds_what_startswith_finds(lang: str) -> None:
    scorer = TopicScorer(load_taxonomy(), lang)
    for word in _vocabulary(lang):
        folded = word.casefold()
        expected = set(scorer.exact.get(folded, ())) | {n for p, n in scorer.prefixes if folded.startswith(p)}
        assert scorer.word_topics(word) == tuple(sorted(expected)), word


@pytest.mark.parametrize("lang", LANGS)
def test_lexicon_prefilter_keeps_the_first_matching_entry(lang: str) -> None:
    lexicon = load_lexicon(lang)
    assert lexicon is not None and lexicon._any  # the prefilter is built for the shipped lexicons
    for word in [w.lower() for w in _vocabulary(lang)]:
        for section, entries in lexicon._words.items():
            expected = next((entry for pattern, entry in entries if pattern.fullmatch(word)), None)
            assert lexicon._first(section, word) is expected, (section, word)


def test_cleaner_guards_skip_only_substitutions_that_change_nothing() -> None:
    rng = random.Random(0)
    pieces = ["Kim", "Seoul", " ", "  ", "\t", "\u00a0", "\u202f", "\u2003", "-", "–", "—", ",", ".", "ß", "12", "_"]
    for _ in range(3_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 30))).strip()
        assert _key(line) == re.sub(r"\W+", " ", line).strip().casefold()
        assert _normalise(line) == _GLUED_DASH.sub(r"\1 ", _WS.sub(" ", line))


def _reference_starts(doc: Doc) -> list[bool]:
    """The splitter's rule, one token at a time (how it was written before it skipped to the candidates)."""
    n = len(doc)
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n - 1:
        if doc[i].orth in ENDS or (doc[i].is_space and "\n" in doc[i].text):
            j = i + 1
            while j < n and (doc[j].orth in CLOSERS or doc[j].orth in ENDS or doc[j].is_space):
                j += 1
            if j < n:
                starts[j] = True
            i = j
            continue
        i += 1
    return starts


@pytest.mark.parametrize("lang", ["de", "en"])  # the rule is the same in every language; blank("fr") is slow
def test_sentence_splitter_visiting_only_candidates_splits_as_before(lang: str) -> None:
    nlp = spacy.blank(lang)  # the splitter needs tokens only
    rng = random.Random(lang)
    pieces = ["Kim sagte", "Nordkorea", ".", "!", "?", "...", "«", "»", '"', ")", "\n", "\n\n", " ", "  ", "?!", "“"]
    texts = ["", ".", "Ein Satz.", "Titel\n\nErster Satz. Zweiter Satz!\n«Zitat.» Danach"]
    texts += [" ".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40))) for _ in range(300)]
    for text in texts:
        doc = split_sentences(nlp.make_doc(text))
        assert [bool(t.is_sent_start) for t in doc] == (_reference_starts(doc) if len(doc) else []), text
