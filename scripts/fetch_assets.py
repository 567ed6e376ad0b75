#!/usr/bin/env python3
"""Fetch the front-end packages listed in vendor.json (standard library only).

Each tarball comes from the npm registry (NPM_REGISTRY overrides it), is checked against the
pinned sha512 integrity, and only the listed files are copied: served packages to
static_vendor/<target>/ (collected as static files), packages marked "test_only" (axe-core) to
build/vendor/<target>/, where no page can reach them. A stamp per package makes re-runs free;
folders of packages no longer listed are removed, so nothing unused is ever collected.

    scripts/fetch_assets.py            every package (the set-up of make run / make test)
    scripts/fetch_assets.py --served   only the served ones (the docker image runs no tests)
"""

import argparse
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
SERVED = ROOT / "static_vendor"
TEST_ONLY = ROOT / "build" / "vendor"
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def tarball_url(name: str, version: str) -> str:
    basename = name.split("/")[-1]
    return f"{REGISTRY}/{name}/-/{basename}-{version}.tgz"


def destination(package: dict) -> Path:
    return (TEST_ONLY if package.get("test_only") else SERVED) / package["target"]


def fetch(package: dict, target: Path) -> None:
    url = tarball_url(package["name"], package["version"])
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, _, expected = package["integrity"].partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        sys.exit(f"fetch_assets: integrity mismatch for {url}: refusing to use it")
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


def prune(folder: Path, keep: set[str]) -> None:
    """Remove what an earlier manifest fetched (jQuery, OpenLayers) from a folder we own."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.name in keep:
            continue
        if not entry.name.startswith("."):
            print(f"fetch_assets: removing {entry.relative_to(ROOT)} (no longer in vendor.json)")
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--served", action="store_true", help="skip test-only packages")
    args = parser.parse_args()
    packages = json.loads(MANIFEST.read_bytes())["packages"]
    for folder, test_only in ((SERVED, False), (TEST_ONLY, True)):
        prune(folder, {p["target"] for p in packages if bool(p.get("test_only")) == test_only})
    for package in packages:
        if args.served and package.get("test_only"):
            continue
        target = destination(package)
        stamp = target / ".fetched"
        wanted = f"{package['name']}@{package['version']} {package['integrity']}\n"
        if stamp.exists() and stamp.read_text() == wanted:
            continue
        print(f"fetch_assets: {package['name']}@{package['version']}")
        fetch(package, target)
        stamp.write_text(wanted)


if __name__ == "__main__":
    main()
