"""The photo pipeline of field reports, on real images the tests make (no database).

Every image here is generated with Pillow (HEIC through pillow-heif, EXIF through `Image.Exif`),
so the tests exercise the same decoders and encoders a reporter's upload goes through.
"""

from __future__ import annotations

import io
import random
import struct
import warnings
import zlib
from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageDraw, TiffImagePlugin

from qualitymonth.core.photos import (
    MAX_PHOTO_BYTES,
    MAX_PIXELS,
    SHANGHAI,
    PhotoError,
    ProcessedPhoto,
    phash_distance,
    process_photo,
    same_picture,
    taken_outside,
)

UNSUPPORTED = "不是支持的图片格式（JPEG、PNG、WebP、HEIC）"
GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)

# 31°14'30.5123"N 121°28'10.0417"E: the Lujiazui ring, with denominators unusual enough that their
# bytes identify them in a file.
LATITUDE = (
    TiffImagePlugin.IFDRational(31, 1),
    TiffImagePlugin.IFDRational(14, 1),
    TiffImagePlugin.IFDRational(305123, 10000),
)
LONGITUDE = (
    TiffImagePlugin.IFDRational(121, 1),
    TiffImagePlugin.IFDRational(28, 1),
    TiffImagePlugin.IFDRational(100417, 10000),
)
XMP_WITH_GPS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="31,14.508539N" '
    b'exif:GPSLongitude="121,28.167362E"/></rdf:RDF></x:xmpmeta>'
)


# ---------------------------------------------------------------------------------------------
# Images the tests make


def synthetic_photo(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A photo-like picture: smooth colour waves, a few shapes and sensor-like noise."""
    rng = np.random.default_rng(seed)
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    channels = []
    for _ in range(3):
        angle, frequency = rng.uniform(0, 2 * np.pi), rng.uniform(0.5, 2.0)
        wave = np.cos(angle) * x / width + np.sin(angle) * y / height
        channels.append(127 + 100 * np.cos(frequency * np.pi * wave + rng.uniform(0, 6)))
    image = Image.fromarray(np.clip(np.stack(channels, -1), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        x0, y0 = int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 3 // 4))
        x1 = x0 + int(rng.integers(width // 16 + 1, width // 3 + 2))
        y1 = y0 + int(rng.integers(height // 16 + 1, height // 3 + 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x1, y1), fill=colour)
    noisy = np.asarray(image, dtype=np.float32) + rng.normal(0, 8, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def marked_image(size: tuple[int, int] = (120, 80)) -> Image.Image:
    """White, with a red block in the stored top-left corner and a blue one in the top-right."""
    width, height = size
    image = Image.new("RGB", size, WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 4, height // 4), fill=RED)
    draw.rectangle((width - 1 - width // 4, 0, width - 1, height // 4), fill=BLUE)
    return image


def make_exif(
    *,
    orientation: int | None = None,
    gps: bool = False,
    taken: str | None = None,
    offset: str | None = None,
    make: str | None = None,
    model: str | None = None,
    description: str | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if make is not None:
        exif[0x010F] = make
    if model is not None:
        exif[0x0110] = model
    if description is not None:
        exif[0x010E] = description  # ImageDescription, where some apps write the place
    if taken is not None or offset is not None:
        exif_ifd = exif.get_ifd(EXIF_IFD)
        if taken is not None:
            exif_ifd[0x9003] = taken
        if offset is not None:
            exif_ifd[0x9011] = offset
    if gps:
        gps_ifd = exif.get_ifd(GPS_IFD)
        gps_ifd.update({1: "N", 2: LATITUDE, 3: "E", 4: LONGITUDE, 0x12: "WGS-84"})
    return exif


def encode(image: Image.Image, fmt: str, exif: Image.Exif | None = None, **options) -> bytes:
    if exif is not None:
        options["exif"] = exif.tobytes()
    if fmt == "HEIF":
        options.setdefault("quality", 80)
        options.setdefault("enc_params", {"preset": "ultrafast"})
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(pixel, colour, tolerance: int = 60) -> bool:
    return all(abs(int(a) - int(b)) <= tolerance for a, b in zip(pixel, colour, strict=False))


def corner_colours(image: Image.Image) -> dict[str, tuple[int, ...]]:
    rgb = image.convert("RGB")
    w, h = rgb.size
    m = 3  # a few pixels in from the edge, away from JPEG ringing at the border
    return {
        "TL": rgb.getpixel((m, m)),
        "TR": rgb.getpixel((w - 1 - m, m)),
        "BL": rgb.getpixel((m, h - 1 - m)),
        "BR": rgb.getpixel((w - 1 - m, h - 1 - m)),
    }


def rejected(data: bytes, filename: str = "IMG_0001.jpg") -> PhotoError:
    with pytest.raises(PhotoError) as caught:
        process_photo(data, filename)
    return caught.value


def png_header(width: int, height: int, idat: bytes = b"") -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return synthetic_photo(1, (2400, 1600))


# ---------------------------------------------------------------------------------------------
# Every supported format


def test_a_phone_jpeg_becomes_web_thumbnail_and_public_copies(photo):
    exif = make_exif(gps=True, taken="2024:09:15 10:20:30", make="HUAWEI", model="P60 Pro")
    data = encode(photo, "JPEG", exif, quality=92)

    result = process_photo(data, "IMG_20240915_102030.jpg")

    assert isinstance(result, ProcessedPhoto)
    assert result.original == data
    assert result.original_format == "jpeg"
    assert (result.width, result.height) == (2400, 1600)
    web, thumbnail = decode(result.web), decode(result.thumbnail)
    public = decode(result.public_original)
    assert (web.format, web.size) == ("JPEG", (1920, 1280))
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (400, 267))
    assert (public.format, public.size) == ("JPEG", (2400, 1600))
    assert web.mode == thumbnail.mode == "RGB"
    assert result.camera == "HUAWEI P60 Pro"
    assert result.taken_at == datetime(2024, 9, 15, 10, 20, 30, tzinfo=SHANGHAI)
    assert result.gps == pytest.approx((31.241809, 121.469456), abs=1e-6)
    assert len(result.phash) == 16 and int(result.phash, 16) >= 0
    assert "jpeg" in repr(result) and "2400x1600" in repr(result)


def test_a_png_with_alpha_is_flattened_on_white_for_the_web_and_kept_as_png():
    image = Image.new("RGBA", (300, 200), (255, 0, 0, 0))  # left: fully transparent red
    ImageDraw.Draw(image).rectangle((150, 0, 299, 199), fill=(0, 160, 0, 255))
    data = encode(image, "PNG")

    result = process_photo(data, "截图.png")

    assert result.original_format == "png"
    web = decode(result.web)
    assert web.format == "JPEG" and web.mode == "RGB"
    assert near(web.getpixel((20, 100)), WHITE, 8)
    assert near(web.getpixel((280, 100)), (0, 160, 0), 20)
    public = decode(result.public_original)
    assert (public.format, public.mode, public.size) == ("PNG", "RGBA", (300, 200))
    assert public.getpixel((20, 100))[3] == 0
    assert public.getpixel((280, 100)) == (0, 160, 0, 255)


def test_a_webp_is_processed_and_published_as_jpeg(photo):
    data = encode(photo, "WEBP", make_exif(taken="2024:09:02 08:00:00"), quality=85)

    result = process_photo(data, "photo.webp")

    assert result.original_format == "webp"
    assert decode(result.public_original).format == "JPEG"
    assert decode(result.web).size == (1920, 1280)
    assert result.taken_at == datetime(2024, 9, 2, 8, 0, tzinfo=SHANGHAI)


def test_a_heic_from_an_iphone_is_processed():
    image = synthetic_photo(2, (2016, 1512))
    exif = make_exif(gps=True, taken="2024:09:20 16:45:00", offset="+08:00", make="Apple")
    data = encode(image, "HEIF", exif)

    result = process_photo(data, "IMG_4031.HEIC")

    assert result.original_format == "heic"
    assert (result.width, result.height) == (2016, 1512)
    assert decode(result.public_original).format == "JPEG"
    assert decode(result.web).size == (1920, 1440)
    assert result.gps == pytest.approx((31.241809, 121.469456), abs=1e-6)
    assert result.taken_at == datetime(2024, 9, 20, 16, 45, tzinfo=timezone(timedelta(hours=8)))
    assert result.camera == "Apple"


def test_a_multi_picture_jpeg_from_a_phone_is_a_jpeg(photo):
    small = photo.resize((600, 400))
    data = encode(small, "MPO", save_all=True, append_images=[small.rotate(90)])

    result = process_photo(data, "DSC_0001.JPG")

    assert result.original_format == "jpeg"
    assert (result.width, result.height) == (600, 400)


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [
        ("CMYK", "JPEG"),
        ("L", "JPEG"),
        ("P", "PNG"),
        ("LA", "PNG"),
        ("1", "PNG"),
        ("I;16", "PNG"),
        ("RGBA", "WEBP"),
        ("L", "PNG"),
    ],
)
def test_every_colour_mode_comes_out_as_a_plain_jpeg(mode, fmt):
    image = synthetic_photo(3, (200, 150)).convert(mode if mode != "I;16" else "L")
    if mode == "I;16":
        image = Image.fromarray(np.asarray(image).astype("<u2") * 257)
    data = encode(image, fmt)

    result = process_photo(data)

    for copy in (result.web, result.thumbnail):
        assert decode(copy).mode in ("RGB", "L")
        assert decode(copy).format == "JPEG"
    if mode == "I;16":  # 16-bit grey is scaled to 8 bits, not clipped to white
        assert decode(result.web).getextrema() != (255, 255)


def test_cmyk_colours_survive_the_conversion():
    image = Image.new("CMYK", (64, 64), (0, 255, 255, 0))  # red in ink
    result = process_photo(encode(image, "JPEG", quality=95))
    assert near(decode(result.web).convert("RGB").getpixel((32, 32)), RED, 40)


def test_a_png_whose_palette_has_a_transparent_entry_is_flattened_on_white():
    image = Image.new("P", (64, 64), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((32, 0, 63, 63), fill=1)
    data = encode(image, "PNG", transparency=0)

    result = process_photo(data)

    web = decode(result.web).convert("RGB")
    assert near(web.getpixel((8, 32)), WHITE, 8)
    assert near(web.getpixel((56, 32)), RED, 30)
    assert decode(result.public_original).getpixel((8, 32)) == 0  # still the transparent index


def test_a_damaged_colour_profile_is_ignored_not_fatal(photo):
    data = encode(photo.resize((300, 200)), "JPEG", icc_profile=b"not an ICC profile at all")
    assert process_photo(data).original_format == "jpeg"


def rgb_icc_profile(name: str, red, green, blue, gamma: float = 2.2) -> bytes:
    """A minimal ICC v2 matrix/TRC display profile with the given primaries (D50 XYZ)."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)

    text = name.encode("ascii") + b"\0"
    description = b"desc" + b"\0" * 4 + struct.pack(">I", len(text)) + text + b"\0" * 78
    curve = b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"
    tags = [
        (b"desc", description),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*red)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, data in tags:
        data += b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += data
    header = (
        struct.pack(">I", offset + len(body))
        + b"lcms\x02\x10\x00\x00mntrRGB XYZ "
        + b"\0" * 12
        + b"acsp"
        + b"\0" * 28
        + xyz(0.9642, 1.0, 0.8249)[8:]
        + b"\0" * 48
    )
    return header + struct.pack(">I", len(tags)) + table + body


def test_colours_are_converted_to_srgb_for_the_web_and_kept_with_their_profile_in_public():
    # A profile whose red and green primaries are swapped: the stored (255, 0, 0) is green.
    srgb_red, srgb_green = (0.4361, 0.2225, 0.0139), (0.3851, 0.7169, 0.0971)
    swapped = rgb_icc_profile("Swapped primaries", srgb_green, srgb_red, (0.1431, 0.0606, 0.7141))
    data = encode(Image.new("RGB", (64, 64), RED), "JPEG", icc_profile=swapped, quality=95)

    result = process_photo(data)

    web, public = decode(result.web), decode(result.public_original)
    assert near(web.getpixel((32, 32)), (0, 255, 0), 20)
    assert not web.info.get("icc_profile")
    assert near(public.getpixel((32, 32)), RED, 20)
    assert public.info.get("icc_profile") == swapped


def test_an_srgb_profile_is_kept_in_the_public_copy_only(photo):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    result = process_photo(encode(photo.resize((300, 200)), "JPEG", icc_profile=srgb))
    assert decode(result.public_original).info.get("icc_profile") == srgb
    assert not decode(result.web).info.get("icc_profile")


# ---------------------------------------------------------------------------------------------
# Orientation

# Where the stored top-left (red) and top-right (blue) corners appear once the photo is shown
# upright, for each EXIF orientation, straight from the EXIF specification's wording ("row 0 is
# the visual right-hand side, column 0 the visual top" for 6, and so on).
CORNERS = {
    1: ("TL", "TR"),
    2: ("TR", "TL"),
    3: ("BR", "BL"),
    4: ("BL", "BR"),
    5: ("TL", "BL"),
    6: ("TR", "BR"),
    7: ("BR", "TR"),
    8: ("BL", "TL"),
}


@pytest.mark.parametrize("orientation", sorted(CORNERS))
def test_every_exif_orientation_is_applied_to_every_copy(orientation):
    data = encode(marked_image(), "JPEG", make_exif(orientation=orientation), quality=95)

    result = process_photo(data)

    swapped = orientation >= 5
    assert (result.width, result.height) == ((80, 120) if swapped else (120, 80))
    red_corner, blue_corner = CORNERS[orientation]
    for copy in (result.web, result.thumbnail, result.public_original):
        image = decode(copy)
        assert image.size == (result.width, result.height)
        corners = corner_colours(image)
        assert near(corners[red_corner], RED), (orientation, corners)
        assert near(corners[blue_corner], BLUE), (orientation, corners)
        assert image.getexif().get(ORIENTATION, 1) == 1  # never rotated twice by a viewer


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_portrait_shot_with_orientation_6_stands_upright_in_every_format(fmt):
    data = encode(marked_image((240, 160)), fmt, make_exif(orientation=6))

    result = process_photo(data)

    assert (result.width, result.height) == (160, 240)
    corners = corner_colours(decode(result.web))
    assert near(corners["TR"], RED) and near(corners["BR"], BLUE), corners


def test_a_malformed_orientation_is_ignored(photo):
    exif = Image.Exif()
    exif[ORIENTATION] = 42
    result = process_photo(encode(photo.resize((300, 200)), "JPEG", exif))
    assert (result.width, result.height) == (300, 200)


# ---------------------------------------------------------------------------------------------
# Location and other metadata


def gps_needles(original: bytes) -> list[bytes]:
    """The bytes the GPS rationals take in a file, checked to be present in the original."""
    needles = []
    for value in (LATITUDE, LONGITUDE):
        for order in ("<", ">"):
            packed = b"".join(struct.pack(order + "LL", r.numerator, r.denominator) for r in value)
            if packed in original:
                needles.append(packed)
    assert len(needles) == 2, "the test image should carry both coordinates"
    return needles


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_no_copy_anyone_but_admins_downloads_carries_a_position(fmt):
    exif = make_exif(
        gps=True,
        taken="2024:09:15 10:20:30",
        offset="+08:00",
        make="Xiaomi",
        model="14 Ultra",
        description="Lujiazui Ring Road 1000",
    )
    options = {"xmp": XMP_WITH_GPS} if fmt == "JPEG" else {}
    data = encode(synthetic_photo(4, (320, 240)), fmt, exif, **options)
    needles = gps_needles(data)

    result = process_photo(data, f"photo.{fmt.lower()}")

    assert result.gps == pytest.approx((31.241809, 121.469456), abs=1e-6)
    for copy in (result.web, result.thumbnail, result.public_original):
        read_back = decode(copy).getexif()
        assert GPS_IFD not in read_back
        assert not read_back.get_ifd(GPS_IFD)
        for needle in needles:
            assert needle not in copy
        assert b"Lujiazui" not in copy
        assert b"GPSLatitude" not in copy and b"31,14.508539N" not in copy
    # The web copies carry no EXIF at all; the public original only camera and capture time.
    for copy in (result.web, result.thumbnail):
        assert not decode(copy).getexif()
        assert b"Exif\x00\x00" not in copy
    public = decode(result.public_original).getexif()
    assert set(public) <= {0x010F, 0x0110, EXIF_IFD}
    assert public[0x010F] == "Xiaomi" and public[0x0110] == "14 Ultra"
    assert dict(public.get_ifd(EXIF_IFD)) == {0x9003: "2024:09:15 10:20:30", 0x9011: "+08:00"}


def test_the_original_is_kept_untouched_with_its_position(photo):
    data = encode(photo.resize((300, 200)), "JPEG", make_exif(gps=True))
    result = process_photo(data)
    assert result.original is not None and result.original == data
    assert decode(result.original).getexif().get_ifd(GPS_IFD)


def test_southern_and_western_positions_are_negative(photo):
    exif = make_exif(gps=True)
    exif.get_ifd(GPS_IFD).update({1: "S", 3: "W"})
    result = process_photo(encode(photo.resize((200, 100)), "JPEG", exif))
    assert result.gps == pytest.approx((-31.241809, -121.469456), abs=1e-6)


def test_a_zero_position_means_no_fix(photo):
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (0.0, 0.0, 0.0), 3: "E", 4: (0.0, 0.0, 0.0)})
    assert process_photo(encode(photo.resize((200, 100)), "JPEG", exif)).gps is None


def test_a_photo_without_exif_has_no_time_no_position_no_camera(photo):
    result = process_photo(encode(photo.resize((200, 100)), "JPEG"))
    assert (result.taken_at, result.gps, result.camera) == (None, None, "")
    assert not decode(result.public_original).getexif()


def test_a_camera_brand_is_not_repeated():
    data = encode(marked_image(), "JPEG", make_exif(make="Canon", model="Canon EOS R6"))
    assert process_photo(data).camera == "Canon EOS R6"


# ---------------------------------------------------------------------------------------------
# Capture time


def test_a_capture_time_without_offset_is_shanghai_time():
    data = encode(marked_image(), "JPEG", make_exif(taken="2024:09:15 10:20:30"))
    taken_at = process_photo(data).taken_at
    assert taken_at == datetime(2024, 9, 15, 10, 20, 30, tzinfo=SHANGHAI)
    assert taken_at.utcoffset() == timedelta(hours=8)


def test_a_capture_time_with_offset_keeps_the_offset():
    data = encode(marked_image(), "JPEG", make_exif(taken="2024:09:15 10:20:30", offset="-05:00"))
    taken_at = process_photo(data).taken_at
    assert taken_at.utcoffset() == timedelta(hours=-5)
    assert taken_at == datetime(2024, 9, 15, 15, 20, 30, tzinfo=UTC)
    public = decode(process_photo(data).public_original).getexif().get_ifd(EXIF_IFD)
    assert public[0x9003] == "2024:09:15 10:20:30" and public[0x9011] == "-05:00"


@pytest.mark.parametrize(
    "value", ["0000:00:00 00:00:00", "    :  :     :  :  ", "2024:13:45 99:00:00"]
)
def test_an_impossible_capture_time_reads_as_unknown(value):
    data = encode(marked_image(), "JPEG", make_exif(taken=value))
    result = process_photo(data)
    assert result.taken_at is None
    assert EXIF_IFD not in decode(result.public_original).getexif()


@pytest.mark.parametrize(
    ("taken_at", "outside"),
    [
        (datetime(2024, 9, 1, 0, 0, tzinfo=SHANGHAI), False),
        (datetime(2024, 8, 31, 23, 59, 59, tzinfo=SHANGHAI), True),
        (datetime(2024, 9, 30, 23, 59, 59, tzinfo=SHANGHAI), False),
        (datetime(2024, 10, 1, 0, 0, tzinfo=SHANGHAI), True),
        # The day is the Shanghai day, whatever offset the camera recorded.
        (datetime(2024, 8, 31, 16, 30, tzinfo=UTC), False),  # 9月1日 00:30 in Shanghai
        (datetime(2024, 8, 31, 15, 59, tzinfo=UTC), True),  # 8月31日 23:59 in Shanghai
        (datetime(2024, 9, 30, 16, 30, tzinfo=UTC), True),  # 10月1日 00:30 in Shanghai
        (datetime(2024, 9, 30, 20, 0, tzinfo=timezone(timedelta(hours=-5))), True),
        (datetime(2024, 9, 30, 23, 0), False),  # naive: Shanghai time
        (datetime(2024, 10, 1, 0, 0), True),
        (date(2024, 9, 30), False),
        (None, False),  # unknown is not "outside": nothing to flag
    ],
)
def test_taken_outside_the_campaign_period(taken_at, outside):
    assert taken_outside(taken_at, date(2024, 9, 1), date(2024, 9, 30)) is outside


# ---------------------------------------------------------------------------------------------
# The same picture again


@pytest.fixture(scope="module")
def pictures() -> tuple[Image.Image, Image.Image]:
    return synthetic_photo(11), synthetic_photo(12)


def test_the_same_picture_resized_recompressed_or_converted_is_recognised(pictures):
    picture, _ = pictures
    first = process_photo(encode(picture, "JPEG", quality=92)).phash

    half = picture.resize((320, 240), Image.Resampling.LANCZOS)
    variants = {
        "resized to 50 %": encode(half, "JPEG", quality=92),
        "recompressed at quality 60": encode(picture, "JPEG", quality=60),
        "converted from PNG": encode(picture, "PNG"),
        "saved as WebP": encode(picture, "WEBP", quality=70),
    }
    for name, data in variants.items():
        again = process_photo(data).phash
        assert same_picture(first, again), (name, phash_distance(first, again))


def test_the_same_picture_rotated_by_exif_is_recognised(pictures):
    picture, _ = pictures
    upright = process_photo(encode(picture, "JPEG", quality=90)).phash
    stored_sideways = picture.transpose(Image.Transpose.ROTATE_90)  # shown upright by tag 6
    sideways = encode(stored_sideways, "JPEG", make_exif(orientation=6), quality=90)
    assert same_picture(upright, process_photo(sideways).phash)


def test_a_different_picture_is_not_the_same(pictures):
    picture, other = pictures
    first = process_photo(encode(picture, "JPEG", quality=90)).phash
    second = process_photo(encode(other, "JPEG", quality=90)).phash
    assert not same_picture(first, second)
    assert phash_distance(first, second) > 16


def test_phash_distance_counts_differing_bits():
    assert phash_distance("0123456789abcdef", "0123456789ABCDEF") == 0
    assert phash_distance("0" * 16, "f" * 16) == 64
    assert phash_distance("0" * 16, "0" * 15 + "3") == 2
    assert same_picture("0" * 16, "0" * 14 + "ff", threshold=8)
    assert not same_picture("0" * 16, "0" * 14 + "ff", threshold=7)
    with pytest.raises(ValueError):
        phash_distance("xyz", "0" * 16)


# ---------------------------------------------------------------------------------------------
# Files that are not photos we accept


def gif() -> bytes:
    return encode(Image.new("P", (10, 10)), "GIF")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        ("质量月活动照片说明：见附件。\n".encode(), None),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "可执行程序"),
        (None, "GIF"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "SVG"),
        (b"PK\x03\x04" + b"\x00" * 40, "压缩包"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 32, "AVIF"),
    ],
)
def test_a_file_that_lies_about_being_a_jpeg_is_refused(content, what):
    error = rejected(gif() if content is None else content, "现场照片.jpg")
    assert error.code == "unsupported"
    assert UNSUPPORTED in error.message
    assert "现场照片.jpg" in error.message
    if what:
        assert what in error.message


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_images_pillow_reads_but_phones_do_not_send_are_refused(fmt):
    error = rejected(encode(marked_image(), fmt), "photo.jpg")
    assert error.code == "unsupported" and UNSUPPORTED in error.message


def test_a_heic_named_jpg_is_processed_as_heic():
    data = encode(marked_image(), "HEIF")
    assert process_photo(data, "IMG_0002.jpg").original_format == "heic"


def test_a_jpeg_named_heic_and_a_png_named_jpg_are_fine():
    assert process_photo(encode(marked_image(), "JPEG"), "a.heic").original_format == "jpeg"
    assert process_photo(encode(marked_image(), "PNG"), "b.jpg").original_format == "png"


def test_an_empty_file_is_refused():
    error = rejected(b"", "IMG_0003.jpg")
    assert error.code == "empty" and "空文件" in error.message


def test_a_file_over_20_mb_is_refused_naming_cap_and_size():
    jpeg = encode(marked_image(), "JPEG")
    error = rejected(jpeg + b"\x00" * (MAX_PHOTO_BYTES - len(jpeg) + 1))
    assert error.code == "too_large"
    assert "20 MB" in error.message and "20.1 MB" in error.message
    error = rejected(b"\xff\xd8\xff" + b"\x00" * (25 * 1024 * 1024))
    assert "25.0 MB" in error.message


def test_a_file_of_exactly_20_mb_is_accepted():
    jpeg = encode(marked_image(), "JPEG")  # phones do append data after the image (Samsung)
    result = process_photo(jpeg + b"\x00" * (MAX_PHOTO_BYTES - len(jpeg)))
    assert result.width == 120


def test_process_photo_needs_bytes():
    with pytest.raises(TypeError):
        process_photo("IMG_0001.jpg")  # type: ignore[arg-type]
    assert process_photo(bytearray(encode(marked_image(), "PNG"))).original_format == "png"


# Decompression bombs


def assert_no_bomb_warning(caught: list[warnings.WarningMessage]) -> None:
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


@pytest.mark.parametrize(
    "size",
    [
        (20000, 20000),  # 400 MP: Pillow's own check would raise DecompressionBombError
        (10000, 9000),  # 90 MP: Pillow's own check would only warn
        (10000, 8001),  # just over our limit
        (1, MAX_PIXELS + 1),
    ],
)
def test_a_header_announcing_too_many_pixels_is_refused_before_decoding(size):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = rejected(png_header(*size), "bomb.png")
    assert error.code == "too_many_pixels"
    assert error.message.startswith("图片像素过大")
    assert f"{size[0]}×{size[1]}" in error.message
    assert_no_bomb_warning(caught)


def test_a_real_png_bomb_is_refused_without_inflating_it():
    width, height = 10000, 10000  # 100 MP of black, ~100 KB on disk
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    assert len(idat) < 200_000
    error = rejected(png_header(width, height, idat), "bomb.png")
    assert error.code == "too_many_pixels"


def test_a_jpeg_header_announcing_too_many_pixels_is_refused():
    data = bytearray(encode(marked_image(), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)  # height, width
    assert rejected(bytes(data)).code == "too_many_pixels"


@pytest.mark.parametrize("size", [(9000, 9000), (16384, 16384)])
def test_a_38_byte_webp_bomb_is_refused(size):
    # A flat lossless WebP spends no bits on its pixels: patching the size in its header gives a
    # valid file of 38 bytes that decodes to 81 MP (or, for the second size, 268 MP, where the
    # WebP plugin's own check fires first).
    data = bytearray(encode(Image.new("RGB", (16, 16), (90, 120, 200)), "WEBP", lossless=True))
    assert data[12:16] == b"VP8L" and data[20] == 0x2F
    header = int.from_bytes(data[21:25], "little") & ~((1 << 28) - 1)
    header |= (size[0] - 1) | ((size[1] - 1) << 14)
    data[21:25] = header.to_bytes(4, "little")
    if size == (9000, 9000):  # under Pillow's own limit: Pillow opens it, at that size
        assert Image.open(io.BytesIO(bytes(data)), formats=["WEBP"]).size == size
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = rejected(bytes(data), "photo.webp")
    assert error.code == "too_many_pixels" and error.message.startswith("图片像素过大")
    assert_no_bomb_warning(caught)


def test_exactly_the_pixel_limit_is_not_a_bomb():
    # 10000 x 8000 = MAX_PIXELS: past the guard, then refused only because there are no pixels.
    assert rejected(png_header(10000, 8000), "big.png").code == "corrupt"


def test_pillows_process_wide_limits_never_reach_the_reporter(monkeypatch, photo):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)  # as some other code might set it
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = process_photo(encode(photo.resize((300, 200)), "JPEG"))
        error = rejected(png_header(20000, 20000))
    assert result.width == 300 and error.code == "too_many_pixels"
    assert_no_bomb_warning(caught)


def test_a_jpeg_with_thousands_of_scans_is_refused():
    progressive = encode(synthetic_photo(5, (64, 64)), "JPEG", progressive=True)
    eoi = progressive.rindex(b"\xff\xd9")
    last_scan = progressive[progressive.rindex(b"\xff\xda") : eoi]
    data = progressive[:eoi] + last_scan * 2000 + b"\xff\xd9"
    assert rejected(data).code == "corrupt"


# Broken files


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_a_photo_cut_in_half_is_refused_as_broken(fmt):
    data = encode(synthetic_photo(6, (320, 240)), fmt)
    error = rejected(data[: len(data) // 2])
    assert error.code == "corrupt"
    assert error.message.startswith("图片文件已损坏")


def test_random_bytes_after_a_png_signature_are_refused_as_broken():
    data = b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4000)
    error = rejected(data, "photo.png")
    assert error.code == "corrupt" and "图片文件已损坏" in error.message


def test_a_damaged_exif_block_does_not_lose_the_photo():
    exif = make_exif(gps=True, taken="2024:09:01 09:00:00")
    data = bytearray(encode(marked_image(), "JPEG", exif))
    tiff = data.index(b"Exif\x00\x00") + 6
    data[tiff : tiff + 8] = b"XX\x00\x00\xff\xff\xff\xff"  # neither II nor MM
    result = process_photo(bytes(data))
    assert (result.width, result.taken_at, result.gps) == (120, None, None)


@pytest.mark.filterwarnings("ignore")
def test_no_input_makes_anything_but_a_photo_error_escape():
    rng = random.Random(20240901)
    small = synthetic_photo(7, (48, 32))
    exif = make_exif(orientation=6, gps=True, taken="2024:09:15 10:20:30", make="OPPO")
    seeds = [
        encode(small, "JPEG", exif),
        encode(small, "JPEG", exif, progressive=True),
        encode(small.convert("RGBA"), "PNG", exif),
        encode(small, "WEBP", exif),
        encode(small, "WEBP", exif, lossless=True),
        encode(small, "HEIF", exif),
    ]
    magics = [b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x10\x00\x00WEBPVP8 ", b""]

    def mutate(data: bytes) -> bytes:
        data = bytearray(data)
        how = rng.randrange(5)
        if how == 0:  # flip bytes
            for _ in range(rng.randint(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif how == 1:  # truncate
            del data[rng.randrange(1, len(data)) :]
        elif how == 2:  # insert garbage
            at = rng.randrange(len(data))
            data[at:at] = rng.randbytes(rng.randint(1, 64))
        elif how == 3:  # cut a piece out of the middle
            at = rng.randrange(len(data))
            del data[at : at + rng.randint(1, 64)]
        else:  # a supported magic number on random bytes
            return rng.choice(magics) + rng.randbytes(rng.randint(0, 2000))
        return bytes(data)

    outcomes = {"processed": 0, "refused": 0}
    for _ in range(400):
        data = mutate(rng.choice(seeds))
        try:
            result = process_photo(data, "fuzz.jpg")
        except PhotoError as error:
            assert error.message and error.code
            outcomes["refused"] += 1
        else:
            assert isinstance(result, ProcessedPhoto)
            assert result.gps is None or GPS_IFD not in decode(result.public_original).getexif()
            outcomes["processed"] += 1
    assert outcomes["processed"] and outcomes["refused"]  # the fuzz reaches both outcomes


def test_hashes_close_enough_to_match_always_share_a_band():
    import random

    from qualitymonth.core.photos import SAME_PICTURE_THRESHOLD, phash_bands

    rng = random.Random(7)
    for _ in range(500):
        bits = rng.getrandbits(64)
        flipped = bits
        for position in rng.sample(range(64), rng.randint(0, SAME_PICTURE_THRESHOLD)):
            flipped ^= 1 << position
        a, b = f"{bits:016x}", f"{flipped:016x}"
        assert any(x == y for x, y in zip(phash_bands(a), phash_bands(b), strict=True))
    assert len(phash_bands("0" * 16)) == SAME_PICTURE_THRESHOLD + 1
