"""Benchmark the photo pipeline of field reports (`process_photo`), per megapixel.

Run:  .venv/bin/python bench/bench_photos.py [--runs N] [--budget SECONDS] [--quick]

Makes phone-like photos in memory (smooth colour, shapes and sensor noise, so that they compress
like real photos; EXIF with orientation 6, GPS, capture time and camera, as a phone held upright
writes them), then times `process_photo` on each: detect, guard, decode once, orient, web copy,
thumbnail, public full-size copy, metadata and perceptual hash. For each photo it prints the best
and median time over N runs (a case stops early once it has used its time budget, after at least
3 runs), the median per megapixel, and how long Pillow alone takes to decode the same file, the
floor no pipeline can go under. Nothing is asserted; compare the figures run to run.

Cases: JPEG at 4, 12 and 24 MP, HEIC and WebP at 12 MP (an iPhone's and an Android's 4032×3024),
and a PNG phone screenshot. The whole run stays well under a minute on a laptop.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, features

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pillow_heif  # noqa: E402

from qualitymonth.core.photos import ProcessedPhoto, process_photo  # noqa: E402


@dataclass
class Case:
    name: str
    size: tuple[int, int]  # as stored in the file, before orientation
    fmt: str  # Pillow's format name for writing
    filename: str


@dataclass
class Result:
    case: Case
    data: bytes
    processed: ProcessedPhoto
    decode: float  # best time of Pillow alone decoding the file
    times: list[float]

    @property
    def megapixels(self) -> float:
        return self.case.size[0] * self.case.size[1] / 1_000_000


CASES = [
    Case("JPEG 4 MP", (2304, 1728), "JPEG", "IMG_0001.jpg"),
    Case("JPEG 12 MP", (4032, 3024), "JPEG", "IMG_0002.jpg"),
    Case("JPEG 24 MP", (6000, 4000), "JPEG", "DSC_0003.JPG"),
    Case("HEIC 12 MP", (4032, 3024), "HEIF", "IMG_0004.HEIC"),
    Case("WebP 12 MP", (4032, 3024), "WEBP", "IMG_0005.webp"),
    Case("PNG screenshot 3 MP", (1179, 2556), "PNG", "Screenshot_0006.png"),
]


def phone_photo(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth colour, a few shapes and luminance noise: compresses like a real photo."""
    width, height = size
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    channels = [
        40 + 170 * x + 25 * np.sin(9 * y),
        60 + 120 * y + 30 * np.cos(7 * x),
        90 + 100 * x * y + 0 * x,
    ]
    image = Image.merge(
        "RGB", [Image.fromarray(np.clip(c, 0, 255).astype(np.uint8)) for c in channels]
    )
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        extent = int(rng.integers(width // 30, width // 5))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x0 + extent, y0 + extent * 2 // 3), fill=colour)
    noise = Image.effect_noise(size, 14)  # centred on 128
    return ImageChops.add(image, Image.merge("RGB", [noise] * 3), 1.0, -128)


def screenshot(size: tuple[int, int]) -> Image.Image:
    """Flat panels and lines of 'text': what phone screenshots look like to a PNG encoder."""
    width, height = size
    image = Image.new("RGB", size, (246, 246, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 160), fill=(196, 30, 58))
    for top in range(220, height - 120, 150):
        draw.rounded_rectangle((40, top, width - 40, top + 130), 24, fill="white")
        for line in range(3):
            y = top + 24 + line * 34
            length = (width - 160) * (3 + (top + line) % 5) // 8
            draw.rectangle((70, y, 70 + length, y + 18), fill=(60, 60, 60))
    return image


def phone_exif() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # held upright: stored landscape, shown portrait
    exif[0x010F], exif[0x0110] = "HUAWEI", "P60 Pro"
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003], exif_ifd[0x9011] = "2024:09:15 10:20:30", "+08:00"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 30.51), 3: "E", 4: (121.0, 28.0, 10.04)})
    return exif.tobytes()


def make_input(case: Case, seed: int) -> bytes:
    buffer = io.BytesIO()
    if case.fmt == "PNG":
        screenshot(case.size).save(buffer, format="PNG")
        return buffer.getvalue()
    image = phone_photo(case.size, seed)
    options: dict = {"exif": phone_exif()}
    if case.fmt == "JPEG":
        options.update(quality=92)
    elif case.fmt == "HEIF":
        # x265's default preset takes ~30 s for 12 MP; the file decodes the same either way.
        options.update(quality=80, enc_params={"preset": "ultrafast"})
    elif case.fmt == "WEBP":
        options.update(quality=85, method=0)
    image.save(buffer, format=case.fmt, **options)
    return buffer.getvalue()


def decode_only(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def measure(case: Case, data: bytes, runs: int, budget: float) -> Result:
    processed = process_photo(data, case.filename)  # warm up: plugins, colour profiles
    decode = min(_timed(lambda: decode_only(data)) for _ in range(3))
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs:
        times.append(_timed(lambda: process_photo(data, case.filename)))
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return Result(case, data, processed, decode, times)


def _timed(call) -> float:
    t0 = time.perf_counter()
    call()
    return time.perf_counter() - t0


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def report(results: list[Result]) -> str:
    header = (
        "photo",
        "stored",
        "MP",
        "file",
        "decode ms",
        "best ms",
        "median ms",
        "ms/MP",
        "runs",
        "web",
        "thumb",
        "public",
    )
    rows = []
    for r in results:
        median = statistics.median(r.times) * 1000
        rows.append(
            (
                r.case.name,
                "{}×{}".format(*r.case.size),
                f"{r.megapixels:.1f}",
                _size(len(r.data)),
                f"{r.decode * 1000:.0f}",
                f"{min(r.times) * 1000:.0f}",
                f"{median:.0f}",
                f"{median / r.megapixels:.1f}",
                str(len(r.times)),
                _size(len(r.processed.web)),
                _size(len(r.processed.thumbnail)),
                _size(len(r.processed.public_original)),
            )
        )
    widths = [max(len(x) for x in column) for column in zip(header, *rows, strict=True)]

    def line(values) -> str:
        return "  ".join(
            value.ljust(width) if index == 0 else value.rjust(width)
            for index, (value, width) in enumerate(zip(values, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per photo (default 5)")
    parser.add_argument(
        "--budget", type=float, default=4.0, help="seconds per photo before stopping early"
    )
    parser.add_argument(
        "--quick", action="store_true", help="only the 4 MP JPEG and the PNG, 3 runs each"
    )
    args = parser.parse_args(argv)
    cases = [c for c in CASES if not args.quick or c.name in ("JPEG 4 MP", "PNG screenshot 3 MP")]
    runs = 3 if args.quick else max(1, args.runs)

    libheif = pillow_heif.libheif_info().get("libheif", "?")
    print(
        f"Python {platform.python_version()}, Pillow {Image.__version__} "
        f"(libjpeg-turbo {features.version('libjpeg_turbo')}, libwebp {features.version('webp')}), "
        f"pillow-heif {pillow_heif.__version__} (libheif {libheif}), "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}"
    )
    started = time.perf_counter()
    inputs = [make_input(case, seed) for seed, case in enumerate(CASES) if case in cases]
    print(f"made {len(inputs)} test photos in {time.perf_counter() - started:.1f} s")
    print()

    results = []
    for case, data in zip(cases, inputs, strict=True):
        results.append(measure(case, data, runs, args.budget))
        print(f"  {case.name}: {statistics.median(results[-1].times) * 1000:.0f} ms", flush=True)
    print()
    print(report(results))
    print()
    print(
        "decode = Pillow alone opening and decoding the file (the floor); best/median = the\n"
        "whole process_photo call; ms/MP = median per megapixel (small photos pay the fixed cost\n"
        "of a full 1920 px web copy, so their ms/MP is higher); web/thumb/public = output sizes.\n"
        f"Every photo but the PNG carries EXIF orientation 6 and GPS. Total "
        f"{time.perf_counter() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
