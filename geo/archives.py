"""Opening agencies' files safely: zips checked before anything is written, files checked to be
what their names say, and a private working directory removed afterwards.

Every check happens on the central directory first (names, links, counts, sizes, nested zips),
so a refused archive leaves nothing on disk; while extracting, bytes are counted again so a
header that lies about sizes cannot fill the disk. Messages name the member and are in English;
the import pipeline passes them on. Pure: imports nothing from the apps.
"""

import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath

CHUNK = 1 << 20

# What each supported file is called and how its first bytes begin.
KINDS = {
    ".shp": "shapefile",
    ".gpkg": "geopackage",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".csv": "csv",
    ".txt": "csv",
    ".zip": "zip",
}
_NAMES = {
    "shapefile": "a shapefile",
    "geopackage": "a GeoPackage",
    "geojson": "a GeoJSON file",
    "kml": "a KML file",
    "kmz": "a KMZ file",
    "csv": "a CSV text file",
    "zip": "a zip archive",
}
SHAPEFILE_CODE = 9994  # big-endian int at offset 0 of every .shp (and .shx)
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, or an empty archive
_DRIVE = re.compile(r"^[A-Za-z]:")
# Left behind by macOS's and Windows' archivers; never data.
_JUNK = re.compile(r"(^|/)(__MACOSX/|\._[^/]*$|\.DS_Store$|Thumbs\.db$)")


class UnsafeFile(ValueError):
    """A file or archive member refused before it is read; the message names it."""


@contextmanager
def private_dir() -> Iterator[Path]:
    """A working directory only this process's user can enter (mode 0700), removed with all it
    holds when the block ends, whatever happens in it."""
    path = Path(tempfile.mkdtemp(prefix="bdmap-import-"))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ---- zips -----------------------------------------------------------------------------------


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it. Windows archivers store UTF-8 names without the
    UTF-8 flag, which zipfile then reads as CP437 ("Bi╠Çnh ─Éi╠úinh.shp")."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("utf-8")
    return name.replace("\\", "/")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    # The Unix mode sits in the high 16 bits whatever system the archiver claims to be.
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_members(
    archive: zipfile.ZipFile, label: str, *, max_members: int, nested: bool
) -> list[tuple[zipfile.ZipInfo, str]]:
    """The members worth extracting as (info, safe relative name); raises UnsafeFile for the
    first thing wrong."""
    infos = archive.infolist()
    if len(infos) > max_members:
        raise UnsafeFile(f"{label} holds {len(infos)} files; at most {max_members} are accepted.")
    kept, seen = [], set()
    for info in infos:
        name = _member_name(info)
        where = f"{label}: member {name!r}"
        if name.startswith("/") or _DRIVE.match(name):
            raise UnsafeFile(f"{where} has an absolute path; archives must hold relative paths.")
        parts = PurePosixPath(name).parts
        if ".." in parts:
            raise UnsafeFile(f"{where} points outside the archive ('..').")
        if "\x00" in name:
            raise UnsafeFile(f"{where} has a NUL character in its name.")
        if _is_symlink(info):
            raise UnsafeFile(f"{where} is a symbolic link; links are not accepted.")
        if info.flag_bits & 0x1:
            raise UnsafeFile(f"{where} is encrypted; send the files without a password.")
        if info.is_dir() or _JUNK.search(name):
            continue
        key = name.casefold()
        if key in seen:
            raise UnsafeFile(f"{where} appears twice.")
        seen.add(key)
        if nested and name.lower().endswith(".zip"):
            raise UnsafeFile(f"{where} is a zip inside a zip inside a zip; unpack it first.")
        kept.append((info, name))
    return kept


def _declared_size(members) -> int:
    return sum(info.file_size for info, _ in members)


def unpack(
    path: Path, into: Path, *, max_bytes: int = 2_000_000_000, max_members: int = 10_000
) -> list[Path]:
    """Extract a zip into `into` and return the files written, in archive order.

    Refused before anything is written (UnsafeFile): members with `..`, absolute paths or drive
    letters, symbolic links, encrypted members, more than `max_members` files, more than
    `max_bytes` uncompressed in total, or a zip within a zip within the archive. A zip member
    is unpacked once, into a folder named after it. While extracting, bytes are counted so a
    member that expands beyond its declared size is refused too, and what was written is removed.
    """
    path, into = Path(path), Path(into)
    label = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsafeFile(f"{label} is not a readable zip archive ({error}).") from None
    written: list[Path] = []
    with archive:
        members = _check_members(archive, label, max_members=max_members, nested=False)
        plan = []  # (info, relative name, inner members or None)
        total = count = 0  # what will be written: an inner zip's files, not the zip itself
        for info, name in members:
            if not name.lower().endswith(".zip"):
                plan.append((info, name, None))
                total += info.file_size
                count += 1
                continue
            try:
                with archive.open(info) as stream, zipfile.ZipFile(stream) as inner:
                    inner_members = _check_members(
                        inner, f"{label}/{name}", max_members=max_members, nested=True
                    )
            except zipfile.BadZipFile:
                raise UnsafeFile(f"{label}: member {name!r} is not a zip archive.") from None
            total += _declared_size(inner_members)
            count += len(inner_members)
            plan.append((info, name, [n for _, n in inner_members]))
        if count > max_members:
            raise UnsafeFile(f"{label} holds {count} files; at most {max_members} are accepted.")
        if total > max_bytes:
            raise UnsafeFile(
                f"{label} expands to {total:,} bytes; at most {max_bytes:,} are accepted."
            )
        budget = [max_bytes]
        try:
            for info, name, inner_names in plan:
                if inner_names is None:
                    written.append(_extract(archive, info, into, name, label, budget))
                    continue
                folder = into / PurePosixPath(name).with_suffix("")
                with archive.open(info) as stream, zipfile.ZipFile(stream) as inner:
                    for inner_info, inner_name in _check_members(
                        inner, f"{label}/{name}", max_members=max_members, nested=True
                    ):
                        written.append(
                            _extract(inner, inner_info, folder, inner_name, label, budget)
                        )
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            raise
    return written


def _extract(archive, info, into: Path, name: str, label: str, budget: list[int]) -> Path:
    target = into.joinpath(*PurePosixPath(name).parts)
    if not target.resolve().is_relative_to(into.resolve()):
        raise UnsafeFile(f"{label}: member {name!r} points outside the archive.")
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    try:
        with archive.open(info) as source, open(target, "xb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                budget[0] -= len(chunk)
                if size > info.file_size or budget[0] < 0:
                    raise UnsafeFile(
                        f"{label}: member {name!r} expands beyond the size its header declares."
                    )
                out.write(chunk)
    except FileExistsError:
        raise UnsafeFile(f"{label}: member {name!r} appears twice.") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        target.unlink(missing_ok=True)
        raise UnsafeFile(f"{label}: member {name!r} cannot be read ({error}).") from None
    except UnsafeFile:
        target.unlink(missing_ok=True)
        raise
    return target


# ---- what a file really is ------------------------------------------------------------------


def sniff(path: Path) -> str:
    """What kind of file `path` is, from its name, confirmed by its first bytes:
    "shapefile" | "geopackage" | "geojson" | "kml" | "kmz" | "csv" | "zip".

    Raises UnsafeFile when the name is of no kind we read or the bytes are not what it says
    ("x.shp is not a shapefile: …")."""
    path = Path(path)
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(KINDS))
        raise UnsafeFile(f"{path.name}: files of this kind are not read; expected one of {known}.")
    try:
        with open(path, "rb") as file:
            head = file.read(65536)
        size = path.stat().st_size
    except OSError as error:
        raise UnsafeFile(f"{path.name} cannot be read ({error.strerror}).") from None
    problem = _CHECKS[kind](head, size)
    if problem:
        raise UnsafeFile(f"{path.name} is not {_NAMES[kind]}: {problem}.")
    return kind


def _describe(head: bytes) -> str:
    """A few words on what the bytes look like, for the refusal."""
    if not head:
        return "it is empty"
    if head.startswith(SQLITE_MAGIC):
        return "it is an SQLite database"
    if head.startswith(ZIP_MAGICS):
        return "it is a zip archive"
    text = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "it is JSON text"
    if text[:1] == b"<":
        return "it is XML or HTML text"
    if b"\x00" not in head[:512]:
        return "it is plain text"
    return f"it starts with bytes {head[:8].hex(' ')}"


def _shapefile(head: bytes, size: int) -> str | None:
    if len(head) < 100 or int.from_bytes(head[:4], "big") != SHAPEFILE_CODE:
        return f"the header lacks the shapefile code {SHAPEFILE_CODE} ({_describe(head)})"
    declared = int.from_bytes(head[24:28], "big") * 2
    if declared != size:
        return f"its header says {declared:,} bytes but the file has {size:,} (truncated?)"
    return None


def _geopackage(head: bytes, size: int) -> str | None:
    if not head.startswith(SQLITE_MAGIC):
        return f"a GeoPackage is an SQLite database ({_describe(head)})"
    return None


def _text(head: bytes) -> bytes:
    return head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n")


def _geojson(head: bytes, size: int) -> str | None:
    if not _text(head).startswith(b"{"):
        return f"GeoJSON text starts with '{{' ({_describe(head)})"
    return None


def _kml(head: bytes, size: int) -> str | None:
    text = _text(head)
    if not text.startswith(b"<") or b"<kml" not in text[:4096].lower():
        return f"it has no <kml> element ({_describe(head)})"
    return None


def _zip(head: bytes, size: int) -> str | None:
    if not head.startswith(ZIP_MAGICS):
        return f"it does not start with a zip header ({_describe(head)})"
    return None


def _csv(head: bytes, size: int) -> str | None:
    if not head.strip():
        return "it is empty"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, as Excel's "Unicode text" saves
        return None
    if b"\x00" in head or head.startswith(ZIP_MAGICS + (SQLITE_MAGIC,)):
        return f"it is binary, not text ({_describe(head)})"
    return None


_CHECKS = {
    "shapefile": _shapefile,
    "geopackage": _geopackage,
    "geojson": _geojson,
    "kml": _kml,
    "kmz": _zip,
    "zip": _zip,
    "csv": _csv,
}
