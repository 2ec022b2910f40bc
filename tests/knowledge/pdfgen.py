"""A tiny writer of text PDFs with Chinese text, for tests (no PDF library can write CJK text).

Each character is drawn with its Unicode code point as glyph id (Identity-H)
and a ToUnicode CMap maps it back, which is what text extraction reads. The
font is not embedded: viewers may show boxes, extraction does not care.
"""

from __future__ import annotations

from typing import List, Sequence

LINE_HEIGHT = 18


def _cmap(chars: Sequence[str]) -> bytes:
    entries = [f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars]
    chunks = [entries[i : i + 100] for i in range(0, len(entries), 100)]
    body = "".join(f"{len(ch)} beginbfchar\n" + "\n".join(ch) + "\nendbfchar\n" for ch in chunks)
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _content(lines: Sequence[str]) -> bytes:
    ops = ["BT", "/F1 12 Tf", f"50 800 Td {LINE_HEIGHT} TL"]
    for line in lines:
        ops.append("<" + "".join(f"{ord(c):04X}" for c in line) + "> Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def text_pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF whose pages show the given lines of (BMP) text; a page with no lines has none."""
    chars = sorted({c for page in pages for line in page for c in line})
    objects: List[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H"
        b" /DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDToGIDMap /Identity"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor 6 0 R /DW 1000 >>",
        _stream(_cmap(chars)),
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -140 1000 860]"
        b" /ItalicAngle 0 /Ascent 860 /Descent -140 /CapHeight 700 /StemV 80 >>",
    ]
    kids = []
    for page in pages:
        objects.append(_stream(_content(page)))
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (len(objects))
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
