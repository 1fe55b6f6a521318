"""Untrusted photo bytes in, metadata-free WebP variants out (HOSTILE 26–29).

``process_image`` is pure, synchronous and CPU-bound: callers run it in a worker thread
(``asyncio.to_thread``). It never trusts names or declared types, only magic bytes, and it
maps every way a hostile file can fail to a domain error: ``UnsupportedMedia`` (415) for
anything that is not JPEG, PNG or WebP, ``Invalid`` (422) for files that are too large,
damaged, or decompression bombs.

The steps, in order:

1. Sniff the magic bytes; open with only the matching Pillow decoder (``formats=[...]``), so
   TIFF, PSD, FITS, GD, DCX, SPIDER, GIF, BMP, SVG/HTML text and the rest are never tried.
2. Read width × height from the header (PNG and WebP headers ourselves, before Pillow;
   JPEG through ``Image.open``, which is lazy) and refuse anything over ``max_pixels``
   before a single pixel is decoded. Pillow's own ``DecompressionBombError`` and
   ``DecompressionBombWarning`` (above ``2 × Image.MAX_IMAGE_PIXELS``) map to the same 422.
   We never change Pillow's globals (``MAX_IMAGE_PIXELS``, ``LOAD_TRUNCATED_IMAGES``):
   other code shares them and they are not thread-local. JPEGs with more than
   ``MAX_JPEG_SCANS`` scans are refused too: every progressive scan is a pass over the
   whole image, so a small file with thousands of them keeps a core busy out of all
   proportion to its size.
3. Decode the first frame only (animated WebP/APNG, MPO). JPEGs are decoded at 1/2, 1/4 or
   1/8 scale when the largest output allows it (``Image.draft``).
4. Downscale to the ``original`` size (longer side ≤ 2560 px), convert to sRGB through the
   embedded ICC profile if there is one that is not already sRGB, then apply the EXIF
   orientation: the same lookup as ``ImageOps.exif_transpose`` (EXIF tag 0x0112, falling
   back to ``tiff:Orientation`` in XMP) and the same transposition, applied to the
   downscaled image rather than the full one, which gives the same pixels for a fraction
   of the cost. The ICC conversion is skipped for profiles that call themselves sRGB
   (most phones); for others (Display P3, Adobe RGB, CMYK) it costs about as much as a
   resize of the ``original``.
5. Re-encode every output from pixel data only: the WebP encoder is never given EXIF, XMP
   or ICC data, so no GPS, thumbnail, comment, IPTC or text chunk can survive. Pixels are
   sRGB, which is what browsers assume for untagged images.

Variants are named after their width (``"320"``, ``"960"``, ``"1920"``) plus ``"original"``.
Nothing is ever upscaled: a width variant is produced only when it is narrower than the
``original`` variant, so a 1000 px wide photo yields ``"320"``, ``"960"`` and ``"original"``
(1000 px wide), and a 300 px one yields ``"original"`` alone. Each smaller variant is
resized from the next larger one, and the ``original`` is encoded in a second thread while
the smaller ones are produced (Pillow releases the GIL while resizing and encoding).
"""

from __future__ import annotations

import math
import re
import struct
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO

from PIL import ExifTags, Image, ImageCms, JpegImagePlugin

from participation.core.errors import N_, Invalid, UnsupportedMedia

DEFAULT_MAX_PIXELS = 40_000_000
ORIGINAL = "original"
ORIGINAL_LONG_SIDE = 2560
VARIANT_WIDTHS = (1920, 960, 320)
WEBP_QUALITY = 80
# libwebp's method trades encoding time for size. On 12-megapixel photos here, method 0
# encodes in under a third of method 4's time for files within a few per cent of its size.
WEBP_METHOD = 0
# Pillow's bilinear filter widens with the scale factor (a triangle over 2 × scale source
# pixels), so it antialiases when downscaling; it costs half of Lanczos, and smooths sensor
# grain a little, which makes the WebP smaller and quicker to encode than after a box filter.
RESAMPLE = Image.Resampling.BILINEAR
# Between variants: 1920 → 960 → 320 are exact 2× and 3× steps, which a reducing gap of 1
# turns into Image.reduce (a box average), several times cheaper than a convolution.
VARIANT_REDUCING_GAP = 1.0
# Encoders write 1 (baseline) to about 10–20 (progressive) scans.
MAX_JPEG_SCANS = 100

TOO_LARGE = N_(
    "This photo is too large (%(megapixels)s megapixels). "
    "Please send one of at most %(limit)s megapixels."
)
TOO_LARGE_TO_OPEN = N_(
    "This photo is too large to open. Please send one of at most %(limit)s megapixels."
)
UNREADABLE = N_(
    "We could not read this photo: it may be damaged or incomplete. Please try another one."
)

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"

# Everything Pillow's JPEG, PNG and WebP decoders raise on hostile input: truncated or
# corrupt data (OSError, SyntaxError, EOFError, struct.error), oversized text or ICC chunks
# ("Decompressed data too large", ValueError), malformed tables (IndexError, KeyError,
# TypeError, ZeroDivisionError), and the warnings it issues about corrupt EXIF or MPO data,
# should a warnings filter turn them into errors.
_DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    Warning,
)

# EXIF orientation → the transpose that shows the photo upright (as ImageOps.exif_transpose).
_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES = frozenset({5, 6, 7, 8})
_SRGB_DESCRIPTION = re.compile(r"\bsRGB\b")


@dataclass(frozen=True, slots=True)
class Variant:
    name: str
    width: int
    height: int
    data: bytes = field(repr=False)
    content_type: str = "image/webp"


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """The upright size of the uploaded photo and its re-encoded variants.

    ``variants`` runs from the narrowest to ``original``, the last and always present.
    """

    width: int
    height: int
    variants: tuple[Variant, ...]

    def variant(self, name: str) -> Variant:
        for variant in self.variants:
            if variant.name == name:
                return variant
        raise KeyError(name)


def sniff_format(data: bytes) -> str | None:
    """The Pillow format name for JPEG, PNG or WebP magic bytes, else None."""
    if data.startswith(_JPEG_MAGIC):
        return "JPEG"
    if data.startswith(_PNG_MAGIC):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def process_image(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> ProcessedImage:
    """Check, decode and re-encode an uploaded photo; see the module docstring.

    Raises ``UnsupportedMedia`` unless the bytes are JPEG, PNG or WebP, and ``Invalid``
    when the photo has more than ``max_pixels`` pixels or cannot be decoded. Pillow refuses
    more than ``2 × Image.MAX_IMAGE_PIXELS`` on its own, whatever ``max_pixels`` says.
    """
    image_format = sniff_format(data)
    if image_format is None:
        raise UnsupportedMedia()
    declared = _declared_size(data, image_format)
    if declared is not None:
        _check_pixels(declared, max_pixels)
    if image_format == "JPEG" and data.count(b"\xff\xda") > MAX_JPEG_SCANS:
        # Counts every start-of-scan marker, and any look-alike in metadata: never fewer
        # than the real scans (entropy-coded data stuffs every 0xFF with a 0x00).
        raise Invalid(UNREADABLE)

    # One helper thread: with the calling thread, enough to keep two cores busy. Pillow
    # releases the GIL while it decodes, resizes and encodes.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo") as helper:
        image = _open(data, image_format, max_pixels)
        try:
            source_size = image.size
            # The long side is capped whichever way the photo is turned, so the target
            # can be computed in the stored frame before the orientation is known.
            original_size = _fit_long_side(source_size, ORIGINAL_LONG_SIDE)
            try:
                if isinstance(image, JpegImagePlugin.JpegImageFile):
                    image.draft("RGB", original_size)
                image.load()
                orientation = _orientation(image)
                icc_profile = image.info.get("icc_profile")
                working = _resizable(image, has_icc_profile=bool(icc_profile))
            except _DECODE_ERRORS as exc:
                raise Invalid(UNREADABLE) from exc
            largest = _resize_in_halves(working, original_size, helper)
            del working
        finally:
            image.close()

        largest = _to_srgb(largest, icc_profile)
        transpose = _TRANSPOSE_FOR_ORIENTATION.get(orientation)
        if transpose is not None:
            largest = largest.transpose(transpose)
        width, height = _upright(source_size, orientation)
        return ProcessedImage(width, height, _variants(largest, width / height, helper))


def _open(data: bytes, image_format: str, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(BytesIO(data), formats=[image_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Only above 2 × Image.MAX_IMAGE_PIXELS (or above once if a warnings filter turns
        # the warning into an error): Pillow does not tell us the size, so the message
        # names only the limit.
        raise Invalid(TOO_LARGE_TO_OPEN, limit=_megapixels(max_pixels)) from exc
    except _DECODE_ERRORS as exc:
        # The magic bytes matched but the header did not parse (a polyglot, or garbage
        # behind a JPEG marker): a damaged photo rather than an unsupported type.
        raise Invalid(UNREADABLE) from exc
    try:
        _check_pixels(image.size, max_pixels)
    except Invalid:
        image.close()
        raise
    return image


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    pixels = size[0] * size[1]
    if pixels > max_pixels:
        raise Invalid(TOO_LARGE, megapixels=_megapixels(pixels), limit=_megapixels(max_pixels))


def _megapixels(pixels: int) -> str:
    """Rounded up to a tenth, so a photo just over the limit never reads as the limit."""
    tenths = math.ceil(pixels / 100_000)
    return f"{tenths // 10}" if tenths % 10 == 0 else f"{tenths / 10:.1f}"


def _declared_size(data: bytes, image_format: str) -> tuple[int, int] | None:
    """The size a PNG or WebP header declares, read before Pillow sees the file.

    Pillow's WebP decoder allocates its canvas as it opens, and Pillow's own bomb check runs
    only above ``2 × Image.MAX_IMAGE_PIXELS``; reading the header here lets our limit, with
    its precise message, come first. JPEG needs no such care: Pillow reads its frame header
    lazily, without allocating, and we check that size before decoding.
    """
    if image_format == "PNG":
        if data[12:16] == b"IHDR" and len(data) >= 24:
            return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        return None
    if image_format != "WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        height = int.from_bytes(data[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1–8); 1 when absent or unreadable."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _DECODE_ERRORS:
        # Malformed EXIF costs the photo its rotation, not its upload: the EXIF is
        # discarded anyway.
        return 1
    return orientation if orientation in _TRANSPOSE_FOR_ORIENTATION else 1


def _upright(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Swap the sides when the orientation turns the photo by a quarter (self-inverse)."""
    return (size[1], size[0]) if orientation in _SWAPS_SIDES else size


def _fit_long_side(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    if max(width, height) <= long_side:
        return size
    scale = long_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _resizable(image: Image.Image, *, has_icc_profile: bool) -> Image.Image:
    """RGB or RGBA (CMYK while a profile is waiting to convert it), ready to resample."""
    if image.mode in ("RGB", "RGBA") or (image.mode == "CMYK" and has_icc_profile):
        return image
    if image.mode.startswith("I"):
        # 16-bit greyscale PNG: scale to 8 bits; a plain convert would clip it to white.
        return image.convert("I").point(lambda value: value / 257).convert("L").convert("RGB")
    return image.convert("RGBA" if image.has_transparency_data else "RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Convert through the embedded ICC profile unless it is sRGB already (or unusable)."""
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(BytesIO(icc_profile))
            description = ImageCms.getProfileDescription(source)
            if image.mode == "CMYK" or not _SRGB_DESCRIPTION.search(description):
                converted = ImageCms.profileToProfile(
                    image,
                    source,
                    ImageCms.createProfile("sRGB"),
                    outputMode="RGBA" if image.mode == "RGBA" else "RGB",
                )
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, *_DECODE_ERRORS):
            pass  # A broken or mismatched profile: keep the pixels as they are.
    return image.convert("RGB") if image.mode == "CMYK" else image


def _resize_in_halves(
    image: Image.Image, size: tuple[int, int], helper: ThreadPoolExecutor
) -> Image.Image:
    """``image.resize(size)``, the top half in the helper thread, the bottom half here.

    Pillow filters each half from the whole source, so there is no seam: the result is that
    of one resize, give or take 1 in a few values where the filter weights round otherwise.
    Images with alpha are resized in one go, since Pillow premultiplies the whole source for
    every call.
    """
    width, height = size
    if image.mode in ("RGBA", "LA") or height < 64 or size == image.size:
        return image.resize(size, RESAMPLE)
    middle = height // 2
    source_middle = middle * image.height / height
    top = helper.submit(image.resize, (width, middle), RESAMPLE, (0, 0, image.width, source_middle))
    bottom = image.resize(
        (width, height - middle), RESAMPLE, (0, source_middle, image.width, image.height)
    )
    result = Image.new(image.mode, size)
    result.paste(top.result(), (0, 0))
    result.paste(bottom, (0, middle))
    return result


def _variants(
    largest: Image.Image, aspect_ratio: float, helper: ThreadPoolExecutor
) -> tuple[Variant, ...]:
    """Encode ``original`` in the helper thread while the smaller variants are made here.

    Heights follow the source's aspect ratio, not the rounded size of the larger variant.
    """
    original = helper.submit(_encode_webp, largest)
    smaller: list[Variant] = []
    current = largest
    for width in VARIANT_WIDTHS:
        if width >= largest.width:
            continue
        height = max(1, round(width / aspect_ratio))
        current = current.resize((width, height), RESAMPLE, reducing_gap=VARIANT_REDUCING_GAP)
        smaller.append(Variant(str(width), width, height, _encode_webp(current)))
    smaller.reverse()
    return (*smaller, Variant(ORIGINAL, largest.width, largest.height, original.result()))


def _encode_webp(image: Image.Image) -> bytes:
    # No exif=, xmp= or icc_profile=: the encoder writes pixels and nothing else.
    buffer = BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return buffer.getvalue()
