"""Draw the app icons (a stack of three bars growing shorter: less load) as PNG, no image library.

.venv/bin/python -m server.cli.icons    # writes static/icons/*.png
"""

from __future__ import annotations

import struct
import zlib

from server.config import PROJECT_ROOT

RED, WHITE = (155, 28, 28, 255), (255, 255, 255, 255)
ICONS = PROJECT_ROOT / "static" / "icons"


def png(width: int, height: int, pixel) -> bytes:
    """A PNG of `pixel(x, y) -> (r, g, b, a)`."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def icon(size: int, maskable: bool = False) -> bytes:
    """Bars inside the middle 60% (40% when maskable, to stay in the safe zone), rounded corners."""
    inner = 0.4 if maskable else 0.6
    left, top = size * (1 - inner) / 2, size * (1 - inner) / 2
    bars = [(0, 1.0), (0.38, 0.72), (0.76, 0.44)]  # (top offset, width) as fractions of the inner box
    radius = 0 if maskable else size * 0.18

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        if radius:
            cx, cy = min(max(x, radius), size - radius), min(max(y, radius), size - radius)
            if (x - cx) ** 2 + (y - cy) ** 2 > radius**2:
                return (0, 0, 0, 0)
        u, v = (x - left) / (size * inner), (y - top) / (size * inner)
        for offset, width in bars:
            if offset <= v <= offset + 0.24 and (1 - width) / 2 <= u <= (1 + width) / 2:
                return WHITE
        return RED

    return png(size, size, pixel)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in (
        ("icon-192.png", 192, False),
        ("icon-512.png", 512, False),
        ("icon-maskable-512.png", 512, True),
    ):
        (ICONS / name).write_bytes(icon(size, maskable))
        print(f"wrote static/icons/{name}")


if __name__ == "__main__":
    main()
