"""Big test databases, built once into the cache folder and reused (keyed by size, seed, schema).

A dataset is built in a temporary folder and renamed into place only when complete, so an
interrupted build is never reused. Benchmarks work on copies (common.copy_data_dir), so the
cached databases stay as built.
"""

from __future__ import annotations

import random
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common import CACHE, SEED, log, timed

RECORD_BATCH = 5_000
RECORD_FIELDS = (
    "given_names",
    "family_names",
    "gender",
    "birth_year",
    "phone",
    "email",
    "town",
    "country",
    "business_name",
    "notes",
)
NOTES = (
    "Registrada en la feria de Comayagua.",
    "Vende en el mercado los sábados.",
    "Interesada en el curso de costos y precios.",
    "Trabaja con su familia en el taller.",
)


def _schema() -> str:
    from otop_desktop.db import migrate

    return migrate.head_revision()


def _cached(key: str, build: Callable[[Path], None]) -> Path:
    """The cached folder `key`, built by `build(folder)` the first time."""
    final = CACHE / f"{key}-{_schema()}"
    if final.is_dir():
        return final
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = CACHE / f"partial-{final.name}-{uuid.uuid4().hex[:8]}"
    log(f"building dataset {final.name} (once; cached in {CACHE})")
    try:
        seconds, _none = timed(lambda: build(partial))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    log(f"built {final.name} in {seconds:.0f} s")
    return final


def demo_db(trainees: int, seed: int = SEED) -> Path:
    """A demo programme of `trainees` trainees, 6 sessions per workshop, no photos."""

    def build(folder: Path) -> None:
        from otop_desktop.services.context import initialise, open_context
        from otop_desktop.services.demo import build_demo

        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-demo")
            build_demo(ctx, trainees=trainees, sessions=6, photos=0, seed=seed)
        finally:
            ctx.close()

    return _cached(f"demo-t{trainees}-s{seed}", build)


def record_fields(count: int, seed: int = SEED) -> Iterator[dict[str, Any]]:
    """`count` trainees with the 10 RECORD_FIELDS filled, the same for the same seed."""
    from otop_desktop.domain.text import fold
    from otop_desktop.services import demo_names as names

    rng = random.Random(seed)
    towns = names.HONDURAS_TOWNS + names.GUATEMALA_TOWNS
    for index in range(count):
        female = rng.random() < 0.62
        given = rng.choice(names.SPANISH_GIVEN_F if female else names.SPANISH_GIVEN_M)
        family = " ".join(rng.sample(names.SPANISH_FAMILY, 2))
        town = rng.choice(towns)
        yield {
            "given_names": given,
            "family_names": family,
            "gender": "female" if female else "male",
            "birth_year": rng.randint(1960, 2006),
            "phone": f"{rng.choice('389')}{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            "email": f"{fold(given)}.{index}@example.org",
            "town": town,
            "country": "HN" if town in names.HONDURAS_TOWNS else "GT",
            "business_name": f"Taller {family.split()[0]} {index}",
            "notes": rng.choice(NOTES),
        }


def records_db(count: int, seed: int = SEED) -> Path:
    """`count` trainees of 10 fields, inserted through the ORM so change capture logs them."""

    def build(folder: Path) -> None:
        from otop_desktop.db.models import Trainee
        from otop_desktop.services.context import initialise, open_context

        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-source")
            batch: list[dict[str, Any]] = []
            done = 0
            for fields in record_fields(count, seed):
                batch.append(fields)
                if len(batch) == RECORD_BATCH:
                    with ctx.unit_of_work() as session:
                        session.add_all([Trainee(**f) for f in batch])
                    done += len(batch)
                    batch = []
                    if done % 20_000 == 0:
                        log(f"  {done:,} / {count:,} records")
            if batch:
                with ctx.unit_of_work() as session:
                    session.add_all([Trainee(**f) for f in batch])
        finally:
            ctx.close()

    return _cached(f"records-n{count}-s{seed}", build)


def photo_bytes(index: int, size: int, seed: int = SEED) -> bytes:
    """Incompressible bytes that start like a JPEG, about `size` long (±15 %)."""
    rng = random.Random(seed * 1_000_003 + index)
    length = int(size * rng.uniform(0.85, 1.15))
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(length - 11)


def photos_db(count: int, size: int, seed: int = SEED) -> Path:
    """`count` photos of about `size` bytes in the blob store, each with a Photo row."""

    def build(folder: Path) -> None:
        from otop_desktop.db.models import Photo
        from otop_desktop.media.store import BlobStore
        from otop_desktop.services.context import initialise, open_context

        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-photos")
            store = BlobStore(ctx.data_dir.blobs)
            for first in range(0, count, 500):
                with ctx.unit_of_work() as session:
                    for index in range(first, min(count, first + 500)):
                        data = photo_bytes(index, size, seed)
                        sha = store.put_bytes(data)
                        session.add(
                            Photo(sha256=sha, byte_size=len(data), caption=f"Foto {index + 1}")
                        )
        finally:
            ctx.close()

    return _cached(f"photos-n{count}-b{size}-s{seed}", build)


def photo_paths(data_dir: Path) -> list[Path]:
    """Every blob of a photos dataset, in a stable order."""
    blobs = data_dir / "blobs"
    return sorted(p for p in blobs.glob("??/*") if p.is_file())
