"""CLI `product` and `photo` commands: ids on stdout, money in tables, a batch's exit code."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from otop_desktop.cli import run


def cli(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> tuple[int, str, str]:
    code = run(["--data-dir", str(data), *args])
    out, err = capsys.readouterr()
    return code, out, err


def _jpeg(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (80, 60)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_product_add_edit_list_and_delete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code, out, _ = cli(capsys, data, "workshop", "add", "--title", "Bambú", "--country", "HN")
    workshop = out.strip()
    code, out, err = cli(
        capsys, data, "product", "add", "--name", "Silla de bambú", "--category", "bamboo",
        "--workshop", workshop, "--country", "HN", "--town", "Comayagua", "--price", "1250.5",
    )  # fmt: skip
    assert (code, err) == (0, "")
    chair = out.strip()
    code, out, _ = cli(
        capsys, data, "product", "add", "--name", "柴燒花器", "--country", "TW", "--price", "1200",
    )  # fmt: skip
    vase = out.strip()
    code, out, _ = cli(capsys, data, "product", "list")
    assert code == 0
    assert "HNL1,250.50" in out and "NT$1,200.00" in out
    assert "Honduras" in out and "Taiwan" in out
    code, out, _ = cli(capsys, data, "--lang", "es", "product", "list", "--country", "HN")
    assert " L1,250.50 " in out  # lempiras as written in Honduras
    code, out, _ = cli(capsys, data, "product", "list", "--country", "hn", "--json")
    (row,) = json.loads(out)
    assert (row["id"], row["price"], row["currency"]) == (chair, "1250.5", "HNL")
    assert row["workshop_title"] == "Bambú"
    code, out, _ = cli(capsys, data, "--lang", "es", "product", "edit", vase, "--price", "1.500")
    assert code == 0
    code, out, _ = cli(capsys, data, "product", "list", "--search", "花器", "--json")
    assert [(r["id"], r["price"]) for r in json.loads(out)] == [(vase, "1500")]
    code, out, _ = cli(capsys, data, "product", "delete", chair)
    assert code == 0
    code, out, _ = cli(capsys, data, "product", "list", "--json")
    assert [r["id"] for r in json.loads(out)] == [vase]


def test_product_errors_are_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    code, out, err = cli(
        capsys, data, "product", "add", "--name", "Hamaca", "--price", "1500.5", "--currency", "PYG"
    )
    assert (code, out) == (1, "")
    assert "PYG" in err and err.count("\n") == 1
    code, _, err = cli(capsys, data, "product", "add", "--category", "bamboo")
    assert code == 1 and "Name" in err
    code, _, err = cli(capsys, data, "product", "edit", "no-such-id")
    assert code == 2
    code, _, err = cli(capsys, data, "photo", "list", "--product", "no-such-id")
    assert code == 1 and "no-such-id" in err


def test_photo_add_reports_each_file_and_exits_1_when_one_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _code, out, _ = cli(capsys, data, "product", "add", "--name", "Cántaro")
    product = out.strip()
    card = tmp_path / "card"
    _jpeg(card / "DCIM" / "IMG_0001.JPG", (200, 10, 10))
    _jpeg(card / "DCIM" / "IMG_0002.JPG", (10, 200, 10))
    single = _jpeg(tmp_path / "cantaro.jpg", (10, 10, 200), (400, 300))
    broken = tmp_path / "roto.jpg"
    broken.write_bytes(b"not a photo at all")
    code, out, err = cli(
        capsys, data, "photo", "add", str(card), str(single), str(broken), str(single),
        "--product", product, "--max-edge", "300", "--consent", "yes",
    )  # fmt: skip
    assert code == 1
    assert out.splitlines() == [
        "IMG_0001.JPG: added",
        "IMG_0002.JPG: added",
        "cantaro.jpg: added",
        "cantaro.jpg: already there",
        "3 photos added, 1 already there, 1 failed.",
    ]
    assert err.startswith("roto.jpg: failed: ") and err.count("\n") == 1
    code, out, _ = cli(capsys, data, "photo", "list", "--product", product, "--json")
    listed = json.loads(out)
    assert len(listed) == 3
    assert {p["consent"] for p in listed} == {True}
    assert max(max(p["width"], p["height"]) for p in listed) == 300  # --max-edge applied
    # All good this time: exit 0.
    code, out, _ = cli(capsys, data, "photo", "add", str(single), "--product", product)
    assert code == 0 and "already there" in out


def test_photo_caption_consent_and_delete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _code, out, _ = cli(capsys, data, "product", "add", "--name", "Comal")
    product = out.strip()
    cli(
        capsys,
        data,
        "photo",
        "add",
        str(_jpeg(tmp_path / "c.jpg", (1, 2, 3))),
        "--product",
        product,
    )
    _code, out, _ = cli(capsys, data, "photo", "list", "--product", product, "--json")
    (photo,) = json.loads(out)
    assert photo["consent"] is None
    assert cli(capsys, data, "photo", "caption", photo["id"], "Comal de barro")[0] == 0
    assert cli(capsys, data, "photo", "consent", photo["id"], "no")[0] == 0
    _code, out, _ = cli(capsys, data, "photo", "list", "--product", product)
    assert "Comal de barro" in out and " no " in out
    assert cli(capsys, data, "photo", "consent", photo["id"], "maybe")[0] == 2
    assert cli(capsys, data, "photo", "delete", photo["id"])[0] == 0
    _code, out, _ = cli(capsys, data, "photo", "list", "--product", product, "--json")
    assert json.loads(out) == []
