"""The crosswalk: what a release is under the frameworks people cite (MOF v1.0, OSI's OSAID 1.0, the European Open
Source AI Index), computed from the assessment alone, with the data of rules/crosswalk/ saying which evidence speaks
to which item and where each mapping comes from. Where the evidence cannot tell, the verdict says so."""

from __future__ import annotations

from openlint.analysis.model import Assessment
from openlint.crosswalk import mof, osai_index, osaid
from openlint.crosswalk.model import Crosswalk
from openlint.knowledge import crosswalk as data

EVALUATORS = {"mof": mof.evaluate, "osaid": osaid.evaluate, "osai-index": osai_index.evaluate}


def evaluate(assessment: Assessment) -> Crosswalk:
    return Crosswalk(tuple(EVALUATORS[framework.id](assessment, framework) for framework in data.frameworks()))
