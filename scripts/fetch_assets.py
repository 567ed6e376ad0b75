#!/usr/bin/env python3
"""Fetch the front-end packages listed in vendor.json into static_vendor/ (standard library only).

Each tarball comes from the npm registry (NPM_REGISTRY overrides it), is checked against the
pinned sha512 integrity, and only the listed files are copied. A stamp file makes re-runs free.
"""

import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "vendor.json"
DEST = ROOT / "static_vendor"
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def tarball_url(name: str, version: str) -> str:
    basename = name.split("/")[-1]
    return f"{REGISTRY}/{name}/-/{basename}-{version}.tgz"


def fetch(package: dict) -> None:
    url = tarball_url(package["name"], package["version"])
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, _, expected = package["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"fetch_assets: integrity mismatch for {url}: refusing to use it")
    target = DEST / package["target"]
    shutil.rmtree(target, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = {m.name.removeprefix("package/"): m for m in archive.getmembers() if m.isfile()}
        for source, dest in package["files"].items():
            chosen = {
                n: m
                for n, m in members.items()
                if n == source or (source.endswith("/") and n.startswith(source))
            }
            if not chosen:
                sys.exit(f"fetch_assets: {source} not found in {url}")
            for name, member in chosen.items():
                out = target / (dest + name[len(source) :] if source.endswith("/") else dest)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.extractfile(member).read())


def main() -> None:
    manifest = MANIFEST.read_bytes()
    stamp = DEST / ".stamp"
    digest = hashlib.sha256(manifest).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    for package in json.loads(manifest)["packages"]:
        print(f"fetch_assets: {package['name']}@{package['version']}")
        fetch(package)
    stamp.write_text(digest)


if __name__ == "__main__":
    main()
