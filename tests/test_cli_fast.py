"""The pre-commit hook's command line without click (cli/fast.py): the same Options, output and exit status as the
click CLI, and every other command line left to click."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from openlint import cli
from openlint.cli import commands, fast
from openlint.cli import app as click_cli

PLAIN = [
    ["check"],
    ["check", "--format", "concise", "--quiet-on-success"],
    ["check", "some/folder", "-f", "json", "--no-config"],
    ["check", "--format=sarif", "org/name", "--offline", "--partial"],
    ["check", "-q", "-q", "--fail-on", "warning", "--min-grade", "C", "--color"],
    ["check", "--no-color", "--statistics", "--fail-on=never", "--min-grade=A", "--verbose", "-v", "x"],
    ["check", "--format", "text", "--format", "github", "--color", "--no-color"],
    ["check", "--min-grade", "c", "x"],  # a grade in lower case, as --select takes codes
]
NOT_PLAIN = [
    [], ["rules"], ["--version"], ["check", "--help"], ["check", "-h"], ["check", "a", "b"], ["check", "--format"],
    ["check", "--format", "bogus"], ["check", "--format=", "x"], ["check", "-fjson"], ["check", "-f=json"], ["check", "-qv"],
    ["check", "--", "x"], ["check", "-"], ["check", ""], ["check", "-o", "report.sarif"], ["check", "--config", "c.yaml"],
    ["check", "--select", "OLS"], ["check", "--rules", "r.yaml"], ["check", "--timeout", "3"], ["check", "--token", "t"],
    ["check", "--quiet-on-succes"], ["check", "--offline=true"], ["check", "--format", "-q"], ["--no-color", "check"],
]


def _options_through(entry, argv, monkeypatch):
    seen = []
    monkeypatch.setattr(commands, "run_check", lambda options: seen.append(options) or 0)
    with pytest.raises(SystemExit) as exit_info:
        entry(list(argv))
    assert exit_info.value.code in (0, None)
    (options,) = seen
    return options


@pytest.mark.parametrize("argv", PLAIN, ids=" ".join)
@pytest.mark.parametrize("environment", [{}, {"GITHUB_ACTIONS": "true", "NO_COLOR": "1"}])
def test_a_plain_check_gives_the_options_click_gives(argv, environment, monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert fast.parse(argv) is not None
    assert _options_through(cli.main, argv, monkeypatch) == _options_through(click_cli.main, argv, monkeypatch)


@pytest.mark.parametrize("argv", NOT_PLAIN, ids=" ".join)
def test_anything_else_is_left_to_click(argv):
    assert fast.parse(argv) is None


def test_shell_completion_and_windows_are_left_to_click(monkeypatch):
    monkeypatch.setenv("_OPENLINT_COMPLETE", "bash_source")
    assert fast.parse(["check"]) is None
    monkeypatch.delenv("_OPENLINT_COMPLETE")
    monkeypatch.setattr(fast.os, "name", "nt")  # click expands wildcards in the arguments there
    assert fast.parse(["check"]) is None


def _raising(exc):
    def run_check(options):
        raise exc
    return run_check


@pytest.mark.parametrize("exc", [
    KeyboardInterrupt(), EOFError(), OSError(errno.EPIPE, "Broken pipe"), OSError(errno.ENOSPC, "No space left"),
    RuntimeError("a bug \x1b[31m"), ValueError("token hf_abcdefghijklmnopqrstuvwxyz0123 in an answer"),
], ids=lambda exc: type(exc).__name__ + str(getattr(exc, "errno", "") or ""))
def test_a_failure_is_reported_as_the_click_cli_reports_it(exc, capsys, monkeypatch):
    results = []
    for entry in (cli.main, click_cli.main):
        monkeypatch.setattr(sys, "stdout", sys.stdout)  # click may wrap it after a broken pipe
        monkeypatch.setattr(sys, "stderr", sys.stderr)
        monkeypatch.setattr(commands, "run_check", _raising(exc))
        with pytest.raises((SystemExit, OSError)) as raised:
            entry(["check", "--format", "concise", "--quiet-on-success"])
        captured = capsys.readouterr()
        results.append((type(raised.value), getattr(raised.value, "code", None), captured.out, captured.err))
    assert results[0] == results[1]


def test_an_error_is_reported_as_the_click_cli_reports_it(tmp_path, capsys):
    results = []
    for entry in (cli.main, click_cli.main):
        with pytest.raises(SystemExit) as raised:
            entry(["check", str(tmp_path / "missing"), "--format", "concise"])
        captured = capsys.readouterr()
        results.append((raised.value.code, captured.out, captured.err))
    assert results[0] == results[1] and results[0][0] == 2 and "openlint: error:" in results[0][2]


@pytest.mark.parametrize("argv", [["--quiet-on-success"], [], ["-f", "json"]])
def test_the_check_itself_prints_and_exits_as_through_click(argv, release, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    folder = release({"README.md": "---\nlicense: apache-2.0\n---\n# tiny\n"})
    results = []
    for entry in (cli.main, click_cli.main):
        with pytest.raises(SystemExit) as raised:
            entry(["check", str(folder), "--format", "concise", *argv])
        captured = capsys.readouterr()
        results.append((raised.value.code, captured.out, captured.err))
    assert results[0] == results[1] and results[0][0] == 1 and results[0][1]


def test_the_hook_does_not_import_click(example):
    code = ("import atexit, sys; atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] == 'click'))); "
            "sys.argv = ['openlint', 'check', '--format', 'concise', '--quiet-on-success']; "
            "from openlint.cli import console; console()")
    result = subprocess.run([sys.executable, "-c", code], cwd=example, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n" and result.stderr == ""


def test_the_collector_is_left_as_found_in_a_callers_process(release, capsys, monkeypatch):
    # the console script pauses and freezes the garbage collector around its own start-up (cli/collector.py); a
    # caller of main, with ARGV or with sys.argv, keeps its collector as it was, whichever way the command ends
    import gc

    monkeypatch.setenv("NO_COLOR", "1")
    folder = release({"README.md": "---\nlicense: apache-2.0\n---\n# tiny\n"})
    frozen = gc.get_freeze_count()
    for argv in (["check", str(folder)], ["rules"], ["check", "--format", "bogus"]):
        for given in (argv, None):
            monkeypatch.setattr(sys, "argv", ["openlint", *argv])
            with pytest.raises(SystemExit):
                cli.main(given)
            assert gc.isenabled() and gc.get_freeze_count() == frozen, (argv, given)
    capsys.readouterr()


def test_the_console_script_collects_garbage_once_started(example):
    # paused while start-up builds what lives until exit, the collector runs again for the check itself
    code = ("import gc, sys; from openlint.cli import commands; real = commands.run_check; "
            "commands.run_check = lambda options: print(gc.isenabled(), gc.get_freeze_count() > 0) or real(options); "
            "sys.argv = ['openlint', 'check', '--format', 'concise', '--quiet-on-success']; "
            "from openlint.cli import console; console()")
    result = subprocess.run([sys.executable, "-c", code], cwd=example, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True True\n"
