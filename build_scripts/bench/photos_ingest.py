"""Photo ingest speed: one 12-megapixel JPEG through `ingest_photo` vs a bare Pillow pipeline."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from common import Sizes, log, median, scratch, timed
from table import Row

WIDTH, HEIGHT = 4000, 3000
MAX_EDGE = 2048
THUMB_EDGE = 256
QUALITY, THUMB_QUALITY = 85, 80
TARGET = 1.3


def _camera_jpeg(path: Path) -> None:
    """A 4000 x 3000 JPEG with a camera's EXIF (date, make, GPS) and photo-like detail."""
    from PIL import Image

    noise = Image.effect_noise((WIDTH // 8, HEIGHT // 8), 64)
    channels = [
        noise.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC),
        Image.linear_gradient("L").resize((WIDTH, HEIGHT)),
        noise.transpose(Image.Transpose.ROTATE_180).resize((WIDTH, HEIGHT)),
    ]
    exif = Image.Exif()
    exif[0x010F] = "Bench Camera"
    exif[0x0112] = 1
    exif.get_ifd(0x8769)[0x9003] = "2026:03:14 09:26:53"
    exif.get_ifd(0x8825).update({1: "N", 2: (14.0, 50.0, 20.0), 3: "W", 4: (89.0, 9.0, 20.0)})
    Image.merge("RGB", channels).save(path, "JPEG", quality=92, exif=exif.tobytes())


def _bare_pipelines(source: Path, out: Path) -> dict[str, Callable[[], None]]:
    """The same work with bare Pillow: decode (draft), scale, encode, thumbnail, encode, write."""
    from PIL import Image

    lanczos = Image.Resampling.LANCZOS

    def sizes(size: tuple[int, int], edge: int) -> tuple[int, int]:
        scale = edge / max(size)
        return round(size[0] * scale), round(size[1] * scale)

    def finish(image: Image.Image) -> None:
        photo = io.BytesIO()
        image.save(photo, "JPEG", quality=QUALITY)
        (out / "photo.jpg").write_bytes(photo.getvalue())
        thumb = io.BytesIO()
        image.resize(sizes(image.size, THUMB_EDGE), reducing_gap=2.0).save(
            thumb, "JPEG", quality=THUMB_QUALITY
        )
        (out / "thumb.jpg").write_bytes(thumb.getvalue())

    def draft_resize(gap: float | None) -> Callable[[], None]:
        def run() -> None:
            image = Image.open(source)
            target = sizes(image.size, MAX_EDGE)
            image.draft("RGB", target)
            finish(image.resize(target, lanczos, reducing_gap=gap))

        return run

    def thumbnail_method() -> None:
        image = Image.open(source)
        image.thumbnail((MAX_EDGE, MAX_EDGE), lanczos)  # drafts by itself
        finish(image)

    return {
        "draft+resize": draft_resize(None),
        "draft+resize(gap 3)": draft_resize(3.0),
        "thumbnail()": thumbnail_method,
    }


def photo_ingest(sizes: Sizes) -> list[Row]:
    """Row `photo_ingest_12mp`: our ingest vs the fastest bare pipeline, interleaved."""
    from otop_desktop.media.photo_ingest import IngestOptions, ingest_photo
    from otop_desktop.services.paths import DataDir

    reps = 3 if sizes.quick else 9
    with scratch("photo-ingest") as folder:
        source = folder / "IMG_0001.JPG"
        _camera_jpeg(source)
        bare_out = folder / "bare"
        bare_out.mkdir()
        bare = _bare_pipelines(source, bare_out)
        ours: list[float] = []
        theirs: dict[str, list[float]] = {name: [] for name in bare}
        options = IngestOptions(max_edge=MAX_EDGE, quality=QUALITY)
        for _warm in range(2):  # warm the page cache, imports and Pillow's plugins
            ingest_photo(DataDir(folder / "warm"), source, options)
            for run in bare.values():
                run()
        log(f"photo ingest: {reps} runs of a {WIDTH}x{HEIGHT} JPEG")
        result = None
        for rep in range(reps):
            # A fresh data dir each time: a photo already stored would skip the writes.
            seconds, result = timed(
                lambda rep=rep: ingest_photo(DataDir(folder / f"dd{rep}"), source, options)
            )
            ours.append(seconds)
            for name, run in bare.items():
                theirs[name].append(timed(run)[0])
        medians = {name: median(times) for name, times in theirs.items()}
        fastest = min(medians, key=lambda name: medians[name])
        value, baseline = median(ours) * 1000, medians[fastest] * 1000
        ratio = value / baseline
        size_kb = result.byte_size / 1000 if result else 0
        others = ", ".join(f"{n} {m * 1000:.0f}" for n, m in medians.items() if n != fastest)
        return [
            Row(
                "photo_ingest_12mp",
                value,
                "ms",
                baseline,
                ratio,
                target=f"ratio <= {TARGET}x",
                ok=ratio <= TARGET,
                note=(
                    f"median of {reps}; {WIDTH}x{HEIGHT} -> {MAX_EDGE} px LANCZOS, q{QUALITY}, "
                    f"{size_kb:.0f} kB + 256 px thumb; baseline {fastest} (others ms: {others})"
                ),
            )
        ]
