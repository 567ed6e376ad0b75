"""Free-text search (`q`): the words people type, matched accent-free against a project's code,
names and description and the names of the places it touches, best matches first.

How `q` is read (docs/query-layer.md says it for users of the API):

- It is folded like the stored text (`geo.db.SearchText`): lower case, accents removed (đ → d),
  letters and digits split apart, so `ql19` reads as `ql 19` and `ĐT639` as `dt 639`. Anything
  that is neither a letter nor a digit separates words, so `%`, `_` and `\\` are never patterns.
- Abbreviations and their long forms are one and the same (`ABBREVIATIONS`, read both ways):
  `kcn` also finds "khu công nghiệp", and "khu công nghiệp" also finds `KCN`.
- Every word must match (in any order): a word of three letters or more matches the start of a
  word (`pleik` finds Pleiku, as one types); shorter words, numbers and abbreviations only
  whole words (`an` is not `anh`, `19` is not `190`), except a number at the very end, which
  one may still be typing (`GT-0` finds GT-02). The pieces of one typed word stay together
  (`ql19` is "quốc lộ 19", not "19" anywhere and "quốc lộ" elsewhere).
- A word matches in the project's own text or in the name of an administrative unit the project
  touches (former districts and the communes after the 2025 reform alike): `hoài nhơn` also
  finds works in Hoài Nhơn whose names do not say so.
- No typo tolerance. Vietnamese place names differ by one letter (Hoài Nhơn / Hòa Nhơn, An Nhơn /
  An Hòa), and trigram similarity scores a nonsense word against a real one as high as a typo
  (`pleku`~`pleiku` and `xyzzy`~`xyz` both score 0.5), so a fuzzy match would show wrong places
  rather than none. A word found nowhere returns nothing.

Ranking (when `q` is given and the caller asks for no other order): the project whose code is
`q` first, then those matching every word in their code or names (not only in the description
or their places; a number not followed by a lone letter, so "QL 19" before "QL 19B"), then by
trigram word similarity of the query to the names, then trigram similarity (shorter names
first), then by code.

The GIN trigram index on `SearchText` (projects.models.Project.Meta) serves the regular
expressions, so a search does not read every row.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    Func,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Replace, Upper

from geo.db import SearchText

# Accent-free, lower case: an abbreviation → what it stands for (from the 2024 plan, the demo
# data and common use). Read both ways. Ambiguous ones stand for each of their meanings.
ABBREVIATIONS = {
    "ql": ["quoc lo"],
    "dt": ["duong tinh"],
    "kcn": ["khu cong nghiep"],
    "ccn": ["cum cong nghiep"],
    "kkt": ["khu kinh te"],
    "kdt": ["khu do thi"],
    "tp": ["thanh pho"],
    "tx": ["thi xa"],
    "tt": ["thi tran", "trung tam"],
    "gpmb": ["giai phong mat bang"],
    "ubnd": ["uy ban nhan dan"],
    "bql": ["ban quan ly"],
    "qlda": ["quan ly du an"],
    "bqlda": ["ban quan ly du an"],
    "htkt": ["ha tang ky thuat"],
    "ktxh": ["kinh te xa hoi"],
    "kt xh": ["kinh te xa hoi"],
    "bv": ["benh vien"],
    "bvdk": ["benh vien da khoa"],
    "ttyt": ["trung tam y te"],
    "tba": ["tram bien ap"],
    "chk": ["cang hang khong", "san bay"],
    "san bay": ["cang hang khong"],
    "icd": ["cang can"],
    "noxh": ["nha o xa hoi"],
    "xlnt": ["xu ly nuoc thai"],
    "cntt": ["cong nghe thong tin"],
    "khcn": ["khoa hoc cong nghe"],
    "dmst": ["doi moi sang tao"],
    "thpt": ["trung hoc pho thong"],
    "thcs": ["trung hoc co so"],
    "qd": ["quyet dinh"],
    "nq": ["nghi quyet"],
    "tw": ["trung uong"],
}

# What each kind of administrative unit is called, so that "thành phố Quy Nhơn" or "huyện An
# Lão" finds a unit stored as plain "Quy Nhơn".
KIND_WORDS = {
    "province": "tinh",
    "city": "thanh pho",
    "town": "thi xa",
    "district": "huyen",
    "ward": "phuong",
    "commune": "xa",
    "township": "thi tran",
}

MIN_PREFIX = 3  # shorter words match whole words only
MAX_WORDS = 20


def fold(text: str) -> str:
    """Lower case without accents (đ → d), as SearchText folds the stored text; NFKD also
    reads superscripts and full-width forms as plain letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[list[str]]:
    """Typed words, each as its letter and digit runs: "QL19, KCN" → [["ql","19"], ["kcn"]]."""
    found = []
    for word in re.findall(r"[^\W_]+", fold(text)):
        pieces = re.findall(r"[^\W\d_]+|\d+", word)
        pieces = ["".join(ch for ch in piece if ch.isalnum()) for piece in pieces]
        if pieces := [piece for piece in pieces if piece]:
            found.append(pieces)
    return found


@lru_cache(maxsize=1)
def _alternatives() -> dict[tuple[str, ...], set[tuple[str, ...]]]:
    """Each abbreviation and long form → every phrase it may be written as (itself included)."""
    table: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for short, longs in ABBREVIATIONS.items():
        forms = [tuple(short.split()), *(tuple(long.split()) for long in longs)]
        table.setdefault(forms[0], {forms[0]}).update(forms)
        for form in forms[1:]:
            table.setdefault(form, {form}).add(forms[0])
    return table


@dataclass(frozen=True)
class Slot:
    """One thing to find: a word, or a phrase with the other ways of writing it."""

    forms: tuple[tuple[str, ...], ...]
    prefix: bool  # may end inside a word

    def pattern(self) -> str:
        # Only letters and digits reach here (see _words), so nothing needs escaping.
        forms = sorted((r"\W+".join(form) for form in self.forms), key=lambda f: (-len(f), f))
        return "(?:" + "|".join(forms) + ")" + ("" if self.prefix else r"\M")


@dataclass(frozen=True)
class Search:
    """A parsed `q`: units that must all match, each a run of slots (one typed word, or a phrase
    of several)."""

    text: str  # the query folded, abbreviations spelt out: for similarity ranking
    code: str  # the query as a compact project code (GT01), for the exact-code rank
    units: tuple[tuple[Slot, ...], ...]

    def patterns(self, *, strict: bool = False) -> list[str]:
        """One PostgreSQL regular expression (ARE) per unit. A `strict` number is not followed
        by a lone letter: `ql19` finds "QL 19B" too, but "QL 19" ranks first."""
        found = []
        for unit in self.units:
            pattern = r"\m" + r"\W*".join(slot.pattern() for slot in unit)
            if strict and unit[-1].forms[0][-1].isdigit():
                pattern += r"(?!\W[[:alpha:]]\M)"
            found.append(pattern)
        return found


@lru_cache(maxsize=256)
def parse(words: tuple[str, ...]) -> Search:
    typed = _words(" ".join(words))[:MAX_WORDS]
    # Flatten to pieces, remembering which typed word each belongs to.
    pieces = [(piece, n) for n, word in enumerate(typed) for piece in word]
    table = _alternatives()
    longest = max(len(key) for key in table)
    units: list[list[Slot]] = []
    spelt: list[str] = []
    i = 0
    while i < len(pieces):
        for size in range(min(longest, len(pieces) - i), 0, -1):
            phrase = tuple(piece for piece, _n in pieces[i : i + size])
            if phrase in table:
                forms = tuple(sorted(table[phrase]))
                slot = Slot(forms, prefix=False)
                spelt.append(" ".join(max(forms, key=lambda f: len(" ".join(f)))))
                break
        else:
            size, piece = 1, pieces[i][0]
            # The number one is still typing (`GT-0`) may be the start of one.
            still_typing = piece.isdigit() and i == len(pieces) - 1
            slot = Slot(
                ((piece,),), prefix=still_typing or (piece.isalpha() and len(piece) >= MIN_PREFIX)
            )
            spelt.append(piece)
        # A slot continues the unit when it begins inside the typed word the last one ended in.
        if units and pieces[i][1] == pieces[i - 1][1]:
            units[-1].append(slot)
        else:
            units.append([slot])
        i += size
    code = "".join("".join(word) for word in typed).upper()
    return Search(" ".join(spelt), code, tuple(tuple(unit) for unit in units))


# ---- SQL ------------------------------------------------------------------------------------


def project_text():
    """What a project is found by: the expression of the trigram index."""
    return SearchText("code", "name", "name_en", "description")


def project_names():
    return SearchText("code", "name", "name_en")


def unit_text():
    kind = Case(
        *(When(kind=kind, then=Value(words)) for kind, words in KIND_WORDS.items()),
        default=Value(""),
    )
    return SearchText(kind, "name", "name_en")


def narrow(projects, words: tuple[str, ...]):
    """Projects matching every unit of `words` in their own text or their places' names."""
    search = parse(words)
    if not search.units:  # only punctuation or symbols: nothing can match them
        # Not .none(): the tiles compile the query to SQL, which .none() cannot give.
        return projects.filter(pk__isnull=True)
    from projects.models import AdminUnit  # queries imports us before the models are ready

    through = projects.model.admin_units.through
    projects = projects.alias(search_text=project_text())
    for pattern in search.patterns():
        units = AdminUnit.objects.alias(text=unit_text()).filter(text__regex=pattern)
        places = through.objects.filter(adminunit__in=units).values("project_id")
        projects = projects.filter(Q(search_text__regex=pattern) | Q(InList("pk", places)))
    return projects


class InList(Func):
    """`column = ANY(ARRAY(subquery))`. Unlike IN (subquery), which PostgreSQL runs as a hashed
    subplan beside an OR, an uncorrelated ARRAY runs once and is an index condition, so an OR
    with the trigram match can still be a bitmap OR of two index scans."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column, queryset):
        super().__init__(F(column), Subquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY(ARRAY{subquery[0]})", (*column[1], *subquery[1])


def rank(projects, words: tuple[str, ...]):
    """Best matches first (see the module's docstring), then by code."""
    search = parse(words)
    if not search.units:
        return projects.order_by("code")
    named = Q()
    for pattern in search.patterns(strict=True):
        named &= Q(search_names__regex=pattern)
    return projects.alias(
        search_names=project_names(),
        compact_code=Upper(Replace("code", Value("-"), Value(""))),
    ).alias(
        search_code=ExpressionWrapper(Q(compact_code=search.code), output_field=BooleanField()),
        search_all=ExpressionWrapper(named, output_field=BooleanField()),
        search_word=TrigramWordSimilarity(Value(search.text), "search_names"),
        search_similar=TrigramSimilarity("search_names", Value(search.text)),
    ).order_by(
        "-search_code", "-search_all", "-search_word", "-search_similar", "code"
    )  # fmt: skip
