#!/usr/bin/env python3
"""Draws the reader's PNG icons (the same picture as icon.svg) with zlib only.

    python3 web/make_icons.py web/   -> icon-192.png, icon-512.png
"""
import struct
import sys
import zlib
from pathlib import Path

BLUE = (0x24, 0x43, 0x5F)
PAPER = (0xF4, 0xF1, 0xEA)
GREY = (0x8A, 0x9A, 0xA8)

# Rectangles in a 64x64 design space, drawn in order: (x, y, w, h, colour).
SHAPES = [
    (14, 12, 36, 44, PAPER),
    (20, 20, 24, 3, BLUE),
    (20, 28, 24, 3, GREY),
    (20, 35, 24, 3, GREY),
    (20, 42, 16, 3, GREY),
]


def pixel(u, v):
    for x, y, w, h, colour in reversed(SHAPES):
        if x <= u < x + w and y <= v < y + h:
            return colour
    return BLUE


def png(size):
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # no filter
        for px in range(size):
            rows.extend(pixel((px + 0.5) * 64 / size, (py + 0.5) * 64 / size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for size in (192, 512):
        (out / f"icon-{size}.png").write_bytes(png(size))
