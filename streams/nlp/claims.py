"""Claim extraction: who is said to give what to whom, and who says so.

Works per sentence on token tags from the claim lexicon and the actor mentions, without a parser.
Explicit evidence decides roles first (nach/to/à, aus/from/de, von/by/par, a demonym on the item,
a possessive on a programme, "X mit Y versorgen"); word order around the trigger decides the rest.
The speaker of a reported clause ("Washington beschuldigte Nordkorea, ...") is the claimant, not a
party. A sentence that names one side of the Russia–North Korea pair with explicit evidence borrows
the other side from the article, and items after "im Austausch für / in exchange for / en échange
de" move the other way.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from spacy.attrs import LOWER
from spacy.strings import hash_string
from spacy.tokens import Doc, Span

from schemas import Claim, Evidence, Quantity
from streams.nlp.confidence import ClassifierClaims, load_confidence
from streams.nlp.gazetteer import ActorEntry
from streams.nlp.lexicon import SPEAKER_CUES, CompiledLexicon, ItemEntry, WordTags
from streams.nlp.mentions import Mention

SEEN_WORDS = 10_000  # words whose hint tags are known, per language (~1 MB; a re-look is one lru_cache hit)
DYAD = frozenset({"RUS", "PRK"})
SUBJECTIVE = {"supply", "support", "flow", "receive", "supplier_noun"}  # trigger nouns a demonym can qualify
SUBJECT_SUPPLIES = {"supply", "supplier_noun", "flow", "support", "deploy", "deal", "train"}
FAMILIES_BY_TRIGGER = {
    "supply": {"munitions", "technology", "personnel"},
    "supplier_noun": {"munitions", "technology", "personnel"},
    "flow": {"munitions", "technology", "personnel"},
    "receive": {"munitions", "technology", "personnel"},
    "use": {"munitions", "personnel"},
    "support": {"technology", "personnel"},  # "nordkoreanische Pioniere unterstützen Russland"
    "deploy": {"personnel"},
    "deal": {"munitions", "technology"},
    "train": {"personnel", "technology"},  # trainers pass on know-how; the trained personnel receive it
}
TRAINING = ItemEntry(word="training", item="training", family="technology")
# Words that open a sentence for closer reading: an item, or a verb that moves something. Support, use and
# deal verbs ("nutzen", "Zusammenarbeit") only count next to an item word, so they are no hint alone.
MOVES = {"supply", "flow", "receive", "train"}  # verbs that move an item by themselves
HINT_TRIGGERS = {"supply", "supplier_noun", "flow", "receive", "deploy", "train"}
MODALITY_ORDER = ("confirmation", "allegation", "suspicion", "concern", "intent")
DETERMINERS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "seinem",
    "seinen", "seiner", "seine", "sein", "ihr", "ihre", "ihrem", "ihren", "ihres", "the", "a", "an", "its",
    "their", "his", "her", "la", "le", "les", "l'", "un", "une", "leur", "leurs", "son", "sa", "ses",
}
POSSESSIVES = {"sein", "seine", "seinem", "seinen", "seiner", "seines", "ihr", "ihre", "ihrem", "ihren", "ihrer",
               "its", "their", "his", "her", "son", "sa", "ses", "leur", "leurs"}
LINKS = {"für", "for", "pour", "und", "and", "et", "mit", "with", "avec", "von", "of", "de", "nach", "to", "à"}
AND = {"und", "and", "et", "sowie", "&"}
SUBORDINATORS = {"dass", "that", "que", "qu'", "ob", "whether", "wie", "how"}
GENERIC_ITEMS = {"weapons", "military-technology"}
NOT_A_REPORT = {"hypothetical", "proposal", "prohibition"}  # "if it sent troops", "suggested", "bans selling"
TECH_OF = {"missiles": "missile-technology", "rocket-launchers": "missile-technology",
           "space-technology": "space-technology", "submarine-technology": "submarine-technology",
           "nuclear-technology": "nuclear-technology", "drones": "military-technology",
           "aircraft": "military-technology", "air-defence": "military-technology"}
# Words before a country that make it no party: "ambassadeur de Russie", "Sea of Japan", "mer du Japon".
NOT_A_PARTY_BEFORE = {"ambassador", "ambassadeur", "ambassadrice", "embassy", "ambassade", "botschafter", "botschaft",
                      "sea", "mer", "meer", "gulf", "golfe", "golf"}
# ... and after it: "Russia's ambassador", "Russlands Botschafter".
NOT_A_PARTY_AFTER = {"ambassador", "embassy", "botschafter", "botschafterin", "botschaft"}
AGAINST = {"against", "gegen", "contre", "front", "fronts", "frontline"}  # no war someone owns ("front ukrainien")
HOST_WORDS = {"alongside", "beside", "aux", "an"}  # "alongside Russian forces", "aux côtés", "an der Seite"
GENITIVE = {"of", "de", "du", "des", "d'"}
EQUIP = ("equip", "équip", "ausgerüst", "ausrüst")  # "soldiers equipped with ...": the soldiers receive
PRODUCED = {"built", "made", "manufactured", "produced", "assembled", "gebaut", "hergestellt", "produziert",
            "gefertigt", "fabriqué", "fabriqués", "fabriquée", "fabriquées", "produit", "produits", "produite",
            "produites", "construit", "construits", "assemblés"}
# "le régime de Kim Jong-un", "das Regime in Pjöngjang": the state itself, not a genitive or a place
GOVERNMENT = {"regime", "régime", "führung", "regierung", "government", "gouvernement", "leadership", "machthaber",
              "dirigeants", "pouvoir", "staatsführung"}
CONTEXT_SENTENCES = 2  # a side named this many sentences back still counts as named nearby
CARRY_SENTENCES = 8  # reported speech runs on for a few sentences after "sagte X"
RECENT_YEAR = re.compile(r"\b20(2[2-9]|[3-9]\d)\b")
NUMBER = re.compile(r"\d{1,3}(?:[.,\s\u202f]\d{3})+|\d+(?:[.,]\d+)?")
MULTIPLIERS = {"million": 1e6, "millionen": 1e6, "mio": 1e6, "millions": 1e6, "tausend": 1e3, "thousand": 1e3,
               "mille": 1e3, "milliers": 1e3, "hundert": 1e2, "hundred": 1e2, "billion": 1e9}


@dataclass
class Tagged:
    """Token tags of one sentence, with phrase hits folded in."""

    tokens: list
    tags: list[WordTags]
    items: dict[int, ItemEntry]
    hosts: set[int] = dataclasses.field(default_factory=set)  # personnel items that are the host side
    no_transfer: bool = False  # the roles read here move an item outside the pair, or only use it


@dataclass(frozen=True)
class Party:
    country: str
    start: int  # token index within the sentence
    end: int
    kind: str
    mention: Mention | None


class Direction(NamedTuple):
    supplier: str | None
    recipient: str | None
    basis: str  # what fixed the direction: the key into the confidence table


# (stronger, weaker) evidence of the two sides -> basis; 2 explicit (nach/aus/von, a demonym), 1 word order
EVIDENCE = {(2, 2): "explicit", (2, 1): "explicit_order", (1, 1): "order"}
BORROWED = {2: "explicit_borrowed", 1: "order_borrowed", 0: "borrowed"}


@dataclass
class Role:
    supplier: int = 0  # strength: 2 explicit evidence, 1 word order
    recipient: int = 0
    distance: int = 99
    counterpart: bool = False


def tag_sentence(sent: Span, lexicon: CompiledLexicon) -> Tagged:
    toks = list(sent)
    tags = [lexicon.tag(t.lower_) for t in toks]
    items = {i: tag.item for i, tag in enumerate(tags)
             if tag.item is not None and not tag.item.skip and not toks[i].text.endswith("-")}
    # Phrases only matter where words already hint at a claim or a source.
    hits = lexicon.phrases(sent.text.lower()) if any(t.item or t.trigger or t.attribution for t in tags) else []
    if hits:
        base = sent.start_char
        starts = [t.idx - base for t in toks]
        for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
            covered = [i for i, s in enumerate(starts) if hit.start <= s < hit.end]
            if not covered and hit.section == "attribution":  # "nach US-Angaben": inside a compound
                covered = [i for i, s in enumerate(starts) if s < hit.start < s + len(toks[i].text)]
            if not covered:
                continue
            if hit.section == "markers" and hit.entry.kind == "exchange" and len(covered) == 1 and \
                    tags[covered[0]].marker == "target" and not any(  # type: ignore[attr-defined]
                        tags[j].trigger in MOVES | {"supplier_noun", "deal"} for j in range(covered[0])):
                continue  # "combattent contre les troupes ukrainiennes": against, not in exchange for
            if hit.section == "items":
                for i in covered:
                    items.pop(i, None)
                    if tags[i].trigger:  # "lance-roquettes", "aide technique": part of an item, not a verb
                        tags[i] = dataclasses.replace(tags[i], trigger=None)
                if not hit.entry.skip:  # type: ignore[attr-defined]
                    items[covered[-1]] = hit.entry  # type: ignore[assignment]
            else:
                name = {"triggers": "trigger", "markers": "marker", "cues": "cue",
                        "attribution": "attribution", "geography": "geo"}[hit.section]
                update = {name: hit.entry.kind}  # type: ignore[attr-defined]
                if hit.section == "cues":
                    update["speaker_cue"] = hit.entry.kind in SPEAKER_CUES and hit.entry.speaker  # type: ignore
                tags[covered[0]] = dataclasses.replace(tags[covered[0]], **update)
    return Tagged(toks, tags, items)


class ClaimExtractor:
    """Pure logic over a Doc that carries ``doc._.actor_mentions``."""

    def __init__(self, lexicon: CompiledLexicon, actors: dict[str, ActorEntry]):
        self.lexicon = lexicon
        self.actors = actors
        self.place_hashes = {hash_string(name) for name in lexicon.places}
        self.confidence = load_confidence()
        self.theatres = self.confidence.theatres
        self._seen: set[int] = set()
        self._hint_words: set[int] = set()

    def __call__(self, doc: Doc) -> list[Claim]:
        mentions: list[Mention] = doc._.actor_mentions or []
        read: set[int] = set()  # sentences (start char) whose roles the rules read
        tagged: dict[int, Tagged] = {}  # sentences the rules tagged -> their tags
        claims = self._rule_claims(doc, mentions, read, tagged)
        if doc._.transfer_scores is not None and self.confidence.classifier:
            read |= {c.evidence.start for c in claims}
            claims += self._classifier_claims(doc, mentions, claims, self.confidence.classifier, read, tagged)
        return claims

    def _classifier_claims(self, doc: Doc, mentions: list[Mention], found: list[Claim],
                           settings: ClassifierClaims, read: set[int], tagged: dict[int, Tagged]) -> list[Claim]:
        """One claim per family the rules missed, from the sentence the classifier is surest of; never in a
        sentence whose roles the rules read (a claim there, or a side outside the pair)."""
        sents = list(doc.sents)
        starts = [m.tok_start for m in mentions]
        ruled = {c.family for c in found if set(c.parties) == DYAD and c.confidence >= settings.unless_rules_above}
        out = []
        for family, pair in settings.direction.items():
            if family in ruled:
                continue
            supplier, recipient = pair.split(">")
            # Candidates name an item of the family that is not the recipient's own ("Russian troops") and no
            # condition: the model reads words, the lexicon says what moves.
            candidates = {}
            for k, tags in tagged.items():  # sentences the rules tagged: a hint word and an actor or a place
                sent = sents[k]
                if sent.start_char in read:
                    continue
                found_here = mentions[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
                owned = {m.tok_end - sent.start for m in found_here if m.kind == "demonym" and m.country == recipient}
                if any(it.family == family and i not in owned for i, it in tags.items.items()) and not any(
                        tag.cue in NOT_A_REPORT for tag in tags.tags):
                    candidates[k] = found_here
            scored = [(p, k) for k, scores in doc._.transfer_scores.of(candidates).items()
                      if (p := scores.get(family, 0.0)) >= settings.min_probability]
            if not scored:
                continue
            probability, best = max(scored)
            sent, tags, found_here = sents[best], tagged[best], candidates[best]
            speaker = self._speaker(tags, found_here, sent.start, len(sent))[0] if found_here else None
            claimant_id, claimant_name = self._claimant_of(speaker)
            modality = self._modality(tags.tags, {t.cue for t in tags.tags if t.cue}, 0, len(sent) - 1,
                                      attributed=speaker is not None)
            out.append(Claim(
                supplier=supplier, recipient=recipient, parties=sorted({supplier, recipient}),
                item=settings.item.get(family, family), family=family, modality=modality,
                claimant=claimant_id, claimant_name=claimant_name,
                confidence=round(min(self.confidence.ceiling, probability), 2),
                evidence=Evidence(sentence=sent.text, start=sent.start_char, end=sent.end_char),
            ))
        return out

    def _rule_claims(self, doc: Doc, mentions: list[Mention], read: set[int], tagged_sents: dict[int, Tagged]
                     ) -> list[Claim]:
        dyad_article = {m.country for m in mentions if m.country} >= DYAD
        claims: list[Claim] = []
        seen: set[tuple] = set()
        starts = [m.tok_start for m in mentions]
        lowers = doc.to_array([LOWER]).ravel().tolist()
        strings = doc.vocab.strings
        hints = self._hints_in(set(lowers), strings)  # words that name an item or a transfer
        if not hints:
            return claims
        places = {i for i, h in enumerate(lowers) if h in self.place_hashes}
        hinted = [h in hints for h in lowers]
        sents = list(doc.sents)
        speakers: dict[int, Mention | None] = {}  # sentence index -> speaker, filled lazily

        def speaker_of(k: int) -> Mention | None:
            if k not in speakers:
                sent = sents[k]
                found = mentions[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
                speakers[k] = self._speaker(tag_sentence(sent, self.lexicon), found, sent.start,
                                            len(sent))[0] if found else None
            return speakers[k]

        for s_index, sent in enumerate(sents):
            sent_mentions = mentions[bisect_left(starts, sent.start):bisect_left(starts, sent.end)]
            if not any(hinted[sent.start:sent.end]):
                continue
            if not sent_mentions and not any(sent.start <= i < sent.end for i in places):
                continue  # every claim needs an actor or a place in its sentence
            tagged = tagged_sents[s_index] = tag_sentence(sent, self.lexicon)
            if not tagged.items or not any(t.trigger or t.marker == "exchange" for t in tagged.tags):
                continue
            window = sents[max(0, s_index - CONTEXT_SENTENCES)].start
            nearby = {m.country for m in mentions[bisect_left(starts, window):bisect_left(starts, sent.end)]
                      if m.country}
            previous = next((sp for k in range(s_index - 1, max(-1, s_index - 1 - CARRY_SENTENCES), -1)
                             if (sp := speaker_of(k)) is not None), None)
            earlier = next((m.country for m in reversed(mentions[bisect_left(starts, window):bisect_left(
                starts, sent.start)]) if m.country in DYAD), None)
            sentence_claims = self._sentence_claims(sent, tagged, sent_mentions, dyad_article, previous, nearby,
                                                    earlier)
            if tagged.no_transfer:
                read.add(sent.start_char)
            for claim, speaker in sentence_claims:
                if speaker:
                    speakers[s_index] = speaker
                key = (claim.supplier, claim.recipient, claim.item)
                if key not in seen:
                    seen.add(key)
                    claims.append(claim)
        directed = {(frozenset(c.parties), c.family) for c in claims if c.supplier}
        best: dict[tuple, float] = {}
        for c in claims:
            key = (frozenset(c.parties), c.item)
            best[key] = max(best.get(key, 0.0), c.confidence)
        # "Deals between the two" adds nothing once the article says which way that family moved, and one
        # item moves one way in one article: the weaker opposite reading is a misread.
        return [c for c in claims if (c.supplier or (frozenset(c.parties), c.family) not in directed)
                and (not c.supplier or c.confidence >= best[(frozenset(c.parties), c.item)])]

    def _hints_in(self, words: set[int], strings) -> set[int]:  # noqa: ANN001
        """Which of these words (hash ids) tag an item or a trigger; each word is looked at once per process."""
        new = words - self._seen
        if new:
            if len(self._seen) > SEEN_WORDS:  # a bound: the set is rebuilt from the next articles' words
                self._seen.clear()
                self._hint_words.clear()
            self._seen |= new
            for key in new:
                tags = self.lexicon.tag(strings[key])
                if tags.item or tags.trigger in HINT_TRIGGERS:
                    self._hint_words.add(key)
        return words & self._hint_words

    # -- who says so ---------------------------------------------------------------------------
    def _speaker(self, tagged: Tagged, mentions: list[Mention], first: int, t_idx: int
                 ) -> tuple[Mention | None, int]:
        """(speaker mention, start of the reported clause) for the trigger at ``t_idx``."""
        tags = tagged.tags
        verbs = [i for i, t in enumerate(tags) if t.attribution == "speech" or (t.speaker_cue and not (
            t.cue in ("allegation", "suspicion") and any(tags[k].cue == "passive" for k in range(max(0, i - 2), i))))]
        # "X wird verdächtigt", "X is accused of": X is the accused, not who speaks ("X is concerned" still speaks)
        before = [v for v in verbs if v < t_idx]
        if before:
            v = before[-1]
            return self._subject_of(tagged, mentions, first, v), v + 1
        according = [i for i, t in enumerate(tags) if t.attribution == "according"]
        for a in according:
            if tagged.tokens[a].lower_ == "zufolge":
                hit = [m for m in mentions if 0 <= a - (m.tok_end - first) <= 1]
            else:
                hit = [m for m in mentions if 0 < (m.tok_start - first) - a <= 5]
            if hit:
                return hit[0], 0
        if according:
            return None, -1  # "Beobachtern zufolge": attributed, but to nobody we know
        after = [v for v in verbs if v > t_idx]
        if after:
            return self._subject_of(tagged, mentions, first, after[0]), 0
        return None, 0

    @staticmethod
    def _subject_of(tagged: Tagged, mentions: list[Mention], first: int, v: int) -> Mention | None:
        """The actor before the verb (X sagte / X accuses) or just after it (sagte Stoltenberg)."""
        inverted = v > 0 and tagged.tokens[v - 1].text in {",", "«", "»", "“", "”", '"'}
        speech = tagged.tags[v].attribution == "speech"
        best: tuple[int, Mention] | None = None
        for m in mentions:
            if m.kind == "demonym":
                continue
            start, end = m.tok_start - first, m.tok_end - first
            between = tagged.tokens[end:v]
            crosses = any(t.is_punct for t in between[:-1]) or (between and between[-1].is_punct and
                                                                  between[-1].text != ",")
            if 0 <= v - end <= 8 and not inverted and not crosses:
                rank = v - end
            elif 0 < start - v <= 4 and speech and (inverted or tagged.tags[v].cue != "allegation") and not any(
                    t.is_punct or t.lower_ in SUBORDINATORS for t in tagged.tokens[v + 1:start]):
                rank = start - v + 1 - (10 if inverted else 0)  # "..., berichtete Interfax"
            else:
                continue
            rank -= 2 if m.actor_type != "country" else 0  # people and bodies speak more than states
            if best is None or rank < best[0]:
                best = (rank, m)
        return best[1] if best else None

    def _claimant_of(self, m: Mention | None) -> tuple[str | None, str | None]:
        if m is None:
            return None, None
        entry = self.actors.get(m.actor_id)
        if entry is None:
            return m.actor_id, m.text
        if entry.type == "person":
            return entry.affiliation or entry.country or entry.id, entry.name
        if entry.type == "organization":
            return entry.country or entry.id, entry.name
        return entry.id, entry.name

    # -- what moves where ------------------------------------------------------------------------
    def _parties(self, tagged: Tagged, mentions: list[Mention], first: int, earlier: str | None = None
                 ) -> list[Party]:
        toks, items, tags = tagged.tokens, tagged.items, tagged.tags
        out = []
        covered = set()
        for i, tag in enumerate(tags):  # "seinem Verbündeten", "its ally", "son allié": the other side of the pair
            if tag.cue == "relation" and i > 0 and toks[i - 1].lower_ in POSSESSIVES:
                owner = next((m.country for m in reversed(mentions) if m.tok_start - first < i and m.country in DYAD),
                             earlier)
                if owner in DYAD:
                    out.append(Party(next(iter(DYAD - {owner})), i, i + 1, "relation", None))
        for m in mentions:
            if not m.country or m.actor_type == "organization":
                continue  # ministries and agencies speak; they do not send shells
            start, end = m.tok_start - first, m.tok_end - first
            covered.update(range(start, end))
            if self._not_a_party(toks, tagged.tags, start, end) or (
                    start == 0 and m.text.isupper() and end < len(toks) and toks[end].text in (",", "(")):
                continue  # "SEOUL, 12. Nov (dpa) - ...": a dateline, not a side
            attached = _item_after(toks, tagged.tags, items, end) is not None or (
                toks[0].lang_ == "fr" and (start - 1 in items or start - 2 in items))
            region = (end < len(toks) and tagged.tags[end].geo == "region") or (
                start > 0 and tagged.tags[start - 1].geo == "region")  # "russischen Region", "région russe"
            subjective = (end < len(toks) and tags[end].trigger in SUBJECTIVE) or (
                start > 0 and toks[0].lang_ == "fr" and tags[start - 1].trigger in SUBJECTIVE)  # "russische Hilfe"
            if m.kind == "demonym" and not (attached or region or subjective) and \
                    not self._owns_target(tagged, start, end, m) and \
                    not self._after_host_word(tagged, start) and \
                    self._marker_before(toks, tagged.tags, start) not in ("from", "to", "agent"):
                continue  # "russischen Präsidenten", "ukrainischen Geheimdienstes": no role
            out.append(Party(m.country, start, end, m.kind, m))
        for i, tok in enumerate(toks):
            code = self.lexicon.places.get(tok.lower_)
            if code and i not in covered:
                out.append(Party(code, i, i + 1, "place", None))
        return out

    def _sentence_claims(self, sent: Span, tagged: Tagged, mentions: list[Mention], dyad_article: bool,
                         previous: Mention | None, nearby: set[str], earlier: str | None = None
                         ) -> list[tuple[Claim, Mention | None]]:
        tags, toks = tagged.tags, tagged.tokens
        n = len(toks)
        cues = {t.cue for t in tags if t.cue}
        proposals = [i for i, t in enumerate(tags) if t.cue == "proposal"]
        if "history" in cues and not RECENT_YEAR.search(sent.text):
            return []
        first = sent.start
        tagged.hosts = self._hosts(tagged)
        enemies = {i for i, it in tagged.items.items() if it.family == "personnel" and any(
            tags[k].marker == "target" for k in range(max(0, i - 3), i))}  # "against Ukrainian forces"
        items = {i: it for i, it in self._absorb(tagged).items() if i not in tagged.hosts and i not in enemies}
        prohibited = [i for i, t in enumerate(tags) if t.cue == "prohibition"]
        breaks = [i for i, t in enumerate(toks) if t.text in (":", ";")]  # clauses that share no parties
        exchange = self._exchange_region(tagged, items)
        hypothetical = [i for i, t in enumerate(tags) if t.cue == "hypothetical"]
        all_parties = [p for p in self._parties(tagged, mentions, first, earlier)
                       if not (p.kind == "demonym" and {p.end, p.start - 1, p.start - 2} & enemies)]
        sources = self._sources(tagged, all_parties)
        speech = [v for v, t in enumerate(tags) if t.attribution == "speech"]
        for i in [i for i, it in items.items() if it.family == "personnel"]:
            speaks = any(0 < v - i <= 5 and not any(tags[k].trigger or tags[k].item or toks[k].is_punct
                                                    for k in range(i + 1, v)) for v in speech)
            if speaks and not any(p.kind == "demonym" and p.country in DYAD and i in (p.end, p.start - 1)
                                  for p in all_parties):
                del items[i]  # "L'armée du sud a estimé que ...": the army speaks, it is not moved
        for p in all_parties:  # "selon les militaires sud-coréens": the source's people are no item
            if p.start in sources and p.kind == "demonym":
                for k in (p.end, p.start - 1, p.start - 2):
                    if any(tags[j].attribution == "according" for j in range(max(0, k - 3), k)):
                        items.pop(k, None)
        out: list[tuple[Claim, Mention | None]] = []
        swapped: set[int] = set()  # ids of claims read the other way round from an exchange clause
        for idx, item in sorted(items.items()):
            in_exchange = exchange is not None and exchange[0] < idx < exchange[1]
            trigger = self._trigger_for(tags, idx, item, exchange)
            if trigger is None:
                continue
            t_idx, kind = trigger
            employ = kind == "use" and item.family == "personnel"
            if employ:
                kind = "deploy"  # "Soldaten werden in Kursk eingesetzt"; who uses them is the recipient
            if item.family == "personnel" and toks[t_idx].lower_.startswith(EQUIP):
                continue  # "les militaires seraient équipés de ...": they are equipped, not moved
            if item.family == "personnel" and toks[idx].lower_ in ("militaire", "militaires") and idx > 0 and (
                    toks[idx - 1].is_alpha and toks[idx - 1].lower_ not in DETERMINERS | GENITIVE | {"ces", "aux"}):
                continue  # "préparatifs militaires": an adjective
            if kind == "train" and item.family == "personnel":
                if self._trained_abroad(tagged, mentions, first, idx):
                    kind = "deploy"  # "North Korean soldiers trained in Russia": troops in Russia, not know-how
                else:
                    item = TRAINING  # "Russian instructors trained North Korean personnel": know-how moves
            if any(h < t_idx and not (toks[h - 1].text == "," and any(h < p.start < t_idx for p in all_parties))
                   for h in proposals):
                continue  # a commentator's proposal ("suggested sending shells"), not "suggesting X supplies"
            if any(0 <= min(t_idx, idx) - h <= 6 for h in prohibited):
                continue  # "ein Verbot, Raketentechnologie an Nordkorea zu verkaufen": sanctions, not a claim
            if item.programme and (abs(t_idx - idx) > 10 or (kind == "flow" and any(
                    tags[k].marker in ("to", "location") for k in range(max(0, idx - 5), idx)))):
                continue  # "... shipped weapons ..., the North for its banned weapons programmes"
            if any(min(t_idx, idx) - 10 <= h < min(t_idx, idx) for h in hypothetical):
                continue
            if kind == "deal" and (hypothetical or "conditional" in cues or any(
                    tags[i].cue == "negation" for i in range(max(0, t_idx - 5), t_idx))):
                continue  # "any arms deal would violate ..." is a warning, not a claim
            if kind != "receive" and any(tags[i].cue == "self" for i in range(t_idx + 1, min(n, t_idx + 6))):
                continue  # "pour en équiper sa propre armée" (but "Know-how bekommen, um die eigene ...")
            speaker, clause = self._speaker(tagged, mentions, first, t_idx)
            lo, hi = min(t_idx, idx), max(t_idx, idx)
            opens = max((k for k in breaks if k < lo), default=-1)  # "... wäre nicht: Nordkorea stellt Russland ..."
            closes = min((k for k in breaks if k > hi), default=n)
            if exchange is not None and hi < exchange[0]:
                closes = min(closes, exchange[0])  # "A gave B arms in exchange for troops to support A's war"
            parties = [p for p in all_parties
                       if (speaker is None or p.mention is not speaker) and (p.start >= clause or p.kind == "place")
                       and p.start not in sources and opens < p.start < closes]
            if in_exchange and exchange is not None:
                direction = self._exchange_direction(tagged, items, parties, idx, exchange, dyad_article)
            else:
                roles = self._roles(tagged, items, parties, t_idx, kind, item, employ=employ)
                at_war = any(t.marker == "target" for t in tags) or any(p.country in self.theatres for p in all_parties)
                direction = self._resolve(roles, kind, dyad_article, self._implicit_recipient(tagged, items), nearby,
                                          at_war)
            supplier, recipient, basis = direction
            if not in_exchange and all(roles.get(c) is not None and roles[c].counterpart for c in DYAD) and not any(
                    r.supplier == 2 or r.recipient == 2 for r in roles.values()):
                supplier = recipient = None  # "Waffentransfers zwischen Russland und Nordkorea"
            if supplier is None and dyad_article and earlier and kind in SUBJECT_SUPPLIES and recipient != earlier and \
                    any(tags[k].cue == "pronoun" for k in range(max(0, t_idx - 3), min(n, t_idx + 3))) and \
                    not any(p.start < t_idx for p in parties):
                supplier = earlier  # "Zuletzt entsandte es Soldaten": the state of the sentence before
                recipient = recipient or next(iter(DYAD - {earlier}))
                basis = "pronoun"
            own = next((p.country for p in all_parties if p.kind == "demonym" and item.family == "personnel"
                        and idx in (_item_after(toks, tags, tagged.items, p.end), p.start - 1, p.start - 2)), None)
            if own and supplier and own != supplier:
                tagged.no_transfer = True
                continue  # "die russische Armee feuerte Raketen aus Nordkorea ab": Russia's army is not moved
            party = self.theatres.get(recipient or "")
            if dyad_article and party in DYAD and supplier in DYAD - {party}:
                recipient = party  # "Truppen, die Nordkorea in die Ukraine geschickt hat": to Russia's war
            if {supplier, recipient} - DYAD - {None} or (kind == "use" and supplier is None and recipient is None):
                tagged.no_transfer = True  # "Western countries sent tanks to Ukraine", "Russia launched drones"
            named = {p.country for p in parties}
            party_set = sorted({c for c in (supplier, recipient) if c})
            if not supplier and not recipient:
                pair = (self._coordinated_pair(tagged, parties) if kind in MOVES or kind == "deal" else None) or (
                    sorted(named) if kind == "deal" and len(named) == 2 else None)
                if not pair:
                    continue
                party_set, basis = pair, "undirected"
            elif not (supplier and recipient):
                continue
            claimant = speaker or (previous if clause >= 0 else None)
            claimant_id, claimant_name = self._claimant_of(claimant)
            modality = self._modality(tags, cues, t_idx, idx, attributed=claimant is not None)
            claim = Claim(
                supplier=supplier, recipient=recipient, parties=party_set, item=item.item or "weapons",
                family=item.family or "munitions", modality=modality,
                claimant=claimant_id, claimant_name=claimant_name, quantity=self._quantity(sent, toks[idx].idx),
                confidence=self.confidence.of(basis, kind, f"{supplier}>{recipient}:{item.family}", item.item or ""),
                evidence=Evidence(sentence=sent.text, start=sent.start_char, end=sent.end_char),
            )
            if in_exchange:
                swapped.add(id(claim))
            out.append((claim, speaker))
        moved = {(c.supplier, c.recipient) for c, _ in out if c.family == "personnel"}
        out = [(c, s) for c, s in out if not (c.item == TRAINING.item and (c.supplier, c.recipient) in moved)]
        specific = {(c.supplier, c.recipient, c.family) for c, _ in out if c.item not in GENERIC_ITEMS}
        out = [(c, s) for c, s in out
               if c.item not in GENERIC_ITEMS or (c.supplier, c.recipient, c.family) not in specific]
        # One clause does not move one family both ways (an exchange moves two families): keep the better reading.
        best: dict[tuple, float] = {}
        for c, _ in out:
            if id(c) in swapped:
                continue
            key = (frozenset((c.supplier, c.recipient)), c.family)
            best[key] = max(best.get(key, 0.0), c.confidence)
        return [(c, s) for c, s in out if c.supplier is None or id(c) in swapped or
                c.confidence >= best[(frozenset((c.supplier, c.recipient)), c.family)]]

    @staticmethod
    def _absorb(tagged: Tagged) -> dict[int, ItemEntry]:
        """'Know-how für Raketen', 'technology for its missiles': the later items name the technology."""
        items = dict(tagged.items)
        for idx, item in sorted(tagged.items.items()):
            if item.family != "technology" or item.programme:
                continue
            for j in range(idx + 1, min(idx + 9, len(tagged.tokens))):
                tag = tagged.tags[j]
                if tag.marker == "exchange" or (tag.trigger and tag.trigger != "support") or (
                        tagged.tokens[j].is_punct and tagged.tokens[j].text != ","):
                    break  # "Raketentechnologie im Austausch für Soldaten": the soldiers are not technology
                other = items.get(j)
                if other is None or other.family == "technology":
                    continue
                if not any(tagged.tags[k].marker in ("to", "location") for k in range(idx + 1, j)):
                    break
                items[j] = ItemEntry(word=other.word, phrase=other.phrase, family="technology",
                                     item=TECH_OF.get(other.item or "", "military-technology"))
        return items

    @staticmethod
    def _exchange_region(tagged: Tagged, items: dict[int, ItemEntry]) -> tuple[int, int] | None:
        n = len(tagged.tokens)
        at = next((i for i, t in enumerate(tagged.tags) if t.marker == "exchange"), None)
        if at is None:
            return None
        end = next((i for i in range(at + 1, n) if tagged.tokens[i].text in {",", ";", ":", "–", "—"}
                    or (tagged.tags[i].marker == "with" and i > at + 1)
                    or (tagged.tags[i].trigger not in (None, "deal") and i > at + 1
                        and not (i + 1 < n and tagged.tags[i + 1].marker == "from")  # "die Entsendung von"
                        and tagged.tags[i - 1].marker not in ("to", "from"))), n)  # "in exchange for sending"
        if not any(at < i < end for i in items):
            return None  # "in return, Russia ..." qualifies the whole clause
        return at, end

    @staticmethod
    def _trigger_for(tags: list[WordTags], idx: int, item: ItemEntry, exchange: tuple[int, int] | None
                     ) -> tuple[int, str] | None:
        if exchange and exchange[0] < idx < exchange[1]:
            return exchange[0], "supply"
        best = None
        for i, t in enumerate(tags):
            kind = t.trigger
            if kind is None:
                continue
            if item.family not in FAMILIES_BY_TRIGGER[kind] and not (
                    kind == "support" and any(tags[k].marker == "with" for k in range(max(0, idx - 3), idx))):
                continue  # but "supporting Moscow with weapons", "Russland mit Waffen unterstützen"
            if item.programme and kind not in ("support", "supply", "flow"):
                continue
            if exchange and exchange[0] < i < exchange[1]:
                continue  # the main clause's item takes the main clause's verb
            # "rewarded with economic aid and ...": the verb; "tiré des missiles fournis par": the transfer
            dist = abs(i - idx) + {"support": 4, "use": 2}.get(kind, 0)
            if best is None or dist < best[0]:
                best = (dist, i, kind)
        return (best[1], best[2]) if best else None

    def _exchange_direction(self, tagged: Tagged, items: dict[int, ItemEntry], parties: list[Party], idx: int,
                            exchange: tuple[int, int], dyad_article: bool) -> Direction:
        local = [p for p in parties if exchange[0] < p.start < exchange[1]]
        roles = self._roles(tagged, items, local, exchange[0], "supply", items[idx], explicit_only=True)
        direction = self._resolve(roles, "supply", dyad_article, True)
        if direction.supplier or direction.recipient:
            return direction
        main = next(((i, t.trigger) for i, t in enumerate(tagged.tags)
                     if t.trigger and t.trigger != "deal" and not exchange[0] < i < exchange[1]), None)
        if main is None:
            return Direction(None, None, "")
        outside = [p for p in parties if not exchange[0] < p.start < exchange[1]]
        roles = self._roles(tagged, items, outside, main[0], main[1], None)
        direction = self._resolve(roles, main[1], dyad_article, True)
        return Direction(direction.recipient, direction.supplier, "exchange")

    def _roles(self, tagged: Tagged, items: dict[int, ItemEntry], parties: list[Party], t_idx: int, kind: str,
               current: ItemEntry | None, explicit_only: bool = False, employ: bool = False) -> dict[str, Role]:
        toks, tags = tagged.tokens, tagged.tags
        german = toks[0].lang_ == "de"
        subject_supplies = kind in SUBJECT_SUPPLIES
        roles: dict[str, Role] = {}
        before: list[Party] = []
        after: list[Party] = []
        prev: tuple[Party, str | None] | None = None
        nearest_before = max((p.start for p in parties if p.start < t_idx), default=None)
        passive_with = kind == "supply" and t_idx + 1 < len(toks) and tags[t_idx + 1].marker == "with"
        for p in sorted(parties, key=lambda p: p.start):
            role = roles.setdefault(p.country, Role())
            role.distance = min(role.distance, abs(p.start - t_idx))
            if (p.kind == "demonym" and (p.end in tagged.hosts or p.start - 1 in tagged.hosts
                                         or p.start - 2 in tagged.hosts)) or self._after_host_word(tagged, p.start):
                role.recipient = 2  # "fought alongside Russian forces": the side fought for
                continue
            if p.mention is not None and self._owns_target(tagged, p.start, p.end, p.mention):
                role.recipient = 2  # "to support Moscow's war", "l'offensive russe": the war is theirs
                continue
            if passive_with and p.start == nearest_before:
                role.recipient = 2  # "the North could be rewarded with technology"
                continue
            next_item = _item_after(toks, tags, items, p.end)
            item = (items[next_item] if next_item is not None else None) or items.get(p.start - 1) or \
                items.get(p.start - 2)
            if p.kind == "demonym" and item is not None:
                if kind == "use" and item.family == "personnel" and current is not None and \
                        current.family != "personnel":
                    role.recipient = 2  # "russische Streitkräfte feuerten nordkoreanische Raketen ab": the user
                    continue
                if kind == "train" and item.family == "personnel":
                    role.recipient = 2  # the trained side
                    continue
                if current is not None and item.family != current.family:
                    continue  # "nordkoreanische Truppen" says nothing about who supports the Atomprogramm
                if item.programme:
                    role.recipient = 2
                else:
                    role.supplier = 2
                continue
            if any(tags[i].marker == "target" or toks[i].lower_ in AGAINST
                   for i in range(max(0, p.start - 3), p.start)):
                continue  # "Krieg gegen die Ukraine", "invasion of Ukraine": the target, not a party
            if p.kind == "demonym" and p.mention is not None:
                noun = p.end if p.end < len(toks) and tags[p.end].trigger in SUBJECTIVE else (
                    p.start - 1 if p.start > 0 and not german and tags[p.start - 1].trigger in SUBJECTIVE else None)
                if noun is not None and not items.get(p.end):
                    if tags[noun].trigger == "receive":
                        role.recipient = 2  # "russische Käufe"
                    else:
                        role.supplier = 2  # "Russian help", "russische Lieferungen", "l'aide russe"
                    continue
            sup = next((k for k in range(p.start - 1, max(-1, p.start - 4), -1) if tags[k].trigger == "support"), None)
            if sup is not None and sup > 0 and tags[sup - 1].marker == "to" and all(
                    t.lower_ in DETERMINERS or tags[sup + 1 + j].marker == "to" or (
                        sup + 1 + j in items and items[sup + 1 + j].family == "personnel")
                                       for j, t in enumerate(toks[sup + 1:p.start])):
                role.recipient = 2  # "zur Unterstützung Russlands", "to support Russia": the side supported
                continue
            marker = self._marker_before(toks, tags, p.start)
            if marker == "to" and kind in SUBJECT_SUPPLIES and self._word_before(toks, tags, p.start) in (
                    "for", "pour") and t_idx in (p.end + 1, p.end + 2) and all(
                    t.lower_ in GENITIVE or t.lower_ == "to" for t in toks[p.end:t_idx]):
                role.supplier = max(role.supplier, 1)  # "la possibilité pour Moscou de transférer"
                continue
            if marker == "onto":
                if kind == "use":
                    continue  # "Raketen auf die Ukraine abgefeuert": the target
                marker = None
            if marker == "from" and not german and p.start in (t_idx + 2, t_idx + 3) and toks[t_idx + 1].lower_ in \
                    GENITIVE and p.end < len(toks) and tags[p.end].marker == "location" and kind == "supply":
                role.recipient = 2  # "l'approvisionnement de Moscou en armes": Moscow is supplied
                continue
            if marker == "from" and p.kind == "demonym" and _item_after(toks, tags, items, p.end) is None and (
                    p.end < len(toks) and tags[p.end].geo == "region"):
                continue  # "von der russischen Pazifikküste": a place on the way
            if marker == "agent" and next((tags[k].trigger for k in range(p.start - 1, max(-1, p.start - 5), -1)
                                           if tags[k].trigger), None) in ("use", "receive"):
                role.recipient = 2  # "obus utilisés par l'armée russe": who uses them got them
                continue
            if kind == "supplier_noun" and p.end < t_idx <= p.end + 5 and (
                    toks[p.end - 1].text in ("'s", "’s") or toks[p.end].text in ("'s", "’s")):
                role.recipient = 2  # "Russia's leading weapons supplier"
                continue
            if marker is None and prev is not None and all(
                    t.lower_ in AND or t.lower_ in DETERMINERS for t in toks[prev[0].end:p.start]) and any(
                    t.lower_ in AND for t in toks[prev[0].end:p.start]):
                marker = prev[1]  # "zwischen Moskau und Pjöngjang": the second shares the first's marker
            prev = (p, marker)
            if marker == "host":
                role.recipient = 2  # "neben russischen Soldaten": the side fought alongside
                continue
            if marker == "between":
                role.counterpart = True
                continue
            prev_item = next((items[i] for i in range(p.start - 1, max(p.start - 4, -1), -1) if i in items), None)
            if marker == "from" and prev_item is not None and prev_item.programme:
                role.recipient = 2  # programme nucléaire de la Corée du Nord
                continue
            if marker == "to" and kind == "receive" and toks[0].lang_ == "fr" and self._word_before(
                    toks, tags, p.start) in ("à", "au", "aux", "auprès"):
                role.supplier = 2  # "acheter des obus à la Corée du Nord": buy from
                continue
            if marker == "location" and self._word_before(toks, tags, p.start) is not None and any(
                    toks[k].lower_ in PRODUCED for k in range(max(0, p.start - 4), p.start)):
                role.supplier = 2  # "built in North Korea", "in Nordkorea hergestellt": the origin
                continue
            if marker == "location" and kind == "train":
                role.supplier = 2  # "trained in Iran": the trainers' country
                continue
            if marker == "location" and kind in ("supply", "flow") and p.start < t_idx - 6:
                continue  # "des frappes en Ukraine ... des missiles fournis par": a scene, not where they went
            if marker in ("to", "from", "agent") or (marker == "location" and kind in ("deploy", "supply", "flow")):
                if marker in ("to", "location"):
                    role.recipient = 2
                elif marker == "from" or subject_supplies:
                    role.supplier = 2
                else:
                    role.recipient = 2
                continue
            if marker in ("location", "with"):
                continue
            with_at = next((k for k in range(p.end, min(p.end + 8, len(toks))) if tags[k].marker == "with"), None)
            object_first = t_idx > with_at if with_at is not None else False
            if object_first and german:  # "Russland mit Waffen zu unterstützen", "wird ... mit ... versorgt"
                object_first = toks[t_idx - 1].lower_ == "zu" or "zu" in toks[t_idx].lower_[2:] or any(
                    t.cue == "passive" for t in tags[:t_idx])
            if kind in ("support", "supply") and with_at is not None and with_at > p.end and (
                    object_first or 0 < p.start - t_idx <= 2) and any(
                    i in items for i in range(with_at + 1, min(with_at + 5, len(toks)))) and not any(
                    p.end < q.start < with_at and not any(tags[k].marker == "target"
                                                          for k in range(max(0, q.start - 3), q.start))
                    for q in parties):
                role.recipient = 2  # "Russland in dessen Angriffskrieg gegen die Ukraine mit Waffen zu unterstützen"
                continue
            if kind in ("supply", "supplier_noun", "support") and (german or 0 < p.start - t_idx <= 2) and \
                    p.end < len(toks) and \
                    tags[p.end].marker == "with" and any(
                    i in items for i in range(p.end + 1, min(p.end + 5, len(toks)))):
                role.recipient = 2  # "Nordkorea mit Technologie versorgen"
                continue
            if self._possessive_of_programme(toks, p.start, p.end, items):
                role.recipient = 2
                continue
            if german and (p.start - 1 == t_idx or (p.start - 2 == t_idx and toks[p.start - 1].lower_ in DETERMINERS)
                           ) and toks[t_idx].text[:1].isupper():
                # genitive after a trigger noun: "Lieferungen Nordkoreas", but "Lieferant Russlands"
                if kind in ("supplier_noun", "receive", "use"):
                    role.recipient = 2
                else:
                    role.supplier = 2
                continue
            if explicit_only:
                continue
            if p.start < t_idx:
                if german and toks[t_idx].text[:1].isupper() and not (
                        p.end == t_idx or (p.end == t_idx - 1 and toks[p.end].lower_ in DETERMINERS)):
                    continue  # a noun trigger ("über Waffenlieferungen") has no subject far before it
                before.append(p)
            elif kind in ("supply", "support", "train"):
                after.append(p)
                role.recipient = max(role.recipient, 1)
            elif kind == "supplier_noun":
                role.supplier = max(role.supplier, 1)
            elif kind == "deal":
                role.counterpart = True
            elif kind == "receive" and german:
                after.append(p)
        if len(before) >= 2:
            a, b = sorted(before, key=lambda p: p.start)[-2:]
            gap = [t.lower_ for t in toks[a.end:b.start]]
            if a.country != b.country and gap and all(w in AND or w in DETERMINERS for w in gap) and any(
                    w in AND for w in gap):
                before = []  # "Moscow and Pyongyang were engaged in arms transfers": no direction
        self._word_order(roles, before, t_idx, "use" if employ else kind, german)
        if german and kind == "receive" and not before and after:
            first_after = min(after, key=lambda p: p.start).country  # "Im Gegenzug erhalte Pjöngjang ..."
            roles[first_after].recipient = max(roles[first_after].recipient, 1)
        countries_after = list(dict.fromkeys(p.country for p in sorted(after, key=lambda p: p.start)))
        if german and not before and len(countries_after) >= 2 and all(
                not r.supplier for r in roles.values()):
            # "Im Austausch für Soldaten liefert Russland Nordkorea Technologie": verb first, subject next
            roles[countries_after[0]].recipient = 0
            roles[countries_after[0]].supplier = 1
        return roles

    @staticmethod
    def _sources(tagged: Tagged, parties: list[Party]) -> set[int]:
        """'according to Seoul and Kyiv', 'selon Kiev', 'Budanow zufolge': who says so is no party."""
        toks, tags = tagged.tokens, tagged.tags
        ordered = sorted(parties, key=lambda p: p.start)
        out: set[int] = set()
        for a, tag in enumerate(tags):
            if tag.attribution != "according" or (a + 1 < len(tags) and tags[a + 1].cue == "relative"):
                continue
            if toks[a].lower_ == "zufolge":  # "Budanow zufolge", "der Ukraine zufolge", not "Russland einem Bericht"
                group = [p for p in ordered
                         if 0 <= a - p.end <= 2 and all(t.lower_ in DETERMINERS for t in toks[p.end:a])]
            elif any(p.start <= a < p.end for p in ordered):
                group = [p for p in ordered if p.start <= a < p.end]  # "nach US-Angaben"
            elif any(p.end == a and p.kind == "demonym" for p in ordered):
                group = [p for p in ordered if p.end == a]  # "nach ukrainischen Erkenntnissen"
            else:
                group = [p for p in ordered if 0 < p.start - a <= 4 and not any(
                    t.is_punct for t in toks[a + 1:p.start])][:1] or [
                    p for p in ordered if 0 < p.start - a <= 8 and p.mention is not None
                    and p.mention.actor_type == "person" and toks[p.start - 1].text == ","
                    and p.end < len(toks) and toks[p.end].text == "," and not any(
                        t.is_punct for t in toks[a + 1:p.start - 1])][:1]  # "nach Angaben des Chefs, Budanow, ..."
            while group:
                out.add(group[0].start)
                nxt = next((q for q in ordered if q.start >= group[0].end), None)
                gap = toks[group[0].end:nxt.start] if nxt is not None else []
                group = [nxt] if nxt is not None and gap and all(t.lower_ in AND or t.text == "," or
                                                                  t.lower_ in DETERMINERS for t in gap) else []
        return out

    @staticmethod
    def _hosts(tagged: Tagged) -> set[int]:
        """Personnel items that are not moved: the side fought alongside, the forces that fired something."""
        toks, tags = tagged.tokens, tagged.tags
        fired = any(t.trigger == "use" for t in tags)
        other_items = any(it.family != "personnel" for it in tagged.items.values())
        out = set()
        for idx, item in tagged.items.items():
            if item.family != "personnel":
                continue
            for k in range(max(0, idx - 4), idx):
                if (tags[k].trigger == "deploy" and toks[k].lower_ in HOST_WORDS) or tags[k].marker == "host" or (
                        fired and tags[k].marker == "agent" and k >= idx - 2) or (
                        other_items and tags[k].marker == "to" and k >= idx - 3
                        and toks[k].lower_ not in ("for", "für", "pour")):  # data "an nordkoreanische Ingenieure"
                    out.add(idx)
                    break
        return out

    def _trained_abroad(self, tagged: Tagged, mentions: list[Mention], first: int, idx: int) -> bool:
        """'nordkoreanische Soldaten wurden in Russland ausgebildet': the trainees' own state is not where they are."""
        own = {m.country for m in mentions if m.kind == "demonym" and m.tok_end - first in (idx, idx - 1)}
        places = {m.country for m in mentions if m.country and self._marker_before(
            tagged.tokens, tagged.tags, m.tok_start - first) == "location"}
        return bool(places - own)

    @staticmethod
    def _after_host_word(tagged: Tagged, start: int) -> bool:
        """'alongside Russian forces', "aux côtés de l'armée russe", 'an der Seite Russlands'."""
        return any(tagged.tags[k].trigger == "deploy" and tagged.tokens[k].lower_ in HOST_WORDS
                   for k in range(max(0, start - 5), start))

    @staticmethod
    def _owns_target(tagged: Tagged, start: int, end: int, mention: Mention) -> bool:
        """'Moscow's war', 'Russlands Angriffskrieg', 'l'offensive russe', 'Russian war effort'."""
        toks, tags = tagged.tokens, tagged.tags
        n = len(toks)

        def war(i: int) -> bool:
            return 0 <= i < n and tags[i].marker == "target" and toks[i].lower_ not in AGAINST

        after = _past_possessive(toks, end)
        if mention.text.endswith(("'s", "’s")) or after > end:
            return war(after) or war(after + 1)
        if mention.kind == "demonym":
            return war(end) or war(start - 1) or (war(end + 1) and toks[end].is_lower)
        return toks[0].lang_ == "de" and mention.text.endswith("s") and war(end)

    @staticmethod
    def _not_a_party(toks: list, tags: list[WordTags], start: int, end: int) -> bool:
        """'ambassadeur de Russie', 'Sea of Japan', "Russia's ambassador", 'an der Grenze zur Ukraine',
        'near the Ukrainian border': a country named, not a side."""
        if any(tags[k].geo == "border" for k in range(max(0, start - 3), start)) or (
                _past_possessive(toks, end) < len(toks) and tags[_past_possessive(toks, end)].geo == "border"):
            return True
        before = [t.lower_ for t in toks[max(0, start - 2):start]]
        if before and (before[-1] in NOT_A_PARTY_BEFORE or (len(before) == 2 and before[-1] in GENITIVE
                                                              and before[0] in NOT_A_PARTY_BEFORE)):
            return True
        nxt = _past_possessive(toks, end)
        return nxt < len(toks) and toks[nxt].lower_ in NOT_A_PARTY_AFTER

    @staticmethod
    def _word_order(roles: dict[str, Role], before: list[Party], t_idx: int, kind: str, german: bool) -> None:
        countries = list(dict.fromkeys(p.country for p in sorted(before, key=lambda p: p.start)))
        if not countries:
            return
        if kind in ("supply", "support", "train") and german and len(countries) >= 2:
            # "Pjöngjang hat Moskau Granaten geliefert": subject first, then the dative
            roles[countries[0]].supplier = max(roles[countries[0]].supplier, 1)
            for c in countries[1:]:
                roles[c].recipient = max(roles[c].recipient, 1)
            return
        nearest = max(before, key=lambda p: p.start).country
        if kind in SUBJECT_SUPPLIES and kind != "supplier_noun":
            roles[nearest].supplier = max(roles[nearest].supplier, 1)
        elif kind in ("receive", "use"):
            roles[nearest].recipient = max(roles[nearest].recipient, 1)

    @staticmethod
    def _marker_before(toks: list, tags: list[WordTags], start: int) -> str | None:
        stop = max(start - 4, -1)
        for i in range(start - 1, -1, -1):
            if i <= stop:
                return None
            if i > 0 and toks[i - 1].lower_ in GOVERNMENT and (
                    toks[i].lower_ in GENITIVE or tags[i].marker == "location"):
                stop = max(i - 5, -1)  # "par le régime de Kim Jong-un": look past the government word
                continue
            if tags[i].marker:
                if toks[i].lower_ in GENITIVE and i > 0 and (tags[i - 1].geo == "region" or tags[i - 1].marker in (
                        "location", "to")):  # "dans la région de", "dans des centres": no genitive
                    continue  # "dans la région de Koursk": look past the region noun
                if toks[i].lower_ in GENITIVE and toks[0].lang_ == "fr" and i > 0 and not (
                        tags[i - 1].item or tags[i - 1].trigger or tags[i - 1].marker not in (None, "onto")):
                    return None  # "les défenses de la Corée du Sud": a genitive, not a source
                return tags[i].marker
            tok = toks[i]
            if tags[i].geo == "region":
                stop = max(i - 4, -1)  # "im Gebiet Kursk", "in der russischen Grenzregion Kursk"
                continue
            if tok.lower_ in DETERMINERS or tok.lower_ in GOVERNMENT or (
                    tok.is_alpha and tok.is_lower and not tags[i].trigger and not tags[i].item and not tags[i].cue):
                continue
            return None
        return None

    @staticmethod
    def _word_before(toks: list, tags: list[WordTags], start: int) -> str | None:
        """The marker word itself (the one ``_marker_before`` found)."""
        for i in range(start - 1, max(start - 4, -1), -1):
            if tags[i].marker:
                return toks[i].lower_
        return None

    @staticmethod
    def _possessive_of_programme(toks: list, start: int, end: int, items: dict[int, ItemEntry]) -> bool:
        nxt = end
        if nxt < len(toks) and toks[nxt].text in ("'s", "’s", "'"):
            nxt += 1
        while (nxt < len(toks) and toks[nxt].is_lower and toks[nxt].is_alpha and nxt not in items
               and nxt - end < 3 and toks[nxt].lower_ not in DETERMINERS and toks[nxt].lower_ not in LINKS):
            nxt += 1  # North Korea's (nuclear) programme, Nordkoreas nukleares Programm
        if nxt in items and items[nxt].programme:
            return True
        prev = start - 1
        if prev >= 0 and prev in items and items[prev].programme:
            return True  # Atomprogramm Pjöngjangs
        return prev >= 1 and toks[prev].lower_ in DETERMINERS and (prev - 1) in items and items[prev - 1].programme

    @staticmethod
    def _coordinated_pair(tagged: Tagged, parties: list[Party]) -> list[str] | None:
        """'Moskau und Pjöngjang', 'between Russia and North Korea': two sides, no direction."""
        ordered = sorted(parties, key=lambda p: p.start)
        for a, b in zip(ordered, ordered[1:], strict=False):
            gap = [t.lower_ for t in tagged.tokens[a.end:b.start]]
            if a.country != b.country and gap and all(w in AND or w in DETERMINERS for w in gap) and any(
                    w in AND for w in gap):
                return sorted({a.country, b.country})
        return None

    @staticmethod
    def _implicit_recipient(tagged: Tagged, items: dict[int, ItemEntry]) -> bool:
        """'Technologie für die Atomprogramme dieser Länder': a recipient is named, if not by name."""
        return any(t.marker == "to" and any(j in items and items[j].programme for j in range(i + 1, i + 5))
                   for i, t in enumerate(tagged.tags))

    @staticmethod
    def _resolve(roles: dict[str, Role], kind: str, dyad_article: bool, implicit: bool, nearby: set[str] = DYAD,
                 at_war: bool = False) -> Direction:
        def pick(attr: str, exclude: str | None) -> tuple[str | None, int]:
            ranked = sorted(((getattr(r, attr), -r.distance, c) for c, r in roles.items()
                             if getattr(r, attr) and c != exclude), reverse=True)
            return (ranked[0][2], ranked[0][0]) if ranked else (None, 0)

        # The strongest single piece of evidence fixes its side first; the other side comes from the rest.
        best_s, best_r = pick("supplier", None), pick("recipient", None)
        if best_r[1] > best_s[1]:
            recipient, r_strength = best_r
            supplier, s_strength = pick("supplier", recipient)
        else:
            supplier, s_strength = best_s
            recipient, r_strength = pick("recipient", supplier)
        if kind == "use" and s_strength < 2:
            return Direction(None, None, "")  # "Russia fired missiles" says nothing about where they came from
        if dyad_article and (kind != "use" or at_war):  # "nordkoreanische Raketen auf Kiew": used in the war
            others = {c for c, r in roles.items() if (r.supplier or r.recipient) and c not in DYAD}
            # A verb that moves things needs no explicit evidence: "Nordkorea liefere Granaten, so ..."
            moves = kind in MOVES and nearby >= DYAD
            if not others and supplier in DYAD and recipient is None and (s_strength == 2 or implicit or moves):
                return Direction(supplier, next(iter(DYAD - {supplier})), BORROWED[s_strength])
            if not others and recipient in DYAD and supplier is None and (r_strength == 2 or implicit or moves):
                return Direction(next(iter(DYAD - {recipient})), recipient, BORROWED[r_strength])
        return Direction(supplier, recipient, EVIDENCE.get((max(s_strength, r_strength), min(s_strength, r_strength)),
                                                           ""))

    @staticmethod
    def _modality(tags: list[WordTags], cues: set[str], t_idx: int, idx: int, attributed: bool = False) -> str:
        lo, hi = min(t_idx, idx), max(t_idx, idx)
        negated = any(tags[i].cue == "negation" for i in range(max(0, lo - 4), hi + 1))
        if "denial" in cues or negated:
            return "denial"
        modality = next((m for m in MODALITY_ORDER if m in cues), "assertion")
        if modality == "assertion" and (attributed or any(t.attribution for t in tags)):
            return "allegation"  # "..., the report said": attributed, so not a plain fact
        return modality

    def _quantity(self, sent: Span, item_char: int) -> Quantity | None:
        best = None
        for m in self.lexicon.quantity_re.finditer(sent.text):
            start, end = sent.start_char + m.start(), sent.start_char + m.end()
            text = m.group().strip()
            if text and start <= item_char and item_char - end <= 40 and (
                    NUMBER.search(text) or any(c.isalpha() for c in text)):
                best = text
        return Quantity(text=best, value=_value(best)) if best else None


def _item_after(toks: list, tags: list[WordTags], items: dict, end: int) -> int | None:
    """The item a name or demonym stands before, past up to two adjectives ("nordkoreanischen ballistischen Raketen",
    "North Korean short-range missiles")."""
    k = end
    while k < len(toks) and k - end <= 3:
        if k in items:
            return k
        tok = toks[k]
        if not (tok.text == "-" or (tok.is_alpha and tok.is_lower and tags[k].empty)):
            return None
        k += 1
    return None


def _past_possessive(toks: list, end: int) -> int:
    """The token after a name and its "'s", if it has one ("Moscow's war", "Russia's ambassador")."""
    return end + 1 if end < len(toks) and toks[end].text in ("'s", "’s") else end


def _value(text: str) -> float | None:
    m = NUMBER.search(text)
    if not m:
        return None
    digits = re.sub(r"[.,\s\u202f](?=\d{3}\b)", "", m.group()).replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    lowered = text.lower()
    for word, mult in MULTIPLIERS.items():
        if re.search(rf"\b{word}\b", lowered):
            return value * mult
    return value
