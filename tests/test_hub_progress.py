"""Progress (issue 12, requirement 6): on a terminal, one line on stderr for a Hub check that takes longer than ~0.5 s,
saying what is read and how many of how many; nothing when stderr is not a terminal, with -q, or for a fast check."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest

from fakehub import Repo
from weightgen import safetensors_bytes

PROGRESS = re.compile(r"\r\x1b\[Kopenlint: reading [^\r\n\x1b]+ \((\d+) of (\d+)\)")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def slow_model(hub):
    head, data = safetensors_bytes({"w": ("F32", [4])})
    files = {"README.md": b"---\nlicense: mit\n---\n# m\n", "LICENSE": b"MIT", "config.json": b"{}"}
    files.update({f"model-{i:05d}-of-00004.safetensors": head + bytes(data) for i in range(1, 5)})
    hub.add_model(Repo("org/slow", "c" * 40, files=files, card_data={"license": "mit"}))
    hub.latency = 0.3
    return hub


def _check(run, monkeypatch, stream, *args: str):
    monkeypatch.setattr(sys, "stderr", stream)
    return run("check", "org/slow", "-f", "json", *args)


def test_a_slow_check_on_a_terminal_shows_one_rewritten_line(run, slow_model, monkeypatch):
    terminal = Terminal()
    result = _check(run, monkeypatch, terminal)
    assert result.code in (0, 1)
    shown = terminal.getvalue()
    updates = PROGRESS.findall(shown)
    assert updates, repr(shown)
    assert "\n" not in shown  # one line, rewritten in place
    assert shown.endswith("\r\x1b[K")  # and erased before the report
    done, total = map(int, updates[-1])
    assert done == total and total >= 8  # the metadata, 3 small files, 4 headers
    assert result.json()["release"]["name"] == "org/slow"  # stdout holds the report alone


@pytest.mark.parametrize("args", [("-q",), ("-qq",)])
def test_quiet_shows_no_progress(run, slow_model, monkeypatch, args):
    terminal = Terminal()
    assert _check(run, monkeypatch, terminal, *args).code in (0, 1)
    assert terminal.getvalue() == ""


def test_no_progress_when_stderr_is_not_a_terminal(run, slow_model):
    result = run("check", "org/slow", "-f", "json")
    assert result.code in (0, 1) and result.err == ""


def test_a_fast_check_shows_nothing(run, slow_model, monkeypatch):
    slow_model.latency = 0.0
    terminal = Terminal()
    assert _check(run, monkeypatch, terminal).code in (0, 1)
    assert terminal.getvalue() == ""


def test_progress_text_from_the_server_is_escaped(run, hub, monkeypatch):
    hostile = "evil\x1b[2J\x1b]8;;http://x\x07.safetensors"
    head, data = safetensors_bytes({"w": ("F32", [4])})
    hub.add_model(Repo("org/hostile", "c" * 40, files={"README.md": b"# m\n", hostile: head + bytes(data)}))
    hub.latency = 0.2
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run("check", "org/hostile", "-f", "json").code in (0, 1)
    assert "\x1b[2J" not in terminal.getvalue() and "\x07" not in terminal.getvalue()


def test_progress_on_a_real_pseudo_terminal(slow_model, tmp_path):
    """The installed command, its stderr a pty: what a person at a terminal sees."""
    master, slave = pty.openpty()
    env = {**os.environ, "HF_ENDPOINT": slow_model.endpoint, "HF_HUB_CACHE": str(tmp_path / "hf"), "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1", "NO_PROXY": "127.0.0.1,localhost", "HF_HOME": str(tmp_path / "hf-home")}
    env.pop("HF_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "openlint", "check", "org/slow", "-f", "json"],
                               stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    out, _ = process.communicate(timeout=60)
    os.close(master)
    assert process.returncode in (0, 1), seen
    assert json.loads(out)["release"]["name"] == "org/slow"
    assert PROGRESS.search(seen.decode(errors="replace")), seen
