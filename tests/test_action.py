"""The GitHub Action, run step by step in bash as a runner would: the setup-python step stands in as a virtual
environment of the requested Python (the suite's own), every `run:` step gets its `env:` with the expressions a runner
would substitute, and the files a runner provides (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_PATH,
GITHUB_ACTION_PATH, RUNNER_TEMP). Outputs, job summary and SARIF (against the official schema) are checked."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import EXAMPLE, ROOT, official_sarif_schema
from openlint.formats.markdown import text as markdown_text
from test_integrations import BAD

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
TOKEN = "hf_FakeTokenForTheActionTest0123456789"


def base_python() -> Path:
    """The interpreter this suite runs on, outside its virtual environment: the runner's Python from setup-python."""
    minor = "%d.%d" % sys.version_info[:2]
    found = [p for p in (Path(sys.base_prefix, "bin", f"python{minor}"), Path(sys.base_prefix, "bin", "python3")) if p.exists()]
    assert found, f"no python{minor} or python3 in {sys.base_prefix}/bin"
    return found[0]


def test_action_metadata_validates_against_the_github_actions_schema():
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which("check-jsonschema")
    result = subprocess.run([checker, "--builtin-schema", "vendor.github-actions", str(ROOT / "action.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_sets_up_its_own_python_with_a_pip_cache_keyed_on_pinned_dependencies():
    setup = STEPS[0]
    assert re.fullmatch(r"actions/setup-python@v\d+", setup["uses"])  # pinned by major version
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}" and ACTION["inputs"]["python-version"]["default"] == "3.12"
    assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "${{ github.action_path }}/action/constraints.txt"
    pins = [line for line in (ROOT / "action" / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][\w.+-]*", line) for line in pins)
    named = {re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0].lower().replace("_", "-") for dep in _dependencies()}
    assert named <= {line.split("==")[0].lower().replace("_", "-") for line in pins}  # every dependency is pinned
    for step in STEPS[1:]:
        assert "${{" not in step["run"]  # inputs reach scripts only through the environment


def _dependencies() -> list[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


class Runner:
    """One job: a workspace, the runner's files, and the steps run in order with the environment a runner gives."""

    def __init__(self, tmp: Path, python: Path, inputs: dict[str, str]) -> None:
        self.tmp = tmp
        self.workspace = tmp / "workspace"
        self.workspace.mkdir(exist_ok=True)
        self.files = {name: tmp / "runner" / name for name in ("output", "summary", "env", "path")}
        self.files["output"].parent.mkdir(exist_ok=True)
        self.action_path = tmp / "action-checkout"
        if not self.action_path.exists():  # the runner's clean checkout of the Action's repository at its ref
            shutil.copytree(ROOT, self.action_path, ignore=shutil.ignore_patterns(
                ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "bench"))
        self.python = python
        self.inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()} | inputs
        self.steps: dict[str, dict[str, str]] = {}
        self.path: list[str] = []  # what steps added to GITHUB_PATH: in front of PATH for every later step

    def reset(self) -> None:
        """A new job summary (one scenario per summary)."""
        for file in self.files.values():
            file.write_text("")

    def _expression(self, name: str) -> str:
        if name.startswith("inputs."):
            return self.inputs[name.removeprefix("inputs.")]
        if name.startswith("steps."):
            _, step, _, key = name.split(".", 3)
            return self.steps[step][key]
        return {"github.action_path": str(self.action_path), "github.action_ref": "0123456789abcdef0123456789abcdef01234567"}[name]

    def environment(self, step: dict) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "PYTEST_", "VIRTUAL_ENV", "PYENV_VERSION"))}
        env.update({
            "GITHUB_ACTIONS": "true", "CI": "true", "GITHUB_WORKSPACE": str(self.workspace), "GITHUB_ACTION_PATH": str(self.action_path),
            "GITHUB_OUTPUT": str(self.files["output"]), "GITHUB_STEP_SUMMARY": str(self.files["summary"]),
            "GITHUB_ENV": str(self.files["env"]), "GITHUB_PATH": str(self.files["path"]), "RUNNER_TEMP": str(self.tmp / "runner-temp"),
            "PATH": os.pathsep.join([*reversed(self.path), env["PATH"]]),
        })
        (self.tmp / "runner-temp").mkdir(exist_ok=True)
        env.update({key: EXPRESSION.sub(lambda m: self._expression(m.group(1)), str(value)) for key, value in (step.get("env") or {}).items()})
        return env

    def run(self, step: dict) -> subprocess.CompletedProcess:
        if "uses" in step:  # actions/setup-python: a Python of the requested version, its path as the step output
            venv = self.tmp / f"python-{self.inputs['python-version']}"
            if not venv.exists():  # install.sh makes its own virtual environment: this one needs no pip
                subprocess.run([str(self.python), "-m", "venv", "--without-pip", str(venv)], check=True)
            self.steps[step["id"]] = {"python-path": str(venv / "bin" / "python"), "python-version": self.inputs["python-version"]}
            return subprocess.CompletedProcess([], 0, "", "")
        for name in ("output", "path", "env"):  # a runner gives each step fresh command files
            self.files[name].write_text("")
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=self.workspace, env=self.environment(step), capture_output=True, text=True)
        self.path += [line for line in self.files["path"].read_text().splitlines() if line]
        if "id" in step:
            self.steps[step["id"]] = dict(line.split("=", 1) for line in self.files["output"].read_text().splitlines() if "=" in line)
        return result

    def outputs(self) -> dict[str, str]:
        values = {}
        for name, spec in ACTION["outputs"].items():
            values[name] = EXPRESSION.sub(lambda m: self._expression(m.group(1)), spec["value"])
        return values


def _bad_release(folder: Path) -> None:
    shutil.copytree(EXAMPLE, folder)
    (folder / "openness.yaml").unlink()
    (folder / "README.md").write_text(BAD["README.md"])
    (folder / "model.bin").write_bytes(BAD["model.bin"])  # a dangerous pickle: an error


@pytest.mark.slow
def test_action_steps_run_in_bash(tmp_path):
    """Under the Python running the suite, as `python-version` (CI: 3.10 and 3.13, the ends of the range the Action
    accepts; the steps do not depend on the suite, so each suite runs them once, under its own Python)."""
    minor = "%d.%d" % sys.version_info[:2]
    python = base_python()
    schema = jsonschema.Draft4Validator(official_sarif_schema())
    runner = Runner(tmp_path, python, {"target": "release", "min-grade": "B", "token": TOKEN, "python-version": minor,
                                       "sarif-file": "reports/openlint.sarif"})
    _bad_release(runner.workspace / "release")
    runner.reset()
    assert runner.run(STEPS[0]).returncode == 0
    installed = runner.run(STEPS[1])
    assert installed.returncode == 0, installed.stdout + installed.stderr
    venv_python = Path(runner.path[0]) / "python"
    assert subprocess.run([str(venv_python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                          capture_output=True, text=True).stdout.strip() == minor

    checked = runner.run(STEPS[2])
    assert checked.returncode == 1, checked.stdout + checked.stderr
    log = checked.stdout.splitlines()
    assert log[0] == f"::add-mask::{TOKEN}" and TOKEN not in "\n".join(log[1:]) + checked.stderr
    assert any(line.startswith("::error file=release/model.bin,") and "OLW003" in line for line in log)
    min_grade = next(line for line in log if line.startswith("::error title=openlint min-grade::"))
    report = json.loads((tmp_path / "runner-temp" / "openlint" / "report.json").read_text())
    outputs = runner.outputs()
    assert outputs["grade"] == report["grade"]["grade"] and outputs["grade"] in "CDEF" and f"grade {outputs['grade']} " in min_grade
    assert float(outputs["score"]) == report["grade"]["score"]
    summary_counts = report["summary"]
    assert int(outputs["findings"]) == summary_counts["error"] + summary_counts["warning"] + summary_counts["info"] > 0
    assert outputs["sarif-file"] == "reports/openlint.sarif"
    sarif = json.loads((runner.workspace / outputs["sarif-file"]).read_text())
    schema.validate(sarif)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {f["code"] for f in report["findings"]}

    summary = runner.files["summary"].read_text()
    assert "> **Failed:** Openness grade" in summary and "below the minimum B" in summary
    assert "| Component | Level | Category | Status | Licence | Points |" in summary and f"= **{report['grade']['score']:g}**" in summary
    for finding in report["findings"]:
        assert f"`{finding['code']}` {finding['name']}" in summary and markdown_text(finding["fix"]) in summary

    # openlint cannot run (a configuration file that does not exist): exit 2, and a SARIF log all the same
    runner.inputs.update({"config": "missing.yaml", "min-grade": ""})
    runner.reset()
    failed = runner.run(STEPS[2])
    assert failed.returncode == 2
    assert any(line.startswith("::error title=openlint::openlint could not check release:") and "missing.yaml" in line for line in failed.stdout.splitlines())
    sarif = json.loads((runner.workspace / "reports" / "openlint.sarif").read_text())
    schema.validate(sarif)
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert "missing.yaml" in runner.files["summary"].read_text() and runner.outputs()["grade"] == ""

    # an input openlint rejects before it reads its options (a usage error): the script writes the SARIF itself
    runner.inputs.update({"config": "", "fail-on": "sometimes"})
    runner.reset()
    usage = runner.run(STEPS[2])
    assert usage.returncode == 2
    sarif = json.loads((runner.workspace / "reports" / "openlint.sarif").read_text())
    schema.validate(sarif)
    notification = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert "sometimes" in notification and sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False

    # a good release passes: grade A, no min-grade failure, nothing to mask without a token
    shutil.copytree(EXAMPLE, runner.workspace / "good")
    runner.inputs.update({"target": "good", "fail-on": "error", "min-grade": "A", "token": ""})
    runner.reset()
    passed = runner.run(STEPS[2])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert runner.outputs()["grade"] == "A" and "Failed" not in runner.files["summary"].read_text()
    assert "::add-mask::" not in passed.stdout and "::error" not in passed.stdout


def test_action_rejects_a_version_that_is_not_a_release(tmp_path):
    runner = Runner(tmp_path, Path(sys.executable), {"version": "0.1; curl example.invalid"})
    runner.steps["python"] = {"python-path": sys.executable}
    runner.reset()
    bad = runner.run(STEPS[1])
    assert bad.returncode == 2 and "::error title=openlint::version must be a released openlint version" in bad.stdout
    assert not (tmp_path / "runner-temp" / "openlint-venv").exists() and runner.path == []


def test_action_says_which_python_it_needs(tmp_path):
    """python-version: 3.9 ended in pip's ResolutionImpossible; it is now said before anything is installed."""
    old = tmp_path / "bin" / "python3.9"
    old.parent.mkdir()
    old.write_text('#!/usr/bin/env bash\ncase "$*" in *platform*) echo 3.9.18 ;; *) exit 1 ;; esac\n')
    old.chmod(0o755)
    runner = Runner(tmp_path, Path(sys.executable), {})
    runner.steps["python"] = {"python-path": str(old)}
    runner.reset()
    refused = runner.run(STEPS[1])
    assert refused.returncode == 2 and "openlint needs Python 3.10 to 3.13; python-version gave 3.9.18" in refused.stdout
    assert not (tmp_path / "runner-temp" / "openlint-venv").exists() and runner.path == []


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
                   cwd=cwd, check=True, capture_output=True)


def _check_script(cwd: Path, tmp: Path, **variables: str) -> subprocess.CompletedProcess:
    """action/check.sh run as its step runs it, with this venv's openlint on PATH and the given variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "GIT_"))}
    env.update({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp / "runner"),
                "OPENLINT_SARIF": str(tmp / "o.sarif"), **variables})
    return subprocess.run(["bash", str(ROOT / "action" / "check.sh")], env=env, cwd=cwd, capture_output=True, text=True)


def _repository(folder: Path, message: str) -> None:
    """A git repository of everything in `folder`, in one commit."""
    _git(folder, "init", "-q")
    _git(folder, "add", ".")
    _git(folder, "commit", "-q", "-m", message)


def test_action_compares_with_the_previous_release_tag(tmp_path):
    """compare-to (default previous-tag): the diff with the last release in the summary, outputs, and an opt-in gate."""
    runner = Runner(tmp_path, Path(sys.executable), {"target": "release", "fail-on": "never"})
    runner.steps["python"] = {"python-path": sys.executable}
    runner.path = [str(Path(sys.executable).parent)]  # openlint as the install step would leave it, from this venv
    release = runner.workspace / "release"
    shutil.copytree(EXAMPLE, release)
    _git(runner.workspace, "init", "-q", "-b", "main")
    _git(runner.workspace, "add", "-A")
    _git(runner.workspace, "commit", "-q", "-m", "first release")

    runner.reset()  # one commit, no tag: nothing to compare with, a notice and no failure
    alone = runner.run(STEPS[2])
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "::notice title=openlint compare-to::no tag before this commit" in alone.stdout
    assert runner.outputs()["compared-to"] == "" and runner.outputs()["openness-decreased"] == ""

    _git(runner.workspace, "tag", "v1.0")
    declaration = release / "openness.yaml"
    document = yaml.safe_load(declaration.read_text())
    document["components"]["training.data.pretraining"] = {"status": "not-released", "note": "withheld"}
    declaration.write_text(yaml.safe_dump(document, sort_keys=False))
    _git(runner.workspace, "commit", "-q", "-am", "withhold the pre-training data")

    runner.reset()
    worse = runner.run(STEPS[2])
    assert worse.returncode == 0, worse.stdout + worse.stderr  # informative unless fail-on-decrease
    outputs = runner.outputs()
    assert re.fullmatch(r"v1\.0 \([0-9a-f]{12}\)", outputs["compared-to"]) and outputs["openness-decreased"] == "true"
    summary = runner.files["summary"].read_text()
    assert "## openlint diff: grade" in summary and "**Openness went down**" in summary
    diff = summary.split("## openlint diff: grade", 1)[1]  # after the check's own report
    # the earlier release is named by its tag, not by the temporary folder it was exported to
    assert re.search(r"^`v1\.0 \([0-9a-f]{12}\)` -> ", diff, re.MULTILINE) and "/previous/" not in diff
    row = next(line for line in diff.splitlines() if line.startswith("| Pre-training data"))
    assert "| down |" in row and row.count("D1") == 1
    assert any(line.startswith("::warning title=openlint compare-to::openness went down since v1.0") for line in worse.stdout.splitlines())

    runner.inputs["fail-on-decrease"] = "true"
    runner.reset()
    gated = runner.run(STEPS[2])
    assert gated.returncode == 1  # and the log says why the step failed
    assert any(line.startswith("::error title=openlint fail-on-decrease::openness went down since v1.0") for line in gated.stdout.splitlines())
    assert "> **Failed:** openness went down" in runner.files["summary"].read_text()  # as a min-grade failure is shown

    runner.inputs.update({"compare-to": "v1.0", "fail-on-decrease": "false"})  # a ref named explicitly: the same diff
    runner.reset()
    assert runner.run(STEPS[2]).returncode == 0 and runner.outputs()["openness-decreased"] == "true"

    runner.inputs["compare-to"] = "--output=/tmp/x"  # a ref that is no commit (and no option for git): an error
    runner.reset()
    missing = runner.run(STEPS[2])
    assert missing.returncode == 2 and "::error title=openlint compare-to::" in missing.stdout
    assert runner.outputs()["compared-to"] == "" and runner.outputs()["grade"]  # the check itself still reported

    runner.inputs["compare-to"] = "none"
    runner.reset()
    assert runner.run(STEPS[2]).returncode == 0 and "openlint diff" not in runner.files["summary"].read_text()


def test_action_never_removes_a_release_file_and_reads_its_inputs_as_documented(tmp_path):
    runner = Runner(tmp_path, Path(sys.executable), {"target": "release", "compare-to": "none"})
    runner.steps["python"] = {"python-path": sys.executable}
    runner.path = [str(Path(sys.executable).parent)]
    release = runner.workspace / "release"
    shutil.copytree(EXAMPLE, release)
    (release / "openness.yaml").unlink()  # info findings only (no declaration): passes at the default fail-on
    card = (release / "README.md").read_text()

    # a sarif-file naming the release's card: refused, never removed or written over, and no path output
    runner.inputs["sarif-file"] = "release/README.md"
    runner.reset()
    refused = runner.run(STEPS[2])
    assert refused.returncode == 2 and (release / "README.md").read_text() == card
    assert runner.outputs()["sarif-file"] == "" and "would overwrite README.md" in refused.stdout

    # fail-on: the configuration's when the input is empty; the input when given
    runner.inputs["sarif-file"] = "openlint.sarif"
    (release / ".openlint.yaml").write_text("fail-on: info\n", encoding="utf-8")
    runner.reset()
    assert runner.run(STEPS[2]).returncode == 1 and runner.outputs()["sarif-file"] == "openlint.sarif"
    runner.inputs["fail-on"] = "error"
    runner.reset()
    assert runner.run(STEPS[2]).returncode == 0

    # true/false inputs in either case; anything else is said, not read as false
    runner.inputs["summary"] = "False"
    runner.reset()
    assert runner.run(STEPS[2]).returncode == 0 and runner.files["summary"].read_text() == ""
    runner.inputs.update({"summary": "true", "fail-on-decrease": "yes"})
    runner.reset()
    odd = runner.run(STEPS[2])
    assert odd.returncode == 2 and "input fail-on-decrease must be true or false, not 'yes'" in odd.stdout + odd.stderr
    # ... and still leaves the SARIF log an upload step with `if: always()` names, and empty outputs
    assert runner.outputs()["sarif-file"] == "openlint.sarif" and runner.outputs()["grade"] == ""
    log = json.loads((runner.workspace / "openlint.sarif").read_text())
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False

    # an input openlint refuses is named as the Action's input, not only as the command-line option it became
    runner.inputs.update({"fail-on-decrease": "false", "format": "tabular"})
    runner.reset()
    wrong = runner.run(STEPS[2])
    (error,) = [line for line in wrong.stdout.splitlines() if line.startswith("::error title=openlint::")]
    assert wrong.returncode == 2 and "'tabular' is not one of" in error and error.endswith("(the Action's input `format`)")


def test_args_given_as_a_block_of_lines_are_all_passed(tmp_path):
    # `args: |` in a workflow gives one option per line; each must reach openlint (the first line only did)
    stub = tmp_path / "bin" / "openlint"
    stub.parent.mkdir()
    stub.write_text(f'#!/usr/bin/env bash\nprintf "%s\\n" "$@" > {tmp_path / "argv.txt"}\nexit 2\n')
    stub.chmod(0o755)
    (tmp_path / "bin" / "python").symlink_to(sys.executable)
    env = {"PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}", "RUNNER_TEMP": str(tmp_path), "OPENLINT_SARIF": str(tmp_path / "o.sarif"),
           "OPENLINT_ARGS": "--select OLD\n--min-grade A\n  --ignore  OLP006 ", "OPENLINT_HUB_ID": "org/name"}
    subprocess.run(["bash", str(ROOT / "action" / "check.sh")], env=env, cwd=tmp_path, capture_output=True, text=True)
    argv = (tmp_path / "argv.txt").read_text().splitlines()
    assert argv[-6:] == ["--select", "OLD", "--min-grade", "A", "--ignore", "OLP006"]
    assert argv[argv.index("--hub-id") + 1] == "org/name"  # the hub-id input: the release's name


def test_the_install_step_finds_a_windows_venvs_scripts_folder(tmp_path):
    """On windows-latest a venv keeps python and openlint in Scripts/, not bin/: the step must use and export that."""
    log = tmp_path / "calls.txt"
    fake = tmp_path / "fakepython"
    # a stand-in for the runner's Python: `-I -m venv DIR` lays out DIR as Windows does; the venv's programs log their calls
    fake.write_text(f"""#!/usr/bin/env bash
if [ "$1 $2 $3" = "-I -m venv" ]; then
  mkdir -p "$4/Scripts"
  for tool in python openlint; do printf '#!/usr/bin/env bash\\necho "%s $*" >> {log}\\n' "$tool" > "$4/Scripts/$tool"; chmod +x "$4/Scripts/$tool"; done
fi
""")
    fake.chmod(0o755)
    path_file = tmp_path / "github_path"
    env = {**os.environ, "OPENLINT_PYTHON": str(fake), "RUNNER_TEMP": str(tmp_path), "GITHUB_PATH": str(path_file), "GITHUB_ACTION_PATH": str(ROOT)}
    done = subprocess.run(["bash", str(ROOT / "action" / "install.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls[0].startswith("python -I -m pip install") and calls[1] == "openlint --version"
    assert path_file.read_text().strip() == str(tmp_path / "openlint-venv" / "Scripts")


def test_a_failure_quoting_the_release_is_inert_in_the_job_summary(tmp_path):
    """openlint's one-line error can quote the release's own configuration (an unknown key): in the job summary it
    is text, never a link, an image or HTML (a security review's find: "> $message" was written as markdown)."""
    release = tmp_path / "release"
    shutil.copytree(EXAMPLE, release)
    (release / ".openlint.yaml").write_text('"[Click to approve](https://evil.example/x) <img src=https://evil.example/p.png>": 1\n')
    summary = tmp_path / "summary.md"
    done = _check_script(tmp_path, tmp_path, OPENLINT_TARGET="release", GITHUB_STEP_SUMMARY=str(summary))
    assert done.returncode == 2, done.stdout + done.stderr
    written = summary.read_text()
    assert written.startswith("## openlint could not check `release`") and "Click to approve" in written
    assert "<img" not in written and "](https://evil.example/x)" not in written


def test_the_action_never_imports_a_module_from_the_checked_out_release(tmp_path):
    """The Action runs in the workspace: the pull request's files. `python -c`, `python -m` and `python -` put that
    folder first on sys.path, so a release's json.py or openlint/ package was imported by the Action's own Python
    (a security review's find). Every interpreter the scripts start is isolated (-I)."""
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, workspace)
    marker = tmp_path / "imported"
    planted = f"open({str(marker)!r}, 'a').write(__name__ + '\\n')\n"
    for module in ("json.py", "platform.py", "pathlib.py", "openlint/__init__.py", "openlint/__main__.py"):
        (workspace / module).parent.mkdir(exist_ok=True)
        (workspace / module).write_text(planted)
    variables = {"GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "GITHUB_OUTPUT": str(tmp_path / "output"),
                 "OPENLINT_COMPARE_TO": str(EXAMPLE)}
    # a check that runs, its outputs (json) and a comparison (python -m openlint diff); then one that cannot run
    for extra in ({}, {"OPENLINT_CONFIG": "missing.yaml", "OPENLINT_COMPARE_TO": "none"}):
        done = _check_script(workspace, tmp_path, **(variables | extra))
        assert done.returncode in (0, 1, 2) and "Traceback" not in done.stderr, done.stderr
    assert "openlint diff" in (tmp_path / "summary.md").read_text()  # the comparison ran
    assert not marker.exists(), marker.read_text()


def test_the_comparison_uses_the_checks_rule_selection(tmp_path):
    """`args: --ignore OLP`: the diff in the job summary listed OLP001-OLP007 as resolved, since the earlier release
    was checked without it (a new user's find). The selection in `args` reaches `openlint diff` too (here the
    example's own findings, OLL004 and OLS002, are ignored)."""
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, workspace / "release")
    shutil.copytree(EXAMPLE, workspace / "previous")
    for folder in ("release", "previous"):
        (workspace / folder / "openness.yaml").unlink()  # info findings to ignore
    summary = tmp_path / "summary.md"
    done = _check_script(workspace, tmp_path, OPENLINT_TARGET="release", GITHUB_STEP_SUMMARY=str(summary),
                         OPENLINT_COMPARE_TO="previous", OPENLINT_ARGS="--ignore OLL004\n--ignore=OLS --select OL")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    written = summary.read_text()
    assert "openlint diff" in written and "resolved `OL" not in written, written[-2000:]


def test_the_comparison_never_runs_git_in_a_repository_the_pull_request_laid_out(tmp_path):
    """A target subfolder laid out as a bare repository (HEAD, objects/, refs/, a config with a smudge filter and
    core.worktree) was the repository git found from the target: `git archive` ran the filter, and its tag was "the
    previous release" (a review's find). git now runs in the workspace's own checkout, refusing bare repositories."""
    marker = tmp_path / "pwned"
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / "README.md").write_text("# x\n")
    _repository(evil, "one")
    _git(evil, "tag", "v0")
    (evil / "README.md").write_text("# y\n")
    _git(evil, "commit", "-q", "-am", "two")
    workspace = tmp_path / "workspace"
    shutil.copytree(EXAMPLE, workspace / "model")
    _repository(workspace, "release")
    bare = evil / ".git"
    for part in ("HEAD", "objects", "refs"):  # what the pull request adds to its model/ folder
        source = bare / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, workspace / "model" / part)
    (workspace / "model" / "config").write_text(
        f'[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n[filter "pwn"]\n\tsmudge = "touch {marker}; cat"\n')
    (workspace / "model" / "info").mkdir()
    (workspace / "model" / "info" / "attributes").write_text("* filter=pwn\n")
    output = tmp_path / "output"
    done = _check_script(workspace, tmp_path, OPENLINT_TARGET="model", GITHUB_WORKSPACE=str(workspace), GITHUB_OUTPUT=str(output),
                         GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"))
    assert done.returncode in (0, 1, 2), done.stderr
    assert not marker.exists()
    assert "compared-to=v0" not in output.read_text()  # the pull request's tag is no previous release


def test_fail_on_decrease_in_a_shallow_checkout_is_not_a_silent_pass(tmp_path):
    """actions/checkout is shallow by default: the previous tag cannot be found, and fail-on-decrease passed with a
    notice nobody reads (a second new user's find). It fails the step now, saying why; without the gate the summary
    says there was no comparison."""
    origin = tmp_path / "origin"
    shutil.copytree(EXAMPLE, origin)
    _repository(origin, "v1")
    _git(origin, "tag", "v1")
    (origin / "README.md").write_text((origin / "README.md").read_text() + "\nMore.\n")
    _git(origin, "commit", "-q", "-am", "v2")
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(workspace)], check=True, capture_output=True)
    summary = tmp_path / "summary.md"
    variables = {"GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary)}
    gated = _check_script(workspace, tmp_path, **variables, OPENLINT_FAIL_ON_DECREASE="true")
    assert gated.returncode == 2 and "::error title=openlint compare-to::the checkout is shallow" in gated.stdout, gated.stdout
    assert "**No comparison**: the checkout is shallow" in summary.read_text()
    summary.write_text("")
    plain = _check_script(workspace, tmp_path, **variables)
    assert plain.returncode in (0, 1) and "**No comparison**: the checkout is shallow" in summary.read_text()
    # a workspace that is no git checkout at all (actions/checkout with path:): the gate cannot be decided either
    shutil.rmtree(workspace / ".git")
    elsewhere = _check_script(workspace, tmp_path, **variables, OPENLINT_FAIL_ON_DECREASE="true")
    assert elsewhere.returncode == 2 and "the workspace is not a git checkout" in elsewhere.stdout, elsewhere.stdout
