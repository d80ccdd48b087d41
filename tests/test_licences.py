"""The licence table: Hub ids covered, levels computed from the rubric, texts recognised."""

from __future__ import annotations

import pytest

from openlint.knowledge import licences
from conftest import CORPUS, WEIGHTS

# The licence ids the Hugging Face Hub accepts (hub-docs, repositories-licenses.md).
HUB_IDS = """apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m
afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5
cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0
cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0
wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc
h-research intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0 openrail++ osl-3.0
postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license fair-noncommercial-research-license llama2
llama3 llama3.1 llama3.2 llama3.3 llama4 grok2-community gemma unknown other""".split()


@pytest.mark.parametrize("licence_id", HUB_IDS)
def test_every_hub_licence_id_is_known(licence_id):
    licence = licences.lookup(licence_id)
    assert licence is not None and licence.why
    assert set(licence.grants) <= set(licences.RUBRIC)


@pytest.mark.parametrize("licence_id, code, data", [
    ("apache-2.0", 5, 5), ("MIT", 5, 5), ("BSD-3-Clause", 5, 5),  # the authors' C5/D5 examples
    ("bigscience-openrail-m", 4, 4),  # authors: BigScience RAIL weights D4
    ("llama2", 3, 3), ("llama3", 3, 3),  # authors: Llama licences C3/D3
    ("gpl-3.0", 4, 4), ("cc-by-sa-4.0", 4, 4),  # rubric applied literally (authors say 5)
    ("cc-by-nc-4.0", 3, 3), ("cc-by-nc-nd-4.0", 2, 3), ("other", 2, 3),
])
def test_levels_follow_the_rubric(licence_id, code, data):
    licence = licences.lookup(licence_id)
    assert licences.level("code", licence) == code
    assert licences.level("data", licence) == data


@pytest.mark.parametrize("folder, file, expected", [
    ("google-bert__bert-base-uncased", "LICENSE", "apache-2.0"),
    ("meta-llama__Llama-2-7b-hf", "LICENSE.txt", "llama2"),
    ("decapoda-research__llama-7b-hf", "LICENSE", "llama-1"),
    ("community__Qwen1.5-moe-8x0.5B-Chat", "LICENSE", "tongyi-qianwen-research"),
    ("stabilityai__stable-diffusion-3.5-large", "LICENSE.md", "stabilityai-ai-community"),
    ("community__phi-2-reupload-bacoco", "README.md", "microsoft-research-license"),
])
def test_real_licence_texts_are_recognised(folder, file, expected):
    text = (CORPUS / "cards" / folder / file).read_text(encoding="utf-8", errors="replace")
    assert licences.identify_text(text).id == expected


def test_copyleft_is_not_mistaken_for_its_relatives():
    gpl3 = "GNU GENERAL PUBLIC LICENSE Version 3, 29 June 2007"
    lgpl3 = "GNU LESSER GENERAL PUBLIC LICENSE Version 3, 29 June 2007. This version of the GNU Lesser General Public License incorporates the terms of version 3 of the GNU General Public License"
    assert licences.identify_text(gpl3).id == "gpl-3.0"
    assert licences.identify_text(lgpl3).id == "lgpl-3.0"
    assert licences.identify_text("no licence here") is None


@pytest.mark.parametrize("line, expected", [
    ("License: [glm-4-9b License](https://huggingface.co/THUDM/glm-4-9b-chat/blob/main/LICENSE)", "glm-4"),
    ("**License:** Apache License, Version 2.0", "apache-2.0"),
    # two licences named on one line: which is the model's is not for openlint to guess
    ("License: code under the Apache License, Version 2.0; weights under the Llama 2 Community License Agreement", None),
    ("License: nothing recognisable", None),
    # an exclusion phrase that belongs to the other licence on the line does not make it one
    ("**License:** CC BY 4.0 (Creative Commons Attribution 4.0 International); the fine-tuning data is CC BY-NC 4.0 "
     "(Creative Commons Attribution-NonCommercial 4.0)", None),
    # ... and within its clause, it still rules one out
    ("License: Creative Commons Attribution 4.0 International, for non-commercial use", None),
    ("**License:** AI2 ImpACT Medium Risk License (terms below)", None),
    ("**License:** AI2 ImpACT License - Low Risk Artifacts", "ai2-impact-lr"),
])
def test_a_field_line_names_one_licence_or_none(line, expected):
    found = licences.identify_one(line)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize("phrase, expected", [
    # what a card writes in parentheses after a link, read as far as the licence's name goes
    ("bsd-3-clause license.", "bsd-3-clause"),
    ("apache software license 2.0.", "apache-2.0"),
    ("the [apache-2.0](https://github.com/openbmb/minicpm/blob/main/license) license", "apache-2.0"),
    ("the mit license. the use of the models is subject to the model license", "mit"),
    ("the apache license, version 2.0, while the weights are not", "apache-2.0"),
    ("a custom licence of ours", None),
    ("our terms", None),
    # several licences: which one covers the artefact is not for openlint to guess
    ("cc-by-nc-4.0 for the weights, mit for the code", None),
    ("CC-BY-NC-4.0 for the weights; MIT for the code", None),
    ("mit, apache-2.0 or bsd licences", None),
    ("apache-2.0 / mit", None),
    ("GPL-3.0 / CC-BY-NC-4.0 dual licence", None),
    ("MIT and Apache 2.0 licences", None),
    # ... unless they are offered as a choice: the most open one may be taken
    ("MIT or CC-BY-NC-4.0 licences", "mit"),
    ("GPL-3.0 or MIT", "mit"),
])
def test_a_licence_named_after_a_link_is_found_by_its_name(phrase, expected):
    found = licences.by_name(phrase)
    assert (found.id if found else None) == expected


def test_a_plain_licence_line_states_the_licence_only_when_nothing_else_does(run, release):
    from conftest import component, report_of

    def weights(files):
        return component(report_of(run, release({**files, "model.safetensors": WEIGHTS})), "deployment.data.weights")

    plain = "License: [glm-4-9b License](https://huggingface.co/THUDM/glm-4-9b-chat/blob/main/LICENSE)\n"
    assert weights({"README.md": "# m\n\n" + plain})["licence"] == "glm-4"
    # a stated licence, even one openlint cannot identify, is not overridden by such a line
    named = "---\nlicense: other\nlicense_name: acme-research-license\n---\n# m\n\n" + plain
    assert weights({"README.md": named})["licence"] != "glm-4"
    # under a data section, a "License:" line is a dataset's
    data = "# m\n\n## Training data\n\nEnglish Wikipedia.\n\nLicense: Creative Commons Attribution-ShareAlike 4.0\n"
    assert weights({"README.md": data})["label"] == "D3" and weights({"README.md": data})["licence"] != "cc-by-sa-4.0"
    # ... a bold one too
    bold = "---\nlicense: other\nlicense_name: acme\n---\n# m\n\n## Training data\n\n**License:** Creative Commons Attribution 4.0 International\n"
    assert weights({"README.md": bold})["licence"] != "cc-by-4.0"
    # a title that happens to contain "train" or "data" is not such a heading; a list item is read like a paragraph
    titled = "# FooLM 7B Pretrained\n\n## Model details\n\n- License: Apache License, Version 2.0\n"
    assert weights({"README.md": titled})["licence"] == "apache-2.0"
    # a card that writes every section as a level-1 heading: only its first heading is the title
    h1 = "# FooLM\n\nA model.\n\n# Training data\n\nLicense: Creative Commons Attribution-ShareAlike 4.0\n"
    pretraining = "# m\n\n## Pretraining\n\nLicense: Creative Commons Attribution-ShareAlike 4.0\n"
    assert weights({"README.md": h1})["licence"] != "cc-by-sa-4.0" and weights({"README.md": pretraining})["licence"] != "cc-by-sa-4.0"
    # `license: other` names no licence: the line says which
    other = "---\nlicense: other\n---\n# m\n\n" + plain
    assert weights({"README.md": other})["licence"] == "glm-4"


def test_a_bold_licence_field_openlint_cannot_identify_is_a_licence_it_cannot_identify(run, release):
    """"**License** A custom commercial license is available at: URL" states a licence: OLL002 (unidentified), not
    OLL001 (none stated), which would tell the publisher nothing may be reused."""
    from conftest import by_code, report_of

    card = "# m\n\n**License** A custom commercial license is available at: [https://example.org/terms](https://example.org/terms)\n"
    found = by_code(report_of(run, release({"README.md": card, "model.safetensors": WEIGHTS}, name="custom-licence")))
    assert "OLL001" not in found
    (unidentified,) = found["OLL002"]
    assert "A custom commercial license is available at: https://example.org/terms" in unidentified["message"]
    assert unidentified["line"] == 3


@pytest.mark.parametrize("value", ["[More Information Needed]", "None", "TBD", "Not specified", "unknown", "N/A", "?"])
def test_a_bold_licence_field_left_unfilled_states_no_licence(run, release, value):
    """The Hub's card template ("- **License:** [More Information Needed]") and its kin: still OLL001 (error)."""
    from conftest import by_code, report_of

    card = f"---\nlibrary_name: transformers\n---\n# m\n\n## Model Details\n\n- **License:** {value}\n"
    found = by_code(report_of(run, release({"README.md": card, "model.safetensors": WEIGHTS}, name="unfilled")))
    assert "OLL001" in found and "OLL002" not in found


def test_a_restrictive_licence_finding_points_at_the_part_whose_licence_sets_the_level(run, release):
    """A new user's find: OLL004 quoted the first dataset (Apache-2.0) for a level the second one's licence set. The
    finding points at what to fix."""
    folder = release({"README.md": "---\nlicense: apache-2.0\ndatasets:\n- ehartford/dolphin\n- jondurbin/airoboros-2.2.1\n---\n"
                                   "# Model\nA fine-tuned version of mistralai/Mistral-7B-v0.1.\n", "model.safetensors": WEIGHTS})
    report = run("check", str(folder), "-f", "json").json()
    (finding,) = [f for f in report["findings"] if f["code"] == "OLL004" and f["message"].startswith("Supervised fine-tuning datasets")]
    assert "under other" in finding["message"]
    assert [place["snippet"] for place in finding["locations"]] == ["datasets: jondurbin/airoboros-2.2.1"]
