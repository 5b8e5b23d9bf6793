"""The JavaScript and CSS a folium map links to, fetched once from the npm registry and
inlined into the HTML, so a self-contained map opens with no network at all.

folium links its libraries from CDNs (cdn.jsdelivr.net, code.jquery.com, cdnjs). Each such
URL names an npm package, a version and a file, so the same bytes come from the package's
tarball on the npm registry (https://registry.npmjs.org, or ``$CONFLICTMAP_NPM_REGISTRY``).
Tarballs are checked against the registry's sha512 integrity (pinned here for the versions
folium 0.20 uses, so a mirror cannot substitute files) and unpacked into a cache folder:
``$CONFLICTMAP_ASSETS``, default ``~/.cache/conflictmap/js``. Nothing third-party is kept in
this repository. The one file folium ships itself (its patched Leaflet.heat) is read from
the installed folium package.

Fetch ahead of time (CI, or before going offline)::

    python -m conflictmap.maps.assets fetch            # the libraries conflictmap's maps use
    python -m conflictmap.maps.assets status           # what is cached where

:func:`inline_assets` turns a folium map's links into inline ``<script>``/``<style>``
elements (CSS images become ``data:`` URIs); it fetches what the cache lacks, or raises
:class:`AssetError` naming the asset and the command above.

>>> resolve("https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")
NpmFile(package='leaflet', version='1.9.3', path='dist/leaflet.js')
>>> resolve("https://code.jquery.com/jquery-3.7.1.min.js").path
'dist/jquery.min.js'
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.resources
import io
import json
import os
import posixpath
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from branca.element import Figure

from conflictmap.maps.elements import Markup

DEFAULT_REGISTRY = "https://registry.npmjs.org"
FETCH_COMMAND = "python -m conflictmap.maps.assets fetch"
MAX_TARBALL_BYTES = 50 * 1024 * 1024
TIMEOUT_SECONDS = 60

# sha512 integrity of the exact tarballs folium 0.20 references, as the registry published
# them; any other version is checked against the integrity the registry states.
PINNED_INTEGRITY = {
    ("leaflet", "1.9.3"): "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
    ("jquery", "3.7.1"): "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
    ("leaflet.markercluster", "1.1.0"): "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
    ("bootstrap", "5.2.2"): "sha512-dEtzMTV71n6Fhmbg4fYJzQsw1N29hJKO1js5ackCgIpDcGid2ETMGC6zwSYw09v05Y+oRdQ9loC54zB1La3hHQ==",
    ("@fortawesome/fontawesome-free", "6.2.0"): "sha512-CNR7qRIfCwWHNN7FnKUniva94edPdyQzil/zCwk3v6k4R6rR2Fr8i4s3PM7n/lyfPA6Zfko9z5WDzFxG9SW1uQ==",
}

# Packages the maps of this project link to (see maps.render); `fetch` gets these.
MAP_PACKAGES = (("leaflet", "1.9.3"), ("jquery", "3.7.1"), ("leaflet.markercluster", "1.1.0"))

# cdnjs library folder -> (npm package, folder of the files inside the package)
CDNJS_PACKAGES = {"leaflet.markercluster": ("leaflet.markercluster", "dist")}

_SEMVER = r"\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?"
_JSDELIVR_NPM = re.compile(rf"https://cdn\.jsdelivr\.net/npm/(?P<package>(?:@[^/@]+/)?[^/@]+)@(?P<version>{_SEMVER})/(?P<path>[^?#]+)")
_JQUERY = re.compile(rf"https://code\.jquery\.com/jquery-(?P<version>{_SEMVER})(?P<kind>(?:\.slim)?(?:\.min)?)\.js")
_CDNJS = re.compile(rf"https://cdnjs\.cloudflare\.com/ajax/libs/(?P<lib>[^/]+)/(?P<version>{_SEMVER})/(?P<path>[^?#]+)")
_FOLIUM_TEMPLATE = re.compile(r"https://cdn\.jsdelivr\.net/gh/python-visualization/folium@[^/]+/folium/templates/(?P<file>[\w.-]+)")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<ref>[^'")]+)\1\s*\)""")
_MIME = {".png": "image/png", ".gif": "image/gif", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
         ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject"}


class AssetError(RuntimeError):
    """An asset a self-contained map needs is neither cached nor fetchable."""


@dataclass(frozen=True)
class NpmFile:
    """One file inside an npm package tarball (``path`` relative to ``package/``)."""

    package: str
    version: str
    path: str

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"


@dataclass(frozen=True)
class PackagedFile:
    """A file shipped inside an installed Python package (folium's own templates)."""

    package: str
    path: str

    @property
    def spec(self) -> str:
        return f"{self.package} (installed Python package)"


def resolve(url: str) -> NpmFile | PackagedFile:
    """Where the bytes behind a CDN URL folium links to can be had without that CDN."""
    if m := _FOLIUM_TEMPLATE.fullmatch(url):
        return PackagedFile("folium", f"templates/{m['file']}")
    if m := _JSDELIVR_NPM.fullmatch(url):
        return NpmFile(m["package"], m["version"], m["path"])
    if m := _JQUERY.fullmatch(url):
        return NpmFile("jquery", m["version"], f"dist/jquery{m['kind']}.js")
    if (m := _CDNJS.fullmatch(url)) and m["lib"] in CDNJS_PACKAGES:
        package, folder = CDNJS_PACKAGES[m["lib"]]
        return NpmFile(package, m["version"], f"{folder}/{m['path']}")
    raise AssetError(
        f"no offline source is known for {url}: it is not an npm package file conflictmap can fetch; "
        "leave the element that links it out of a self-contained map"
    )


def cache_dir() -> Path:
    """``$CONFLICTMAP_ASSETS``, else ``~/.cache/conflictmap/js``."""
    configured = os.environ.get("CONFLICTMAP_ASSETS")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "conflictmap" / "js"


def registry() -> str:
    return os.environ.get("CONFLICTMAP_NPM_REGISTRY", DEFAULT_REGISTRY).rstrip("/")


def package_dir(package: str, version: str, root: Path | None = None) -> Path:
    return (root or cache_dir()) / f"{package.replace('/', '__')}@{version}"


def _complete_marker(folder: Path) -> Path:
    return folder / ".conflictmap-integrity"


def is_cached(package: str, version: str, root: Path | None = None) -> bool:
    marker = _complete_marker(package_dir(package, version, root))
    if not marker.is_file():
        return False
    pinned = PINNED_INTEGRITY.get((package, version))
    return pinned is None or marker.read_text(encoding="utf-8").strip() == pinned


def _get(url: str, limit: int) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "conflictmap (maps.assets)", "Accept": "*/*"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        data = response.read(limit + 1)
    if len(data) > limit:
        raise AssetError(f"{url}: larger than {limit:,} bytes, refusing it")
    return data


def _check_integrity(data: bytes, integrity: str, what: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha512", "sha384", "sha256") or not expected:
        raise AssetError(f"{what}: unsupported integrity {integrity!r}")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if actual != expected:
        raise AssetError(f"{what}: tarball checksum mismatch ({algorithm} {actual[:16]}..., expected {expected[:16]}...)")


def fetch_package(package: str, version: str, root: Path | None = None) -> Path:
    """Download ``package@version`` from the npm registry, check it, unpack it into the cache.

    Returns the package's folder. Does nothing when it is already cached.
    """
    folder = package_dir(package, version, root)
    if is_cached(package, version, root):
        return folder
    spec = f"{package}@{version}"
    base = registry()
    quoted = package.replace("/", "%2f")
    try:
        meta = json.loads(_get(f"{base}/{quoted}/{version}", 5 * 1024 * 1024))
        dist = meta["dist"]
        tarball_url, integrity = dist["tarball"], dist.get("integrity")
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError) as exc:
        raise AssetError(f"{spec}: cannot read its metadata from {base}: {exc}") from exc
    pinned = PINNED_INTEGRITY.get((package, version))
    if pinned and integrity and integrity != pinned:
        raise AssetError(f"{spec}: the registry at {base} states integrity {integrity[:24]}..., "
                         f"conflictmap pins {pinned[:24]}...; refusing it")
    integrity = pinned or integrity
    if not integrity:
        raise AssetError(f"{spec}: the registry states no integrity checksum; refusing an unchecked tarball")
    try:
        data = _get(tarball_url, MAX_TARBALL_BYTES)
    except (urllib.error.URLError, OSError) as exc:
        raise AssetError(f"{spec}: cannot download {tarball_url}: {exc}") from exc
    _check_integrity(data, integrity, spec)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        _unpack(data, work, spec)
        _complete_marker(work).write_text(integrity + "\n", encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return folder


def _unpack(data: bytes, target: Path, spec: str) -> None:
    """Regular files of the tarball's ``package/`` folder, nothing outside ``target``."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            parts = PurePosixPath(member.name).parts
            if len(parts) < 2 or any(p in ("..", "") for p in parts) or PurePosixPath(member.name).is_absolute():
                raise AssetError(f"{spec}: unsafe path {member.name!r} in the tarball")
            out = target.joinpath(*parts[1:])  # npm tarballs put everything under package/
            out.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(out, "wb") as dst:
                shutil.copyfileobj(src, dst)


def read_asset(source: NpmFile | PackagedFile, fetch: bool = True) -> bytes:
    """The bytes of one asset, from the cache (fetching the package when allowed and missing)."""
    if isinstance(source, PackagedFile):
        try:
            data = importlib.resources.files(source.package).joinpath(source.path).read_bytes()
        except (OSError, ModuleNotFoundError) as exc:
            raise AssetError(f"{source.path} of {source.spec}: cannot read it: {exc}") from exc
    else:
        if not is_cached(source.package, source.version):
            if not fetch:
                raise AssetError(_missing(source, "it is not in the cache and fetching is off"))
            try:
                fetch_package(source.package, source.version)
            except AssetError as exc:
                raise AssetError(_missing(source, str(exc))) from exc
        path = package_dir(source.package, source.version) / source.path
        if not path.is_file():
            raise AssetError(f"{source.spec} has no file {source.path} (looked in {path.parent})")
        data = path.read_bytes()
    if not data.strip():
        raise AssetError(f"{source.path} of {source.spec} is empty")
    return data


def _missing(source: NpmFile, reason: str) -> str:
    return (f"{source.spec} ({source.path}) is needed for a self-contained map but {reason}. "
            f"Run `{FETCH_COMMAND}` where {registry()} is reachable, or set CONFLICTMAP_ASSETS "
            f"to a folder that holds it (now {cache_dir()}).")


def inline_css(css: str, source: NpmFile | PackagedFile, fetch: bool = True) -> str:
    """CSS with its relative ``url(...)`` references replaced by ``data:`` URIs."""
    base = posixpath.dirname(source.path)

    def data_uri(match: re.Match) -> str:
        ref = match["ref"].strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//")):
            return match.group(0)
        clean = ref.split("?")[0].split("#")[0]
        path = posixpath.normpath(posixpath.join(base, clean))
        mime = _MIME.get(posixpath.splitext(path)[1].lower(), "application/octet-stream")
        target = NpmFile(source.package, source.version, path) if isinstance(source, NpmFile) else PackagedFile(source.package, path)
        encoded = base64.b64encode(read_asset(target, fetch)).decode("ascii")
        return f'url("data:{mime};base64,{encoded}")'

    return _CSS_URL.sub(data_uri, css)


def inline_script(js: str) -> str:
    """JavaScript made safe to sit inside ``<script>``: a ``</script`` in a string or comment
    would end the element early, ``<!--`` would change how the HTML parser reads it."""
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return js.replace("<!--", "<\\!--")


class InlineAsset(Markup):
    """A ``<script>`` or ``<style>`` holding one library's code."""

    def __init__(self, markup: str, url: str):
        super().__init__(markup)
        self._name = "InlineAsset"
        self.url = url


def _walk(element):
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def linked_assets(root: Figure) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, url) of every script and stylesheet the elements under ``root`` will link,
    in the order folium would write them."""
    from folium.elements import JSCSSMixin

    js, css = {}, {}
    for element in _walk(root):
        if isinstance(element, JSCSSMixin):
            for name, url in element.default_js:
                js[name] = url
            for name, url in element.default_css:
                css[name] = url
    return list(js.items()), list(css.items())


def inline_assets(m, fetch: bool = True) -> Figure:
    """Make the figure of folium map ``m`` self-contained: every script and stylesheet its
    elements link becomes inline. Call it after the last element was added.

    Raises :class:`AssetError` for an asset that is neither cached nor fetchable
    (``fetch=False`` never touches the network).
    """
    from folium.elements import JSCSSMixin

    root = m.get_root()
    scripts, styles = linked_assets(root)
    for element in _walk(root):
        if isinstance(element, JSCSSMixin):
            # Instance attributes shadow the class lists: nothing links to a CDN any more.
            element.default_js = []
            element.default_css = []
    for name, url in scripts:
        code = read_asset(resolve(url), fetch).decode("utf-8")
        root.header.add_child(InlineAsset(f"<script>/* {_comment(url)} */\n{inline_script(code)}\n</script>", url), name=name)
    for name, url in styles:
        source = resolve(url)
        css = inline_css(read_asset(source, fetch).decode("utf-8"), source, fetch)
        css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
        root.header.add_child(InlineAsset(f"<style>/* {_comment(url)} */\n{css}\n</style>", url), name=name)
    return root


def _comment(url: str) -> str:
    source = resolve(url)
    return f"{source.spec} {source.path}".replace("*/", "* /")


EXTERNAL_RESOURCE = re.compile(r"<script[^>]*\ssrc=[\"']?(?P<src>[^\"' >]+)|<link[^>]*\shref=[\"']?(?P<href>[^\"' >]+)", re.IGNORECASE)


def external_resources(html: str) -> list[str]:
    """URLs of scripts and stylesheets an HTML page still loads from elsewhere."""
    return [m["src"] or m["href"] for m in EXTERNAL_RESOURCE.finditer(html)]


def fetch(packages=MAP_PACKAGES, root: Path | None = None) -> list[Path]:
    """Fetch ``packages`` (``(name, version)`` pairs) into the cache; returns their folders."""
    return [fetch_package(name, version, root) for name, version in packages]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conflictmap.maps.assets", description="Cache the JavaScript/CSS "
                                     "libraries self-contained maps inline (from the npm registry).")
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fetch", help="download and check the libraries (no-op when cached)")
    f.add_argument("specs", nargs="*", metavar="PACKAGE@VERSION",
                   help="other packages to cache [default: " + ", ".join(f"{p}@{v}" for p, v in MAP_PACKAGES) + "]")
    sub.add_parser("status", help="list the libraries and whether they are cached")
    args = parser.parse_args(argv)
    packages = MAP_PACKAGES
    if args.command == "fetch" and args.specs:
        packages = tuple(tuple(spec.rsplit("@", 1)) for spec in args.specs)
        if any(len(p) != 2 or not p[0] for p in packages):
            parser.error("give packages as NAME@VERSION, e.g. leaflet@1.9.3")
    if args.command == "status":
        for name, version in MAP_PACKAGES:
            state = "cached" if is_cached(name, version) else "missing"
            print(f"{name}@{version}\t{state}\t{package_dir(name, version)}")
        return 0
    status = 0
    for name, version in packages:
        try:
            folder = fetch_package(name, version)
        except AssetError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
        else:
            print(f"{name}@{version}\t{folder}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
