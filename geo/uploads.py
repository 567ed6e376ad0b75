"""Uploaded files kept between two requests: analysed on upload, imported on confirm.

`geo.archives.private_dir` lives for one block; an upload must outlive the request that
received it, until the person confirms or cancels. Each upload gets its own directory (mode
0700) named by a random token under one root, with the options it was sent with beside it;
`discard` removes it, and `sweep` removes those older than a day, whoever forgot them.
"""

import json
import secrets
import shutil
import tempfile
import time
from contextlib import suppress
from pathlib import Path

MAX_AGE = 24 * 3600  # seconds an unconfirmed upload is kept
_TOKEN_BYTES = 18
_OPTIONS = "options.json"


class UploadGone(LookupError):
    """The token names no kept upload: confirmed, cancelled, swept, or never made."""


def root() -> Path:
    path = Path(tempfile.gettempdir()) / "bdmap-uploads"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _folder(token: str) -> Path:
    # A token is what `keep` made: URL-safe base64, so it cannot climb out of the root.
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        raise UploadGone(token)
    folder = root() / token
    if not folder.is_dir():
        raise UploadGone(token)
    return folder


def keep(chunks, file_name: str, options: dict) -> str:
    """Write the upload (an iterable of bytes) and its options into a fresh private
    directory → its token."""
    sweep()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    folder = root() / token
    folder.mkdir(mode=0o700)
    name = Path(file_name.replace("\\", "/")).name or "upload"
    (folder / "file").mkdir(mode=0o700)
    with (folder / "file" / name).open("wb") as handle:
        for chunk in chunks:
            handle.write(chunk)
    (folder / _OPTIONS).write_text(json.dumps({**options, "file_name": name}))
    return token


def path(token: str) -> Path:
    """The kept file (under its uploaded name: the importer reads the suffix)."""
    return next((_folder(token) / "file").iterdir())


def options(token: str) -> dict:
    return json.loads((_folder(token) / _OPTIONS).read_text())


def remember(token: str, **values) -> None:
    """Add to the options kept beside an upload (what its analysis found)."""
    (_folder(token) / _OPTIONS).write_text(json.dumps({**options(token), **values}))


def discard(token: str) -> None:
    with suppress(UploadGone):
        shutil.rmtree(_folder(token), ignore_errors=True)


def sweep(max_age: float = MAX_AGE) -> None:
    """Remove the uploads older than `max_age` seconds."""
    limit = time.time() - max_age
    for folder in root().iterdir():
        with suppress(FileNotFoundError):
            if folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
