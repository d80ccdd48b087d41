"""One check, as one pass: source -> release -> assessment -> findings and grade -> report.

Each stage reads the one before and writes nothing back; the CLI only chooses settings and prints.
"""

from __future__ import annotations

from openlint import grading
from openlint.analysis import analyse
from openlint.analysis.model import Assessment
from openlint.config import Options, Settings
from openlint.knowledge import catalogue as catalogues
from openlint.assemble import assemble
from openlint.report import Applied, Report
from openlint.rules import engine
from openlint.sources import lfs_remote, open_source


def assess(options: Options, *, use_declaration: bool = True, catalogue: tuple[str, ...] = ()) -> Assessment:
    """`catalogue`: the user's own catalogue files, extending the bundled one."""
    hub = {"token": options.token, "offline": options.offline, "timeout": options.timeout, "quiet": options.verbosity < 0 or not options.progress}
    source = open_source(options.target, revision=options.revision, hub_id=options.hub_id, name=options.release_name, **hub)
    release = assemble(source, partial=options.partial, lfs_remote=lfs_remote(options.target, options.hub_id, **hub))
    return analyse(release, use_declaration=use_declaration, catalogue=catalogues.extended(catalogue))


def check(settings: Settings) -> Report:
    assessment = assess(settings.options, catalogue=settings.config.catalogue)
    findings = engine.apply(settings.policy, assessment)
    waivers = settings.policy.waivers + engine.declaration_waivers(assessment.release)
    declaration = assessment.release.declaration
    files = settings.files() + (((declaration.path, "openness declaration, with waivers"),)
                                if declaration is not None and len(waivers) > len(settings.policy.waivers) else ())
    applied = Applied(files, settings.changes, waivers, engine.refused(settings.policy, waivers))
    return Report.build(assessment, findings, grading.compute(assessment.components), settings.policy.rules, (), applied)
