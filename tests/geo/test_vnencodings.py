"""Vietnamese legacy encodings: every letter both ways, byte sequences quoted from the sources
named in geo/vnencodings.py, detection on agencies' names, and .cpg/.cst declarations.
No database."""

import shutil
import subprocess
import unicodedata

import pytest

from geo.vnencodings import ENCODINGS, declared, decode, detect, encode, is_syllable

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def vietnamese_letters() -> list[str]:
    """The 134 precomposed letters (12 vowels × 6 tones, đ; both cases, plain ASCII left out),
    built from Unicode itself rather than from the tables under test."""
    lower = [
        unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in TONES
    ]
    lower = [c for c in lower if not c.isascii()] + ["đ"]
    return lower + [c.upper() for c in lower]


LETTERS = vietnamese_letters()
LOWER = [c for c in LETTERS if c.islower()]
TONED_CAPITALS = [c for c in LETTERS if c.isupper() and c not in "ĂÂÊÔƠƯĐ"]

NAMES = [
    "Ban Quản lý dự án Giao thông tỉnh Bình Định",
    "Hồ chứa nước Định Bình",
    "Khu kinh tế Nhơn Hội",
    "UBND thị xã Hoài Nhơn",
    "Đường ven biển",
]


def test_the_letter_list_is_complete():
    assert len(LETTERS) == 134 and len(set(LETTERS)) == 134
    assert all(len(c) == 1 for c in LETTERS)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1258", "vni"])
def test_every_letter_round_trips(encoding):
    for letter in LETTERS:
        assert decode(encode(letter, encoding), encoding) == letter, letter
    word = "".join(LETTERS)
    assert decode(encode(word, encoding), encoding) == word


def test_every_lowercase_letter_and_untoned_capital_round_trips_in_tcvn3():
    for letter in [*LOWER, *"ĂÂÊÔƠƯĐ"]:
        assert decode(encode(letter, "tcvn3"), "tcvn3") == letter, letter
    assert len({encode(c, "tcvn3") for c in LOWER}) == len(LOWER)  # one byte each, all distinct
    assert all(len(encode(c, "tcvn3")) == 1 for c in LETTERS)


def test_tcvn3_writes_a_toned_capital_as_its_lowercase_byte():
    # The ABC fonts have no byte for "Ấ": .VnTimeH draws the lowercase byte as a capital.
    for capital in TONED_CAPITALS:
        assert encode(capital, "tcvn3") == encode(capital.lower(), "tcvn3")
        assert decode(encode(capital, "tcvn3"), "tcvn3") == capital.lower()


def test_tcvn3_restores_toned_capitals_in_words_written_in_capitals():
    assert decode(b"UBND TH\xde X\xb7 HO\xb5I NH\xa5N", "tcvn3") == "UBND THỊ XÃ HOÀI NHƠN"
    assert decode(encode("Khu kinh tế NHƠN HỘI", "tcvn3"), "tcvn3") == "Khu kinh tế NHƠN HỘI"
    assert decode(encode("Hà Nội", "tcvn3"), "tcvn3") == "Hà Nội"  # a single capital stays


# Byte sequences as the sources print them (the file's bytes shown as Latin-1 or Windows-1252).
KNOWN = [
    # TCVN3: Unikey's SingleByteTables and xvnkb's tcvn.h
    ("tcvn3", "Hµ Néi", "Hà Nội"),
    ("tcvn3", "ViÖt Nam", "Việt Nam"),
    ("tcvn3", "§µ N½ng", "Đà Nẵng"),
    ("tcvn3", "Quy Nh¬n", "Quy Nhơn"),
    ("tcvn3", "¸µ¶·¹ ¾»¼½Æ ÊÇÈÉË", "áàảãạ ắằẳẵặ ấầẩẫậ"),
    ("tcvn3", "\xad øõö÷ù ®§", "ư ứừửữự đĐ"),
    ("tcvn3", "ÐÌÎÏÑ ªÕÒÓÔÖ Ý\xd7\xd8ÜÞ", "éèẻẽẹ êếềểễệ íìỉĩị"),
    ("tcvn3", "ãßáâä «èåæçé ¬íêëìî", "óòỏõọ ôốồổỗộ ơớờởỡợ"),
    ("tcvn3", "óïñòô ýúûüþ ¡¢£¤¥¦", "úùủũụ ýỳỷỹỵ ĂÂÊÔƠƯ"),
    # VNI: vietnamese-conversion's README, Unikey's DoubleByteTables and xvnkb's vni.h
    ("vni", "Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("vni", "Vieät Nam", "Việt Nam"),
    ("vni", "Ñaø Naüng", "Đà Nẵng"),
    ("vni", "Ñöôøng", "Đường"),
    ("vni", "aù aø aû aõ aï aê aé aè aú aü aë", "á à ả ã ạ ă ắ ằ ẳ ẵ ặ"),
    ("vni", "í ì æ ó ò î ñ", "í ì ỉ ĩ ị ỵ đ"),
    ("vni", "aâ aá aà aå aã aä", "â ấ ầ ẩ ẫ ậ"),
    ("vni", "eù eø eû eõ eï eâ eá eà eå eã eä", "é è ẻ ẽ ẹ ê ế ề ể ễ ệ"),
    ("vni", "où oø oû oõ oï oâ oá oà oå oã oä", "ó ò ỏ õ ọ ô ố ồ ổ ỗ ộ"),
    ("vni", "ô ôù ôø ôû ôõ ôï", "ơ ớ ờ ở ỡ ợ"),
    ("vni", "uù uø uû uõ uï ö öù öø öû öõ öï", "ú ù ủ ũ ụ ư ứ ừ ử ữ ự"),
    ("vni", "yù yø yû yõ", "ý ỳ ỷ ỹ"),
    ("vni", "AÁ EÄ ÔÙ ÖÏ Ñ", "Ấ Ệ Ớ Ự Đ"),
    # Windows-1258: a base letter and a separate tone mark (0xF2 dot below, 0xEC acute)
    ("cp1258", "Vi\xea\xf2t Nam", "Việt Nam"),
    ("cp1258", "\xd0i\xf2nh", "Định"),
]


@pytest.mark.parametrize(("encoding", "shown", "text"), KNOWN)
def test_it_reads_known_byte_sequences(encoding, shown, text):
    raw = shown.encode("cp1252")
    assert decode(raw, encoding) == text
    assert encode(text, encoding) == raw


@pytest.mark.skipif(not shutil.which("iconv"), reason="no iconv on this machine")
def test_tcvn3_agrees_with_glibc_on_every_lowercase_letter():
    # glibc's TCVN5712-1 is VN1, whose lowercase letters sit where TCVN3's (VN3) do.
    letters = [*LOWER, *"ĂÂÊÔƠƯĐ"]
    text = "\n".join(letters)
    found = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode(), capture_output=True
    )
    if found.returncode:
        pytest.skip("this iconv has no TCVN5712-1")
    assert found.stdout.split(b"\n") == [encode(c, "tcvn3") for c in letters]


def test_windows_1258_is_composed_to_nfc():
    text = decode("Vi\xea\xf2t".encode("latin-1"), "cp1258")
    assert text == unicodedata.normalize("NFC", text) and len(text) == 4


def test_utf8_is_composed_to_nfc():
    decomposed = unicodedata.normalize("NFD", "Định").encode("utf-8")
    assert decode(decomposed, "utf-8") == "Định" and len(decode(decomposed, "utf-8")) == 4


def test_it_refuses_bytes_that_are_not_text_in_the_encoding():
    with pytest.raises(UnicodeDecodeError):
        decode(b"a \xf9", "vni")  # a tone mark with no letter before it
    with pytest.raises(UnicodeDecodeError):
        decode(b"u\xea", "vni")  # a breve on u
    with pytest.raises(ValueError):
        decode(b"\x81", "tcvn3")
    with pytest.raises(ValueError):
        decode(b"\xc3(", "utf-8")
    assert decode(b"a \xf9", "vni", errors="replace") == "a \ufffd"


def test_it_refuses_unknown_encodings_and_characters():
    with pytest.raises(ValueError, match="klingon"):
        decode(b"abc", "klingon")
    with pytest.raises(UnicodeEncodeError):
        encode("Bình Định 中", "vni")
    with pytest.raises(UnicodeEncodeError):
        encode("中", "tcvn3")


def test_encoding_names_are_forgiving():
    raw = encode("Định", "tcvn3")
    assert decode(raw, "TCVN3") == decode(raw, "ABC") == "Định"
    assert decode(encode("Định", "vni"), "VNI-Windows") == "Định"
    assert decode(encode("Định", "cp1258"), "windows-1258") == "Định"


def test_ascii_reads_the_same_in_every_encoding():
    for encoding in ENCODINGS:
        assert decode(b"Quy Nhon 2024", encoding) == "Quy Nhon 2024"
        assert encode("Quy Nhon 2024", encoding) == b"Quy Nhon 2024"


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", NAMES)
def test_it_detects_the_encoding_of_each_name(encoding, name):
    found = detect([encode(name, encoding)])
    assert (found.encoding, found.confident) == (encoding, True)
    assert sorted(found.candidates) == sorted(ENCODINGS) and found.candidates[0] == encoding


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_it_detects_the_encoding_of_a_whole_column(encoding):
    samples = [encode(name, encoding) for name in NAMES] + [b"", b"GT-01"]
    found = detect(samples)
    assert found.encoding == encoding and found.confident
    assert [decode(s, found.encoding) for s in samples[:5]] == NAMES


def test_ascii_only_values_give_a_confident_answer():
    found = detect([b"UBND", b"QL1A", b"Quy Nhon"])
    assert found.confident and found.encoding in ENCODINGS


def test_it_is_not_sure_when_the_encodings_read_alike():
    # Three words, each a Vietnamese syllable in more than one legacy encoding.
    found = detect([encode("Quốc lộ 19", "vni")])
    assert not found.confident
    assert "vni" in found.candidates[:2]


def test_it_is_not_sure_when_nothing_looks_vietnamese():
    found = detect(["Müller Straße, Göttingen".encode("latin-1")])
    assert not found.confident


def test_the_syllable_checker():
    for word in ["Nghiêng", "thuyền", "khuya", "được", "giữa", "gì", "quốc", "Hoài", "ĐỊNH"]:
        assert is_syllable(word), word
    for word in ["Quaûn", "thÞ", "Nhừnn", "ắáb", "xanhh", "Straße", "hoàá"]:
        assert not is_syllable(word), word


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("UTF-8", "utf-8"),
        ("UTF8\n", "utf-8"),
        ("\ufeff65001", "utf-8"),
        ("1258", "cp1258"),
        ("ANSI 1258", "cp1258"),
        ("windows-1258", "cp1258"),
        ("WindowsVietnamese", "cp1258"),
        ("ISO-8859-1", "latin-1"),
        ("ISO 88591", "latin-1"),
        ("ANSI 1252", "cp1252"),
        ("OEM 866", "cp866"),
        ("TCVN3", "tcvn3"),
        ("VNI-Windows", "vni"),
        ("ANSI", None),
        ("OEM", None),
        ("", None),
        ("nonsense", None),
    ],
)
def test_it_reads_declared_encodings(text, encoding):
    assert declared(text) == encoding
    if encoding:  # every answer is a name decode() takes
        assert decode(b"Quy Nhon", encoding) == "Quy Nhon"
