"""The built wheel carries its rules and schemas: installed elsewhere, openlint still works."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

import pytest

from conftest import EXAMPLE, ROOT


@pytest.mark.slow
def test_wheel_installs_and_runs_from_an_unrelated_directory(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("openlint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "openlint/data/rules/licenses.yaml" in names
    assert "openlint/data/schemas/report.schema.json" in names
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)  # installed into by this suite's pip (--python): no second copy of pip to set up
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-compile", str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(env_dir / "bin" / "openlint"), "check", str(EXAMPLE), "-f", "json"], cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"grade": "A"' in result.stdout
    rules = subprocess.run([str(env_dir / "bin" / "openlint"), "rules"], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert "OLS001" in rules.stdout
    location = subprocess.run([str(python), "-c", "import openlint.support.resources as r; print(r.rules_dir())"], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert str(ROOT) not in location.stdout and "site-packages" in location.stdout
