"""A zip file written from data deflated beforehand: what the streamed workbook (results/xlsx_writer.py) needs to
compress its sheets as their rows come, instead of all at the end.

zipfile compresses what it is given, and has no public way to take an entry's data already deflated; a zip
entry's data is just a raw deflate stream (RFC 1951) with its CRC-32 and sizes in the headers (APPNOTE.TXT), so
the container is written here: for each entry a local header holding its final CRC and sizes (known before its
data: no data descriptor, no seeking back), its data; then the central directory and the end record, zip64
records where sizes or offsets pass what 32 bits hold, as zipfile writes them. Entries are the same on every run:
fixed date, fixed permissions, written as from a Unix host.

A stream may be made of several raw deflate streams one after the other, each but the last ended by a flush
(zlib's Z_SYNC_FLUSH: an empty stored block, so the next starts on a byte boundary): decompressed, they are the
concatenation of their texts; `crc32_combine` gives the CRC-32 of a concatenation from its pieces' CRCs.
"""
from __future__ import annotations

import shutil
import struct
import zlib
from typing import BinaryIO, Iterable

FIXED_ZIP_DATE = (2000, 1, 1, 0, 0, 0)
ZIP64_LIMIT = (1 << 31) - 1  # past this, a size or offset goes in a zip64 field (zipfile's limit, for its readers)
_DEFAULT_VERSION, _ZIP64_VERSION = 20, 45
_UNIX = 3
_PERMISSIONS = 0o600 << 16
_UTF8_NAME = 0x800
_DEFLATED = 8

# ---------------------------------------------------------------- CRC-32 of a concatenation (zlib's crc32_combine)

_REFLECTED_POLYNOMIAL = 0xEDB88320


def _multiply(a: int, b: int) -> int:
    """a(x) b(x) modulo the CRC-32 polynomial, both reflected (zlib's multmodp)."""
    m, product = 1 << 31, 0
    while True:
        if a & m:
            product ^= b
            if not a & (m - 1):
                return product
        m >>= 1
        b = (b >> 1) ^ _REFLECTED_POLYNOMIAL if b & 1 else b >> 1


def _powers() -> list[int]:
    """x^(2^k) modulo the polynomial, k = 0..31."""
    power, powers = 1 << 30, []  # x^1
    for _ in range(32):
        powers.append(power)
        power = _multiply(power, power)
    return powers


_X_POWERS = _powers()


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A followed by B, from crc32(A), crc32(B) and len(B): crc32(A) shifted by B's length in bits
    (times x^(8 len(B)) modulo the polynomial), plus crc32(B)."""
    shift, k, n = 1 << 31, 3, second_length  # x^0; 2^3 bits a byte
    while n:
        if n & 1:
            shift = _multiply(_X_POWERS[k & 31], shift)
        n >>= 1
        k += 1
    return _multiply(shift, first) ^ second


# ---------------------------------------------------------------- the container

def _dos_date_time() -> tuple[int, int]:
    year, month, day, hour, minute, second = FIXED_ZIP_DATE
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


class DeflatedZip:
    """Entries written one after the other to `handle` (a binary file opened for writing), then `close` writes the
    central directory. Each entry's data is given deflated (raw), with the CRC-32 and size of what it inflates to."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.offset = 0
        self.entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, flags, crc, size, compressed, offset

    def _write(self, data: bytes) -> None:
        self.handle.write(data)
        self.offset += len(data)

    def add(self, name: str, crc: int, size: int, pieces: Iterable[bytes | BinaryIO], compressed: int) -> None:
        """An entry whose deflated data is `pieces` one after the other (bytes, or a file read from its start to
        its end), `compressed` bytes in all."""
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        zip64 = size > ZIP64_LIMIT or compressed > ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, compressed) if zip64 else b""
        date, time = _dos_date_time()
        self.entries.append((encoded, flags, crc, size, compressed, self.offset))
        self._write(struct.pack("<4s2B4HL2L2H", b"PK\003\004", _ZIP64_VERSION if zip64 else _DEFAULT_VERSION, 0,
                                flags, _DEFLATED, time, date, crc, 0xFFFFFFFF if zip64 else compressed,
                                0xFFFFFFFF if zip64 else size, len(encoded), len(extra)) + encoded + extra)
        written = 0
        for piece in pieces:
            if isinstance(piece, (bytes, bytearray)):
                self._write(piece)
                written += len(piece)
            else:
                piece.seek(0)
                shutil.copyfileobj(piece, self.handle, 1 << 20)
                moved = piece.tell()  # read to its end: its length
                self.offset += moved
                written += moved
        if written != compressed:
            raise ValueError(f"{name}: {written} bytes of data, {compressed} announced")

    def add_text(self, name: str, data: bytes) -> None:
        """A small entry, deflated here at zlib's default level (as zipfile deflates)."""
        deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = deflate.compress(data) + deflate.flush()
        self.add(name, zlib.crc32(data), len(data), [deflated], len(deflated))

    def close(self) -> None:
        """The central directory and the end record (zip64 ones when there are too many entries or the directory
        lies too far)."""
        start = self.offset
        date, time = _dos_date_time()
        for encoded, flags, crc, size, compressed, offset in self.entries:
            fields = [size, compressed] if size > ZIP64_LIMIT or compressed > ZIP64_LIMIT else []
            if offset > ZIP64_LIMIT:
                fields.append(offset)
            extra = struct.pack("<HH" + "Q" * len(fields), 1, 8 * len(fields), *fields) if fields else b""
            version = _ZIP64_VERSION if fields else _DEFAULT_VERSION
            big = len(fields) >= 2
            self._write(struct.pack(
                "<4s4B4HL2L5H2L", b"PK\001\002", version, _UNIX, version, 0, flags, _DEFLATED, time, date, crc,
                0xFFFFFFFF if big else compressed, 0xFFFFFFFF if big else size, len(encoded), len(extra), 0, 0, 0,
                _PERMISSIONS, 0xFFFFFFFF if offset > ZIP64_LIMIT else offset) + encoded + extra)
        count, directory = len(self.entries), self.offset - start
        if count >= 0xFFFF or directory > ZIP64_LIMIT or start > ZIP64_LIMIT:
            record = self.offset
            self._write(struct.pack("<4sQ2H2L4Q", b"PK\006\006", 44, _ZIP64_VERSION, _ZIP64_VERSION, 0, 0, count,
                                    count, directory, start))
            self._write(struct.pack("<4sLQL", b"PK\006\007", 0, record, 1))
        self._write(struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, min(count, 0xFFFF), min(count, 0xFFFF),
                                min(directory, 0xFFFFFFFF), min(start, 0xFFFFFFFF), 0))
