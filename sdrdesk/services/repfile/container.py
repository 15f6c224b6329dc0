"""The `.sdrdesk` container: a zip of `manifest.json` plus JSON Lines members, optionally
encrypted member by member (scrypt key, AES-GCM chunks) with an authenticated manifest.

Plain members are deflated JSON Lines. Encrypted members (`*.jsonl.enc`) are a sequence of
frames `[4-byte length][12-byte nonce][AES-GCM(zlib(chunk))]`; each frame's associated data
binds the file id, the member name, the frame number and whether it is the last, so frames
cannot be reordered, dropped, moved between members or files, or truncated unnoticed.
`manifest.mac` is an AES-GCM tag over the manifest's bytes: a changed manifest fails it.
"""

from __future__ import annotations

import hashlib
import os
import re
import struct
import zlib
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from sdrdesk.domain.errors import SdrdeskError

FORMAT_NAME = "sdrdesk-rep-file"
FORMAT_VERSION = 1
KIND_BOOK = "book"
KIND_COACHING = "coaching"
MANIFEST = "manifest.json"
MANIFEST_MAC = "manifest.mac"
TOMBSTONES = "tombstones"  # member stem of the hard-deletion list

CHUNK = 1 << 20  # plaintext bytes per encrypted frame
MAX_MEMBERS = 400
MAX_MANIFEST_BYTES = 1 << 20
MAX_LINE_BYTES = 16 << 20
MAX_TOTAL_BYTES = 16 << 30  # uncompressed, all members
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
SCRYPT_N_RANGE = (1 << 14, 1 << 20)

_MEMBER_RE = re.compile(
    r"^(manifest\.json|manifest\.mac|tombstones\.jsonl(\.enc)?|"
    r"data/[a-z][a-z0-9_]{0,79}\.jsonl(\.enc)?)$"
)


class RepFileRejected(SdrdeskError):
    title = "Rep file refused"


class WrongPassphrase(RepFileRejected):
    title = "Wrong passphrase"


class PassphraseRequired(RepFileRejected):
    title = "Passphrase needed"


def member_name_ok(name: str) -> bool:
    return bool(_MEMBER_RE.match(name))


def member_for(stem: str, encrypted: bool) -> str:
    base = f"{TOMBSTONES}.jsonl" if stem == TOMBSTONES else f"data/{stem}.jsonl"
    return base + (".enc" if encrypted else "")


# --- keys ----------------------------------------------------------------------------------


def new_kdf_params() -> dict[str, Any]:
    return {"name": "scrypt", "salt": os.urandom(16).hex(), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}


def derive_key(passphrase: str, params: dict[str, Any]) -> bytes:
    try:
        salt = bytes.fromhex(str(params["salt"]))
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
    except (KeyError, TypeError, ValueError) as exc:
        raise RepFileRejected("The rep file's encryption settings are damaged.") from exc
    if (
        params.get("name") != "scrypt"
        or not SCRYPT_N_RANGE[0] <= n <= SCRYPT_N_RANGE[1]
        or n & (n - 1)
        or not 1 <= r <= 32
        or not 1 <= p <= 16
        or len(salt) < 16
    ):
        raise RepFileRejected("The rep file's encryption settings are not ones sdrdesk accepts.")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def manifest_mac(key: bytes, manifest_bytes: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(key).encrypt(nonce, b"", b"manifest:" + hashlib.sha256(manifest_bytes).digest())


def check_manifest_mac(key: bytes, manifest_bytes: bytes, mac: bytes) -> None:
    try:
        AESGCM(key).decrypt(mac[:12], mac[12:], b"manifest:" + hashlib.sha256(manifest_bytes).digest())
    except (InvalidTag, ValueError) as exc:
        raise WrongPassphrase(
            "The passphrase is wrong, or the rep file was changed after it was written. Nothing was imported."
        ) from exc


def _aad(file_id: str, member: str, index: int, final: bool) -> bytes:
    return f"{file_id}|{member}|".encode() + struct.pack(">Q?", index, final)


class EncryptingWriter:
    """File-like sink: buffers plaintext and writes encrypted frames to `out`."""

    def __init__(self, out: IO[bytes], key: bytes, file_id: str, member: str) -> None:
        self._out, self._aead, self._file_id, self._member = out, AESGCM(key), file_id, member
        self._buffer = bytearray()
        self._index = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._frame(bytes(self._buffer[:CHUNK]), final=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _frame(self, plain: bytes, *, final: bool) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(
            nonce, zlib.compress(plain, 1), _aad(self._file_id, self._member, self._index, final)
        )
        self._out.write(struct.pack(">I", len(sealed)) + nonce + sealed)
        self._index += 1

    def close(self) -> None:
        self._frame(bytes(self._buffer), final=True)
        self._buffer.clear()


def decrypt_frames(raw: IO[bytes], key: bytes, file_id: str, member: str) -> Iterator[bytes]:
    aead = AESGCM(key)
    index = 0
    while True:
        header = raw.read(4)
        if len(header) < 4:
            raise RepFileRejected(f"{member} is truncated: its last encrypted part is missing.")
        (length,) = struct.unpack(">I", header)
        if length > CHUNK + (CHUNK >> 4) + 1024:
            raise RepFileRejected(f"{member} holds an encrypted part larger than sdrdesk writes.")
        nonce, sealed = raw.read(12), raw.read(length)
        if len(sealed) < length:
            raise RepFileRejected(f"{member} is truncated.")
        plain = None
        for final in (False, True):
            try:
                plain = aead.decrypt(nonce, sealed, _aad(file_id, member, index, final))
            except InvalidTag:
                continue
            break
        if plain is None:
            raise WrongPassphrase(
                f"{member} did not decrypt: the file was changed or damaged. Nothing was imported."
            )
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(plain, CHUNK + 1)
        except zlib.error as exc:
            raise RepFileRejected(f"{member} is damaged.") from exc
        if len(chunk) > CHUNK or inflater.unconsumed_tail:
            raise RepFileRejected(f"{member} expands beyond sdrdesk's limits (a zip bomb?).")
        index += 1
        yield chunk
        if final:
            if raw.read(1):
                raise RepFileRejected(f"{member} has data after its last encrypted part.")
            return
