"""Bundles for the road: the bundle and its evidence files in one tar archive, encrypted with age (pyrage).

What is written (README: "Sending a bundle safely"):

- the plain archive: an uncompressed tar with exactly these regular-file members, nothing else —
  ``bundle.json.gz`` (the bundle document, as an unencrypted bundle file), ``manifest.json`` (``{"format":
  "tenken-evidence", "version": 1, "files": [{"sha256", "size"}]}``) and one ``evidence/<sha256>`` per file;
- to recipients' keys: the archive as a standard age file (``age -d -i key.txt`` opens it too);
- with a passphrase: the line ``tenken-sealed/1``, the line ``scrypt 15 8 3 <salt: 32 hex digits>``, then the
  archive as an age file to the X25519 key derived from the passphrase: scrypt(passphrase, salt, N=2^15, r=8, p=3,
  32 bytes) is the age secret key. Why not age's own passphrase mode: pyrage offers it only for bytes in memory,
  and its scrypt cost is calibrated on the sending machine (it took 1 GB and 7 s here under load), so a bundle
  could need more memory than the receiving laptop allows. These fixed parameters (one of OWASP's scrypt
  settings, 32 MiB) keep memory bounded at both ends; the salt is random per bundle, and age's X25519 recipient
  gives every file a fresh file key. The archive is encrypted and decrypted as a stream (pyrage.encrypt_io /
  decrypt_io).

Nothing in an archive is trusted: member names are compared with the three forms above and never used as paths,
symbolic links, devices and folders are refused, sizes are capped, every file's SHA-256 is checked.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from tui.i18n import _
from tui.store.db import StoreError
from tui.textsafe import printable

SEALED_MAGIC = b"tenken-sealed/1\n"
AGE_MAGIC = b"age-encryption.org/v1\n"
BUNDLE_MEMBER = "bundle.json.gz"
MANIFEST_MEMBER = "manifest.json"
EVIDENCE_MEMBER = re.compile(r"^evidence/([0-9a-f]{64})$")
MANIFEST_FORMAT = "tenken-evidence"
#: Limits (README): evidence carried in one bundle, files per bundle, and the manifest.
MAX_EVIDENCE_BYTES = 8 << 30
MAX_FILES = 10_000
MAX_MANIFEST_BYTES = 4 << 20
MIN_PASSPHRASE = 8
CHUNK = 1 << 20


class SealError(StoreError):
    """An encrypted or evidence-carrying bundle that cannot be written or read; nothing was changed."""


@dataclass(frozen=True)
class Carried:
    """One evidence file travelling in a bundle: where it is read from on the sending computer."""

    sha256: str
    source: Path
    size: int


@dataclass(frozen=True)
class Opened:
    """A checked archive: the bundle document's bytes and its evidence files (SHA-256 → staged copy)."""

    document: bytes
    files: dict[str, Path]


def _pyrage():
    try:
        import pyrage
    except ImportError:  # an installation without the dependency: a sentence, not a traceback
        raise SealError(_("Encrypted bundles need the pyrage package; reinstall tenken.")) from None
    return pyrage


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise SealError(
            _("The passphrase must have at least {n} characters; nothing was written.").format(n=MIN_PASSPHRASE)
        )
    return passphrase


def parse_recipients(texts: Sequence[str]) -> list:
    pyrage = _pyrage()
    out = []
    for text in texts:
        try:
            out.append(pyrage.x25519.Recipient.from_str(text.strip()))
        except (pyrage.RecipientError, ValueError):
            raise SealError(
                _("{key} is not an age public key (it starts with age1); nothing was written.").format(
                    key=printable(text[:80])
                )
            ) from None
    return out


def read_identities(path: Path) -> list:
    """The age secret keys (AGE-SECRET-KEY-1…) in an identity file, as age-keygen writes it."""
    from tui.content.files import FileRefused, read_limited

    pyrage = _pyrage()
    try:
        text = read_limited(Path(path), 64 << 10).decode("utf-8")
    except FileRefused as exc:
        raise SealError(_("Cannot read the key file {path}: {reason}.").format(path=path, reason=exc.reason)) from None
    except UnicodeDecodeError:
        text = ""
    keys = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("AGE-SECRET-KEY-1"):
            with contextlib.suppress(pyrage.IdentityError, ValueError):
                keys.append(pyrage.x25519.Identity.from_str(line))
    if not keys:
        raise SealError(_("{path} holds no age secret key (AGE-SECRET-KEY-1…).").format(path=path))
    return keys


# --- writing ---------------------------------------------------------------------------------------------


class _Hashing(io.RawIOBase):
    """A file read through SHA-256, for tarfile.addfile: the file is hashed while it is copied."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.hash = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.hash.update(data)
        return data


def write_archive(out: IO[bytes], document: bytes, carried: Iterable[Carried]) -> None:
    """The plain archive, written as a stream: each file is copied in chunks and checked against its SHA-256."""
    files = list(carried)
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": 1,
        "files": [{"sha256": c.sha256, "size": c.size} for c in files],
    }
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, data in ((BUNDLE_MEMBER, document), (MANIFEST_MEMBER, json.dumps(manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
        for c in files:
            info = tarfile.TarInfo(f"evidence/{c.sha256}")
            info.size, info.mode = c.size, 0o600
            try:
                with open(c.source, "rb") as fh:
                    reader = _Hashing(fh)
                    tar.addfile(info, reader)
            except OSError as exc:
                raise SealError(
                    _("Cannot read the evidence file {path} ({reason}); nothing was written.").format(
                        path=c.source, reason=exc.strerror or exc
                    )
                ) from None
            if reader.hash.hexdigest() != c.sha256:
                raise SealError(
                    _(
                        "The evidence file {path} changed after it was recorded; attach it again, then export. "
                        "Nothing was written."
                    ).format(path=c.source)
                )


KDF_LINE = re.compile(rb"^scrypt 15 8 3 ([0-9a-f]{32})\n$")
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32(hrp: str, data: bytes) -> str:
    """BIP-173 bech32 of `data` (how age writes keys); pyrage checks the checksum when it reads the key."""
    acc, bits, words = 0, 0, []
    for byte in data:
        acc = (acc << 8) | byte
        bits += 8
        while bits >= 5:
            bits -= 5
            words.append((acc >> bits) & 31)
    if bits:
        words.append((acc << (5 - bits)) & 31)

    def polymod(values: list[int]) -> int:
        chk = 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1FFFFFF) << 5 ^ v
            for i, g in enumerate((0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)):
                chk ^= g if (top >> i) & 1 else 0
        return chk

    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    mod = polymod(expanded + words + [0] * 6) ^ 1
    checksum = [(mod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[w] for w in words + checksum)


def passphrase_identity(passphrase: str, salt: bytes):
    """The age identity a passphrase and a salt stand for (see the module's docstring)."""
    pyrage = _pyrage()
    secret = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=1 << 15, r=8, p=3, maxmem=64 << 20, dklen=32)
    return pyrage.x25519.Identity.from_str(_bech32("age-secret-key-", secret).upper())


def seal(plain: Path, out: Path, passphrase: str | None, recipients: Sequence[str]) -> None:
    """Encrypt the archive `plain` into `out`, as a stream: to `recipients`, else with `passphrase`."""
    pyrage = _pyrage()
    keys = parse_recipients(recipients)
    with open(plain, "rb") as src, open(out, "wb") as dst:
        if not keys:
            salt = os.urandom(16)
            keys = [passphrase_identity(check_passphrase(passphrase or ""), salt).to_public()]
            dst.write(SEALED_MAGIC + b"scrypt 15 8 3 " + salt.hex().encode() + b"\n")
        pyrage.encrypt_io(src, dst, keys)


# --- reading ---------------------------------------------------------------------------------------------


def kind(path: Path) -> str:
    """ "passphrase", "key" (age to recipients), "archive" (plain tar) or "plain" (an unencrypted bundle file)."""
    from tui.content.files import FileRefused, regular_file

    try:
        regular_file(path)  # never open a pipe or a device: it could block or never end
        with open(path, "rb") as fh:
            head = fh.read(512)
    except (OSError, FileRefused):
        return "plain"  # read_bundle says why the file cannot be read
    if head.startswith(SEALED_MAGIC):
        return "passphrase"
    if head.startswith(AGE_MAGIC) or head.startswith(b"-----BEGIN AGE ENCRYPTED FILE-----"):
        return "key"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "archive"
    return "plain"


def unseal(
    path: Path,
    out: Path,
    passphrase: Callable[[], str] | None,
    identities: Sequence | None,
) -> None:
    """Decrypt `path` into the file `out` as a stream; SealError with one sentence when that is not possible."""
    pyrage = _pyrage()
    found = kind(path)
    wrong = _("The passphrase is wrong, or {path} is damaged; nothing was imported.").format(path=path)
    with open(path, "rb") as src:
        if found == "passphrase":
            if passphrase is None:
                raise SealError(_("{path} is encrypted with a passphrase; nothing was imported.").format(path=path))
            src.read(len(SEALED_MAGIC))
            kdf = KDF_LINE.match(src.readline(64))
            if kdf is None:
                raise SealError(wrong)
            try:
                keys = [passphrase_identity(passphrase(), bytes.fromhex(kdf.group(1).decode()))]
            except (pyrage.IdentityError, ValueError, MemoryError):
                raise SealError(wrong) from None
        else:
            if not identities:
                raise SealError(
                    _(
                        "{path} is encrypted to a key; give the file with your age secret key (--identity FILE). "
                        "Nothing was imported."
                    ).format(path=path)
                )
            keys = list(identities)
            wrong = _("None of the keys given opens {path}, or it is damaged; nothing was imported.").format(path=path)
        with open(out, "wb") as dst:
            try:
                pyrage.decrypt_io(src, dst, keys)
            except (pyrage.DecryptError, ValueError):
                raise SealError(wrong) from None


def _refused(path: Path, reason: str) -> SealError:
    return SealError(_("Cannot import {path}: {reason}. Nothing was imported.").format(path=path, reason=reason))


def open_archive(path: Path, archive: Path, staging: Path, max_document: int) -> Opened:
    """Check the plain archive and copy its evidence files into `staging`, each checked against its SHA-256.

    Member names are only compared, never joined to a folder; anything but the expected regular files is refused.
    """
    document: bytes | None = None
    manifest: dict | None = None
    staged: dict[str, Path] = {}
    total = 0
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for n, info in enumerate(tar):
                if n > MAX_FILES + 2:
                    raise _refused(path, _("it holds too many files"))
                name = info.name
                shown = printable(name[:120])
                if not info.isreg():
                    raise _refused(path, _("it holds {name}, which is not an ordinary file").format(name=shown))
                match = EVIDENCE_MEMBER.match(name)
                if name in (BUNDLE_MEMBER, MANIFEST_MEMBER):
                    if (document if name == BUNDLE_MEMBER else manifest) is not None:
                        raise _refused(path, _("it holds {name} twice").format(name=shown))
                    if info.size > (max_document if name == BUNDLE_MEMBER else MAX_MANIFEST_BYTES):
                        raise _refused(path, _("{name} is too large").format(name=shown))
                    fh = tar.extractfile(info)
                    data = fh.read() if fh else b""
                    if name == BUNDLE_MEMBER:
                        document = data
                    else:
                        try:
                            manifest = json.loads(data.decode("utf-8"))
                        except (ValueError, UnicodeDecodeError, RecursionError):
                            manifest = {}
                elif match:
                    digest = match.group(1)
                    total += info.size
                    if digest in staged:
                        raise _refused(path, _("it holds {name} twice").format(name=shown))
                    if total > MAX_EVIDENCE_BYTES:
                        raise _refused(path, _("its evidence files are too large"))
                    target = staging / digest
                    fh = tar.extractfile(info)
                    sha = hashlib.sha256()
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as dst:
                        while fh is not None and (chunk := fh.read(CHUNK)):
                            sha.update(chunk)
                            dst.write(chunk)
                    if sha.hexdigest() != digest:
                        raise _refused(
                            path,
                            _("the evidence file {sha} was changed (its SHA-256 does not match)").format(
                                sha=digest[:12]
                            ),
                        )
                    staged[digest] = target
                else:
                    raise _refused(path, _("it holds an unexpected file named {name}").format(name=shown))
    except (tarfile.TarError, EOFError):
        raise SealError(
            _("{path} is not a tenken bundle, or it is damaged; nothing was imported.").format(path=path)
        ) from None
    if document is None or not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise _refused(path, _("its list of evidence files is missing or damaged"))
    listed = manifest.get("files")
    if not isinstance(listed, list):
        raise _refused(path, _("its list of evidence files is missing or damaged"))
    for entry in listed:
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        if not isinstance(digest, str) or digest not in staged:
            raise _refused(path, _("an evidence file its list names is missing"))
        if entry.get("size") != staged[digest].stat().st_size:
            raise _refused(
                path, _("the evidence file {sha} was changed (its size does not match)").format(sha=digest[:12])
            )
    if len(listed) != len(staged):
        raise _refused(path, _("it holds an evidence file its list does not name"))
    return Opened(document, staged)


SAFE_NAME = re.compile(r"[^\w.\-]+")


def safe_name(original: str) -> str:
    """A file name for a received evidence file from the sender's name: letters, digits, dot, dash; never hidden."""
    base = re.split(r"[\\/]", original)[-1]
    name = SAFE_NAME.sub("_", base).lstrip(".")
    # at most 120 bytes: with the 65 of the SHA-256 and the dash, far below the 255 bytes a file name may have
    name = name.encode("utf-8")[:120].decode("utf-8", "ignore")
    return name or "evidence"


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents inside it) folders only the user can open (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def work_dir(data_dir: Path) -> Path:
    """A private temporary folder inside the data folder (decrypted content never lands in a shared /tmp)."""
    private_dir(data_dir)
    return Path(tempfile.mkdtemp(prefix=".bundle-work-", dir=data_dir))


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
