"""gallery_10k_open_ms: the Products page's photo gallery showing a workshop of 10,000 photos.

Measured in a child process (this file run as a script, Qt offscreen): the time from asking
the photo panel to show the whole workshop (`PhotoPanel.set_workshop` with "Whole workshop"
ticked) until every item of the first screen has its thumbnail and the grid has been painted
(a synchronous repaint once they are all there). That includes reading the 10,000 ids, the
first page of photo details and the thumbnails, all off the GUI thread. A fresh panel (empty
pixmap cache) each time; median of REPS, the first (cold) one in the note. The baseline, in
the same process, is a bare `QListView` in icon mode over 10,000 plain text items, from
`setModel` until painted the same way.

The dataset (10,000 small JPEGs of 100 products of one workshop, their rows and their 256 px
thumbnails) is built once and cached like the other datasets.
"""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if __name__ == "__main__":
    sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

from common import (  # noqa: E402
    PYTHON,
    ROOT,
    SEED,
    Sizes,
    child_env,
    copy_data_dir,
    emit_result,
    median,
    scratch,
)
from table import Row  # noqa: E402

PHOTOS = 10_000
PRODUCTS = 100
REPS = 5
TARGET_MS = 300.0
TIMEOUT_S = 600
# The right half of the Products page on a 1366x768 screen.
PANEL_SIZE = (620, 600)


def _jpeg(rng: random.Random) -> tuple[bytes, int, int]:
    from PIL import Image, ImageDraw

    width, height = (320, 240) if rng.random() < 0.7 else (240, 320)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        box = (
            sorted(rng.randrange(width) for _ in range(2)),
            sorted(rng.randrange(height) for _ in range(2)),
        )
        draw.rectangle(
            (box[0][0], box[1][0], box[0][1], box[1][1]),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue(), width, height


def gallery_db(count: int = PHOTOS, seed: int = SEED) -> Path:
    """A workshop of `count` photos (their blobs and thumbnails made), cached."""
    import datasets

    def build(folder: Path) -> None:
        from otop_desktop.db.models import Photo, Product, Workshop
        from otop_desktop.media.store import BlobStore
        from otop_desktop.media.thumbnails import thumbnail_path
        from otop_desktop.services.context import initialise, open_context

        rng = random.Random(seed)
        ctx = open_context(folder)
        try:
            initialise(ctx, "bench-gallery")
            store = BlobStore(ctx.data_dir.blobs)
            with ctx.unit_of_work() as session:
                workshop = Workshop(title="Feria de artesanías", country="HN")
                session.add(workshop)
                session.flush()
                products = [
                    Product(name=f"Producto {n + 1:03d}", workshop_id=workshop.id, category="other")
                    for n in range(PRODUCTS)
                ]
                session.add_all(products)
                session.flush()
                product_ids = [p.id for p in products]
            for first in range(0, count, 500):
                with ctx.unit_of_work() as session:
                    for index in range(first, min(count, first + 500)):
                        data, width, height = _jpeg(rng)
                        sha = store.put_bytes(data)
                        thumbnail_path(ctx.data_dir, sha)
                        session.add(
                            Photo(
                                sha256=sha,
                                product_id=product_ids[index % PRODUCTS],
                                byte_size=len(data),
                                width=width,
                                height=height,
                                caption=f"Foto {index + 1}" if index % 3 else None,
                                consent=(None, True, False)[index % 3],
                            )
                        )
        finally:
            ctx.close()

    return datasets._cached(f"gallery-n{count}-s{seed}", build)


def _first_screen_ready(view: Any, model: Any) -> bool:
    """Whether every item of the first screen has its thumbnail."""
    viewport = view.viewport().rect()
    if model.rowCount() == 0:
        return False
    for row in range(model.rowCount()):
        rect = view.visualRect(model.index(row))
        if rect.top() > viewport.bottom():
            return True
        photo_id = model.photo_id(row)
        if rect.intersects(viewport) and (photo_id is None or model.thumbnail(photo_id) is None):
            return False
    return True


def measure(data_dir: Path) -> dict[str, Any]:
    """Run in the child: open the gallery REPS times, then the bare list view."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QStringListModel
    from PySide6.QtWidgets import QApplication, QListView

    from otop_desktop.services.context import open_context
    from otop_desktop.services.workshops import list_workshops
    from otop_desktop.ui.tasks import TaskRunner
    from otop_desktop.ui.widgets.photo_panel import PhotoPanel

    app = QApplication.instance() or QApplication([])
    ctx = open_context(data_dir)
    runner = TaskRunner()
    workshop = list_workshops(ctx)[0]
    ours: list[float] = []
    shown = 0
    try:
        for _rep in range(REPS):
            panel = PhotoPanel(ctx, runner)
            panel.whole_check.setChecked(True)
            panel.resize(*PANEL_SIZE)
            panel.show()
            app.processEvents()
            start = time.perf_counter()
            panel.set_workshop(workshop.id, workshop.title)
            deadline = start + TIMEOUT_S
            while not _first_screen_ready(panel.gallery, panel.model):
                if time.perf_counter() > deadline:
                    raise RuntimeError("the gallery never showed its first screen")
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            panel.gallery.viewport().repaint()
            ours.append((time.perf_counter() - start) * 1000)
            shown = panel.model.rowCount()
            panel.shutdown()
            panel.deleteLater()
            app.processEvents()
        base: list[float] = []
        for _rep in range(REPS):
            view = QListView()
            view.setViewMode(QListView.ViewMode.IconMode)
            view.setUniformItemSizes(True)
            view.resize(*PANEL_SIZE)
            view.show()
            app.processEvents()
            start = time.perf_counter()
            strings = QStringListModel([f"Foto {n + 1}" for n in range(PHOTOS)])
            view.setModel(strings)
            app.processEvents()
            view.viewport().repaint()
            base.append((time.perf_counter() - start) * 1000)
            view.deleteLater()
            app.processEvents()
    finally:
        runner.shutdown()
        ctx.close()
    return {"ours": ours, "base": base, "photos": shown}


def gallery(sizes: Sizes) -> list[Row]:
    """The row gallery_10k_open_ms (see the module docstring)."""
    source = gallery_db()
    with scratch("gallery") as work:
        data_dir = copy_data_dir(source, work / "data", link_blobs=True)
        # The thumbnails made once are used as they are, like the photos.
        (data_dir / "thumbs").symlink_to(source / "thumbs", target_is_directory=True)
        proc = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), str(data_dir)],
            capture_output=True,
            check=False,
            text=True,
            timeout=TIMEOUT_S,
            env=child_env(),
            cwd=ROOT,
        )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("BENCH-RESULT ")]
    if not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"gallery child failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][len("BENCH-RESULT ") :])
    ours, base = result["ours"], result["base"]
    value, baseline = median(ours), median(base)
    return [
        Row(
            "gallery_10k_open_ms",
            value=value,
            unit="ms",
            baseline=baseline,
            ratio=value / baseline if baseline else None,
            target=f"<= {TARGET_MS:.0f} ms",
            ok=value <= TARGET_MS,
            note=(
                f"{result['photos']:,} photos of one workshop, panel {PANEL_SIZE[0]}x"
                f"{PANEL_SIZE[1]}: ids, first page of details and every visible thumbnail "
                f"loaded and painted; median of {len(ours)}, first (cold) {ours[0]:.0f} ms; "
                "baseline = bare QListView (icon mode) over 10,000 plain items"
            ),
        )
    ]


if __name__ == "__main__":
    emit_result(measure(Path(sys.argv[1])))
