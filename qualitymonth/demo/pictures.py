"""Photo-like pictures for the demo's sample reports: gradients and soft-edged shapes, so every
picture differs and the duplicate-photo check has real work to do."""

import io
import random

from PIL import Image, ImageDraw


def sample_photo(seed: int, taken: str, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG with EXIF DateTimeOriginal ``taken`` ("2024:09:12 10:00:00")."""
    rng = random.Random(seed)
    width, height = size
    # Drawn at half size and enlarged: the enlarging softens the edges as a lens does, at a
    # tenth of the cost of blurring the full-size picture.
    small = (max(width // 2, 1), max(height // 2, 1))
    top = tuple(rng.randrange(60, 200) for _ in range(3))
    bottom = tuple(rng.randrange(20, 120) for _ in range(3))
    image = Image.new("RGB", small)
    draw = ImageDraw.Draw(image)
    for y in range(small[1]):
        t = y / small[1]
        draw.line(
            [(0, y), (small[0], y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(14):
        x, y = rng.randrange(small[0]), rng.randrange(small[1])
        w, h = rng.randrange(40, 210), rng.randrange(30, 160)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        else:
            draw.ellipse([x, y, x + w, y + h], fill=colour)
    image = image.resize(size, Image.Resampling.BICUBIC)
    exif = Image.Exif()
    exif[0x010F] = "示例相机"  # Make
    exif.get_ifd(0x8769)[0x9003] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()
