"""Match every rule of every pack at once: one Aho-Corasick automaton over the normalised skeleton.

Terms of all rules go into one automaton, so 300 rules cost one pass per item; context words
(``near``/``unless``) go into a second one that only runs on items that already have a match.
Regexes run on the original text. Evidence is always the original text, quoted through the
skeleton's offset map, so "SCUMBAG!!" or "sc*mbag" is shown exactly as written.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from accountaudit.check import PreparedText
from accountaudit.checks.regex_hints import required_words
from accountaudit.checks.rulepack_schema import Context, Rule, Side
from accountaudit.model import Finding, Item, ItemKind, finding_id
from accountaudit.normalize import SkeletonView, normalize, skeleton_key

_WORD_TOKEN = re.compile(r"\S+")
_QUOTES = "'\"‘’“”«»"
_QUOTE_REACH = 120
_MIN_WILDCARD_TERM = 4
_MAX_HIDDEN = 4


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    matched: str


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "*"


def word_end(text: str, start: int, stop: int, soft: bytes | None) -> int | None:
    """End of ``text[start:stop]`` as a whole word (extended over a plural "s"/"es"), or None.

    ``soft`` marks letters that came from spaced-out letters ("a f u c k"), where a word may
    start or end at any letter; None means the text has none.
    """
    if start > 0 and _is_word(text[start - 1]) and _is_word(text[start]) \
            and not (soft and soft[start - 1] and soft[start]):
        return None
    if stop < len(text) and _is_word(text[stop]) and _is_word(text[stop - 1]) \
            and not (soft and soft[stop - 1] and soft[stop]):
        for suffix in ("s", "es"):
            end = stop + len(suffix)
            if text.startswith(suffix, stop) and (end == len(text) or not _is_word(text[end])):
                return end
        return None
    return stop


def accept(view: SkeletonView, start: int, stop: int, runs: bytes) -> int | None:
    """End of a whole-word match of a term at ``view.text[start:stop]``, or None.

    Squeezed runs must be at least as long as the term's, so "kil" does not match "kill".
    """
    end = word_end(view.text, start, stop, view.soft)
    if end is None:
        return None
    for offset, need in enumerate(runs):
        if need > 1 and view.runs[start + offset] < need:
            return None
    return end


def wildcard_variants(term: str) -> set[str]:
    """Spellings of a one-word term with up to four inner letters hidden by '*' ("c*nt",
    "f***ing"); hiding more would let long words match short unrelated ones ("f*ing")."""
    word = normalize(term).value
    if len(word) < _MIN_WILDCARD_TERM or not word.isalpha():
        return set()
    return {word[:i] + "*" + word[j:] for i in range(1, len(word) - 1)
            for j in range(i + 1, min(len(word), i + _MAX_HIDDEN + 1))}


class _Automaton:
    """Keys (skeleton strings) to payloads; an empty automaton never matches."""

    def __init__(self, entries: dict[str, list[tuple[Any, ...]]]) -> None:
        import ahocorasick  # heavy-ish C extension: only loaded when a scan starts

        self._auto: Any = None
        if entries:
            auto = ahocorasick.Automaton()
            for key, payload in entries.items():
                auto.add_word(key, (len(key), tuple(payload)))
            auto.make_automaton()
            self._auto = auto

    def iter(self, text: str) -> Iterable[tuple[int, tuple[int, tuple[tuple[Any, ...], ...]]]]:
        return () if self._auto is None or not text else self._auto.iter(text)


def _add(entries: dict[str, list[tuple[Any, ...]]], text: str, *payload: Any) -> None:
    key, runs = skeleton_key(text)
    if key:
        entries.setdefault(key, []).append((runs, *payload))


class _ContextHits:
    """Where each context phrase occurs in one item, in original offsets and word numbers.

    Positions need the skeleton's offset map, which is costly, so they are only worked out
    when a phrase a rule asks about occurs in the skeleton at all.
    """

    def __init__(self, automaton: _Automaton, text: PreparedText) -> None:
        self._automaton, self._text = automaton, text
        self.original = text.text
        self._present: set[int] | None = None
        self._spans: dict[int, list[tuple[int, int]]] | None = None
        self._word_starts: list[int] = []

    def _anywhere(self, ids: Sequence[int]) -> bool:
        if self._present is None:
            self._present = {context_id
                             for _, (_, payload) in self._automaton.iter(
                                 self._text.normalized.skeleton)
                             for _, context_id in payload}
        return not self._present.isdisjoint(ids)

    def _located(self) -> dict[int, list[tuple[int, int]]]:
        if self._spans is None:
            view = self._text.normalized.skeleton_view()
            self._spans = {}
            for end, (size, payload) in self._automaton.iter(view.text):
                start = end - size + 1
                for runs, context_id in payload:
                    stop = accept(view, start, end + 1, runs)
                    if stop is not None:
                        span = view.original_span(start, stop)
                        self._spans.setdefault(context_id, []).append(span)
            self._word_starts = [m.start() for m in _WORD_TOKEN.finditer(self.original)]
        return self._spans

    def word(self, offset: int) -> int:
        return bisect_right(self._word_starts, offset) - 1

    def found(self, context: Context, ids: Sequence[int], hit: _Hit) -> bool:
        if not ids or not self._anywhere(ids):
            return False
        spans = self._located()
        first, last = self.word(hit.start), self.word(hit.end - 1)
        side, within = context.side, context.within
        for context_id in ids:
            for a, b in spans.get(context_id, ()):
                if b <= hit.start:
                    ok = side is not Side.AFTER and first - self.word(b - 1) <= within
                elif a >= hit.end:
                    ok = side is not Side.BEFORE and self.word(a) - last <= within
                else:
                    ok = True
                if ok:
                    return True
        return False

    def quoted(self, hit: _Hit) -> bool:
        return in_quotes(self.original, hit.start, hit.end)


def in_quotes(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits between an opening and a closing quotation mark on the
    same line (apostrophes inside words, as in "he's", are neither)."""
    for i in range(start - 1, max(0, start - _QUOTE_REACH) - 1, -1):
        if text[i] == "\n" or (text[i] in _QUOTES and _closes(text, i)):
            return False
        if text[i] in _QUOTES and _opens(text, i):
            break
    else:
        return False
    for i in range(end, min(len(text), end + _QUOTE_REACH)):
        if text[i] == "\n":
            return False
        if text[i] in _QUOTES and _closes(text, i):
            return True
    return False


def _opens(text: str, i: int) -> bool:
    return (i == 0 or not text[i - 1].isalnum()) and i + 1 < len(text) \
        and not text[i + 1].isspace()


def _closes(text: str, i: int) -> bool:
    return i > 0 and not text[i - 1].isspace() and (i + 1 == len(text)
                                                      or not text[i + 1].isalnum())


class CompiledRules:
    """Rules compiled once per scan; ``scan`` returns the findings for one item."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        terms: dict[str, list[tuple[Any, ...]]] = {}
        contexts: dict[str, list[tuple[Any, ...]]] = {}
        context_ids: dict[str, int] = {}
        self._near: list[tuple[int, ...]] = []
        self._unless: list[tuple[tuple[Context, tuple[int, ...]], ...]] = []
        self._regex: list[tuple[int, re.Pattern[str], bool]] = []
        folded_hints: dict[str, list[int]] = {}
        exact_hints: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for term in rule.terms:
                _add(terms, term, index, term)
                for variant in wildcard_variants(term):
                    _add(terms, variant, index, term)
            for pattern in rule.regex:
                hints = required_words(pattern.pattern)
                for words, table in ((hints.folded, folded_hints), (hints.exact, exact_hints)) \
                        if hints else ():
                    for word in words:
                        table.setdefault(word, []).append(len(self._regex))
                self._regex.append((index, pattern, hints is None))
            self._near.append(_context_ids(rule.near, context_ids, contexts))
            self._unless.append(tuple((u, _context_ids(u, context_ids, contexts))
                                      for u in rule.unless))
        self._terms = _Automaton(terms)
        self._folded_hints = _hint_automaton(folded_hints)
        self._exact_hints = _hint_automaton(exact_hints)
        self._contexts = _Automaton(contexts)
        self._active = {kind: frozenset(i for i, r in enumerate(self.rules) if kind in r.applies_to)
                        for kind in ItemKind}

    def scan(self, item: Item, text: PreparedText) -> list[Finding]:
        """Findings for one item, in rule order then position."""
        active = self._active[item.kind]
        if not active:
            return []
        hits = self._term_hits(text, active)
        if self._regex:
            self._regex_hits(text, active, hits)
        if not hits:
            return []
        context = _ContextHits(self._contexts, text)
        findings: list[Finding] = []
        for index in sorted(hits):
            findings.extend(self._judge(index, hits[index], item, context))
        return findings

    def _term_hits(self, text: PreparedText, active: frozenset[int]) -> dict[int, list[_Hit]]:
        hits: dict[int, list[_Hit]] = {}
        normalized = text.normalized
        skeleton = normalized.skeleton
        exact = not normalized.spaced_letters
        candidates = []
        for end, (size, payload) in self._terms.iter(skeleton):
            start = end - size + 1
            # Most raw hits are parts of longer words ("met" in "metal"): reject them before
            # computing the offset map, which is the expensive part.
            if exact and word_end(skeleton, start, end + 1, None) is None:
                continue
            candidates.append((start, end + 1, payload))
        if not candidates:
            return hits
        view = normalized.skeleton_view()
        for start, stop, payload in candidates:
            for runs, index, term in payload:
                if index not in active:
                    continue
                end = accept(view, start, stop, runs)
                if end is not None:
                    a, b = view.original_span(start, end)
                    if a > 0 and text.text[a - 1] == "#":
                        a -= 1  # quote a hashtag with its '#'
                    hits.setdefault(index, []).append(_Hit(a, b, term))
        return hits

    def _regex_hits(self, text: PreparedText, active: frozenset[int],
                    hits: dict[int, list[_Hit]]) -> None:
        present: set[int] = set()
        for automaton, searched in ((self._folded_hints, text.normalized.value),
                                    (self._exact_hints, text.text)):
            if automaton is not None and searched:
                for _, found in automaton.iter(searched):
                    present.update(found)
        for number, (index, pattern, always) in enumerate(self._regex):
            if index in active and (always or number in present):
                for match in pattern.finditer(text.text):
                    if match.group().strip():
                        hits.setdefault(index, []).append(
                            _Hit(match.start(), match.end(), pattern.pattern))

    def _judge(self, index: int, hits: list[_Hit], item: Item,
               context: _ContextHits) -> Iterable[Finding]:
        rule = self.rules[index]
        seen: set[str] = set()
        for hit in _outermost(hits):
            confidence = rule.confidence
            if rule.near:  # first: a missing required word is the cheapest way to say no
                near = context.found(rule.near, self._near[index], hit)
                if rule.near.required and not near:
                    continue
                confidence += rule.near.boost if near else 0.0
            if any(context.found(unless, ids, hit) or (unless.quoted and context.quoted(hit))
                   for unless, ids in self._unless[index]):
                continue
            evidence = context.original[hit.start:hit.end]
            folded = " ".join(evidence.casefold().split())
            if folded in seen:
                continue
            seen.add(folded)
            yield _finding(rule, item, hit, evidence, confidence)


def _hint_automaton(hints: dict[str, list[int]]) -> Any:
    """Literal words (see regex_hints) to the regexes that need one of them; None if none."""
    if not hints:
        return None
    import ahocorasick

    auto = ahocorasick.Automaton()
    for word, numbers in hints.items():
        auto.add_word(word, frozenset(numbers))
    auto.make_automaton()
    return auto


def _context_ids(context: Context | None, ids: dict[str, int],
                 entries: dict[str, list[tuple[Any, ...]]]) -> tuple[int, ...]:
    if context is None:
        return ()
    found: list[int] = []
    for word in context.words:
        if word not in ids:
            ids[word] = len(ids)
            _add(entries, word, ids[word])
        found.append(ids[word])
    return tuple(found)


def _outermost(hits: list[_Hit]) -> list[_Hit]:
    """Drop matches inside a longer match of the same rule ("fuck" inside "fucking")."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if not any(k.start <= hit.start and hit.end <= k.end for k in kept):
            kept.append(hit)
    return kept


def _finding(rule: Rule, item: Item, hit: _Hit, evidence: str, confidence: float) -> Finding:
    info = rule.info
    return Finding(
        id=finding_id(info.id, item.key, evidence), item_key=item.key, check_id=info.id,
        category=info.category, severity=info.severity,
        confidence=round(max(0.0, min(1.0, confidence)), 2), evidence=evidence,
        explanation=info.explanation, standard=info.standard, span=(hit.start, hit.end),
        check_version=info.version,
        details=MappingProxyType({"pack": rule.pack_id, "matched": hit.matched}))
