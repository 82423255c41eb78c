"""CAR v1 framing (a varint-prefixed header, then varint-prefixed CID + block pairs) and CIDs.

Bluesky repositories come from people under investigation, so every length is checked against
the bytes actually present; a damaged file yields what can be read plus a plain description.
Blocks are DAG-CBOR, decoded with cbor2; a CID link is CBOR tag 42 (formats.md §7).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

import cbor2

CODEC_DAG_CBOR = 0x71
_SHA256 = 0x12
_MAX_VARINT_BYTES = 9  # 63 bits: more than any real length
MAX_BLOCK_BYTES = 8 << 20  # records are at most a few hundred KiB; anything bigger is refused
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
DECODE_ERRORS = (cbor2.CBORError, ValueError, TypeError, RecursionError, MemoryError,
                 OverflowError, KeyError)


class CarError(ValueError):
    """The bytes are not a readable CAR; the message says why in plain words."""


def read_varint(buf: bytes, pos: int, end: int | None = None) -> tuple[int, int]:
    """An unsigned LEB128 varint at ``pos``: (value, position after it)."""
    end = len(buf) if end is None else end
    value = shift = 0
    for count in range(_MAX_VARINT_BYTES):
        if pos + count >= end:
            raise CarError("it ends in the middle of a length")
        byte = buf[pos + count]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos + count + 1
        shift += 7
    raise CarError("it holds a length too long to be real")


def read_cid(buf: bytes, pos: int, end: int) -> tuple[bytes, int]:
    """The binary CID at ``pos`` (v0 or v1): (its bytes, position after it)."""
    if end - pos >= 2 and buf[pos] == _SHA256 and buf[pos + 1] == 0x20:
        if pos + 34 > end:
            raise CarError("it ends in the middle of a block address")
        return bytes(buf[pos:pos + 34]), pos + 34
    version, at = read_varint(buf, pos, end)
    if version != 1:
        raise CarError(f"a block address has unknown version {version}")
    _, at = read_varint(buf, at, end)  # codec
    _, at = read_varint(buf, at, end)  # hash function
    size, at = read_varint(buf, at, end)
    if at + size > end:
        raise CarError("it ends in the middle of a block address")
    return bytes(buf[pos:at + size]), at + size


def link(value: Any) -> bytes | None:
    """The CID bytes of a DAG-CBOR link (tag 42, a 0x00 prefix then the CID), else None."""
    if isinstance(value, cbor2.CBORTag) and value.tag == 42 and isinstance(value.value, bytes) \
            and value.value[:1] == b"\x00" and len(value.value) > 3:
        return value.value[1:]
    return None


def cid_text(cid: bytes) -> str:
    """The usual text form: base58 ``Qm...`` for v0, base32 ``bafy...`` for v1."""
    if len(cid) == 34 and cid[0] == _SHA256:
        number = int.from_bytes(cid, "big")
        digits = ""
        while number:
            number, rest = divmod(number, 58)
            digits = _B58[rest] + digits
        return digits
    return "b" + base64.b32encode(cid).decode("ascii").lower().rstrip("=")


def hash_matches(cid: bytes, block: bytes | memoryview) -> bool | None:
    """True/False when the CID holds a SHA-256 of the block; None for other hashes."""
    digest = cid[2:] if len(cid) == 34 and cid[0] == _SHA256 else None
    if digest is None:
        try:
            at = read_varint(cid, read_varint(cid, 0)[1])[1]
            code, at = read_varint(cid, at)
            size, at = read_varint(cid, at)
        except CarError:
            return False
        if code != _SHA256 or size != 32:
            return None
        digest = cid[at:at + size]
    return hashlib.sha256(block).digest() == digest


def decode(block: bytes) -> Any:
    """A DAG-CBOR block as Python values (links stay CBORTag 42); raises CarError."""
    try:
        return cbor2.loads(block)
    except DECODE_ERRORS as exc:
        raise CarError(f"a block is not valid CBOR ({type(exc).__name__})") from None


@dataclass(slots=True)
class Car:
    """A parsed CAR: its roots and where each block's bytes are (read lazily)."""

    data: bytes
    roots: list[bytes] = field(default_factory=list)
    spans: dict[bytes, tuple[int, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def block(self, cid: bytes) -> bytes | None:
        """A block's bytes, or None if the file does not hold it."""
        span = self.spans.get(cid)
        return self.data[span[0]:span[1]] if span else None


def read_header(data: bytes) -> tuple[list[bytes], int]:
    """The header's root CIDs and where the first block starts; raises CarError."""
    size, pos = read_varint(data, 0)
    if size == 0 or size > MAX_BLOCK_BYTES or pos + size > len(data):
        raise CarError("its header length does not fit the file")
    header = decode(data[pos:pos + size])
    if not isinstance(header, dict) or header.get("version") != 1:
        raise CarError("it does not start with a CAR version 1 header")
    roots = header.get("roots")
    found = [c for c in (link(r) for r in roots) if c] if isinstance(roots, list) else []
    if not found:
        raise CarError("its header names no root block")
    return found, pos + size


def parse(data: bytes) -> Car:
    """Index every block; a damaged tail stops the index with a problem, keeping the rest."""
    roots, pos = read_header(data)
    car = Car(data=data, roots=roots)
    end = len(data)
    view = memoryview(data)
    bad_hashes = 0
    while pos < end:
        try:
            size, start = read_varint(data, pos)
            if size == 0 or start + size > end:
                raise CarError("a block is longer than the rest of the file (it is cut short)")
            cid, body = read_cid(data, start, start + size)
        except CarError as exc:
            car.problems.append(f"reading stopped after {len(car.spans):,} blocks: {exc}")
            break
        pos = start + size
        if pos - body > MAX_BLOCK_BYTES:
            car.problems.append(f"a block of {pos - body:,} bytes was skipped (too large)")
            continue
        if hash_matches(cid, view[body:pos]) is False:
            bad_hashes += 1
        car.spans.setdefault(cid, (body, pos))
    if bad_hashes:
        blocks = ("1 block does not match its" if bad_hashes == 1
                  else f"{bad_hashes:,} blocks do not match their")
        car.problems.append(f"{blocks} content hash: the file was altered or damaged after "
                            "export")
    return car
