"""Kokoro's phoneme vocabulary for a new language: symbols it lacks, mapped or added, and input ids.

Kokoro reads one token per character and silently drops characters missing from its ``vocab``. The
misaki rewriting of espeak IPA (``voxtune.text.g2p.kokoro``) leaves a few symbols of other languages
outside Kokoro's 114: each is either **mapped to the nearest Kokoro symbol** (the documented table
``NEAREST_SYMBOLS``; exported as an alias in ``config.json``'s vocab, so ``KModel`` reads the raw text
of the new language) or **added as a new token** whose embedding rows (ALBERT's and the text
encoder's) start as a copy of the nearest symbol's and train. New tokens take ids Kokoro-82M leaves
unused (its ``n_token`` is 178 for 114 symbols); only when those run out does the table grow.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from torch import nn

from voxtune.errors import ItemError

PAD_ID = 0
"""Kokoro's pad token, wrapped around every input; never given to a symbol."""

SymbolStrategy = Literal["nearest", "new_rows"]
SYMBOLS_FILE = "kokoro_symbols.json"


@dataclass(frozen=True)
class NearestSymbol:
    """The Kokoro symbol standing in for one it lacks ('' drops it), and why that one."""

    symbol: str
    reason: str


NEAREST_SYMBOLS: Mapping[str, NearestSymbol] = {
    "g": NearestSymbol("ɡ", "ASCII g (espeak lb): the same voiced velar stop as IPA ɡ (U+0261)"),
    "ʀ": NearestSymbol("ʁ", "uvular trill (lb, de): Kokoro's nearest rhotic is the uvular fricative ʁ"),
    "X": NearestSymbol("χ", "espeak's Kirshenbaum X (lb 'Buch', 'Dag'): the voiceless uvular fricative χ"),
    "ε": NearestSymbol("ɛ", "Greek epsilon (espeak da) for the open-mid front vowel, which is ɛ"),
    "ʉ": NearestSymbol("u", "close central rounded (nb, sv): u keeps height and rounding (ɨ is unrounded)"),
    "ɵ": NearestSymbol("ø", "close-mid central rounded (sv): ø keeps height and rounding"),
    "ʏ": NearestSymbol("y", "near-close near-front rounded (de, lb, sv): y is its closest rounded vowel"),
    "ɭ": NearestSymbol("l", "retroflex lateral (te): Kokoro has retroflex stops but no retroflex lateral"),
    "ɧ": NearestSymbol("ʃ", "Swedish sj-sound: ʃ is the usual approximation"),
    "ɦ": NearestSymbol("h", "breathy-voiced glottal fricative: h without the voicing"),
    "\u032f": NearestSymbol("", "non-syllabic mark (da): a diacritic with no sound of its own, dropped"),
}
"""Nearest Kokoro symbol for symbols espeak writes that Kokoro-82M lacks (after misaki rewriting)."""


class PhonemeError(ItemError):
    """One item's phonemes cannot be Kokoro input (unknown symbols, none at all, too many)."""


@dataclass(frozen=True)
class AddedSymbol:
    """A symbol given its own token: ``init_from`` is the symbol whose embedding rows it starts from
    (None: the mean of all symbols' rows)."""

    symbol: str
    token_id: int
    init_from: str | None


@dataclass
class SymbolPlan:
    """What happens to each symbol a corpus uses that the vocabulary lacks, with its counts."""

    strategy: SymbolStrategy
    mapped: dict[str, NearestSymbol] = field(default_factory=dict)
    added: list[AddedSymbol] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    """Occurrences of every symbol of the corpus (known ones too)."""

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(symbol, what happens to it, occurrences, why) for every symbol the vocabulary lacked."""
        out = []
        for symbol, nearest in self.mapped.items():
            action = f"-> {nearest.symbol}" if nearest.symbol else "dropped"
            out.append((symbol, action, self.counts[symbol], nearest.reason))
        for added in self.added:
            start = added.init_from or "mean of all rows"
            out.append(
                (added.symbol, f"new token {added.token_id}", self.counts[added.symbol], f"starts as {start}")
            )
        for symbol in self.unmapped:
            out.append(
                (symbol, "unmapped", self.counts[symbol], "no entry in NEAREST_SYMBOLS: items are rejected")
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        lacking = set(self.mapped) | {a.symbol for a in self.added} | set(self.unmapped)
        return {
            "strategy": self.strategy,
            "known_symbols": sorted(s for s in self.counts if s not in lacking),
            "symbols": [{"symbol": s, "action": a, "count": c, "reason": r} for s, a, c, r in self.rows()],
        }


class KokoroVocabulary:
    """Symbol -> token id as a Kokoro model reads them (its config's ``vocab``), with the rewriting of
    symbols mapped to a nearest one applied before lookup."""

    def __init__(self, vocab: Mapping[str, int], n_token: int, *, drop: Iterable[str] = ()):
        if any(len(symbol) != 1 for symbol in vocab):
            raise ValueError("Kokoro vocabulary entries must be single characters")
        self.vocab = dict(vocab)
        self.n_token = int(n_token)
        self.drop = frozenset(drop)
        """Symbols removed before lookup (diacritics mapped to nothing)."""
        self.applied: SymbolPlan | None = None
        """The plan this vocabulary came from (``apply``), for reports."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> KokoroVocabulary:
        drop = [s for s, nearest in NEAREST_SYMBOLS.items() if not nearest.symbol]
        return cls(config["vocab"], int(config["n_token"]), drop=drop)

    def free_ids(self) -> list[int]:
        """Token ids below ``n_token`` no symbol uses (nor the pad)."""
        used = set(self.vocab.values()) | {PAD_ID}
        return [i for i in range(self.n_token) if i not in used]

    def unknown(self, texts: Iterable[str]) -> Counter:
        """Characters of ``texts`` this vocabulary cannot read (after dropping), with their counts."""
        return Counter(ch for text in texts for ch in text if ch not in self.vocab and ch not in self.drop)

    def ids(self, phonemes: str) -> list[int]:
        """Token ids of a phoneme string, without the pads; PhonemeError for unknown symbols."""
        kept = [ch for ch in phonemes if ch not in self.drop]
        unknown = sorted({ch for ch in kept if ch not in self.vocab})
        if unknown:
            raise PhonemeError(
                "unknown_phonemes",
                f"symbols outside the Kokoro vocabulary: {' '.join(unknown)} "
                f"({', '.join(unicodedata.name(ch, hex(ord(ch))) for ch in unknown)}); map them "
                "(new_symbols: nearest) or add them (new_symbols: new_rows)",
                symbols=unknown,
            )
        return [self.vocab[ch] for ch in kept]

    def plan(
        self, counts: Counter, strategy: SymbolStrategy, table: Mapping[str, NearestSymbol] = NEAREST_SYMBOLS
    ) -> SymbolPlan:
        """Decide, for every symbol in ``counts`` the vocabulary lacks, how it becomes readable
        (``table``: the nearest symbol of each, ``NEAREST_SYMBOLS`` by default)."""
        plan = SymbolPlan(strategy=strategy, counts=Counter(counts))
        free = iter(self.free_ids())
        next_id = self.n_token
        for symbol in sorted(s for s in counts if s not in self.vocab and s not in self.drop):
            nearest = table.get(symbol)
            if nearest is not None and (not nearest.symbol or strategy == "nearest"):
                if nearest.symbol and nearest.symbol not in self.vocab:
                    plan.unmapped.append(symbol)
                else:
                    plan.mapped[symbol] = nearest
            elif strategy == "new_rows":
                token_id = next(free, None)
                if token_id is None:
                    token_id, next_id = next_id, next_id + 1
                init = nearest.symbol if nearest is not None and nearest.symbol in self.vocab else None
                plan.added.append(AddedSymbol(symbol, token_id, init))
            else:
                plan.unmapped.append(symbol)
        return plan

    def save_pretrained(self, folder: str | Path) -> Path:
        """Write ``kokoro_symbols.json``: what became of the symbols Kokoro lacked (the plan applied)."""
        path = Path(folder) / SYMBOLS_FILE
        data = {
            "n_token": self.n_token,
            "dropped": sorted(self.drop),
            "plan": self.applied.to_dict() if self.applied else None,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path

    def apply(self, plan: SymbolPlan) -> KokoroVocabulary:
        """The vocabulary with ``plan``'s aliases and new tokens (unmapped symbols stay unknown)."""
        vocab = dict(self.vocab)
        drop = set(self.drop)
        for symbol, nearest in plan.mapped.items():
            if nearest.symbol:
                vocab[symbol] = vocab[nearest.symbol]
            else:
                drop.add(symbol)
        n_token = self.n_token
        for added in plan.added:
            vocab[added.symbol] = added.token_id
            n_token = max(n_token, added.token_id + 1)
        applied = KokoroVocabulary(vocab, n_token, drop=drop)
        applied.applied = plan
        return applied


def symbol_embeddings(kmodel: nn.Module) -> list[nn.Embedding]:
    """The two per-symbol tables of a KModel: ALBERT's word embeddings and the text encoder's."""
    return [kmodel.bert.embeddings.word_embeddings, kmodel.text_encoder.embedding]


def add_symbol_rows(kmodel: nn.Module, base: KokoroVocabulary, added: Iterable[AddedSymbol]) -> None:
    """Give each added symbol its embedding rows in ``kmodel`` (growing the tables when an id is past
    their end), copied from its ``init_from`` symbol or the mean of the known symbols' rows."""
    added = list(added)
    if not added:
        return
    known = sorted(set(base.vocab.values()))
    needed = max(a.token_id for a in added) + 1
    for index, embedding in enumerate(symbol_embeddings(kmodel)):
        if needed > embedding.num_embeddings:
            embedding = _grown(embedding, needed)
            if index == 0:
                kmodel.bert.embeddings.word_embeddings = embedding
                kmodel.bert.config.vocab_size = needed
            else:
                kmodel.text_encoder.embedding = embedding
        with torch.no_grad():
            weight = embedding.weight
            mean = weight[known].mean(dim=0)
            for symbol in added:
                source = weight[base.vocab[symbol.init_from]] if symbol.init_from else mean
                weight[symbol.token_id] = source.clone()


def _grown(embedding: nn.Embedding, size: int) -> nn.Embedding:
    grown = nn.Embedding(size, embedding.embedding_dim, padding_idx=embedding.padding_idx)
    grown.to(device=embedding.weight.device, dtype=embedding.weight.dtype)
    with torch.no_grad():
        grown.weight[: embedding.num_embeddings] = embedding.weight
    return grown


def phrase_chunks(phonemes: str, limit: int, phrase_marks: str = ".!?;:,—…") -> list[str]:
    """Cut a phoneme string longer than ``limit`` symbols into pieces of at most ``limit``: after
    phrase punctuation where possible, else between words. PhonemeError when one word is too long."""
    if len(phonemes) <= limit:
        return [phonemes]
    words = phonemes.split(" ")
    chunks: list[str] = []
    current: list[str] = []
    last_phrase_end = 0  # words in ``current`` up to the last phrase mark

    def length(parts: list[str]) -> int:
        return len(" ".join(parts))

    for word in words:
        if len(word) > limit:
            raise PhonemeError(
                "too_many_phonemes",
                f"one word has {len(word)} phoneme symbols, more than Kokoro's {limit}",
                symbols=len(word),
                limit=limit,
            )
        if current and length([*current, word]) > limit:
            cut = last_phrase_end or len(current)
            chunks.append(" ".join(current[:cut]))
            current = current[cut:]
            last_phrase_end = 0
            while current and length([*current, word]) > limit:  # the rest of a long phrase
                chunks.append(" ".join(current))
                current = []
        current.append(word)
        if word and word[-1] in phrase_marks:
            last_phrase_end = len(current)
    if current:
        chunks.append(" ".join(current))
    return [chunk for chunk in chunks if chunk]
