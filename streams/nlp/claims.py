"""Claim extraction: who is said to give what to whom, and who says so.

Works per sentence on token tags from the claim lexicon and the actor mentions, without a parser:
explicit markers (nach/to/à, aus/from/de, von/by/par, demonyms on the item, possessives on a
programme) decide roles first; word order around the trigger decides the rest. A sentence that names
only one side of the Russia–North Korea pair borrows the other from the article, and items after
"im Austausch für / in exchange for / en échange de" move the other way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from schemas import Claim, Evidence, Quantity
from streams.nlp.gazetteer import ActorEntry
from streams.nlp.lexicon import CompiledLexicon, ItemEntry, WordTags
from streams.nlp.mentions import Mention

DYAD = frozenset({"RUS", "PRK"})
SUBJECT_SUPPLIES = {"supply", "flow", "support", "deploy", "deal"}
FAMILIES_BY_TRIGGER = {
    "supply": {"munitions", "technology", "personnel"},
    "flow": {"munitions", "technology", "personnel"},
    "receive": {"munitions", "technology", "personnel"},
    "use": {"munitions"},
    "support": {"technology"},
    "deploy": {"personnel"},
    "deal": {"munitions", "technology"},
}
MODALITY_ORDER = ("denial", "confirmation", "allegation", "suspicion", "concern", "intent")
DETERMINERS = {
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines", "seinem",
    "seinen", "seiner", "seine", "sein", "ihr", "ihre", "ihrem", "ihren", "ihres", "the", "a", "an", "its",
    "their", "his", "her", "la", "le", "les", "l'", "un", "une", "leur", "leurs", "son", "sa", "ses",
}
LINKS = {"für", "for", "pour", "und", "and", "et", "mit", "with", "avec", "von", "of", "de", "nach", "to", "à"}
GENERIC_ITEMS = {"weapons", "military-technology"}
RECENT_YEAR = re.compile(r"\b20(2[2-9]|[3-9]\d)\b")
NUMBER = re.compile(r"\d{1,3}(?:[.,\s\u202f]\d{3})+|\d+(?:[.,]\d+)?")
MULTIPLIERS = {"million": 1e6, "millionen": 1e6, "mio": 1e6, "millions": 1e6, "tausend": 1e3, "thousand": 1e3,
               "mille": 1e3, "milliers": 1e3, "hundert": 1e2, "hundred": 1e2, "billion": 1e9}


@dataclass
class Tagged:
    """Token tags of one sentence, with phrase hits folded in."""

    tokens: list  # spaCy tokens
    tags: list[WordTags]
    items: dict[int, ItemEntry] = field(default_factory=dict)


@dataclass
class Role:
    supplier: int = 0  # strength: 2 explicit marker, 1 word order
    recipient: int = 0
    distance: int = 99
    counterpart: bool = False


def tag_sentence(sent: Span, lexicon: CompiledLexicon) -> Tagged:
    toks = list(sent)
    tags = [lexicon.tag(t.lower_) for t in toks]
    tagged = Tagged(toks, tags)
    for i, tag in enumerate(tags):
        if tag.item is not None and not tag.item.skip and not toks[i].text.endswith("-"):
            tagged.items[i] = tag.item
    lowered = sent.text.lower()
    base = sent.start_char
    hits = lexicon.phrases(lowered)
    if not hits:
        return tagged
    starts = [t.idx - base for t in toks]
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
        covered = [i for i, s in enumerate(starts) if hit.start <= s < hit.end]
        if not covered:
            continue
        if hit.section == "items":
            for i in covered:
                tagged.items.pop(i, None)
            if not hit.entry.skip:  # type: ignore[attr-defined]
                tagged.items[covered[-1]] = hit.entry  # type: ignore[assignment]
        else:
            kind = hit.entry.kind  # type: ignore[attr-defined]
            field_name = {"triggers": "trigger", "markers": "marker", "cues": "cue",
                          "attribution": "attribution"}[hit.section]
            i = covered[0]
            old = tags[i]
            tags[i] = WordTags(**{**{k: getattr(old, k) for k in ("item", "trigger", "marker", "cue",
                                                                   "attribution")}, field_name: kind})
    return tagged


class ClaimExtractor:
    """Pure logic over a Doc that carries ``doc._.actor_mentions``."""

    def __init__(self, lexicon: CompiledLexicon, actors: dict[str, ActorEntry]):
        self.lexicon = lexicon
        self.actors = actors

    def __call__(self, doc: Doc) -> list[Claim]:
        mentions: list[Mention] = doc._.actor_mentions or []
        countries = {m.country for m in mentions if m.country}
        dyad_article = countries >= DYAD
        claims: list[Claim] = []
        seen: set[tuple] = set()
        speaker: tuple[str | None, str | None, int] = (None, None, -9)
        for s_index, sent in enumerate(doc.sents):
            sent_mentions = [m for m in mentions if sent.start <= m.tok_start < sent.end]
            tagged = tag_sentence(sent, self.lexicon)
            found_speaker = self._speaker(tagged, sent_mentions)
            if found_speaker[0]:
                speaker = (*found_speaker, s_index)
            if not tagged.items or not any(t.trigger or t.marker == "exchange" for t in tagged.tags):
                continue
            if any(t.cue == "history" for t in tagged.tags) and not RECENT_YEAR.search(sent.text):
                continue
            claimant = found_speaker if found_speaker[0] else (
                speaker[:2] if s_index - speaker[2] <= 2 else (None, None))
            for claim in self._sentence_claims(sent, tagged, sent_mentions, dyad_article, claimant):
                key = (claim.supplier, claim.recipient, claim.item)
                if key not in seen:
                    seen.add(key)
                    claims.append(claim)
        return claims

    # -- who says so ---------------------------------------------------------------------------
    def _speaker(self, tagged: Tagged, mentions: list[Mention]) -> tuple[str | None, str | None]:
        """The actor a sentence attributes its content to (laut X, X sagte, X accuses ...)."""
        if not mentions:
            return None, None
        verbs = [i for i, t in enumerate(tagged.tags)
                 if t.attribution or t.cue in ("denial", "confirmation", "allegation", "suspicion", "concern")]
        if not verbs:
            return None, None
        first = tagged.tokens[0].i
        best: tuple[int, Mention] | None = None
        for v in verbs:
            attribution = tagged.tags[v].attribution
            for m in mentions:
                pos = m.tok_start - first
                if attribution == "according":
                    dist = v - (m.tok_end - first) if tagged.tokens[v].lower_ == "zufolge" else pos - v
                elif attribution == "speech":
                    dist = abs(pos - v)
                else:  # "X accuses / suspects / is concerned": the speaker is the subject, before the verb
                    dist = v - (m.tok_end - first)
                if dist < 0 or dist > 12:
                    continue
                # People and organisations speak more often than the states they are named with.
                rank = dist - (3 if m.actor_type != "country" or m.kind == "compound" else 0)
                if best is None or rank < best[0]:
                    best = (rank, m)
        if best is None:
            return None, None
        return self._claimant_of(best[1])

    def _claimant_of(self, m: Mention) -> tuple[str | None, str | None]:
        entry = self.actors.get(m.actor_id)
        if entry is None:
            return m.actor_id, m.text
        if entry.type == "person":
            return entry.affiliation or entry.country or entry.id, entry.name
        if entry.type == "organization":
            return entry.country or entry.id, entry.name
        return entry.id, entry.name

    # -- what moves where ------------------------------------------------------------------------
    def _sentence_claims(self, sent: Span, tagged: Tagged, mentions: list[Mention], dyad_article: bool,
                         claimant: tuple[str | None, str | None]) -> list[Claim]:
        first = tagged.tokens[0].i
        n = len(tagged.tokens)
        tags = tagged.tags
        exchange_at = next((i for i, t in enumerate(tags) if t.marker == "exchange"), None)
        exchange_end = n
        if exchange_at is not None:
            exchange_end = next((i for i in range(exchange_at + 1, n) if tagged.tokens[i].text in {",", ";"}
                                 and i > exchange_at + 2), n)
        hypothetical = [i for i, t in enumerate(tags) if t.cue == "hypothetical"]
        conditional = any(t.cue == "conditional" for t in tags)
        parties = [m for m in mentions if m.country]
        out: list[Claim] = []
        for idx, item in sorted(tagged.items.items()):
            in_exchange = exchange_at is not None and exchange_at < idx < exchange_end
            trigger = self._trigger_for(tags, idx, item, in_exchange, exchange_at)
            if trigger is None:
                continue
            t_idx, kind = trigger
            if any(h < min(t_idx, idx) and h >= min(t_idx, idx) - 10 for h in hypothetical):
                continue
            if kind == "deal" and (hypothetical or conditional):
                continue  # "any arms deal would violate ..." is a warning, not a claim
            roles = self._roles(tagged, parties, first, t_idx, kind, tagged.items)
            if in_exchange:
                main = self._main_item(tagged, exchange_at, exchange_end)
                if main is None:
                    continue
                m_roles = self._roles(tagged, parties, first, main[0], main[1], tagged.items)
                supplier, recipient = self._resolve(m_roles, claimant[0], dyad_article)
                supplier, recipient = recipient, supplier
            else:
                supplier, recipient = self._resolve(roles, claimant[0], dyad_article)
            party_set = sorted({c for c in (supplier, recipient) if c} or
                               {c for c, r in roles.items() if r.counterpart})
            if not party_set:
                continue
            if supplier is None and recipient is None and len(party_set) < 2:
                continue
            out.append(Claim(
                supplier=supplier, recipient=recipient, parties=party_set, item=item.item or "weapons",
                family=item.family or "munitions", modality=self._modality(tags, t_idx, idx),
                claimant=claimant[0], claimant_name=claimant[1],
                quantity=self._quantity(sent, tagged.tokens[idx].idx),
                evidence=Evidence(sentence=sent.text, start=sent.start_char, end=sent.end_char),
            ))
        specific = {(c.supplier, c.recipient, c.family) for c in out if c.item not in GENERIC_ITEMS}
        return [c for c in out if c.item not in GENERIC_ITEMS or (c.supplier, c.recipient, c.family) not in specific]

    @staticmethod
    def _trigger_for(tags: list[WordTags], idx: int, item: ItemEntry, in_exchange: bool,
                     exchange_at: int | None) -> tuple[int, str] | None:
        if in_exchange and exchange_at is not None:
            return exchange_at, "exchange"
        best = None
        for i, t in enumerate(tags):
            kind = t.trigger
            if kind is None or item.family not in FAMILIES_BY_TRIGGER[kind]:
                continue
            if kind == "support" and not (item.programme or item.family == "technology"):
                continue
            if item.programme and kind not in ("support", "supply", "flow"):
                continue
            if exchange_at is not None and i > exchange_at and idx < exchange_at:
                continue  # the main clause's item takes the main clause's verb
            dist = abs(i - idx)
            if best is None or dist < best[0]:
                best = (dist, i, kind)
        return (best[1], best[2]) if best else None

    @staticmethod
    def _main_item(tagged: Tagged, exchange_at: int | None, exchange_end: int) -> tuple[int, str] | None:
        """The trigger of the clause outside the exchange phrase."""
        for i, t in enumerate(tagged.tags):
            if t.trigger and t.trigger != "deal" and not (exchange_at is not None and exchange_at < i < exchange_end):
                return i, t.trigger
        return None

    def _roles(self, tagged: Tagged, parties: list[Mention], first: int, t_idx: int, kind: str,
               items: dict[int, ItemEntry]) -> dict[str, Role]:
        roles: dict[str, Role] = {}
        toks, tags = tagged.tokens, tagged.tags
        subject_supplies = kind in SUBJECT_SUPPLIES
        for m in parties:
            start, end = m.tok_start - first, m.tok_end - first
            role = roles.setdefault(m.country, Role())  # type: ignore[arg-type]
            role.distance = min(role.distance, abs(start - t_idx))
            marker = self._marker_before(toks, tags, start)
            after = end < len(toks) and end in items
            before_item = next((i for i in range(start - 1, max(start - 3, -1), -1) if i in items), None)
            if m.kind == "demonym" and (after or (before_item is not None and toks[start].lang_ == "fr")):
                item = items[end] if after else items[before_item]  # type: ignore[index]
                if item.programme:
                    role.recipient = max(role.recipient, 2)
                else:
                    role.supplier = max(role.supplier, 2)
                continue
            if marker == "between":
                role.counterpart = True
                continue
            if marker == "from" and before_item is not None and items[before_item].programme:
                role.recipient = max(role.recipient, 2)  # programme nucléaire de la Corée du Nord
                continue
            if marker in ("to", "from", "agent") or (marker == "location" and kind == "deploy"):
                if marker == "to" or marker == "location":
                    role.recipient = max(role.recipient, 2)
                elif marker == "from" or subject_supplies:
                    role.supplier = max(role.supplier, 2)
                else:
                    role.recipient = max(role.recipient, 2)
                continue
            if marker in ("location", "with"):
                role.counterpart = True
                continue
            if kind == "supply" and end < len(toks) and tags[end].marker == "with" and any(
                    i in items for i in range(end + 1, min(end + 5, len(toks)))):
                role.recipient = max(role.recipient, 2)  # "Nordkorea mit Technologie versorgen"
                continue
            if self._possessive_of_programme(toks, start, end, items):
                role.recipient = max(role.recipient, 2)
                continue
            if start > 0 and start - 1 == t_idx or (start > 1 and start - 2 == t_idx
                                                   and toks[start - 1].lower_ in DETERMINERS):
                # genitive after a trigger noun: "Unterstützung Russlands", "Lieferungen Nordkoreas"
                if toks[t_idx].text[:1].isupper() and toks[t_idx].lang_ == "de":
                    role.supplier = max(role.supplier, 2) if subject_supplies else role.supplier
                    if not subject_supplies:
                        role.recipient = max(role.recipient, 2)
                    continue
            if start < t_idx:
                if subject_supplies:
                    role.supplier = max(role.supplier, 1)
                else:
                    role.recipient = max(role.recipient, 1)
            elif kind in ("supply", "support"):
                role.recipient = max(role.recipient, 1)
            elif kind == "deal":
                role.counterpart = True
        return roles

    @staticmethod
    def _marker_before(toks: list, tags: list[WordTags], start: int) -> str | None:
        skipped = 0
        for i in range(start - 1, max(start - 4, -1), -1):
            if tags[i].marker:
                return tags[i].marker
            word = toks[i].lower_
            if word in DETERMINERS or (toks[i].is_alpha and toks[i].is_lower and not tags[i].trigger
                                       and not tags[i].item):
                skipped += 1
                continue
            return None
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
    def _resolve(roles: dict[str, Role], claimant: str | None, dyad_article: bool) -> tuple[str | None, str | None]:
        def pick(attr: str, exclude: str | None) -> str | None:
            ranked = sorted(((getattr(r, attr), -r.distance, c) for c, r in roles.items()
                             if getattr(r, attr) and c != exclude), reverse=True)
            if not ranked:
                return None
            if claimant and ranked[0][2] == claimant and ranked[0][0] == 1 and len(ranked) > 1:
                return ranked[1][2]  # the accuser is not the supplier: "Washington accuses Pyongyang of..."
            return ranked[0][2]

        supplier = pick("supplier", None)
        recipient = pick("recipient", supplier)
        if supplier and recipient is None:
            pass
        elif recipient and supplier is None:
            supplier = pick("supplier", recipient)
        if supplier and recipient and roles[supplier].supplier < roles[recipient].recipient:
            pass
        if supplier == recipient:
            recipient = None
        if dyad_article:
            named = {c for c, r in roles.items() if r.supplier or r.recipient or r.counterpart}
            if supplier in DYAD and recipient is None and named <= DYAD | ({claimant} if claimant else set()):
                recipient = next(iter(DYAD - {supplier}))
            elif recipient in DYAD and supplier is None and named <= DYAD | ({claimant} if claimant else set()):
                supplier = next(iter(DYAD - {recipient}))
        return supplier, recipient

    @staticmethod
    def _modality(tags: list[WordTags], t_idx: int, idx: int) -> str:
        cues = {t.cue for t in tags if t.cue}
        lo = min(t_idx, idx)
        negated = any(tags[i].cue == "negation" for i in range(max(0, lo - 4), max(t_idx, idx) + 1))
        if "denial" in cues or negated:
            return "denial"
        for modality in MODALITY_ORDER[1:]:
            if modality in cues:
                return modality
        return "assertion"

    def _quantity(self, sent: Span, item_char: int) -> Quantity | None:
        best = None
        for m in self.lexicon.quantity_re.finditer(sent.text):
            end = sent.start_char + m.end()
            start = sent.start_char + m.start()
            if start <= item_char and item_char - end <= 40 and m.group().strip():
                if NUMBER.search(m.group()) or any(c.isalpha() for c in m.group()):
                    best = m
        if best is None:
            return None
        text = best.group().strip()
        return Quantity(text=text, value=_value(text), unit=None)


def _value(text: str) -> float | None:
    m = NUMBER.search(text)
    if not m:
        return None
    raw = m.group()
    digits = re.sub(r"[.,\s\u202f](?=\d{3}\b)", "", raw).replace(",", ".")
    try:
        value = float(digits)
    except ValueError:
        return None
    for word, mult in MULTIPLIERS.items():
        if re.search(rf"\b{word}\b", text.lower()):
            value *= mult
            break
    return value
