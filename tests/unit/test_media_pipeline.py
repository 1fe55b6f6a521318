"""The photo pipeline survives hostile uploads (HOSTILE 26–29, ASVS 5.2.2, 5.2.6, 14.2.8).

Every fixture is built here with Pillow or by hand; no binary file is committed.
"""

from __future__ import annotations

import struct
import tracemalloc
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, ImageFile, ImageOps, ImageStat

from participation.core.errors import Invalid, UnsupportedMedia
from participation.media import pipeline
from participation.media.pipeline import (
    ORIGINAL,
    TOO_LARGE,
    TOO_LARGE_TO_OPEN,
    UNREADABLE,
    ProcessedImage,
    Variant,
    process_image,
    sniff_format,
)

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 40), (30, 40, 210), (230, 220, 30)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Metadata that must never reach a stored file, as it appears in bytes.
METADATA_MARKERS = (
    b"Exif",
    b"EXIF",
    b"http://ns.adobe.com/xap",
    b"XMP ",
    b"Photoshop",
    b"8BIM",
    b"GPS",
    b"ICCP",
    b"HuakaiCam",
    b"Yulin",
)


# --- fixture builders ------------------------------------------------------------------


def encode(image: Image.Image, image_format: str, **params: object) -> bytes:
    buffer = BytesIO()
    image.save(buffer, image_format, **params)
    return buffer.getvalue()


def quadrants(width: int, height: int) -> Image.Image:
    """Four flat colours, so every rotation and flip is told apart."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    image.paste(BLUE, (0, height // 2, width // 2, height))
    image.paste(YELLOW, (width // 2, height // 2, width, height))
    return image


def quadrant_colours(image: Image.Image) -> list[tuple[float, ...]]:
    """The mean colour in the middle of each quadrant, away from the edges."""
    width, height = image.size
    colours = []
    for left, top in ((0, 0), (width // 2, 0), (0, height // 2), (width // 2, height // 2)):
        box = (left + width // 8, top + height // 8, left + width * 3 // 8, top + height * 3 // 8)
        colours.append(tuple(ImageStat.Stat(image.convert("RGB").crop(box)).mean))
    return colours


def assert_close(
    actual: tuple[float, ...], expected: tuple[float, ...], tolerance: float = 12
) -> None:
    assert all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True)), (
        actual,
        expected,
    )


def tiff_block(ifds: list[list[tuple[int, int, int, bytes]]], tail: bytes = b"") -> bytes:
    """A little-endian TIFF block with the given IFDs in a row, then ``tail``.

    An entry is (tag, type, count, value); values over four bytes go after their IFD.
    A value of ``b"@IFDn"`` is replaced by the offset of IFD n, ``b"@TAIL"`` by the offset
    of ``tail``. IFD 0 links to IFD 2 (IFD1 in EXIF terms) when there are three.
    """

    def size(entries: list[tuple[int, int, int, bytes]]) -> int:
        # Placeholders ("@...") stand for four-byte offsets, which fit in the entry.
        extra = sum(len(v) + len(v) % 2 for *_, v in entries if not v.startswith(b"@"))
        extra -= sum(len(v) + len(v) % 2 for *_, v in entries if len(v) <= 4)
        return 2 + 12 * len(entries) + 4 + extra

    offsets = [8]
    for entries in ifds[:-1]:
        offsets.append(offsets[-1] + size(entries))
    tail_offset = offsets[-1] + size(ifds[-1])

    def resolve(value: bytes) -> bytes:
        if value.startswith(b"@IFD"):
            return struct.pack("<I", offsets[int(value[4:])])
        if value == b"@TAIL":
            return struct.pack("<I", tail_offset)
        return value

    out = b"II*\x00" + struct.pack("<I", 8)
    for index, entries in enumerate(ifds):
        next_ifd = offsets[2] if index == 0 and len(ifds) == 3 else 0
        data_offset = offsets[index] + 2 + 12 * len(entries) + 4
        body, extra = struct.pack("<H", len(entries)), b""
        for tag, kind, count, raw in sorted(entries):
            value = resolve(raw)
            if len(value) <= 4:
                body += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")
            else:
                body += struct.pack("<HHII", tag, kind, count, data_offset + len(extra))
                extra += value + b"\x00" * (len(value) % 2)
        out += body + struct.pack("<I", next_ifd) + extra
    return out + tail


ASCII, SHORT, LONG, RATIONAL = 2, 3, 4, 5


def exif_with_gps_and_thumbnail(orientation: int, thumbnail: bytes) -> bytes:
    ifd0 = [
        (0x010F, ASCII, 10, b"HuakaiCam\x00"),
        (0x0112, SHORT, 1, struct.pack("<H", orientation)),
        (0x8825, LONG, 1, b"@IFD1"),
    ]
    gps = [
        (1, ASCII, 2, b"N\x00"),
        (2, RATIONAL, 3, struct.pack("<6I", 30, 1, 39, 1, 5, 1)),
        (3, ASCII, 2, b"E\x00"),
        (4, RATIONAL, 3, struct.pack("<6I", 104, 1, 3, 1, 12, 1)),
    ]
    ifd1 = [
        (0x0201, LONG, 1, b"@TAIL"),
        (0x0202, LONG, 1, struct.pack("<I", len(thumbnail))),
    ]
    return b"Exif\x00\x00" + tiff_block([ifd0, gps, ifd1], tail=thumbnail)


XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:xap="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'xap:CreatorTool="HuakaiCam" exif:GPSLatitude="30,39.08N"/></rdf:RDF></x:xmpmeta>'
)


def iptc_app13(caption: bytes) -> bytes:
    """A Photoshop APP13 segment carrying an IPTC caption (record 2, dataset 120)."""
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00"
    resource += struct.pack(">I", len(iptc)) + iptc + b"\x00" * (len(iptc) % 2)
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_everything(stored: Image.Image, orientation: int = 6) -> bytes:
    """A camera-like JPEG: GPS EXIF, orientation, thumbnail, XMP, IPTC, ICC and a comment."""
    thumbnail = encode(Image.new("RGB", (160, 120), (255, 0, 255)), "JPEG")
    data = encode(
        stored,
        "JPEG",
        quality=90,
        exif=exif_with_gps_and_thumbnail(orientation, thumbnail),
        xmp=XMP,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
        comment=b"taken at Yulin East Road GPS 30.65N",
    )
    return data[:2] + iptc_app13(b"Yulin East Road, GPS 30.65N 104.06E") + data[2:]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` × ``height`` RGB pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_MAGIC
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + png_chunk(b"IEND", b"")
    )


def insert_png_chunk(png: bytes, chunk: bytes, *, before: bytes) -> bytes:
    position = png.index(before) - 4  # the length field precedes the chunk type
    return png[:position] + chunk + png[position:]


def zlib_bomb(size: int) -> bytes:
    """``size`` zero bytes, compressed (about a thousandth of ``size``)."""
    compressor = zlib.compressobj(9)
    block = b"\x00" * 1_000_000
    return b"".join(compressor.compress(block) for _ in range(size // len(block))) + (
        compressor.flush()
    )


def webp_declaring(width: int, height: int) -> bytes:
    """A lossless WebP header claiming ``width`` × ``height``, with no image data."""
    bits = (width - 1) | ((height - 1) << 14)
    body = b"\x2f" + struct.pack("<I", bits) + b"\x00" * 8
    chunk = b"VP8L" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def riff_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    kinds, position = [], 12
    while position + 8 <= len(data):
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        kinds.append(data[position : position + 4])
        position += 8 + size + size % 2
    return kinds


def assert_clean_webp(variant: Variant) -> Image.Image:
    """The variant is a bare WebP: pixels only, no EXIF, XMP, ICC or anything else."""
    assert variant.content_type == "image/webp"
    chunks = riff_chunks(variant.data)
    assert set(chunks) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}, chunks
    if b"VP8X" in chunks:
        flags = variant.data[20]
        assert flags & 0x2C == 0  # no ICC (0x20), EXIF (0x08) or XMP (0x04) flag
    for marker in METADATA_MARKERS:
        assert marker not in variant.data, marker
    image = Image.open(BytesIO(variant.data))
    assert image.format == "WEBP"
    assert set(image.info) <= {"loop", "background", "timestamp", "duration"}, image.info
    assert not image.getexif()
    assert getattr(image, "n_frames", 1) == 1
    assert image.size == (variant.width, variant.height)
    image.load()
    return image


def widths(processed: ProcessedImage) -> dict[str, tuple[int, int]]:
    return {variant.name: (variant.width, variant.height) for variant in processed.variants}


# --- metadata and orientation (HOSTILE 28) ---------------------------------------------


def test_camera_jpeg_loses_every_piece_of_metadata_and_is_turned_upright() -> None:
    stored = quadrants(1200, 2100)
    data = jpeg_with_everything(stored, orientation=6)
    source = Image.open(BytesIO(data))
    # The fixture really carries what a camera writes.
    exif = source.getexif()
    assert exif[ExifTags.Base.Orientation] == 6
    assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert ExifTags.Base.JpegIFOffset in exif.get_ifd(ExifTags.IFD.IFD1)
    assert {"xmp", "photoshop", "icc_profile", "comment"} <= set(source.info)

    processed = process_image(data)

    assert (processed.width, processed.height) == (2100, 1200)
    assert widths(processed) == {
        "320": (320, 183),
        "960": (960, 549),
        "1920": (1920, 1097),
        ORIGINAL: (2100, 1200),
    }
    upright = ImageOps.exif_transpose(source)
    for variant in processed.variants:
        image = assert_clean_webp(variant)
        for got, expected in zip(quadrant_colours(image), quadrant_colours(upright), strict=True):
            assert_close(got, expected)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_matches_pillow_exif_transpose(orientation: int) -> None:
    data = jpeg_with_everything(quadrants(240, 160), orientation=orientation)
    upright = ImageOps.exif_transpose(Image.open(BytesIO(data)))

    processed = process_image(data)

    original = assert_clean_webp(processed.variant(ORIGINAL))
    assert original.size == upright.size == (processed.width, processed.height)
    for got, expected in zip(quadrant_colours(original), quadrant_colours(upright), strict=True):
        assert_close(got, expected)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_unreadable_exif_costs_the_rotation_not_the_upload() -> None:
    data = encode(quadrants(200, 100), "JPEG", exif=b"Exif\x00\x00II*\x00\xff\xff\xff\xff")
    assert widths(process_image(data)) == {ORIGINAL: (200, 100)}


@pytest.mark.filterwarnings("error")
def test_unreadable_exif_is_no_500_when_warnings_are_errors() -> None:
    # Pillow warns while it opens the file, so this upload is refused rather than processed.
    data = encode(quadrants(200, 100), "JPEG", exif=b"Exif\x00\x00II*\x00\xff\xff\xff\xff")
    with pytest.raises(Invalid) as refused:
        process_image(data)
    assert refused.value.message == UNREADABLE


def test_png_text_chunks_and_exif_are_dropped() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "GPS 30.65N Yulin")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=True)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HuakaiCam"
    data = encode(quadrants(400, 300), "PNG", pnginfo=info, exif=exif)

    for variant in process_image(data).variants:
        assert_clean_webp(variant)


def test_webp_exif_xmp_and_icc_are_dropped() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HuakaiCam"
    data = encode(
        quadrants(400, 300),
        "WEBP",
        exif=exif,
        xmp=XMP,
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    assert {"exif", "xmp", "icc_profile"} <= set(Image.open(BytesIO(data)).info)

    for variant in process_image(data).variants:
        assert_clean_webp(variant)


def test_a_profile_that_does_not_fit_the_pixels_is_ignored() -> None:
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    for profile in (lab, b"not an ICC profile"):
        data = encode(quadrants(200, 100), "JPEG", icc_profile=profile)
        original = assert_clean_webp(process_image(data).variant(ORIGINAL))
        assert_close(quadrant_colours(original)[0], RED)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_pixels_are_converted_through_an_embedded_profile(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pillow can only build sRGB, LAB and XYZ profiles; pretend its sRGB is something else.
    monkeypatch.setattr(pipeline, "_SRGB_DESCRIPTION", pipeline.re.compile("never matches"))
    conversions: list[str] = []
    convert = ImageCms.profileToProfile

    def spy(image: Image.Image, *args: object, **kwargs: object) -> Image.Image | None:
        conversions.append(image.mode)
        return convert(image, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.ImageCms, "profileToProfile", spy)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image = quadrants(200, 100).convert(mode)
    if mode == "RGBA":
        image.paste((0, 0, 0, 0), (100, 50, 200, 100))
    data = encode(image, "PNG", icc_profile=srgb)

    original = assert_clean_webp(process_image(data).variant(ORIGINAL))

    assert conversions == [mode]
    assert original.mode == mode
    assert_close(quadrant_colours(original)[0], RED)
    if mode == "RGBA":
        assert original.getpixel((150, 75))[3] == 0  # type: ignore[index]


def test_a_profile_named_srgb_is_not_converted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline.ImageCms, "profileToProfile", None)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(quadrants(200, 100), "JPEG", icc_profile=srgb)
    assert widths(process_image(data)) == {ORIGINAL: (200, 100)}


def test_script_appended_after_the_jpeg_is_not_carried_over() -> None:
    data = encode(quadrants(200, 100), "JPEG") + b"<script>alert(document.cookie)</script>"
    for variant in process_image(data).variants:
        assert b"<script" not in variant.data
        assert_clean_webp(variant)


# --- sizes: no upscaling, draft decoding ------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2600, 1300), {"320": (320, 160), "960": (960, 480), "1920": (1920, 960)}),
        ((1000, 500), {"320": (320, 160), "960": (960, 480)}),
        ((960, 400), {"320": (320, 133)}),
        ((300, 200), {}),
        ((1500, 3000), {"320": (320, 640), "960": (960, 1920)}),
        ((5000, 3), {"320": (320, 1), "960": (960, 1), "1920": (1920, 1)}),
        ((1, 3000), {}),
    ],
)
def test_variants_are_never_wider_than_the_original_and_never_upscaled(
    size: tuple[int, int], expected: dict[str, tuple[int, int]]
) -> None:
    processed = process_image(encode(quadrants(*size), "PNG"))

    original = processed.variants[-1]
    assert original.name == ORIGINAL
    assert max(original.width, original.height) == min(max(size), 2560)
    assert widths(processed) == {**expected, ORIGINAL: (original.width, original.height)}
    assert [v.width for v in processed.variants] == sorted(v.width for v in processed.variants)
    for variant in processed.variants:
        assert variant.width <= size[0] and variant.height <= size[1]
        assert_clean_webp(variant)


def test_a_large_jpeg_is_decoded_at_reduced_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    drafts: list[tuple[str | None, tuple[int, int] | None]] = []
    draft = Image.Image.draft

    def spy(self: Image.Image, mode: str | None, size: tuple[int, int] | None) -> object:
        drafts.append((mode, size))
        return draft(self, mode, size)

    monkeypatch.setattr(pipeline.JpegImagePlugin.JpegImageFile, "draft", spy)
    processed = process_image(encode(quadrants(6000, 4000), "JPEG"))

    assert drafts == [("RGB", (2560, 1707))]
    assert widths(processed)[ORIGINAL] == (2560, 1707)
    original = assert_clean_webp(processed.variant(ORIGINAL))
    assert_close(quadrant_colours(original)[3], YELLOW)


@pytest.mark.parametrize(
    ("source", "target"), [((2000, 1500), (1280, 960)), ((997, 641), (311, 199))]
)
def test_resizing_in_halves_matches_one_resize(
    source: tuple[int, int], target: tuple[int, int]
) -> None:
    image = Image.effect_noise(source, 60).convert("RGB")
    with ThreadPoolExecutor(max_workers=1) as helper:
        halves = pipeline._resize_in_halves(image, target, helper)
    whole = image.resize(target, pipeline.RESAMPLE)
    assert max(ImageChops.difference(halves, whole).tobytes()) <= 1
    if source[1] * (target[1] // 2) % target[1] == 0:  # the halves meet on a source row
        assert halves.tobytes() == whole.tobytes()


def test_concurrent_calls_give_the_same_result_as_one_at_a_time() -> None:
    uploads = [encode(quadrants(1200 + 100 * i, 900), "JPEG") for i in range(4)]
    alone = [process_image(data) for data in uploads]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(process_image, uploads))
    assert together == alone


def test_processed_image_finds_variants_by_name() -> None:
    processed = process_image(encode(quadrants(1000, 500), "PNG"))
    assert processed.variant("960").width == 960
    with pytest.raises(KeyError):
        processed.variant("1920")


# --- colour modes --------------------------------------------------------------------


def test_transparency_survives_as_alpha() -> None:
    image = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    image.paste((*RED, 255), (0, 0, 200, 200))
    for data in (encode(image, "PNG"), encode(image.convert("P"), "PNG")):
        original = assert_clean_webp(process_image(data).variant(ORIGINAL))
        assert original.mode == "RGBA"
        assert original.getpixel((50, 100))[3] == 255  # type: ignore[index]
        assert original.getpixel((350, 100))[3] == 0  # type: ignore[index]


@pytest.mark.parametrize(
    ("mode", "fill", "expected"),
    [
        ("L", 128, (128, 128, 128)),
        ("LA", (128, 255), (128, 128, 128)),
        ("I;16", 32896, (128, 128, 128)),  # 16-bit grey: scaled down, not clipped to white
        ("1", 1, (255, 255, 255)),
        ("P", 3, (3, 3, 3)),
    ],
)
def test_png_colour_modes_become_rgb(
    mode: str, fill: int | tuple[int, int], expected: tuple[int, int, int]
) -> None:
    data = encode(Image.new(mode, (64, 64), fill), "PNG")
    original = assert_clean_webp(process_image(data).variant(ORIGINAL))
    assert_close(tuple(ImageStat.Stat(original.convert("RGB")).mean), expected, tolerance=3)


def test_cmyk_jpeg_becomes_rgb() -> None:
    data = encode(Image.new("RGB", (64, 64), RED).convert("CMYK"), "JPEG", quality=95)
    original = assert_clean_webp(process_image(data).variant(ORIGINAL))
    assert original.mode == "RGB"
    assert_close(tuple(ImageStat.Stat(original).mean), RED, tolerance=16)


# --- animation: first frame only (HOSTILE 27) ----------------------------------------


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_animated_images_keep_only_their_first_frame(image_format: str) -> None:
    frames = [Image.new("RGB", (400, 300), colour) for colour in (RED, GREEN, BLUE)]
    data = encode(frames[0], image_format, save_all=True, append_images=frames[1:], duration=100)
    assert getattr(Image.open(BytesIO(data)), "n_frames", 1) == 3

    processed = process_image(data)

    for variant in processed.variants:
        image = assert_clean_webp(variant)
        assert_close(tuple(ImageStat.Stat(image.convert("RGB")).mean), RED)


def test_multi_picture_jpeg_keeps_only_the_first_picture() -> None:
    first, second = Image.new("RGB", (300, 200), RED), Image.new("RGB", (300, 200), BLUE)
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(BytesIO(data)).format == "MPO"

    original = assert_clean_webp(process_image(data).variant(ORIGINAL))
    assert_close(tuple(ImageStat.Stat(original).mean), RED)


# --- decompression bombs (HOSTILE 26) -------------------------------------------------


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any pixel data is decoded."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("decoded pixels of an image that should have been refused")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.usefixtures("no_decoding")
def test_tiny_png_declaring_30000_by_30000_is_refused_before_decoding() -> None:
    data = png_declaring(30_000, 30_000)
    assert len(data) < 100

    tracemalloc.start()
    try:
        with pytest.raises(Invalid) as refused:
            process_image(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused.value.message == TOO_LARGE
    assert refused.value.params == {"megapixels": "900", "limit": "40"}
    assert peak < 1_000_000


@pytest.mark.usefixtures("no_decoding")
@pytest.mark.parametrize(
    ("data", "megapixels"),
    [
        (webp_declaring(16_383, 16_383), "268.5"),  # 268.40 megapixels, rounded up
        (webp_declaring(7_000, 7_000), "49"),
        (png_declaring(7_000, 7_000), "49"),
        (png_declaring(40_001, 1_000), "40.1"),
    ],
    ids=["webp-max", "webp-49mp", "png-49mp", "png-just-over"],
)
def test_headers_over_the_pixel_limit_are_refused_with_their_size(
    data: bytes, megapixels: str
) -> None:
    with pytest.raises(Invalid) as refused:
        process_image(data)
    assert refused.value.message == TOO_LARGE
    assert refused.value.params == {"megapixels": megapixels, "limit": "40"}


def test_the_pixel_limit_is_a_parameter() -> None:
    data = encode(quadrants(200, 100), "JPEG")
    with pytest.raises(Invalid) as refused:
        process_image(data, max_pixels=19_999)
    assert refused.value.params == {"megapixels": "0.1", "limit": "0.1"}
    assert widths(process_image(data, max_pixels=20_000)) == {ORIGINAL: (200, 100)}


def test_a_jpeg_over_the_limit_is_refused_from_its_header(no_decoding: None) -> None:
    data = encode(quadrants(200, 100), "JPEG")
    with pytest.raises(Invalid) as refused:
        process_image(data, max_pixels=10_000)
    assert refused.value.message == TOO_LARGE


@pytest.mark.usefixtures("no_decoding")
def test_pillow_own_bomb_error_is_a_422(monkeypatch: pytest.MonkeyPatch) -> None:
    # A JPEG frame header is read by Pillow, whose own limit is the first to trip.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 5_000)
    data = encode(quadrants(200, 100), "JPEG")
    with pytest.raises(Invalid) as refused:
        process_image(data)
    assert refused.value.message == TOO_LARGE_TO_OPEN
    assert refused.value.params == {"limit": "40"}


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillow_bomb_warning_turned_error_is_a_422(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 15_000)
    with pytest.raises(Invalid) as refused:
        process_image(encode(quadrants(200, 100), "JPEG"))
    assert refused.value.message == TOO_LARGE_TO_OPEN


def test_a_progressive_jpeg_is_fine() -> None:
    data = encode(quadrants(400, 300), "JPEG", progressive=True)
    assert data.count(b"\xff\xda") > 1
    assert widths(process_image(data)) == {"320": (320, 240), ORIGINAL: (400, 300)}


def test_a_jpeg_with_hundreds_of_scans_is_refused_before_decoding(no_decoding: None) -> None:
    data = encode(quadrants(400, 300), "JPEG", progressive=True)
    end_of_image = data.rindex(b"\xff\xd9")
    last_scan = data[data.rindex(b"\xff\xda") : end_of_image]
    bomb = data[:end_of_image] + last_scan * 200 + data[end_of_image:]
    with pytest.raises(Invalid) as refused:
        process_image(bomb)
    assert refused.value.message == UNREADABLE


# --- unsupported types and polyglots (HOSTILE 27) -------------------------------------


def pillow_bytes(image_format: str, mode: str = "RGB") -> Callable[[], bytes]:
    return lambda: encode(Image.new(mode, (32, 32), RED), image_format)


UNSUPPORTED: dict[str, Callable[[], bytes]] = {
    "svg": lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "svg with xml declaration": lambda: b'<?xml version="1.0"?><svg onload="alert(1)"/>',
    "html renamed .jpg": lambda: b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "html with leading whitespace": lambda: b"\n\n  <html><body>hi</body></html>",
    "gif": pillow_bytes("GIF", "P"),
    "bmp": pillow_bytes("BMP"),
    "tiff": pillow_bytes("TIFF"),
    "ico": pillow_bytes("ICO"),
    "ppm": pillow_bytes("PPM"),
    "pcx": pillow_bytes("PCX"),
    "psd header": lambda: b"8BPS\x00\x01" + b"\x00" * 6 + b"\x00\x03" + b"\x00" * 64,
    "fits header": lambda: b"SIMPLE  =                    T" + b" " * 2850,
    "dcx header": lambda: struct.pack("<I", 987654321) + b"\x00" * 64,
    "gd header": lambda: b"\xff\xfe\x00\x20\x00\x20\x01" + b"\x00" * 64,
    "spider header": lambda: struct.pack(">27f", *([1.0] * 27)) + b"\x00" * 64,
    "pdf": lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj",
    "zip": lambda: b"PK\x03\x04" + b"\x00" * 64,
    "riff but wave": lambda: b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32,
    "empty": lambda: b"",
    "png magic cut short": lambda: PNG_MAGIC[:7],
}


@pytest.mark.parametrize("make", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_anything_but_jpeg_png_and_webp_is_unsupported(make: Callable[[], bytes]) -> None:
    data = make()
    assert sniff_format(data) is None
    with pytest.raises(UnsupportedMedia):
        process_image(data)


POLYGLOTS: dict[str, Callable[[], bytes]] = {
    "jpeg magic then garbage": lambda: b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8,
    "jpeg magic then html": lambda: b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
    "png magic then garbage": lambda: PNG_MAGIC + b"\x00" * 64,
    "png magic then svg": lambda: PNG_MAGIC + b'<svg onload="alert(1)"/>',
    "webp magic then garbage": lambda: b"RIFF\x40\x00\x00\x00WEBPVP8 " + b"\x00" * 64,
    "png header and a gif body": lambda: (
        encode(quadrants(32, 32), "PNG")[:33] + encode(quadrants(32, 32).convert("P"), "GIF")
    ),
    "png with a wrong crc": lambda: png_declaring(8, 8)[:29] + b"\x00\x00\x00\x00",
}


@pytest.mark.parametrize("make", POLYGLOTS.values(), ids=POLYGLOTS.keys())
def test_polyglots_behind_accepted_magic_bytes_are_a_422(make: Callable[[], bytes]) -> None:
    with pytest.raises(Invalid) as refused:
        process_image(make())
    assert refused.value.message == UNREADABLE


# --- damaged files (HOSTILE 29) -------------------------------------------------------


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.2, 0.6, 0.95])
def test_truncated_files_are_a_422(image_format: str, keep: float) -> None:
    data = encode(quadrants(600, 400).effect_spread(20), image_format)
    with pytest.raises(Invalid) as refused:
        process_image(data[: int(len(data) * keep)])
    assert refused.value.message == UNREADABLE
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize("kind", [b"zTXt", b"iTXt", b"iCCP"])
@pytest.mark.parametrize("before", [b"IDAT", b"IEND"])
def test_png_with_a_huge_compressed_chunk_is_a_422(kind: bytes, before: bytes) -> None:
    bomb = zlib_bomb(20_000_000)
    body = {
        b"zTXt": b"Comment\x00\x00" + bomb,
        b"iTXt": b"Comment\x00\x01\x00\x00\x00" + bomb,
        b"iCCP": b"profile\x00\x00" + bomb,
    }[kind]
    png = encode(quadrants(64, 64), "PNG")
    data = insert_png_chunk(png, png_chunk(kind, body), before=before)
    assert len(data) < 100_000

    with pytest.raises(Invalid) as refused:
        process_image(data)
    assert refused.value.message == UNREADABLE


def test_png_with_a_large_plain_text_chunk_is_accepted_and_the_text_dropped() -> None:
    text = png_chunk(b"tEXt", b"Comment\x00" + b"Yulin " * 50_000)
    data = insert_png_chunk(encode(quadrants(64, 64), "PNG"), text, before=b"IDAT")
    for variant in process_image(data).variants:
        assert_clean_webp(variant)


def test_pillow_globals_are_left_alone() -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    process_image(encode(quadrants(64, 64), "JPEG"))
    assert before == (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
