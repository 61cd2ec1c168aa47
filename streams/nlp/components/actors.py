"""``newsmon_actors``: gazetteer phrase matching + compounds + unknown-person patterns (+ optional NER)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
import srsly
from pydantic import BaseModel
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from streams.nlp.bounded import BoundedCache
from streams.nlp.data_files import DATA_DIR, load_yaml
from streams.nlp.gazetteer import ActorEntry, Gazetteer, case_sensitive, load_gazetteer
from streams.nlp.mentions import Mention, person_id

if not Doc.has_extension("actor_mentions"):
    Doc.set_extension("actor_mentions", default=None)

LABELS = {"person": "PERSON", "country": "GPE", "organization": "ORG"}
GAZETTEER_FILE = "actors.yaml"
PERSONS_FILE = "persons.yaml"
FACTS_CACHE_SIZE = 2_500  # at most 5,000 words (~1.6 MB, ~300 bytes each); a miss is one prefix regex, a few µs


class PersonCues(BaseModel):
    version: str
    titles: dict[str, list[str]]
    first_names: list[str]


@Language.factory(
    "newsmon_actors",
    assigns=["doc.ents", "doc._.actor_mentions"],
    default_config={"gazetteer_path": None, "persons_path": None, "model": None},
)
def make_actor_recognizer(nlp: Language, name: str, gazetteer_path: str | None, persons_path: str | None,
                          model: str | None) -> ActorRecognizer:
    return ActorRecognizer(nlp, name, gazetteer_path=gazetteer_path, persons_path=persons_path, model=model)


class ActorRecognizer:
    """Finds every actor mention; countries also through capitals, metonyms, demonyms and compounds."""

    def __init__(self, nlp: Language, name: str = "newsmon_actors", *, gazetteer_path: str | None = None,
                 persons_path: str | None = None, model: str | None = None):
        self.nlp = nlp
        self.name = name
        self.model_name = model
        self._load(Path(gazetteer_path) if gazetteer_path else DATA_DIR / GAZETTEER_FILE,
                   Path(persons_path) if persons_path else DATA_DIR / PERSONS_FILE)

    # -- building -------------------------------------------------------------------------------
    def _load(self, gazetteer_path: Path, persons_path: Path) -> None:
        self.gazetteer_path, self.persons_path = gazetteer_path, persons_path
        self.gazetteer: Gazetteer = load_gazetteer(gazetteer_path)
        self.actors: dict[str, ActorEntry] = self.gazetteer.by_id()
        cues = load_yaml(persons_path, PersonCues)
        self.first_names = set(cues.first_names)
        self.titles = {t.casefold().rstrip(".") for t in cues.titles.get(self.nlp.lang, [])}
        self.compound_titles = tuple(t for t in self.titles if len(t) >= 6) if self.nlp.lang == "de" else ()
        self.model_nlp = spacy.load(self.model_name) if self.model_name else None
        self._build_matchers()

    def _build_matchers(self) -> None:
        vocab = self.nlp.vocab
        self.lower_matcher = PhraseMatcher(vocab, attr="LOWER")
        self.exact_matcher = PhraseMatcher(vocab, attr="ORTH")
        self.keys: dict[int, tuple[str, str]] = {}
        self.single: dict[str, tuple[str, str]] = {}  # first part of hyphen compounds: US-Außenminister
        self.prefixes: list[tuple[str, str]] = []
        lang = self.nlp.lang
        lower_patterns: dict[str, list[Doc]] = {}
        exact_patterns: dict[str, list[Doc]] = {}
        for actor in self.gazetteer.actors:
            for form_lang, form, kind in actor.surface_forms():
                if kind == "demonym" and form_lang != lang:
                    continue  # "russe" is French for Russian, a different word elsewhere
                key = f"{actor.id}|{kind}"
                exact = case_sensitive(form)
                doc = self.nlp.make_doc(form)
                (exact_patterns if exact else lower_patterns).setdefault(key, []).append(doc)
                if len(doc) == 1 and kind != "demonym":
                    self.single.setdefault(form if exact else form.casefold(), (actor.id, kind))
            self.prefixes.extend((p.casefold(), actor.id) for p in actor.compound_prefixes)
        for patterns, matcher in ((lower_patterns, self.lower_matcher), (exact_patterns, self.exact_matcher)):
            for key, docs in patterns.items():
                matcher.add(key, docs)
                self.keys[vocab.strings[key]] = tuple(key.split("|", 1))  # type: ignore[assignment]
        self.prefixes.sort(key=lambda p: -len(p[0]))
        self.prefix_ids = dict(self.prefixes)
        self.prefix_re = re.compile("|".join(re.escape(p) for p, _ in self.prefixes)) if self.prefixes else None
        # orth -> (actor id the word implies or "", looks like part of a name, is a title word, is a known
        # first name); bounded, see _learn
        self._facts: BoundedCache[int, tuple[str, bool, bool, bool]] = BoundedCache(FACTS_CACHE_SIZE)

    # -- running --------------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label=k) for k, s, e in self.lower_matcher(doc)]
        spans += [Span(doc, s, e, label=k) for k, s, e in self.exact_matcher(doc)]
        found: list[Mention] = []
        covered = [False] * len(doc)
        for span in filter_spans(spans):
            actor_id, kind = self.keys[span.label]
            found.append(self._mention(span, actor_id, kind))
            for i in range(span.start, span.end):
                covered[i] = True
        # Per-word facts are cached by orth id: tokens are never materialised unless they matter.
        orths = doc.to_array([ORTH]).ravel().tolist()
        facts = self._learn(set(orths), doc.vocab.strings)
        compounds = {orth: fact[0] for orth, fact in facts.items() if fact[0]}
        names = {orth for orth, fact in facts.items() if fact[1]}
        for i in [i for i, orth in enumerate(orths) if orth in compounds]:
            if not covered[i]:
                covered[i] = True
                found.append(self._mention(doc[i:i + 1], compounds[orths[i]], "compound"))
        found += self._unknown_people(doc, covered, orths, [i for i, o in enumerate(orths) if o in names], facts)
        if self.model_nlp is not None:
            found += self._model_people(doc, covered)
        found.sort(key=lambda m: m.start)
        doc._.actor_mentions = found
        ents = [Span(doc, m.tok_start, m.tok_end, label=LABELS.get(m.actor_type, "PERSON"), kb_id=m.actor_id)
                for m in found]
        doc.set_ents(filter_spans(ents))
        return doc

    def _mention(self, span: Span, actor_id: str, kind: str) -> Mention:
        entry = self.actors.get(actor_id)
        return Mention(span.start_char, span.end_char, span.start, span.end, actor_id, kind, span.text,
                       entry.country if entry else None, entry.type if entry else "person")

    def _learn(self, orths: set[int], strings) -> dict[int, tuple[str, bool, bool, bool]]:  # noqa: ANN001
        """Per word of the article: which actor it implies ('US-Außenminister', 'Kremlchef'), whether it looks
        like part of a name, is a title word, is a known first name. Each word is looked at once while it stays
        in the bounded cache (at most ``2 * FACTS_CACHE_SIZE`` = 5,000 words; keys are orth hashes, stable
        across memory zones)."""
        facts, misses = self._facts.get_many(orths)
        for orth in misses:
            text = strings[orth]
            facts[orth] = self._facts[orth] = (self._compound(text) or "", _name_like(text),
                                               self._is_title(text.casefold().rstrip(".")), text in self.first_names)
        return facts

    def _compound(self, text: str) -> str | None:
        if not (text[:1].isalpha() or "-" in text):
            return None
        if "-" in text:
            head = text.split("-", 1)[0]
            hit = self.single.get(head) or self.single.get(head.casefold())
            if hit and len(head) > 1:
                return hit[0]
        if self.prefix_re is not None:
            m = self.prefix_re.match(text.casefold())
            if m and len(text) > m.end() + 2:
                return self.prefix_ids[m.group()]
        return None

    def _unknown_people(self, doc: Doc, covered: list[bool], orths: list[int], name_like: list[int],
                        facts: dict[int, tuple[str, bool, bool, bool]]) -> list[Mention]:
        """Capitalised names after a known first name or a title word ('Analystin Anna Berger')."""
        out = []
        runs: list[tuple[int, int]] = []  # maximal runs (at most 4 long) of uncovered name-like tokens
        for i in name_like:
            if covered[i]:
                continue
            if runs and runs[-1][1] == i and i - runs[-1][0] < 4:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
        for i, j in runs:
            titled = facts[orths[i - 1]][2] if i > 0 else self._is_title("")
            start = i
            for k in range(i, j - 1):
                _, _, title, first_name = facts[orths[k]]
                if title:
                    start, titled = k + 1, True  # "Der Raketenexperte Jonas Falkenberg": after the title
                    break
                if first_name:
                    start = k  # "Pour Antoine Lemaire": a capitalised word before the first name
                    break
            length = j - start
            if titled and length >= 1 or length >= 2 and facts[orths[start]][3] or (
                    2 <= length <= 3 and self._apposition(doc, j)):
                span = doc[start:j]
                out.append(self._mention(span, person_id(span.text), "pattern"))
                for k in range(start, j):
                    covered[k] = True
        return out

    def _is_title(self, word: str) -> bool:
        """Title words, also as the head of a German compound ('Raketenexperte', 'Sicherheitsforscherin')."""
        return word in self.titles or (len(word) > 8 and word.endswith(self.compound_titles))

    def _apposition(self, doc: Doc, end: int) -> bool:
        """'Rhys Calloway, a space policy researcher': a name followed by what the person is."""
        if end >= len(doc) or doc[end].text != ",":
            return False
        for tok in doc[end + 1:end + 7]:
            if tok.is_punct:
                return False
            if self._is_title(tok.lower_.rstrip(".")):
                return True
        return False

    def _model_people(self, doc: Doc, covered: list[bool]) -> list[Mention]:
        out = []
        for ent in self.model_nlp(doc.text).ents:  # type: ignore[misc]
            if ent.label_ not in ("PER", "PERSON"):
                continue
            span = doc.char_span(ent.start_char, ent.end_char, alignment_mode="contract")
            if span is None or any(covered[i] for i in range(span.start, span.end)):
                continue
            out.append(self._mention(span, person_id(span.text), "model"))
            for i in range(span.start, span.end):
                covered[i] = True
        return out

    # -- serialization (as spaCy's EntityRuler does) ----------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.gazetteer_path, path / GAZETTEER_FILE)
        shutil.copyfile(self.persons_path, path / PERSONS_FILE)
        srsly.write_json(path / "cfg", {"model": self.model_name, "version": self.gazetteer.version})

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ActorRecognizer:
        path = Path(path)
        cfg: dict[str, Any] = srsly.read_json(path / "cfg")
        self.model_name = cfg.get("model") or self.model_name
        self._load(path / GAZETTEER_FILE, path / PERSONS_FILE)
        return self


def _name_like(text: str) -> bool:
    core = text.replace("-", "")
    return len(core) > 1 and core.isalpha() and text[0].isupper() and not text.isupper()
