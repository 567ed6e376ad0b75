"""geo.archives: zips are refused before anything is written, files must be what their names
say, and the working directory is private and removed. No database."""

import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from geo.archives import UnsafeFile, private_dir, sniff, unpack

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
SHAPEFILE = ("tm3.shp", "tm3.shx", "tm3.dbf", "tm3.prj", "tm3.cpg")


def make_zip(path: Path, members: dict[str, bytes], *, symlinks=(), utf8_flag=True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o644 << 16
            if not utf8_flag:
                info.flag_bits &= ~0x800
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
        for name, target in symlinks:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return path


def files_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


# ---- unpack: what is accepted ---------------------------------------------------------------


def test_a_zipped_shapefile_is_unpacked(tmp_path):
    written = unpack(FIXTURES / "tm3.zip", tmp_path)
    assert [p.name for p in written] == list(SHAPEFILE)
    for path in written:
        assert path.read_bytes() == (FIXTURES / path.name).read_bytes()


def test_folders_inside_the_zip_are_kept_and_os_junk_is_skipped(tmp_path):
    archive = make_zip(
        tmp_path / "a.zip",
        {
            "Ban QLDA/tm3.shp": b"shp",
            "Ban QLDA\\tm3.dbf": b"dbf",  # a Windows archiver's separator
            "__MACOSX/Ban QLDA/._tm3.shp": b"apple double",
            "Ban QLDA/.DS_Store": b"finder",
        },
    )
    into = tmp_path / "out"
    written = unpack(archive, into)
    assert [p.relative_to(into).as_posix() for p in written] == [
        "Ban QLDA/tm3.shp",
        "Ban QLDA/tm3.dbf",
    ]
    assert files_under(into) == ["Ban QLDA/tm3.dbf", "Ban QLDA/tm3.shp"]


def test_vietnamese_names_without_the_utf8_flag_are_read_as_utf8(tmp_path):
    # Windows' archiver stores UTF-8 bytes but no UTF-8 flag; zipfile would show CP437 mojibake.
    name = "Dự án Bình Định.shp"
    raw = name.encode("utf-8")
    archive = make_zip(tmp_path / "a.zip", {"X" * len(raw): b"x"})
    archive.write_bytes(archive.read_bytes().replace(b"X" * len(raw), raw))
    with zipfile.ZipFile(archive) as check:
        assert not check.infolist()[0].flag_bits & 0x800
        assert check.namelist() != [name]
    assert [p.name for p in unpack(archive, tmp_path / "out")] == [name]


def test_a_zip_inside_the_zip_is_unpacked_once_into_its_own_folder(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {n: (FIXTURES / n).read_bytes() for n in SHAPEFILE})
    outer = make_zip(tmp_path / "outer.zip", {"readme.txt": b"hi", "tm3.zip": inner.read_bytes()})
    into = tmp_path / "out"
    written = unpack(outer, into)
    assert [p.relative_to(into).as_posix() for p in written] == [
        "readme.txt",
        *(f"tm3/{n}" for n in SHAPEFILE),
    ]


# ---- unpack: what is refused, with nothing written ------------------------------------------


def refused(archive: Path, into: Path, *, match: str, **limits) -> None:
    with pytest.raises(UnsafeFile, match=match):
        unpack(archive, into, **limits)
    assert not into.exists() or files_under(into) == []
    assert not (into.parent / "evil.shp").exists()


def test_the_path_traversal_fixture_is_refused(tmp_path):
    refused(FIXTURES / "evil.zip", tmp_path / "out", match=r"evil\.zip: member '\.\./evil\.shp'")


def test_the_symlink_fixture_is_refused(tmp_path):
    refused(FIXTURES / "symlink.zip", tmp_path / "out", match="'tm3.dbf' is a symbolic link")


@pytest.mark.parametrize(
    "name, why",
    [
        ("/etc/cron.d/evil", "absolute path"),
        ("C:/Windows/evil.shp", "absolute path"),
        ("c:evil.shp", "absolute path"),
        ("data/../../evil.shp", "outside the archive"),
        ("..\\evil.shp", "outside the archive"),
    ],
)
def test_members_that_escape_are_refused(tmp_path, name, why):
    archive = make_zip(tmp_path / "a.zip", {"ok.shp": b"fine", name: b"evil"})
    refused(archive, tmp_path / "out", match=why)


def test_more_members_than_allowed_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {f"f{i}.txt": b"x" for i in range(11)})
    refused(archive, tmp_path / "out", match="holds 11 files; at most 10", max_members=10)


def test_an_archive_expanding_beyond_the_limit_is_refused_from_its_directory(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"a.shp": b"\0" * 600_000, "b.dbf": b"\0" * 600_000})
    assert archive.stat().st_size < 10_000  # a bomb: tiny outside, large inside
    refused(archive, tmp_path / "out", match="expands to 1,200,000 bytes", max_bytes=1_000_000)


def test_inner_zips_count_towards_the_limits(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {f"f{i}.txt": b"\0" * 1000 for i in range(5)})
    outer = make_zip(tmp_path / "outer.zip", {"inner.zip": inner.read_bytes()})
    refused(outer, tmp_path / "out", match="expands to 5,000", max_bytes=4_000)
    refused(outer, tmp_path / "out2", match="holds 5 files", max_members=4)
    assert len(unpack(outer, tmp_path / "out3", max_bytes=5_000, max_members=5)) == 5


def test_a_header_that_lies_about_its_size_is_refused_while_extracting(tmp_path):
    archive = make_zip(tmp_path / "liar.zip", {"ok.txt": b"fine", "a.shp": b"\0" * 100_000})
    # Shrink the declared size in the central directory (the local header keeps the truth).
    data = bytearray(archive.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # the last member's central directory entry
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with zipfile.ZipFile(archive) as check:
        assert check.getinfo("a.shp").file_size == 1000
    into = tmp_path / "out"
    # zipfile stops at the declared size and the checksum then fails: refused either way.
    with pytest.raises(UnsafeFile, match="liar.zip: member 'a.shp' cannot be read"):
        unpack(archive, into)
    assert files_under(into) == []  # ok.txt, already written, was removed again


def test_a_zip_nested_two_levels_deep_is_refused(tmp_path):
    deepest = make_zip(tmp_path / "c.zip", {"x.shp": b"x"})
    middle = make_zip(tmp_path / "b.zip", {"c.zip": deepest.read_bytes()})
    outer = make_zip(tmp_path / "a.zip", {"b.zip": middle.read_bytes()})
    refused(outer, tmp_path / "out", match="a.zip/b.zip: member 'c.zip' is a zip inside a zip")


def test_traversal_inside_an_inner_zip_is_refused(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"../../evil.shp": b"evil"})
    outer = make_zip(tmp_path / "outer.zip", {"ok.txt": b"x", "inner.zip": inner.read_bytes()})
    refused(outer, tmp_path / "out", match="outside the archive")


def test_encrypted_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"a.shp": b"x"})
    data = bytearray(archive.read_bytes())
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # general purpose flags
        at = data.index(header) + offset
        data[at] |= 0x1
    archive.write_bytes(bytes(data))
    refused(archive, tmp_path / "out", match="encrypted")


def test_duplicate_members_are_refused(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"A.shp": b"x", "a.SHP": b"y"})
    refused(archive, tmp_path / "out", match="appears twice")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    with pytest.raises(UnsafeFile, match="not_a_shapefile.shp is not a readable zip archive"):
        unpack(FIXTURES / "not_a_shapefile.shp", tmp_path)


# ---- sniff ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [
        ("tm3.shp", "shapefile"),
        ("broken.shp", "shapefile"),
        ("two_layers.gpkg", "geopackage"),
        ("mixed.geojson", "geojson"),
        ("huge.geojson", "geojson"),
        ("projects.kml", "kml"),
        ("projects.kmz", "kmz"),
        ("lonlat.csv", "csv"),
        ("wkt.csv", "csv"),
        ("tm3.zip", "zip"),
        ("evil.zip", "zip"),  # a zip it is; unpack decides whether it is safe
    ],
)
def test_sniff_confirms_each_fixture(name, kind):
    assert sniff(FIXTURES / name) == kind


def test_sniff_ignores_the_case_of_the_extension(tmp_path):
    upper = tmp_path / "TM3.SHP"
    shutil.copy(FIXTURES / "tm3.shp", upper)
    assert sniff(upper) == "shapefile"


def test_the_text_shapefile_fixture_is_refused():
    with pytest.raises(UnsafeFile) as refusal:
        sniff(FIXTURES / "not_a_shapefile.shp")
    message = str(refusal.value)
    assert message.startswith("not_a_shapefile.shp is not a shapefile: ")
    assert "code 9994" in message and "it is plain text" in message


@pytest.mark.parametrize(
    "name, source, match",
    [
        ("x.gpkg", "tm3.shp", "x.gpkg is not a GeoPackage"),
        ("x.geojson", "projects.kml", "x.geojson is not a GeoJSON file: .* XML"),
        ("x.kml", "mixed.geojson", "x.kml is not a KML file: .* JSON"),
        ("x.kmz", "projects.kml", "x.kmz is not a KMZ file"),
        ("x.zip", "two_layers.gpkg", "x.zip is not a zip archive: .* SQLite"),
        ("x.csv", "tm3.zip", "x.csv is not a CSV text file: .* zip"),
        ("x.csv", "tm3.dbf", "x.csv is not a CSV text file: it is binary"),
        ("x.shp", "tm3.zip", "x.shp is not a shapefile: .* zip archive"),
    ],
)
def test_sniff_refuses_bytes_that_are_not_what_the_name_says(tmp_path, name, source, match):
    target = tmp_path / name
    shutil.copy(FIXTURES / source, target)
    with pytest.raises(UnsafeFile, match=match):
        sniff(target)


def test_a_truncated_shapefile_is_refused(tmp_path):
    target = tmp_path / "cut.shp"
    target.write_bytes((FIXTURES / "tm3.shp").read_bytes()[:150])
    with pytest.raises(UnsafeFile, match="header says 212 bytes but the file has 150"):
        sniff(target)


def test_an_empty_file_is_refused(tmp_path):
    for name in ("e.csv", "e.geojson", "e.shp"):
        (tmp_path / name).write_bytes(b"")
        with pytest.raises(UnsafeFile, match="empty"):
            sniff(tmp_path / name)


def test_geojson_and_csv_may_start_with_a_bom(tmp_path):
    (tmp_path / "b.geojson").write_bytes(b'\xef\xbb\xbf \n{"type": "FeatureCollection"}')
    (tmp_path / "b.csv").write_bytes("\ufeffMA_DA,LON,LAT\n".encode())
    (tmp_path / "u16.txt").write_bytes("MA_DA\tLON\tLAT\r\n".encode("utf-16"))
    assert [sniff(tmp_path / n) for n in ("b.geojson", "b.csv", "u16.txt")] == [
        "geojson",
        "csv",
        "csv",
    ]


@pytest.mark.parametrize("name", ["report.docx", "drawing.dwg", "tm3.dbf", "noextension"])
def test_sniff_refuses_kinds_it_does_not_read(tmp_path, name):
    (tmp_path / name).write_bytes(b"whatever")
    with pytest.raises(UnsafeFile, match="files of this kind are not read; expected one of"):
        sniff(tmp_path / name)


def test_sniff_names_a_missing_file(tmp_path):
    with pytest.raises(UnsafeFile, match="gone.shp cannot be read"):
        sniff(tmp_path / "gone.shp")


# ---- private_dir ----------------------------------------------------------------------------


def test_private_dir_is_private_and_removed_afterwards():
    with private_dir() as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
        (path / "sub").mkdir()
        (path / "sub" / "tm3.shp").write_bytes(b"x")
    assert not path.exists()


def test_private_dir_is_removed_when_the_import_fails():
    with pytest.raises(UnsafeFile), private_dir() as path:
        unpack(FIXTURES / "evil.zip", path)
    assert not path.exists()


def test_private_dirs_are_distinct():
    with private_dir() as first, private_dir() as second:
        assert first != second and os.path.isdir(first) and os.path.isdir(second)
