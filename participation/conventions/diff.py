"""What an amendment changes in an article: pieces of text kept, deleted and inserted. Chinese
has no spaces between words, so inside CJK text each character is a token; Latin text compares
word by word. A line break is a token of its own, never merged with the spaces around it."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate, groupby, pairwise, repeat
from operator import itemgetter
from typing import Literal


@dataclass(frozen=True)
class Piece:
    kind: Literal["same", "ins", "del"]
    text: str


# Han with its extensions, radicals, CJK symbols and punctuation, kana, bopomofo, Hangul, CJK
# compatibility, fullwidth and halfwidth forms; the CJK combining marks (tone, voicing) apart.
_CJK_BMP = r"\u1100-\u11ff\u2e80-\u3029\u3030-\u3098\u309b-\u9fff\ua960-\ua97f\uac00-\ud7ff"
_CJK_PLAIN = (
    rf"{_CJK_BMP}\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U0001b000-\U0001b16f\U00020000-\U0003ffff"
)
_CJK = rf"{_CJK_PLAIN}\u302a-\u302f\u3099\u309a"
_BREAKS = r"\n\v\f\r\x1c-\x1e\x85\u2028\u2029"  # what str.splitlines() breaks on
_LETTER = rf"[^\W_{_CJK}]"  # str.isalnum(), outside CJK
_TOKEN = re.compile(
    rf"[{_CJK}]|\r\n|[{_BREAKS}]|[^\S{_BREAKS}\u3000]+"
    rf"|{_LETTER}+(?:(?:['’-]|(?<=\d)[.,:](?=\d)){_LETTER}+)*|.",
    re.DOTALL,
)
_IS_LETTER = re.compile(_LETTER)
# No combining mark, joiner or emoji modifier is in these ranges, nor a letter, digit or space:
# only next to the other, "odd", characters may two tokens have to be joined.
_ODD = re.compile(rf"((?![\x00-\u02ff\u2010-\u2027\u2030-\u205e{_CJK_PLAIN}])[^\w\s])")
_GLUE = re.compile(r"[\u200d\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")  # joiner, skin, tags
_FLAG_HALF = re.compile(r"[\U0001f1e6-\U0001f1ff]")  # regional indicators pair into a flag
_SENTENCE_ENDS = ["。", "！", "？", "；", "\r\n", *"\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"]
_LATIN_ENDS = ".!?;"  # ends a sentence when a space follows
_NOT_A_CODE = "\U0010ffff"  # keeps the classes of codes below from being empty

# The bound. find_longest_match takes a step per pair of equal tokens in its ranges (each 的 of
# the old text against each 的 of the new) and one per token, and runs again on every gap between
# matches: quadratic on long or repetitive texts. So each call and each sentence compared is paid
# for first from one budget per diff(); what it cannot pay for shows coarser, never slowly. At
# 0.2–0.6 µs a step, 3–9 ms, which with the linear work keeps 10,000 characters under 50 ms.
_WORK_BUDGET = 15_000
_STEPS_PER_CALL = 10
_STEPS_PER_SENTENCE = 40


def tokens(text: str) -> list[str]:
    """CJK characters one by one, words, runs of spaces, line breaks, other characters; a
    combining mark or an emoji modifier stays with the character it belongs to."""
    out: list[str] = []
    for i, part in enumerate(_ODD.split(text)):  # odd characters at odd indexes
        found: list[str] = _TOKEN.findall(part) if i % 2 == 0 else [part]
        glued = bool(found and out and _continues(out[-1], found[0]))
        if glued:
            out[-1] += found[0]
        out.extend(found[glued:])
    return out


def _continues(before: str, token: str) -> bool:
    first, last = token[0], before[-1]
    if last == "\u200d" or _GLUE.match(first) or unicodedata.category(first)[0] == "M":
        return True
    if unicodedata.category(last)[0] == "M":  # a word goes on after a combining mark
        return bool(_IS_LETTER.match(before) and _IS_LETTER.match(first))
    return bool(_FLAG_HALF.fullmatch(before) and _FLAG_HALF.match(first))


def diff(old: str, new: str) -> list[Piece]:
    """The pieces that turn ``old`` into ``new``: "same" and "del" pieces joined give ``old``,
    "same" and "ins" pieces give ``new``; in a change, the deletion comes first."""
    if old == new:
        return [Piece("same", old)] if old else []
    differ = _Differ(old, new)
    differ.span(0, len(differ.a), 0, len(differ.b), by_sentence=True)
    return differ.pieces()


def has_changes(pieces: Sequence[Piece]) -> bool:
    return any(piece.kind != "same" for piece in pieces)


def _encode(items: Sequence[str], codes: dict[str, str]) -> str:
    """One character per distinct item, so that comparing spans is a plain string compare."""
    for item in dict.fromkeys(items):
        codes.setdefault(item, chr(len(codes)))
    return "".join(map(codes.__getitem__, items))


def _common_prefix(x: str, y: str) -> int:
    low, high = 0, min(len(x), len(y))
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if x[:mid] == y[:mid] else (low, mid - 1)
    return low


class _Differ:
    def __init__(self, old: str, new: str) -> None:
        old_tokens, new_tokens = tokens(old), tokens(new)
        codes: dict[str, str] = {}
        self.old, self.new, self.budget = old, new, _WORK_BUDGET
        self.a, self.b = _encode(old_tokens, codes), _encode(new_tokens, codes)
        self.at_a = list(accumulate(map(len, old_tokens), initial=0))  # where tokens start
        self.at_b = list(accumulate(map(len, new_tokens), initial=0))
        self.ops: list[tuple[bool, int, int, int, int]] = []  # (changed, a1, a2, b1, b2)
        ends = _NOT_A_CODE + "".join(re.escape(codes[t]) for t in _SENTENCE_ENDS if t in codes)
        latin = _NOT_A_CODE + "".join(re.escape(codes[t]) for t in _LATIN_ENDS if t in codes)
        spaces = _NOT_A_CODE + "".join(re.escape(c) for t, c in codes.items() if t.isspace())
        self.sentence_end = re.compile(f"[{ends}]|[{latin}][{spaces}]")

    def span(self, a1: int, a2: int, b1: int, b2: int, *, by_sentence: bool) -> None:
        head = _common_prefix(self.a[a1:a2], self.b[b1:b2])
        self.keep(a1, a1 + head, b1, b1 + head)
        a1, b1 = a1 + head, b1 + head
        tail = _common_prefix(self.a[a1:a2][::-1], self.b[b1:b2][::-1])
        a2, b2 = a2 - tail, b2 - tail
        if by_sentence and a1 < a2 and b1 < b2:
            self._by_sentence(a1, a2, b1, b2)
        else:
            i, j = 0, 0
            for mi, mj, size in self._matches(self.a[a1:a2], self.b[b1:b2]):
                self.keep(a1 + i, a1 + mi, b1 + j, b1 + mj, changed=True)
                self.keep(a1 + mi, a1 + mi + size, b1 + mj, b1 + mj + size)
                i, j = mi + size, mj + size
        self.keep(a2, a2 + tail, b2, b2 + tail)

    def _by_sentence(self, a1: int, a2: int, b1: int, b2: int) -> None:
        """Match whole sentences first, then compare tokens only inside changed sentences."""
        starts_a, starts_b = self._starts(self.a, a1, a2), self._starts(self.b, b1, b2)
        codes: dict[str, str] = {}
        x = _encode([self.a[i:j] for i, j in pairwise(starts_a)], codes)
        y = _encode([self.b[i:j] for i, j in pairwise(starts_b)], codes)
        i, j = 0, 0
        for mi, mj, size in self._matches(x, y):
            edges = list(zip(starts_a[i : mi + 1], starts_b[j : mj + 1], strict=False))
            if mi - i != mj - j:  # else as many sentences each side: each reworded on its own
                edges = [(starts_a[i], starts_b[j]), (starts_a[mi], starts_b[mj])]
            for (s1, t1), (s2, t2) in pairwise(edges):
                if self.budget < _STEPS_PER_SENTENCE:
                    self.keep(s1, starts_a[mi], t1, starts_b[mj], changed=True)
                    break
                self.budget -= _STEPS_PER_SENTENCE
                self.span(s1, s2, t1, t2, by_sentence=False)
            self.keep(starts_a[mi], starts_a[mi + size], starts_b[mj], starts_b[mj + size])
            i, j = mi + size, mj + size

    def _starts(self, codes: str, start: int, end: int) -> list[int]:
        ends = [m.end() for m in self.sentence_end.finditer(codes, start, end)]
        return [start, *ends] if ends and ends[-1] == end else [start, *ends, end]

    def _matches(self, x: str, y: str) -> list[tuple[int, int, int]]:
        """get_matching_blocks() within the budget, breadth first: even, if coarse, when short."""
        found: list[tuple[int, int, int]] = []
        if len(x) + len(y) <= self.budget and not set(x).isdisjoint(y):
            self.budget -= len(y)  # for the matcher's index of y
            matcher, in_y = SequenceMatcher(None, x, y, autojunk=False), Counter(y)
            pairs = list(accumulate(map(in_y.get, x, repeat(0)), initial=0))  # pairs before i
            gaps = deque([(0, len(x), 0, len(y))])
            while gaps:
                alo, ahi, blo, bhi = gaps.popleft()
                cost = _STEPS_PER_CALL + ahi - alo + pairs[ahi] - pairs[alo]
                if cost > self.budget:
                    continue
                self.budget -= cost
                i, j, size = matcher.find_longest_match(alo, ahi, blo, bhi)
                if size:
                    found.append((i, j, size))
                    if alo < i and blo < j:
                        gaps.append((alo, i, blo, j))
                    if i + size < ahi and j + size < bhi:
                        gaps.append((i + size, ahi, j + size, bhi))
        return [*sorted(found), (len(x), len(y), 0)]

    def keep(self, a1: int, a2: int, b1: int, b2: int, *, changed: bool = False) -> None:
        if a1 < a2 or b1 < b2:
            self.ops.append((changed, a1, a2, b1, b2))

    def pieces(self) -> list[Piece]:
        """Ops come in order and without gaps: each run of a kind is one piece, or two."""
        pieces: list[Piece] = []
        for changed, run in groupby(self.ops, key=itemgetter(0)):
            ops = list(run)
            old = self.old[self.at_a[ops[0][1]] : self.at_a[ops[-1][2]]]
            new = self.new[self.at_b[ops[0][3]] : self.at_b[ops[-1][4]]]
            made = [Piece("del", old), Piece("ins", new)] if changed else [Piece("same", old)]
            pieces += [piece for piece in made if piece.text]
        return pieces
