"""The entry point: put a transcript in spoken form and keep the map from original tokens to spoken words.

Steps: clean the text (``cleanup``), split it into whitespace chunks (``tokens``), read each chunk or
run of chunks as a word, an abbreviation before a number, or a number expression (``numbers`` for the
shape, ``context`` for the reading, ``verbalise`` for the words), then glue kept punctuation to the
neighbouring spoken words.

A number expression is ``[currency] [sign] number [unit]``, where the currency may be glued ("RM25",
"€3,50") or its own chunk ("RM 25", "3,50 €", "25 kr"), the number may span chunks ("2 500",
"+47 22 33 44 55", "(310) 555-1234", "10 - 20"), and the unit may be glued or follow: %, a currency, a
scale word ("$1.5 million"), am/pm, a clock word ("Uhr"), an ordinal ending ("21st", "1er", "3:e"),
an ordinal dot ("3. Mai"), a decade ending ("1990s"), a hyphenated word ("5-year-old"), a Telugu case
ending ("2024లో") or letters ("5km" -> "five km": units are not expanded).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import regex

from voxtune.text.normalise.cleanup import Cleaned, clean_text
from voxtune.text.normalise.context import build_context, is_clock_context, is_identifier_context
from voxtune.text.normalise.errors import NormaliseError
from voxtune.text.normalise.languages import get_language
from voxtune.text.normalise.languages.base import Context, Language
from voxtune.text.normalise.numbers import Amount, Clock, DigitString, Shape, is_ascii_digits, read_shape
from voxtune.text.normalise.result import Normalised, TokenMap
from voxtune.text.normalise.tokens import Chunk, kept_punctuation, split_chunks
from voxtune.text.normalise.verbalise import money_words, percent_words, shape_words

_NUMBER_START = re.compile(r"[-−+]?[0-9][0-9.,:()/–-]*")
_CONTINUATION = re.compile(r"\(?[0-9][0-9.,:()/–-]*")
_LONE_DASHES = frozenset({"-", "–"})
_LETTERS = regex.compile(r"[\p{L}\p{M}]+")
_HYPHENATED_WORD = regex.compile(r"[-–][\p{L}\p{M}]+(?:-[\p{L}\p{M}]+)*")
_MIXED_WORD = regex.compile(r"(?:[\p{L}\p{M}]+|[0-9]+|-)+")
_MIXED_PART = regex.compile(r"[0-9]+|[\p{L}\p{M}]+")
_DECADE_ENDINGS = frozenset({"s", "'s", "’s", "er"})
MAX_RUN_CHUNKS = 6
"""Longest run of whitespace-separated chunks read as one number ("+47 22 33 44 55")."""


def normalise(text: str, language: str, *, strip_emoji: bool = False) -> Normalised:
    """Put ``text`` in spoken form for ``language`` (any code :func:`canonical_language` accepts).

    Raises ``UnsupportedLanguageError`` for an unknown language and ``NormaliseError`` (with a
    ``code``) when this text cannot be put in spoken form. ``strip_emoji`` removes emoji instead of
    rejecting the text. Run :func:`validate_spoken` on the result to catch anything left unread.
    """
    lang = get_language(language)
    cleaned = clean_text(text, lang.code, strip_emoji=strip_emoji)
    chunks = split_chunks(cleaned.text)
    pieces = _Reader(chunks, lang).read_all()
    return _assemble(text, lang.code, cleaned, chunks, pieces)


@dataclass
class _Piece:
    """What chunks ``first..last`` became, before punctuation is glued on."""

    first: int
    last: int
    words: list[str]
    kind: str
    lead: str = ""
    trail: str = ""


@dataclass(frozen=True)
class _Start:
    """Where a number expression's digits begin and what precedes them."""

    currency: str | None
    sign: bool
    """A number sign ("#", "n°") before the digits."""
    body_index: int
    text: str
    """The first chunk's text from the digits on (with "(" for an area code)."""
    lead: str
    area_code: bool = False


@dataclass
class _Units:
    """What follows a number and changes its reading."""

    currency: str | None = None
    scale: tuple[str, int] | None = None
    percent: bool = False
    period: str | None = None
    clock_word: bool = False
    words: str | None = None
    kind: str = ""
    consumed: list[int] = field(default_factory=list)
    trail: str = ""


class _Reader:
    """Reads chunks left to right into pieces."""

    def __init__(self, chunks: list[Chunk], language: Language):
        self.chunks = chunks
        self.lang = language
        self.symbols = sorted(language.currency_symbols, key=len, reverse=True)
        self.signs = sorted(language.number_sign_prefixes, key=len, reverse=True)

    def read_all(self) -> list[_Piece]:
        pieces = []
        i = 0
        while i < len(self.chunks):
            piece = self._read(i)
            pieces.append(piece)
            i = piece.last + 1
        return pieces

    def _read(self, i: int) -> _Piece:
        chunk = self.chunks[i]
        if not chunk.core:
            lead, trail = kept_punctuation(chunk.lead, True), kept_punctuation(chunk.trail, False)
            return _Piece(i, i, [], "punctuation" if lead or trail else "dropped", lead, trail)
        return self._abbreviation(i) or self._number(i) or self._word(i)

    # ---- words --------------------------------------------------------------------------------

    def _word(self, i: int) -> _Piece:
        chunk = self.chunks[i]
        if re.search(r"[0-9]", chunk.core):
            words, kind = self._mixed(chunk.core), "word"
        else:
            words = []
            for n, part in enumerate(chunk.core.split("&")):
                if n:
                    words.append(self.lang.and_word)
                if part:
                    words.append(part)
            kind = "word" if any(ch.isalpha() for ch in chunk.core) else "symbol"
        return _Piece(
            i, i, words, kind, kept_punctuation(chunk.lead, True), kept_punctuation(chunk.trail, False)
        )

    def _mixed(self, core: str) -> list[str]:
        """Letters and digits in one word ("COVID-19", "A4", "mp3"): short digit runs as numbers."""
        if not _MIXED_WORD.fullmatch(core):
            raise NormaliseError("unsupported_number_format", f"no reading for '{core}'", text=core)
        words = []
        for part in _MIXED_PART.findall(core):
            if not is_ascii_digits(part):
                words.append(part)
            elif len(part) <= 2 and not part.startswith("0"):
                words.append(self.lang.cardinal(int(part)))
            else:
                words.append(self.lang.digits(part))
        return words

    def _abbreviation(self, i: int) -> _Piece | None:
        """Expand an abbreviation right before a number: "Nr. 5" -> "Nummer fünf", "kl." -> "klokka"."""
        chunk = self.chunks[i]
        table = self.lang.number_abbreviations
        trail = chunk.trail
        expansion = None
        if trail.startswith(".") and (chunk.core + ".").lower() in table:
            expansion, trail = table[(chunk.core + ".").lower()], trail[1:]
        elif chunk.core.lower() in table:
            expansion = table[chunk.core.lower()]
        if expansion is None or i + 1 >= len(self.chunks) or not self._starts_number(self.chunks[i + 1]):
            return None
        return _Piece(
            i,
            i,
            expansion.split(),
            "word",
            kept_punctuation(chunk.lead, True),
            kept_punctuation(trail, False),
        )

    # ---- numbers ------------------------------------------------------------------------------

    def _starts_number(self, chunk: Chunk) -> bool:
        return bool(chunk.core) and self._split_prefix(chunk.core) is not None

    def _split_prefix(self, core: str) -> tuple[str | None, bool, str] | None:
        """(currency code, number sign?, the rest) when ``core`` starts a number; None otherwise."""
        if _NUMBER_START.match(core):
            return None, False, core
        for symbol in self.symbols:
            if core.startswith(symbol) and _NUMBER_START.match(core[len(symbol) :]):
                return self.lang.currency_symbols[symbol], False, core[len(symbol) :]
        for sign in self.signs:
            if core.startswith(sign) and core[len(sign) : len(sign) + 1].isdigit():
                return None, True, core[len(sign) :]
        if unicodedata.category(core[0]) == "Sc" and core[1:2].isdigit():
            raise NormaliseError(
                "unsupported_currency",
                f"no {self.lang.name} words for the currency sign '{core[0]}'",
                text=core,
            )
        return None

    def _currency_of(self, chunk: Chunk) -> tuple[str, bool] | None:
        """(ISO code, whether a trailing dot belongs to it) for a chunk that is only a currency sign."""
        if chunk.trail.startswith(".") and chunk.core + "." in self.lang.currency_symbols:
            return self.lang.currency_symbols[chunk.core + "."], True
        if chunk.core in self.lang.currency_symbols:
            return self.lang.currency_symbols[chunk.core], False
        return None

    def _number(self, i: int) -> _Piece | None:
        """A number expression starting at chunk ``i``, or None when chunk ``i`` does not start one."""
        chunk = self.chunks[i]
        for pattern in self.lang.ordinal_patterns:
            match = pattern.fullmatch(chunk.core)
            if match:
                context = build_context(self.chunks, i, i, self.lang)
                words = self.lang.ordinal(int(match["n"]), context, match["suffix"])
                return self._piece(i, i, words, "ordinal", chunk.lead, chunk.trail)
        start = self._number_start(i)
        if start is None:
            return None
        runs = self._runs(
            start.body_index, start.text, "" if start.area_code else self.chunks[start.body_index].trail
        )
        if start.area_code:  # "(310)" alone is a bracketed number, not a phone number
            runs = [run for run in runs if run[0] > start.body_index]
        for n, (last, body, suffix) in enumerate(runs):
            try:
                return self._finish(i, last, body, suffix, start)
            except NormaliseError:
                if n == len(runs) - 1:
                    raise
        return None

    def _number_start(self, i: int) -> _Start | None:
        """How the number at chunk ``i`` begins: a currency chunk ("RM 25"), an area code, or a prefix."""
        chunk = self.chunks[i]
        following = self.chunks[i + 1] if i + 1 < len(self.chunks) else None
        starts_number = following is not None and not following.lead and _NUMBER_START.match(following.core)
        currency = self._currency_of(chunk)
        if currency and starts_number and (not chunk.trail or (currency[1] and chunk.trail == ".")):
            return _Start(currency[0], False, i + 1, following.core, chunk.lead)
        if chunk.lead.endswith("(") and is_ascii_digits(chunk.core) and chunk.trail == ")" and starts_number:
            return _Start(None, False, i, f"({chunk.core})", chunk.lead[:-1], area_code=True)
        split = self._split_prefix(chunk.core)
        if split is None:
            return None
        code, sign, text = split
        return _Start(code, sign, i, text, chunk.lead)

    def _runs(self, start: int, first_text: str, first_trail: str) -> list[tuple[int, str, str]]:
        """Candidate (last chunk, number text, glued suffix), longest first."""
        match = _NUMBER_START.match(first_text)
        body = _trim(match.group()) if match else first_text
        candidates = [(start, body, first_text[len(body) :])]
        if candidates[0][2] or first_trail:
            return candidates
        parts = [body]
        j = start + 1
        while j < len(self.chunks) and j - start < MAX_RUN_CHUNKS:
            chunk = self.chunks[j]
            if chunk.lead:
                break
            if chunk.core in _LONE_DASHES and not chunk.trail:
                parts.append(chunk.core)
                j += 1
                continue
            match = _CONTINUATION.match(chunk.core)
            if not match:
                break
            part = _trim(match.group())
            parts.append(part)
            suffix = chunk.core[len(part) :]
            candidates.append((j, " ".join(parts), suffix))
            if suffix or chunk.trail:
                break
            j += 1
        return list(reversed(candidates))

    def _finish(self, i: int, last: int, body: str, suffix: str, start: _Start) -> _Piece:
        """Read ``body`` (with its glued ``suffix``) and whatever unit follows it; chunks ``i..`` are used."""
        chunks, lang = self.chunks, self.lang
        trail = chunks[last].trail
        if trail[:1] in _LONE_DASHES:
            raise NormaliseError(
                "malformed_number", f"cannot read the number '{body}{trail}'", text=body + trail
            )
        context = build_context(chunks, i, last, lang)
        shape = read_shape(
            body,
            lang,
            identifier=start.sign or is_identifier_context(context, lang),
            clock=is_clock_context(context, lang),
        )
        if start.sign:
            return self._piece(i, last, self._numbered(shape, body, suffix), "digits", start.lead, trail)

        units = self._glued_units(shape, suffix, body) if suffix else self._following_units(last, shape)
        if units.consumed:
            last = units.consumed[-1]
            trail = units.trail
            context = build_context(chunks, i, last, lang)
        if units.currency and start.currency:
            raise NormaliseError("malformed_number", f"two currencies around '{body}'", text=body)
        code = start.currency or units.currency
        if code and trail[:2] in (",-", ",–"):  # "25,-": a whole amount
            trail = trail[2:]
        if units.words is not None:
            return self._piece(i, last, units.words, units.kind, start.lead, trail)
        scale = units.scale[0] if units.scale else None
        if units.scale and isinstance(shape, Amount) and not shape.fraction:  # "21 miljoner": multiply out
            value = shape.integer * units.scale[1]
            shape, scale = Amount(value, "", str(value), grouped=True, sign=shape.sign), None
        if units.percent:
            words, kind = percent_words(shape, lang), "percent"
        elif code:
            words, kind = money_words(shape, code, lang, scale), "money"
        elif units.period or units.clock_word:
            clock = _as_clock(shape, body)
            words, kind = lang.time(clock.hour, clock.minute, units.period), "time"
        elif scale:
            words, kind = shape_words(shape, lang, Context())
            words = f"{words} {scale}"
        elif self._is_ordinal_dot(shape, last, context, trail):
            words, kind = lang.ordinal(shape.integer, context), "ordinal"
            trail = trail[1:]
        else:
            words, kind = shape_words(shape, lang, context)
        return self._piece(i, last, words, kind, start.lead, trail)

    def _numbered(self, shape: Shape, body: str, suffix: str) -> str:
        """Digits after a number sign: "#12345" -> "number one two three four five", "#1" -> "number one"."""
        if suffix or not (
            isinstance(shape, DigitString) or (isinstance(shape, Amount) and shape.plain_integer)
        ):
            raise NormaliseError(
                "malformed_number", f"cannot read the number '{body}{suffix}'", text=body + suffix
            )
        digits = shape.digits
        if len(digits) >= 3 or digits.startswith("0"):
            return f"{self.lang.hash_word} {self.lang.digits(digits)}"
        return f"{self.lang.hash_word} {self.lang.cardinal(int(digits))}"

    def _glued_units(self, shape: Shape, suffix: str, body: str) -> _Units:
        """Units glued to the digits ("25%", "3,50€", "5k", "10am", "10h30", "1990s", "5-year-old", "5km")."""
        lang = self.lang
        low = suffix.lower()
        if suffix == "%":
            return _Units(percent=True)
        if suffix in lang.currency_symbols:
            return _Units(currency=lang.currency_symbols[suffix])
        if low in lang.scale_suffixes:
            return _Units(scale=lang.scale_suffixes[low])
        if low.replace(".", "") in lang.am_pm:
            return _Units(period=lang.am_pm[low.replace(".", "")])
        hour_match = lang.hour_letter and re.fullmatch(rf"{lang.hour_letter}([0-9]{{2}})?", suffix)
        integer = shape.integer if isinstance(shape, Amount) and shape.plain_integer else None
        if hour_match and integer is not None:
            clock = _valid_clock(integer, int(hour_match.group(1) or 0), body + suffix)
            return _Units(words=lang.time(clock.hour, clock.minute), kind="time")
        if integer is not None and suffix in _DECADE_ENDINGS:
            decade = lang.decade(integer)
            if decade:
                return _Units(words=decade, kind="decade")
        if integer is not None and _HYPHENATED_WORD.fullmatch(suffix):
            return _Units(words=lang.hyphen_compound(integer, suffix[1:]), kind="cardinal")
        if integer is not None and lang.glue_letter_suffix and _LETTERS.fullmatch(suffix):
            return _Units(words=lang.glue_suffix(integer, suffix), kind="cardinal")
        if _LETTERS.fullmatch(suffix) and not isinstance(shape, DigitString):
            words, kind = shape_words(shape, lang, Context())
            return _Units(words=f"{words} {suffix}", kind=kind)
        raise NormaliseError(
            "unsupported_number_format", f"no reading for '{body}{suffix}'", text=body + suffix
        )

    def _following_units(self, last: int, shape: Shape) -> _Units:
        """Units in the chunks after the number ("25 %", "3,50 €", "$1.5 million", "10 am", "10 Uhr")."""
        chunks, lang = self.chunks, self.lang
        whole_amount_mark = chunks[last].trail in (",-", ",–")  # "25,- €"
        if (chunks[last].trail and not whole_amount_mark) or last + 1 >= len(chunks) or chunks[last + 1].lead:
            return _Units()
        nxt = chunks[last + 1]
        low = nxt.core.lower()
        currency = self._currency_of(nxt)
        if whole_amount_mark and not currency:
            return _Units()
        if nxt.core == "%":
            return _consumed(_Units(percent=True), last + 1, nxt.trail)
        at_end = last + 2 == len(chunks)  # an abbreviation's dot at the very end also ends the sentence
        if currency:
            dot_is_its_own = currency[1] and not at_end
            return _consumed(
                _Units(currency=currency[0]), last + 1, nxt.trail[1:] if dot_is_its_own else nxt.trail
            )
        scale_key, scale_dot = None, False
        if low in lang.scale_words:
            scale_key = low
        elif nxt.trail.startswith(".") and low + "." in lang.scale_words:
            scale_key, scale_dot = low + ".", True
        if scale_key and isinstance(shape, Amount):
            units = _Units(scale=lang.scale_words[scale_key])
            trail = nxt.trail[1:] if scale_dot and not at_end else nxt.trail
            after = chunks[last + 2] if not trail and last + 2 < len(chunks) else None
            after_currency = self._currency_of(after) if after is not None and not after.lead else None
            if after_currency:
                units.currency = after_currency[0]
                return _consumed(units, last + 2, after.trail[1:] if after_currency[1] else after.trail)
            return _consumed(units, last + 1, trail)
        clock_like = isinstance(shape, Clock) or _small_integer(shape)
        if low.replace(".", "") in lang.am_pm and clock_like:  # the dot of "a.m." merges with a full stop
            return _consumed(_Units(period=lang.am_pm[low.replace(".", "")]), last + 1, nxt.trail)
        if low in lang.time_words_after and clock_like:
            return _consumed(_Units(clock_word=True), last + 1, nxt.trail)
        return _Units()

    def _is_ordinal_dot(self, shape: Shape, last: int, context: Context, trail: str) -> bool:
        """Whether a dot makes a small number an ordinal: "3. Mai", "am 3. Tag", "3. plass"."""
        lang = self.lang
        if not (
            lang.ordinal_dot and trail.startswith(".") and isinstance(shape, Amount) and shape.plain_integer
        ):
            return False
        if not 1 <= shape.integer <= 999 or last + 1 >= len(self.chunks):
            return False
        following = self.chunks[last + 1]
        if following.lead or not following.core[:1].isalpha():
            return False
        before = context.previous[0] if context.previous else ""
        return context.next_is_month or before in lang.ordinal_dot_articles or following.core[0].islower()

    def _piece(self, first: int, last: int, words: str, kind: str, lead: str, trail: str) -> _Piece:
        return _Piece(
            first, last, words.split(), kind, kept_punctuation(lead, True), kept_punctuation(trail, False)
        )


def _consumed(units: _Units, index: int, trail: str) -> _Units:
    units.consumed.append(index)
    units.trail = trail
    return units


def _trim(text: str) -> str:
    """Drop separators left dangling at the end of a number ("12," -> "12")."""
    return text.rstrip(".,:/–-")


def _small_integer(shape: Shape) -> bool:
    return isinstance(shape, Amount) and shape.plain_integer and shape.integer <= 24


def _valid_clock(hour: int, minute: int, text: str) -> Clock:
    if hour < 24 and minute < 60:
        return Clock(hour, minute)
    raise NormaliseError("malformed_number", f"'{text}' is not a valid clock time", text=text)


def _as_clock(shape: Shape, body: str) -> Clock:
    if isinstance(shape, Clock):
        return shape
    if _small_integer(shape):
        return _valid_clock(shape.integer, 0, body)
    raise NormaliseError("malformed_number", f"'{body}' is not a clock time", text=body)


def _assemble(
    original: str, language: str, cleaned: Cleaned, chunks: list[Chunk], pieces: list[_Piece]
) -> Normalised:
    """Glue punctuation onto spoken words and map every piece back to the original text."""
    all_words: list[list[str]] = []
    pending = ""
    last_spoken: int | None = None
    for n, piece in enumerate(pieces):
        words = " ".join(piece.words).split()
        if words:
            words[0] = pending + piece.lead + words[0]
            pending = ""
            words[-1] = _append(words[-1], piece.trail)
            last_spoken = n
        else:
            if piece.trail and last_spoken is not None:
                all_words[last_spoken][-1] = _append(all_words[last_spoken][-1], piece.trail)
            pending += piece.lead
        all_words.append(words)
    tokens = []
    for piece, words in zip(pieces, all_words, strict=True):
        start, end = cleaned.original_span(chunks[piece.first].start, chunks[piece.last].end)
        tokens.append(TokenMap(original[start:end], start, end, tuple(words), piece.kind))
    text = " ".join(word for words in all_words for word in words)
    return Normalised(original=original, text=text, language=language, tokens=tuple(tokens))


def _append(word: str, marks: str) -> str:
    if marks.startswith(".") and word.endswith(".") and not marks.startswith("..."):
        marks = marks[1:]
    return word + marks
