"""A normal (non-editable) install carries everything: build the wheel, install it in a fresh virtual
environment and run the shipped scenarios from a folder that is not the checkout."""

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("maps", "scenarios", "sweeps")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (path,) = out.glob("patrolsim-*.whl")
    return path


def test_the_wheel_holds_every_package_and_every_shipped_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for init in (ROOT / "patrolsim").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names
    tracked = subprocess.run(
        ["git", "ls-files", *SHIPPED], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.split()
    assert tracked
    for rel in tracked:
        assert f"patrolsim/data/{rel}" in names, rel


def test_the_installed_wheel_runs_from_any_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    # the dependencies come from this interpreter's site-packages; patrolsim itself from the wheel only
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISPLAY")}
    env["SDL_VIDEODRIVER"] = "dummy"

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), capture_output=True, text=True, cwd=work, env=env, timeout=300)

    where = run(str(python), "-c", "import patrolsim; print(patrolsim.__file__)")
    assert where.stdout.startswith(str(env_dir)), where.stdout + where.stderr
    out = run(str(python), "-m", "patrolsim", "run", "office", "--duration", "120", "--json", "-", "-q")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["run"]["nodes"] == 1919
    script = run(str(env_dir / "bin" / "patrolsim"), "run", "mall_security", "--duration", "300", "-q")
    assert script.returncode == 0, script.stderr
    maps = run(str(python), "-m", "patrolsim", "maps")
    assert maps.returncode == 0 and "mesa_az" in maps.stdout and "office.txt" in maps.stdout, maps.stderr
