import re
import shutil
import subprocess
import sys

import pytest

from server.config import PROJECT_ROOT, ConfigError, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    source = (PROJECT_ROOT / "server" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"(JIANFU_[A-Z_]+)"', source))
    assert names and {n for n in names if f"`{n}`" not in README} == set()


def test_the_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({"JIANFU_SECRET": "s", "JIANFU_K": "4"}, "JIANFU_K may not be below 5: smaller cells expose reporters"),
        (
            {"JIANFU_SECRET": "s", "JIANFU_MIN_LEVEL": "street"},
            "JIANFU_MIN_LEVEL must be one of province, city, county, township, village, grid",
        ),
        ({}, "JIANFU_SECRET is required (set it to 32 or more random bytes)"),
    ],
)
def test_settings_refuse_what_would_expose_reporters(environ, problem):
    with pytest.raises(ConfigError, match=re.escape(problem)):
        Settings.from_env(environ)


def test_settings_read_the_environment():
    settings = Settings.from_env(
        {"JIANFU_SECRET": "s", "JIANFU_K": "12", "JIANFU_WAGE": "30", "JIANFU_DATABASE_URL": "postgres://x@h/db"}
    )
    assert (settings.k, settings.wage, settings.database_url, settings.min_level) == (
        12,
        30.0,
        "postgres://x@h/db",
        "township",
    )


@pytest.mark.slow  # tortoise makemigrations in a process of its own
def test_models_match_the_committed_migrations(tmp_path):
    """A model change without `tortoise makemigrations` would leave the store behind the code."""
    shutil.copytree(PROJECT_ROOT / "server", tmp_path / "server", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"JIANFU_DATABASE_URL": f"sqlite://{tmp_path}/drift.sqlite3", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "tortoise", "-c", "server.db.TORTOISE_ORM", "makemigrations"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1:] == ["No changes detected"], result.stdout + result.stderr
