"""Render the one app-icon SVG into the .png, .ico and .icns files the installers need.

    python installers/make_icons.py            # writes resources/icons/sdrdesk{.ico,.icns,-N.png}

Qt's SVG renderer (already a dependency) draws each size; the ICO and ICNS containers are written
here by hand, so no Pillow or iconutil is needed and the same script runs on every OS. Both
containers are documented, small formats:

* ICO: a directory of entries. Sizes below 256 are stored as 32-bit DIBs (what every Windows
  tool, NSIS and the PE resource compiler accept); 256 is stored as PNG, which Windows has read
  since Vista and which keeps the file small.
* ICNS: a big-endian list of (type, length, PNG) chunks, using the PNG-only types (ic07..ic14).
"""

from __future__ import annotations

import argparse
import struct
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SVG = ROOT / "resources" / "icons" / "sdrdesk.svg"
DEFAULT_OUT = ROOT / "resources" / "icons"

PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 256)
# PNG-payload ICNS types and their pixel sizes (the set Pillow and iconutil write).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"ic11", 32),    # 16pt @2x
    (b"ic12", 64),    # 32pt @2x
    (b"ic07", 128),
    (b"ic13", 256),   # 128pt @2x
    (b"ic08", 256),
    (b"ic14", 512),   # 256pt @2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512pt @2x
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn into a size x size straight-alpha ARGB image."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    # Straight (non-premultiplied) alpha: what PNG and the ICO DIB payload both expect.
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError("Qt could not encode a PNG (is the imageformats plugin missing?)")
    buffer.close()
    return bytes(data.data())


def _dib_bytes(image: QImage) -> bytes:
    """A 32-bit BITMAPINFOHEADER + BGRA rows (bottom-up) + 1-bit AND mask, as ICO wants."""
    width, height = image.width(), image.height()
    # Format_ARGB32 is stored as B, G, R, A bytes on little-endian hosts, which is DIB order.
    if sys.byteorder != "little":
        raise RuntimeError("ICO DIB writing assumes a little-endian host")
    stride = image.bytesPerLine()
    raw = bytes(image.constBits())[: stride * height]
    rows = [raw[y * stride: y * stride + width * 4] for y in range(height)]
    xor = b"".join(reversed(rows))
    mask_stride = ((width + 31) // 32) * 4
    mask_rows = []
    for row in reversed(rows):
        bits = bytearray(mask_stride)
        for x in range(width):
            if row[x * 4 + 3] == 0:  # fully transparent: set the AND bit for pre-alpha renderers
                bits[x // 8] |= 0x80 >> (x % 8)
        mask_rows.append(bytes(bits))
    mask = b"".join(mask_rows)
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, len(xor) + len(mask), 0, 0, 0, 0)
    return header + xor + mask


def build_ico(svg: Path, sizes: Iterable[int] = ICO_SIZES) -> bytes:
    payloads: list[tuple[int, bytes]] = []
    for size in sorted(set(sizes)):
        if not 1 <= size <= 256:
            raise ValueError(f"ICO sizes are 1..256, not {size}")
        image = render(svg, size)
        payloads.append((size, png_bytes(image) if size >= 256 else _dib_bytes(image)))
    header = struct.pack("<HHH", 0, 1, len(payloads))
    offset = len(header) + 16 * len(payloads)
    entries, blobs = [], []
    for size, blob in payloads:
        side = 0 if size == 256 else size  # 0 means 256 in the one-byte width/height fields
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(blob), offset))
        blobs.append(blob)
        offset += len(blob)
    return header + b"".join(entries) + b"".join(blobs)


def build_icns(svg: Path, types: Sequence[tuple[bytes, int]] = ICNS_TYPES) -> bytes:
    cache: dict[int, bytes] = {}
    chunks = []
    for kind, size in types:
        if size not in cache:
            cache[size] = png_bytes(render(svg, size))
        chunks.append(kind + struct.pack(">I", 8 + len(cache[size])) + cache[size])
    body = b"".join(chunks)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_all(svg: Path, out: Path, name: str = "sdrdesk") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = out / f"{name}-{size}.png"
        path.write_bytes(png_bytes(render(svg, size)))
        written.append(path)
    for path, data in ((out / f"{name}.ico", build_ico(svg)), (out / f"{name}.icns", build_icns(svg))):
        path.write_bytes(data)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help="source SVG (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    parser.add_argument("--name", default="sdrdesk", help="file name stem (default: %(default)s)")
    args = parser.parse_args(argv)
    for path in write_all(args.svg, args.out, args.name):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
