"""Vietnamese text in the encodings agencies' files still arrive in, read into Unicode NFC.

Python reads UTF-8 and Windows-1258 (but leaves 1258's separate tone marks uncomposed); it has
no codec for the two font encodings of the 1990s and 2000s that most old DBF files use, so
their tables are written out here:

- **TCVN3 ("ABC", TCVN 5712:1993 VN3, the .VnTime fonts).** One byte per letter, lowercase
  letters only for the toned vowels: a capital with a tone was typed in the companion
  ".VnTimeH" font with the *lowercase* byte, so the file does not record its case. Like the
  usual converters (Unikey) we encode a toned capital as its lowercase byte; on decoding, a
  toned letter is put back in capitals when the rest of its word, or of the whole value, is
  in capitals ("HOµI NH¥N" → "HOÀI NHƠN"), otherwise it stays lowercase. Bytes that are not
  letters read as Windows-1252, as in the ABC fonts (Unikey keeps 0x80–0x9F as Western
  symbols too).
- **VNI (VNI-Windows fonts, VNI-Times).** A base letter followed by one byte for its
  diacritics (a circumflex or breve together with the tone), e.g. "ấ" = b"a\\xe1",
  "ệ" = b"e\\xe4"; ơ, ư, đ, ỵ and the toned i's are single bytes. A capital takes the
  capital base letter and the mark 0x20 lower ("Ấ" = b"A\\xc1"). Other bytes read as
  Windows-1252.

Sources, cross-checked letter by letter (lowercase TCVN3 also against glibc's iconv
"TCVN5712-1", whose VN1 repertoire shares VN3's lowercase positions):
- Unikey's converter tables (Pham Kim Long, VnConv `data.cpp`, as kept in fcitx5-unikey:
  `SingleByteTables` TCVN3 and `DoubleByteTables` VNI-WIN);
- xvnkb's tables (Dao Hai Lam, `tcvn.h` and `vni.h`);
- for VNI also the worked example of the npm package vietnamese-conversion
  ("Xin chào các bạn" → "Xin chaøo caùc baïn").

`detect` guesses the encoding of a file from its raw text values: valid UTF-8 with multibyte
sequences is UTF-8; otherwise each legacy candidate is scored by how many of the words it
decodes look like Vietnamese syllables. Pure Python, no Django models.
"""

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass, field

ENCODINGS = ("utf-8", "cp1258", "tcvn3", "vni")
LEGACY = ("tcvn3", "vni", "cp1258")  # ties go to the earlier: TCVN3 is the national standard

# Letter rows: no tone, sắc (acute), huyền (grave), hỏi (hook), ngã (tilde), nặng (dot below).
# Bytes are separated by spaces for reading; each group is the sequence for one letter.
_TCVN3_ROWS = (
    ("aáàảãạ", b"a \xb8 \xb5 \xb6 \xb7 \xb9"),
    ("ăắằẳẵặ", b"\xa8 \xbe \xbb \xbc \xbd \xc6"),
    ("âấầẩẫậ", b"\xa9 \xca \xc7 \xc8 \xc9 \xcb"),
    ("eéèẻẽẹ", b"e \xd0 \xcc \xce \xcf \xd1"),
    ("êếềểễệ", b"\xaa \xd5 \xd2 \xd3 \xd4 \xd6"),
    ("iíìỉĩị", b"i \xdd \xd7 \xd8 \xdc \xde"),
    ("oóòỏõọ", b"o \xe3 \xdf \xe1 \xe2 \xe4"),
    ("ôốồổỗộ", b"\xab \xe8 \xe5 \xe6 \xe7 \xe9"),
    ("ơớờởỡợ", b"\xac \xed \xea \xeb \xec \xee"),
    ("uúùủũụ", b"u \xf3 \xef \xf1 \xf2 \xf4"),
    ("ưứừửữự", b"\xad \xf8 \xf5 \xf6 \xf7 \xf9"),
    ("yýỳỷỹỵ", b"y \xfd \xfa \xfb \xfc \xfe"),
    ("đĂÂÊÔƠƯĐ", b"\xae \xa1 \xa2 \xa3 \xa4 \xa5 \xa6 \xa7"),
)

_VNI_ROWS = (
    ("aáàảãạ", b"a a\xf9 a\xf8 a\xfb a\xf5 a\xef"),
    ("ăắằẳẵặ", b"a\xea a\xe9 a\xe8 a\xfa a\xfc a\xeb"),
    ("âấầẩẫậ", b"a\xe2 a\xe1 a\xe0 a\xe5 a\xe3 a\xe4"),
    ("eéèẻẽẹ", b"e e\xf9 e\xf8 e\xfb e\xf5 e\xef"),
    ("êếềểễệ", b"e\xe2 e\xe1 e\xe0 e\xe5 e\xe3 e\xe4"),
    ("iíìỉĩị", b"i \xed \xec \xe6 \xf3 \xf2"),
    ("oóòỏõọ", b"o o\xf9 o\xf8 o\xfb o\xf5 o\xef"),
    ("ôốồổỗộ", b"o\xe2 o\xe1 o\xe0 o\xe5 o\xe3 o\xe4"),
    ("ơớờởỡợ", b"\xf4 \xf4\xf9 \xf4\xf8 \xf4\xfb \xf4\xf5 \xf4\xef"),
    ("uúùủũụ", b"u u\xf9 u\xf8 u\xfb u\xf5 u\xef"),
    ("ưứừửữự", b"\xf6 \xf6\xf9 \xf6\xf8 \xf6\xfb \xf6\xf5 \xf6\xef"),
    ("yýỳỷỹỵ", b"y y\xf9 y\xf8 y\xfb y\xf5 \xee"),
    ("đ", b"\xf1"),
    ("AÁÀẢÃẠ", b"A A\xd9 A\xd8 A\xdb A\xd5 A\xcf"),
    ("ĂẮẰẲẴẶ", b"A\xca A\xc9 A\xc8 A\xda A\xdc A\xcb"),
    ("ÂẤẦẨẪẬ", b"A\xc2 A\xc1 A\xc0 A\xc5 A\xc3 A\xc4"),
    ("EÉÈẺẼẸ", b"E E\xd9 E\xd8 E\xdb E\xd5 E\xcf"),
    ("ÊẾỀỂỄỆ", b"E\xc2 E\xc1 E\xc0 E\xc5 E\xc3 E\xc4"),
    ("IÍÌỈĨỊ", b"I \xcd \xcc \xc6 \xd3 \xd2"),
    ("OÓÒỎÕỌ", b"O O\xd9 O\xd8 O\xdb O\xd5 O\xcf"),
    ("ÔỐỒỔỖỘ", b"O\xc2 O\xc1 O\xc0 O\xc5 O\xc3 O\xc4"),
    ("ƠỚỜỞỠỢ", b"\xd4 \xd4\xd9 \xd4\xd8 \xd4\xdb \xd4\xd5 \xd4\xcf"),
    ("UÚÙỦŨỤ", b"U U\xd9 U\xd8 U\xdb U\xd5 U\xcf"),
    ("ƯỨỪỬỮỰ", b"\xd6 \xd6\xd9 \xd6\xd8 \xd6\xdb \xd6\xd5 \xd6\xcf"),
    ("YÝỲỶỸỴ", b"Y Y\xd9 Y\xd8 Y\xdb Y\xd5 \xce"),
    ("Đ", b"\xd1"),
)


def _table(rows) -> dict[str, bytes]:
    table = {}
    for letters, sequences in rows:
        for letter, sequence in zip(letters, sequences.split(b" "), strict=True):
            table[letter] = sequence
    return table


_TCVN3_ENCODE = _table(_TCVN3_ROWS)
_TCVN3_DECODE = {seq[0]: letter for letter, seq in _TCVN3_ENCODE.items() if seq[0] >= 0x80}
_VNI_ENCODE = _table(_VNI_ROWS)
# VNI is read greedily: a two-byte sequence first, then a single byte.
_VNI_PAIRS = {seq: letter for letter, seq in _VNI_ENCODE.items() if len(seq) == 2}
_VNI_SINGLES = {seq[0]: letter for letter, seq in _VNI_ENCODE.items() if len(seq) == 1}
# A mark byte alone (not after its base letter) is not VNI text.
_VNI_MARKS = {seq[1] for seq in _VNI_PAIRS}
# Bytes outside the letter tables read as Windows-1252 (in both font encodings).
_WESTERN = {b: bytes([b]).decode("cp1252", "ignore") for b in range(0x80, 0x100)}
# Decoding goes through str.translate and one regular expression over the bytes read as
# Latin-1, so a column of 100,000 names takes a fraction of a second.
_TCVN3_TRANSLATE = {b: _TCVN3_DECODE.get(b) or _WESTERN[b] or "\ufffd" for b in range(0x80, 0x100)}
_TCVN3_UNDEFINED = re.compile(
    b"["
    + re.escape(bytes(b for b in range(0x80, 0x100) if b not in _TCVN3_DECODE and not _WESTERN[b]))
    + b"]"
)


def _vni_read_table() -> dict[str, str]:
    """Every VNI sequence as Latin-1 text: the pairs, the same pairs with the mark in the other
    case (typed with mixed fonts; the base letter decides the case), then single bytes."""
    table = {}
    for seq, letter in _VNI_PAIRS.items():
        table[seq.decode("latin-1")] = letter
        if seq[1] >= 0xC0:
            table.setdefault(bytes([seq[0], seq[1] ^ 0x20]).decode("latin-1"), letter)
    for byte in range(0x80, 0x100):
        char = _VNI_SINGLES.get(byte) or (_WESTERN[byte] if byte not in _VNI_MARKS else "")
        if char:
            table[chr(byte)] = char
    return table


_VNI_READ = _vni_read_table()
_VNI_MARK_CHARS = "".join(sorted({seq[1] for seq in _VNI_READ if len(seq) == 2}))
# A vowel followed by a mark byte, or any other byte above ASCII on its own.
_VNI_SEQUENCE = re.compile(f"[aeouyAEOUY\xf4\xf6\xd4\xd6][{_VNI_MARK_CHARS}]|[\\x80-\\xff]")
_TONES = {"\u0301": 1, "\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


@functools.lru_cache(maxsize=64)
def canonical(encoding: str) -> str:
    """The name `decode` and `encode` know `encoding` by: one of ENCODINGS or a Python codec."""
    name = re.sub(r"[\s_]+", "-", encoding.strip().lower())
    aliases = {
        "tcvn3": "tcvn3",
        "tcvn": "tcvn3",
        "abc": "tcvn3",
        "tcvn-5712": "tcvn3",
        "tcvn5712": "tcvn3",
        "vni": "vni",
        "vni-win": "vni",
        "vni-windows": "vni",
    }
    if name in aliases:
        return aliases[name]
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise ValueError(f"Unknown text encoding {encoding!r}.") from None
    return {"windows-1258": "cp1258"}.get(codec, codec)


def decode(raw: bytes, encoding: str, *, errors: str = "strict") -> str:
    """`raw` read in `encoding`, as Unicode NFC.

    Raises UnicodeDecodeError (a ValueError) at the first byte that is not text in that
    encoding, or ValueError for an unknown encoding; `errors="replace"` puts U+FFFD there."""
    encoding = canonical(encoding)
    if encoding == "tcvn3":
        text = _restore_capitals(_decode_tcvn3(raw, errors))
    elif encoding == "vni":
        text = _decode_vni(raw, errors)
    else:
        text = raw.decode(encoding, errors)
    return unicodedata.normalize("NFC", text)


def encode(text: str, encoding: str, *, errors: str = "strict") -> bytes:
    """The inverse of `decode`. A toned capital in TCVN3 becomes its lowercase byte (see the
    module's note). Raises UnicodeEncodeError for a character the encoding lacks."""
    encoding = canonical(encoding)
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        return _encode_table(text, "tcvn3", errors, _tcvn3_letter)
    if encoding == "vni":
        return _encode_table(text, "vni", errors, _VNI_ENCODE.get)
    if encoding == "cp1258":
        return b"".join(_cp1258_char(c, errors) for c in text)
    return text.encode(encoding, errors)


def _decode_tcvn3(raw: bytes, errors: str) -> str:
    bad = _TCVN3_UNDEFINED.search(raw)
    if bad and errors == "strict":
        raise UnicodeDecodeError("tcvn3", bytes(raw), bad.start(), bad.end(), "no such byte in it")
    if bad and errors == "ignore":
        raw = _TCVN3_UNDEFINED.sub(b"", raw)
    return raw.decode("latin-1").translate(_TCVN3_TRANSLATE)


def _decode_vni(raw: bytes, errors: str) -> str:
    def letter(match: re.Match) -> str:
        found = match.group()
        if found in _VNI_READ:
            return _VNI_READ[found]
        if len(found) == 2:  # a mark the vowel before it cannot take, e.g. a breve on u
            return found[0] + _undecodable(raw, match.start() + 1, match.end(), "vni", errors)
        return _undecodable(raw, match.start(), match.end(), "vni", errors)

    return _VNI_SEQUENCE.sub(letter, raw.decode("latin-1"))


def _undecodable(raw, start, end, encoding, errors) -> str:
    if errors == "strict":
        raise UnicodeDecodeError(encoding, bytes(raw), start, end, "not a character in it")
    return "" if errors == "ignore" else "\ufffd"


def _tcvn3_letter(char: str) -> bytes | None:
    return _TCVN3_ENCODE.get(char) or _TCVN3_ENCODE.get(char.lower())


def _encode_table(text, encoding, errors, sequence_of) -> bytes:
    reserved = set(_TCVN3_DECODE) if encoding == "tcvn3" else _VNI_MARKS | set(_VNI_SINGLES)
    out = []
    for i, char in enumerate(text):
        if char < "\x80":
            out.append(char.encode("ascii"))
            continue
        sequence = sequence_of(char)
        if sequence is None:
            western = char.encode("cp1252", "ignore")
            if western and western[0] not in reserved:
                sequence = western
        if sequence is None:
            if errors == "strict":
                raise UnicodeEncodeError(encoding, text, i, i + 1, "no such character in it")
            sequence = b"" if errors == "ignore" else b"?"
        out.append(sequence)
    return b"".join(out)


def _cp1258_char(char: str, errors: str) -> bytes:
    """Windows-1258 has few precomposed letters: the rest is a letter plus a tone mark."""
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        return (base + tones).encode("cp1258", errors)


_ASCII_LOWER = re.compile(r"[a-z]")
_ASCII_UPPER = re.compile(r"[A-Z]")
_CAPITALS_WORD = re.compile(r"\w*[A-Z]\w*[A-Z]\w*")


def _restore_capitals(text: str) -> str:
    """Toned capitals come out of TCVN3 in lowercase: put them back where the value, or else
    the word, is written in capitals (at least two ASCII capitals and no ASCII lowercase)."""
    if not _ASCII_LOWER.search(text):
        return text.upper() if len(_ASCII_UPPER.findall(text)) >= 2 else text
    return _CAPITALS_WORD.sub(_capital_word, text)


def _capital_word(match: re.Match) -> str:
    word = match.group()
    return word if _ASCII_LOWER.search(word) else word.upper()


# --- detection ---------------------------------------------------------------------------

# Written as one string each for reading; longest first so "ngh" is tried before "ng".
_INITIALS = sorted(
    "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split(),  # noqa: SIM905
    key=len,
    reverse=True,
)
_FINALS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")
_VOWELS = set(
    """a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ
    uê ui uô uơ uy ưa ưi ươ ưu yê iêu yêu oai oay oao oeo uây uôi uya uyê uyu ươi ươu""".split()  # noqa: SIM905
)
_ALPHABET = set("aăâbcdđeêghiklmnoôơpqrstuưvxy")


def is_syllable(word: str) -> bool:
    """Whether `word` could be one Vietnamese syllable: an initial consonant, a vowel group
    and a final consonant, with at most one tone mark."""
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONES for c in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    if not bare or not set(bare) <= _ALPHABET:
        return False
    initial = next((i for i in _INITIALS if bare.startswith(i)), "")
    rest = bare[len(initial) :]
    if initial == "gi" and (not rest or rest[0] in "nmct"):
        rest = "i" + rest  # gì, gìn, gịt: the i is the vowel
    final = next((f for f in _FINALS if rest.endswith(f) and len(rest) > len(f)), "")
    vowel = rest[: len(rest) - len(final)]
    return vowel in _VOWELS


@dataclass
class Detection:
    encoding: str
    confident: bool
    candidates: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


_TOKEN = re.compile(rb"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def detect(samples: list[bytes]) -> Detection:
    """The encoding of a file's text values (`samples`, raw bytes), with how sure we are.

    Valid UTF-8 with multibyte sequences is UTF-8. Otherwise every word holding a byte above
    ASCII is decoded in each legacy encoding; the encoding under which most such words are
    Vietnamese syllables wins, and the answer is not `confident` when the runner-up comes
    close or few words look Vietnamese. ASCII-only text reads the same in all of them."""
    samples = [s for s in samples if s]
    tokens = [t for s in samples for t in _TOKEN.findall(s) if max(t) >= 0x80]
    if not tokens:
        return Detection("utf-8", True, list(ENCODINGS))
    try:
        for sample in samples:
            sample.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        scores = {"utf-8": 1.0} | {e: _score(tokens, e) for e in LEGACY}
        return Detection("utf-8", True, ["utf-8", *_ranked(scores, LEGACY)], scores)
    scores = {e: _score(tokens, e) for e in LEGACY}
    ranked = _ranked(scores, LEGACY)
    best, runner_up = scores[ranked[0]], scores[ranked[1]]
    confident = best >= 0.5 and best - runner_up >= 0.25
    return Detection(ranked[0], confident, [*ranked, "utf-8"], scores)


def _ranked(scores, order) -> list[str]:
    return sorted(order, key=lambda e: (-scores[e], order.index(e)))


_ASCII = set(range(0x80))
_TABLE_BYTES = {
    "tcvn3": _ASCII | set(_TCVN3_DECODE),
    "vni": _ASCII | _VNI_MARKS | set(_VNI_SINGLES),
}


def _score(tokens: list[bytes], encoding: str) -> float:
    """The share of `tokens` (runs of letters, digits and high bytes) that read as letters and
    digits only, every run of letters a Vietnamese syllable."""
    good = 0
    for token in tokens:
        if encoding in _TABLE_BYTES and not set(token) <= _TABLE_BYTES[encoding]:
            continue  # a Western letter where the font encoding has its own letters
        text = decode(token, encoding, errors="replace")
        words = re.findall(r"[^\W\d_]+", text)
        good += text.isalnum() and all(is_syllable(w) for w in words)
    return good / len(tokens)


# --- declared encodings (.cpg, .cst) -------------------------------------------------------

_DECLARED = {
    "utf8": "utf-8",
    "65001": "utf-8",
    "1258": "cp1258",
    "ansi1258": "cp1258",
    "cp1258": "cp1258",
    "windows1258": "cp1258",
    "win1258": "cp1258",
    "windowsvietnamese": "cp1258",  # MapInfo's name
    "tcvn3": "tcvn3",
    "tcvn": "tcvn3",
    "tcvn5712": "tcvn3",
    "abc": "tcvn3",
    "vni": "vni",
    "vniwin": "vni",
    "vniwindows": "vni",
    "88591": "latin-1",
    "iso88591": "latin-1",
    "latin1": "latin-1",
    "windowslatin1": "cp1252",  # MapInfo's name
}


def declared(cpg_or_cst_text: str) -> str | None:
    """The encoding a .cpg (ESRI: "UTF-8", "65001", "1258", "ANSI 1258", "ISO 88591", …) or
    .cst (GeoServer, MapInfo: "UTF-8", "windows-1258", "WindowsVietnamese") file declares, as
    one of ENCODINGS or a Python codec name; None when it names none we know, or only the
    writer's system default ("ANSI", "OEM", "SYSTEM")."""
    lines = cpg_or_cst_text.lstrip("\ufeff").strip().splitlines()
    if not lines:
        return None
    key = re.sub(r"[^a-z0-9]", "", lines[0].lower())
    if key in _DECLARED:
        return _DECLARED[key]
    number = re.fullmatch(r"(?:ansi|oem|cp|windows|ibm)?(\d{3,5})", key)
    candidates = [f"cp{number.group(1)}"] if number else []
    candidates.append(lines[0].strip())
    for name in candidates:
        try:
            return canonical(name)
        except ValueError:
            continue
    return None
