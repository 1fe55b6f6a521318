"""How fast and how hungry is the photo pipeline on a 12-megapixel phone photo?

Run by hand: ``.venv/bin/python bench/photo_pipeline.py [--runs 5] [--worst-case]``.
It builds a 4000×3000 JPEG (quality 90) with photo-like content in memory: gradients,
fractal edges, and shared luminance texture at three scales down to per-pixel grain, which
makes it about as costly to encode as a detailed phone photo (4–5 MB as JPEG). It then
prints, for the photo as stored and turned by EXIF orientation 6:

- wall time of ``process_image``: median and range over ``--runs`` runs, after a warm-up;
- CPU time (both threads) per run, a figure that other load on the machine disturbs less;
- peak memory, measured in a fresh interpreter (peak RSS) so that earlier runs and the
  fixture do not count: the process peak, and the rise over the interpreter with Pillow
  loaded and the upload in memory. ``tracemalloc`` is not used: Pillow allocates pixel
  buffers with ``malloc``, which it does not see.

``--worst-case`` adds a 40-megapixel PNG, the largest upload accepted by default: PNG has
no reduced-scale decoding, so it shows the memory ceiling a caller must budget for.

Target (issue acceptance): under 400 ms and under 200 MB on the 2-core development machine.
Wall times drift with load on a shared machine, so the load average, and the share of the
CPUs that other processes used during the timed runs, are printed with them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from PIL import ExifTags, Image, ImageChops

from participation.media.pipeline import process_image


def photo_like(width: int = 4000, height: int = 3000) -> Image.Image:
    resample = Image.Resampling.BICUBIC
    horizontal = Image.linear_gradient("L").resize((width, height))
    vertical = horizontal.transpose(Image.Transpose.ROTATE_90).resize((width, height))
    fractal = Image.effect_mandelbrot((width, height), (-2.2, -1.2, 1.0, 1.2), 96)
    # Luminance detail shared by the channels, as in a real photo: broad blotches, texture
    # like foliage or gravel, and fine sensor grain.
    detail = Image.effect_noise((width // 64, height // 64), 40).resize((width, height), resample)
    texture = Image.effect_noise((width // 4, height // 4), 40).resize((width, height), resample)
    detail = Image.blend(detail, texture, 0.5)
    detail = Image.blend(detail, Image.effect_noise((width, height), 30), 0.25)

    def channel(base: Image.Image, shape: Image.Image, weight: float) -> Image.Image:
        return ImageChops.add(Image.blend(base, shape, weight), detail, offset=-128)

    return Image.merge(
        "RGB",
        (
            channel(horizontal, fractal, 0.5),
            channel(vertical, fractal.transpose(Image.Transpose.FLIP_LEFT_RIGHT), 0.4),
            channel(
                ImageChops.multiply(horizontal, vertical),
                fractal.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
                0.3,
            ),
        ),
    )


def as_png(image: Image.Image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def as_jpeg(image: Image.Image, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Bench"
    exif[ExifTags.Base.Orientation] = orientation
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def peak_memory_mb(path: Path) -> tuple[float, float]:
    """(process peak, rise over baseline) in MB, from a fresh interpreter."""
    probe = subprocess.run(
        [sys.executable, __file__, "--memory-probe", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    peak_kb, baseline_kb = (int(value) for value in probe.stdout.split())
    return peak_kb / 1024, (peak_kb - baseline_kb) / 1024


def peak_rss_kb() -> int:
    """This process's peak resident memory in kB.

    Linux's VmHWM, not ``ru_maxrss``: the latter survives ``exec`` and would report the
    parent's peak (this script's, with its fixtures) as the child's.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def memory_probe(path: Path) -> None:
    data = path.read_bytes()
    process_image(as_jpeg(Image.new("RGB", (64, 64))))  # load the plugins and encoders
    baseline = peak_rss_kb()
    process_image(data)
    print(peak_rss_kb(), baseline)


def busy_cpu_seconds() -> float | None:
    """CPU time spent by every process on the machine so far (Linux), for the other load."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(value) for value in stat.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def bench(label: str, data: bytes, runs: int) -> None:
    processed = process_image(data)  # warm-up
    walls, cpus = [], []
    busy_before, started = busy_cpu_seconds(), time.perf_counter()
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        process_image(data)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    busy_after, elapsed = busy_cpu_seconds(), time.perf_counter() - started
    with tempfile.NamedTemporaryFile() as upload:
        upload.write(data)
        upload.flush()
        peak, rise = peak_memory_mb(Path(upload.name))
    variants = ", ".join(
        f"{v.name} {v.width}×{v.height} {len(v.data) / 1000:.0f} kB" for v in processed.variants
    )
    print(f"{label}: {len(data) / 1e6:.1f} MB → {variants}")
    print(
        f"  wall  median {statistics.median(walls) * 1000:.0f} ms"
        f"  (min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}, {runs} runs)"
    )
    print(f"  cpu   median {statistics.median(cpus) * 1000:.0f} ms (both threads)")
    if busy_before is not None and busy_after is not None:
        others = (busy_after - busy_before - sum(cpus)) / (elapsed * (os.cpu_count() or 1))
        print(f"  other processes kept {max(others, 0) * 100:.0f}% of the CPUs busy meanwhile")
    print(f"  peak  {peak:.0f} MB process RSS, {rise:.0f} MB over baseline")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--worst-case",
        action="store_true",
        help="also a 40-megapixel PNG, the largest upload accepted (no reduced-scale decoding)",
    )
    parser.add_argument("--memory-probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_probe:
        memory_probe(args.memory_probe)
        return

    photo = photo_like()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}")
    bench("12 MP, upright", as_jpeg(photo), args.runs)
    bench("12 MP, EXIF orientation 6", as_jpeg(photo, orientation=6), args.runs)
    if args.worst_case:
        bench("40 MP PNG", as_png(photo_like(7300, 5475)), args.runs)
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average after: {load}")


if __name__ == "__main__":
    main()
