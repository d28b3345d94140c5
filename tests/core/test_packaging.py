"""Packaging: what `pip install .` ships."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_python_package_is_shipped() -> None:
    """Each folder of bot/ and adapters/ with an __init__.py is listed in pyproject's packages."""
    listed = set(
        tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("bot", "adapters")
        for init in (REPO / top).rglob("__init__.py")
    }
    assert found <= listed, f"not shipped: {sorted(found - listed)}"


def test_seed_transcripts_are_package_data() -> None:
    """The bundled seeds are shipped inside the package as bot.seeds."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["bot.seeds"] == "seeds"
    assert "*.txt" in config["package-data"]["bot.seeds"]
    assert list((REPO / "seeds").glob("*.txt"))


def test_fonts_templates_and_styles_are_package_data() -> None:
    """Every file the cards and pages read at run time (fonts, their licences, templates, the
    stylesheet) matches a package-data pattern, so `pip install .` ships it."""
    from fnmatch import fnmatch

    data = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    for package, folder in (
        ("bot.cards", "fonts"),
        ("bot.web", "templates"),
        ("bot.web", "static"),
    ):
        root = REPO / Path(*package.split("."))
        files = [p.relative_to(root).as_posix() for p in (root / folder).iterdir()]
        assert files, folder
        for name in files:
            assert any(fnmatch(name, pattern) for pattern in data[package]), name
