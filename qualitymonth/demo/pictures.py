"""Photo-like pictures for the demo's sample reports: gradients, shapes and grain, so every
picture differs and the duplicate-photo check has real work to do."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def sample_photo(seed: int, taken: str, size: tuple[int, int] = (1600, 1200)) -> bytes:
    """A JPEG with EXIF DateTimeOriginal ``taken`` ("2024:09:12 10:00:00")."""
    rng = random.Random(seed)
    width, height = size
    top = tuple(rng.randrange(60, 200) for _ in range(3))
    bottom = tuple(rng.randrange(20, 120) for _ in range(3))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(80, 420), rng.randrange(60, 320)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
        else:
            draw.ellipse([x, y, x + w, y + h], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    exif = Image.Exif()
    exif[0x010F] = "示例相机"  # Make
    exif.get_ifd(0x8769)[0x9003] = taken
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()
