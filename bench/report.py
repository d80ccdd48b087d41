"""What the report and the output formats cost, in process: the sanitising walk Report.build makes over everything
from the release (support/text.py: cleaned), and each format's render, on the example release and on a large one
(a 3 000-line card with a few hostile characters, 5 000 listed files, 30 safetensors shards, 40 LFS pointers).
Figures are the best of several runs (the machine may be busy); nothing is asserted.

    python bench/report.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from _util import ROOT, header
from weightgen import write_sharded

LFS = ("version https://git-lfs.github.com/spec/v1\n"
       "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
RUNS = 9


def build(folder: Path) -> None:
    card = (ROOT / "examples" / "open-release" / "README.md").read_text()
    body = "".join(f"Line {n} of a long card, with a quote \x1b[31m{n}\x1b[0m and \u202eevil.\n" if n % 500 == 0
                   else f"Line {n} of a long card describing the model in words.\n" for n in range(3000))
    folder.mkdir()
    (folder / "README.md").write_text(card + "\n## Notes\n" + body)
    write_sharded(folder, shards=30, tensors_per_shard=4, shape=[1250, 500], sparse=True)
    for n in range(40):
        (folder / f"pointer-{n:02}.safetensors").write_text(LFS)
    data = folder / "data"
    data.mkdir()
    for n in range(5000):
        (data / f"part-{n:05}.txt").write_text("x")


def best(function, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, target: Path) -> None:
    from openlint import config, grading, pipeline
    from openlint.formats import FORMATS, render
    from openlint.report import Report
    from openlint.rules import engine
    from openlint.support import text

    settings = config.settings(config.Options(target=str(target), no_config=True))
    assessment = pipeline.assess(settings.options)
    findings = engine.apply(settings.policy, assessment)
    grade = grading.compute(assessment.components)
    print(f"-- {label}: {len(assessment.release.files)} files, {len(findings)} findings")
    print(f"   {'rules (engine.apply, grouping and waivers)':<46} {best(lambda: engine.apply(settings.policy, assessment)) * 1000:8.2f} ms")
    print(f"   {'sanitising walk alone (text.cleaned)':<46} {best(lambda: text.cleaned((assessment, tuple(findings)))) * 1000:8.2f} ms")
    print(f"   {'Report.build (walk + order)':<46} {best(lambda: Report.build(assessment, findings, grade, settings.policy.rules)) * 1000:8.2f} ms")
    report = Report.build(assessment, findings, grade, settings.policy.rules)
    for name in FORMATS:
        print(f"   {'render ' + name:<46} {best(lambda: render(name, report)) * 1000:8.2f} ms")


def main() -> None:
    header("the report and its formats, in process")
    base = Path(tempfile.mkdtemp(prefix="openlint-bench-"))
    try:
        measure("the example release", ROOT / "examples" / "open-release")
        large = base / "large"
        build(large)
        measure("a large release", large)
    finally:
        shutil.rmtree(base)


if __name__ == "__main__":
    sys.exit(main())
