#!/usr/bin/env python3
# png_check.py: says whether a PNG screenshot shows something (not a blank page), decoding it with zlib only.
#
#   png_check.py FILE [MIN_COLOURS [MIN_NONWHITE_PERMILLE]]
#       prints "WxH colours=N nonwhite=M (P permille)" and exits 0 when the image has at least
#       MIN_COLOURS distinct colours (default 16) and at least MIN_NONWHITE_PERMILLE per mille of
#       its pixels are not white (default 10); 1 when it is blank by that measure; 2 when the
#       file is not a PNG this decoder reads (8-bit greyscale, RGB, palette, grey+alpha, RGBA;
#       not interlaced: what Chromium writes).
#   png_check.py --pixel FILE X Y
#       prints the colour of pixel (X, Y) as rrggbb.
#   png_check.py --write-solid FILE W H RRGGBB
#       writes a W x H PNG of one colour (RGB, every row with a different filter type, so the
#       decoder's unfiltering is exercised), for testing the check itself.
#
# A text page has hundreds of colours (antialiased glyphs); a blank one has one or two.
import struct
import sys
import zlib

SIG = b"\x89PNG\r\n\x1a\n"


def chunks(data):
    if data[:8] != SIG:
        raise ValueError("not a PNG (bad signature)")
    pos = 8
    while pos + 12 <= len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) != crc:
            raise ValueError("bad CRC in chunk %r" % kind)
        yield kind, body
        pos += 12 + n
        if kind == b"IEND":
            return
    raise ValueError("truncated PNG (no IEND)")


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    """(width, height, channels, palette, rows): rows are bytes of unfiltered samples."""
    ihdr, palette, idat = None, None, []
    for kind, body in chunks(data):
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [body[i:i + 3] for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat.append(body)
    if ihdr is None:
        raise ValueError("no IHDR")
    w, h, depth, ctype, _comp, _filt, interlace = ihdr
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(ctype)
    if channels is None or depth != 8 or interlace != 0:
        raise ValueError("unsupported PNG: colour type %d, depth %d, interlace %d" % (ctype, depth, interlace))
    if ctype == 3 and palette is None:
        raise ValueError("palette image without PLTE")
    raw = zlib.decompress(b"".join(idat))
    stride = w * channels
    if len(raw) != h * (stride + 1):
        raise ValueError("image data is %d bytes, expected %d" % (len(raw), h * (stride + 1)))
    rows, prev = [], bytearray(stride)
    bpp = channels
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ftype == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif ftype == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                upleft = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], upleft)) & 255
        elif ftype != 0:
            raise ValueError("bad filter type %d on row %d" % (ftype, y))
        rows.append(bytes(line))
        prev = line
    return w, h, channels, palette, rows


def rgb_pixels(w, channels, palette, row):
    """The row's pixels as 3-byte RGB strings (alpha dropped: a screenshot is opaque)."""
    if channels == 4:
        return [row[i:i + 3] for i in range(0, 4 * w, 4)]
    if channels == 3:
        return [row[i:i + 3] for i in range(0, 3 * w, 3)]
    if palette is not None:
        return [palette[row[i]] for i in range(w)]
    step = channels
    return [bytes((row[i],)) * 3 for i in range(0, step * w, step)]


def measure(path):
    with open(path, "rb") as f:
        w, h, channels, palette, rows = decode(f.read())
    colours, nonwhite = set(), 0
    white = b"\xff\xff\xff"
    for row in rows:
        px = rgb_pixels(w, channels, palette, row)
        colours.update(px)
        nonwhite += len(px) - px.count(white)
    return w, h, len(colours), nonwhite


def write_solid(path, w, h, rgb):
    colour = bytes.fromhex(rgb)
    line = colour * w
    raw = bytearray()
    prev = bytes(len(line))
    for y in range(h):
        ftype = y % 5
        if ftype == 0:
            enc = line
        elif ftype == 1:
            enc = bytes(line[:3]) + bytes((line[i] - line[i - 3]) & 255 for i in range(3, len(line)))
        elif ftype == 2:
            enc = bytes((line[i] - prev[i]) & 255 for i in range(len(line)))
        elif ftype == 3:
            enc = bytes((line[i] - (((line[i - 3] if i >= 3 else 0) + prev[i]) >> 1)) & 255
                        for i in range(len(line)))
        else:
            enc = bytes((line[i] - paeth(line[i - 3] if i >= 3 else 0, prev[i],
                                         prev[i - 3] if i >= 3 else 0)) & 255 for i in range(len(line)))
        raw += bytes((ftype,)) + enc
        prev = line

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    with open(path, "wb") as f:
        f.write(SIG + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b""))


def main(argv):
    if len(argv) == 5 and argv[1] == "--pixel":
        with open(argv[2], "rb") as f:
            w, h, channels, palette, rows = decode(f.read())
        x, y = int(argv[3]), int(argv[4])
        if not (0 <= x < w and 0 <= y < h):
            print("outside the %dx%d image" % (w, h))
            return 2
        print(rgb_pixels(w, channels, palette, rows[y])[x].hex())
        return 0
    if len(argv) == 6 and argv[1] == "--write-solid":
        write_solid(argv[2], int(argv[3]), int(argv[4]), argv[5])
        return 0
    if len(argv) < 2 or len(argv) > 4:
        sys.stderr.write("usage: png_check.py FILE [MIN_COLOURS [MIN_NONWHITE_PERMILLE]]\n"
                         "       png_check.py --pixel FILE X Y\n"
                         "       png_check.py --write-solid FILE W H RRGGBB\n")
        return 2
    min_colours = int(argv[2]) if len(argv) > 2 else 16
    min_permille = int(argv[3]) if len(argv) > 3 else 10
    try:
        w, h, ncolours, nonwhite = measure(argv[1])
    except (OSError, ValueError, zlib.error) as e:
        print("%s: %s" % (argv[1], e))
        return 2
    permille = nonwhite * 1000 // max(1, w * h)
    print("%dx%d colours=%d nonwhite=%d (%d permille)" % (w, h, ncolours, nonwhite, permille))
    return 0 if ncolours >= min_colours and permille >= min_permille else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
