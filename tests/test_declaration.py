"""The openness declaration: where it lives, how it is validated, and how its claims are checked."""

from __future__ import annotations


from conftest import WEIGHTS, by_code, report_of
import yaml

CARD = "---\nlicense: apache-2.0\n---\n# m\n"




def declaration(**components) -> str:
    return yaml.safe_dump({"version": 1, "components": components}, sort_keys=False)


def test_declared_components_override_the_card(run, release):
    folder = release({"README.md": CARD, "model.safetensors": WEIGHTS, "openness.yaml": declaration(**{
        "training.data.pretraining": {"status": "api-only", "note": "sold through our data API"},
        "training.code.pretraining": {"status": "not-released", "note": "internal infrastructure"},
        "training.code.alignment": {"status": "not-applicable"},
    })})
    report = report_of(run, folder)
    found = {c["id"]: c for c in report["components"]}
    assert found["training.data.pretraining"]["label"] == "D2" and found["training.data.pretraining"]["declared"]
    assert found["training.code.pretraining"]["status"] == "not-released"
    assert found["training.code.pretraining"]["evidence"][0]["file"] == "openness.yaml"
    assert found["training.code.pretraining"]["evidence"][0]["line"] == 6
    assert found["training.code.alignment"]["level"] is None
    # a declared, justified closed component is reported as such, not as a documentation gap
    assert "OLT007" not in by_code(report) and "OLT008" in by_code(report)


def test_schema_errors_are_findings_with_lines(run, release):
    folder = release({"README.md": CARD, "openness.yaml": "version: 1\ncomponents:\n  training.data.sft:\n    status: open\n  weights: {status: released}\n"})
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    invalid = by_code(result.json())["OLD002"]
    messages = " ".join(f["message"] for f in invalid)
    # what is expected, at the key path; never the offending value (errors do not echo document content)
    assert "training.data.sft/status: expected one of: released" in messages and "'weights' is not a valid property name" in messages
    assert "'open'" not in messages
    assert {f["line"] for f in invalid} == {2, 4}


def test_declared_claims_are_checked(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration(**{
        "training.code.pretraining": {"status": "released", "location": "scripts/train.py", "license": "apache-2.0"},
        "training.data.pretraining": {"status": "released", "location": "hf://datasets/org/corpus", "license": "my-own-terms"},
        "deployment.data.weights": {"status": "released", "location": "model.safetensors"},
    })})
    found = by_code(report_of(run, folder))
    assert "'scripts/train.py', which is not in the release" in found["OLD003"][0]["message"]
    assert "'my-own-terms'" in found["OLD004"][0]["message"]
    assert "holds no usable weight file" in found["OLD005"][0]["message"]


def test_a_declared_release_the_release_contradicts_is_not_released(run, release):
    # the claims are findings, and none of them counts as a release: openlint's own reading stands (here the card
    # says nothing), and the weights' absence caps the grade
    folder = release({"README.md": CARD, "scripts/eval.py": "print(1)\n", "openness.yaml": declaration(**{
        "training.code.pretraining": {"status": "released", "location": "scripts/train.py", "license": "apache-2.0"},
        "evaluation.code.general": {"status": "released", "location": ["scripts/eval.py", "scripts/gone.py"], "license": "apache-2.0"},
        "deployment.data.weights": {"status": "released", "location": "model.safetensors"},
    })})
    report = report_of(run, folder)
    found = {c["id"]: c for c in report["components"]}
    assert (found["training.code.pretraining"]["status"], found["training.code.pretraining"]["label"]) == ("undisclosed", "C1")
    assert (found["deployment.data.weights"]["status"], found["deployment.data.weights"]["label"]) == ("undisclosed", "D1")
    assert not found["deployment.data.weights"]["declared"]
    # one of two declared files is there: what is there is released
    assert (found["evaluation.code.general"]["status"], found["evaluation.code.general"]["label"]) == ("released", "C5")
    assert report["grade"]["grade"] in ("E", "F")  # a release without its weights is at most E
    assert {"OLD003", "OLD005"} <= set(by_code(report))


def test_declared_weights_under_a_stale_name_and_the_release_root_still_count(run, release):
    # the release holds weights, under another name than declared: a finding, not a missing release; "." (what
    # `openlint init` writes for a component with no pointer) is the release itself
    folder = release({"README.md": CARD, "pytorch_model.safetensors": WEIGHTS, "openness.yaml": declaration(**{
        "deployment.data.weights": {"status": "released", "location": "model.safetensors"},
        "deployment.code.inference": {"status": "released", "location": ".", "license": "apache-2.0"},
    })})
    report = report_of(run, folder)
    found = {c["id"]: c for c in report["components"]}
    assert (found["deployment.data.weights"]["status"], found["deployment.data.weights"]["label"]) == ("released", "D5")
    assert (found["deployment.code.inference"]["status"], found["deployment.code.inference"]["label"]) == ("released", "C5")
    assert "'model.safetensors', which is not in the release" in by_code(report)["OLD003"][0]["message"]
    assert len(by_code(report)["OLD003"]) == 1


def test_declared_weights_published_elsewhere_need_no_file_here(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration(**{
        "deployment.data.weights": {"status": "released", "location": "hf://org/model-weights", "license": "apache-2.0"},
    })})
    found = {c["id"]: c for c in report_of(run, folder)["components"]}
    assert (found["deployment.data.weights"]["status"], found["deployment.data.weights"]["label"]) == ("released", "D5")


def test_declaration_in_the_card_front_matter(run, release):
    card = "---\nlicense: mit\nopenness:\n  components:\n    training.code.alignment:\n      status: not-applicable\n---\n# m\n"
    report = report_of(run, release({"README.md": card}))
    alignment = next(c for c in report["components"] if c["id"] == "training.code.alignment")
    assert alignment["declared"] and alignment["evidence"][0] == {"file": "README.md", "line": 5, "snippet": "training.code.alignment: not-applicable", "source": "declaration"}
    assert report["release"]["declaration"] == "README.md"


def test_two_declarations_warn_and_the_file_wins(run, release):
    card = "---\nlicense: mit\nopenness:\n  components:\n    training.code.alignment:\n      status: not-released\n---\n# m\n"
    folder = release({"README.md": card, "openness.yaml": declaration(**{"training.code.alignment": {"status": "not-applicable"}})})
    report = report_of(run, folder)
    assert "OLD006" in by_code(report)
    assert next(c for c in report["components"] if c["id"] == "training.code.alignment")["status"] == "not-applicable"


def test_hostile_declaration_yaml(run, release):
    folder = release({"README.md": CARD, "openness.yaml": "a: &a [1,1,1]\nb: [*a,*a]\n"})
    (invalid,) = by_code(report_of(run, folder))["OLD002"]
    assert "aliases" in invalid["message"]


def test_per_component_waiver(run, release):
    config = yaml.safe_dump({"waivers": [{"rule": "restrictive-licence", "component": "deployment.data.weights", "reason": "the weights are RAIL-licensed on purpose"}]})
    # a generic OpenRAIL licence (4 points, D4); CreativeML OpenRAIL-M would make it a Stable Diffusion derivative
    folder = release({"README.md": "---\nlicense: openrail\n---\n# m\n", "model.safetensors": WEIGHTS, ".openlint.yaml": config,
                      "openness.yaml": declaration(**{"training.data.pretraining": {"status": "released", "location": "hf://datasets/a/b", "license": "cc-by-nc-4.0"}})})
    report = run("check", str(folder), "-f", "json").json()
    restrictive = {f["component"]: f["waived"] for f in report["findings"] if f["code"] == "OLL004"}
    assert restrictive == {"deployment.data.weights": True, "training.data.pretraining": False}


def test_a_component_every_model_has_cannot_be_declared_not_applicable(run, release):
    # a release that waves away its weights and its pre-training must not escape the caps they carry
    folder = release({"README.md": CARD, "openness.yaml": declaration(**{
        "training.code.pretraining": {"status": "not-applicable"},
        "training.data.pretraining": {"status": "not-applicable"},
        "deployment.data.weights": {"status": "not-applicable"},
        "training.code.alignment": {"status": "not-applicable"},
    })}, name="waved-away")
    result = run("check", str(folder), "-f", "json", "--no-config")
    assert result.code == 1
    report = result.json()
    refused = by_code(report)["OLD007"]
    assert sorted(f["message"].split(" ", 1)[0] for f in refused) == ["deployment.data.weights", "training.code.pretraining", "training.data.pretraining"]
    found = {c["id"]: c for c in report["components"]}
    assert found["deployment.data.weights"]["level"] is not None and not found["deployment.data.weights"]["declared"]
    assert found["training.code.pretraining"]["level"] is not None
    assert found["training.code.alignment"]["level"] is None and found["training.code.alignment"]["declared"]  # a stage may be absent
    assert report["grade"]["grade"] in ("E", "F") and found["deployment.data.weights"]["level"] == 1  # no weights: at most E



def test_the_declaration_cannot_acknowledge_what_openlint_says_of_its_own_claims(run, release):
    folder = release({"README.md": CARD, "openness.yaml": declaration(**{
        "deployment.data.weights": {"status": "not-applicable", "waivers": [{"rule": "OLD007", "reason": "we say our weights do not apply"}]},
    })}, name="self-waived")
    report = run("check", str(folder), "-f", "json", "--no-config").json()
    found = by_code(report)
    assert not found["OLD007"][0].get("waived") and "OLP010" in found


def test_init_offers_not_applicable_only_for_a_stage_a_model_may_not_have(run, release):
    folder = release({"README.md": CARD}, name="bare-card")
    text = run("init", str(folder), "--stdout").out
    templates = dict(block.split(":", 1) for block in text.split("\n  # ")[1:])
    assert "not-applicable" not in templates["deployment.data.weights"] and "not-applicable" not in templates["training.code.pretraining"]


def test_init_leaves_a_stage_it_saw_no_sign_of_for_the_releaser_to_declare(run, release, tmp_path):
    """Silence is no statement: not applicable by the conventions, but a declaration outranks the card from then on,
    so init writes it commented. A folder with nothing in it gets a declaration of comments the check accepts."""
    folder = release({"README.md": CARD}, name="silent-card")
    assert run("init", str(folder)).code == 0
    text = (folder / "openness.yaml").read_text(encoding="utf-8")
    stated = yaml.safe_load(text)["components"] or {}
    assert "training.code.alignment" not in stated and "# training.code.alignment:" in text
    assert all(entry["status"] != "not-applicable" for entry in stated.values())
    empty = tmp_path / "empty"
    empty.mkdir()
    made = run("init", str(empty))
    assert made.code == 0 and "0 of 12" in made.err and "no model card" in made.err
    codes = {f["code"] for f in run("check", str(empty), "-f", "json").json()["findings"]}
    assert "OLD002" not in codes and "OLD001" in codes


def test_a_licence_declared_by_its_name_is_told_its_id(run, release):
    """`license: Apache 2.0` got OLD004 "does not know" with no hint (a new user's find)."""
    folder = release({"README.md": CARD, "model.safetensors": WEIGHTS, "openness.yaml": declaration(**{
        "deployment.data.weights": {"status": "released", "location": "model.safetensors", "license": "Apache 2.0"},
        "training.data.pretraining": {"status": "released", "location": "hf://datasets/org/corpus", "license": "my-own-terms"},
    })})
    messages = {f["message"] for f in by_code(report_of(run, folder))["OLD004"]}
    assert any("'Apache 2.0'" in m and "write its id: apache-2.0" in m for m in messages), messages
    assert any("'my-own-terms'" in m and "write its id" not in m for m in messages), messages


def test_an_invalid_entry_drops_only_itself(run, release):
    """One misspelt status (`withheld`) threw the whole declaration away, so the other entries' claims went
    unchecked (a new user's find). The broken entry is OLD002; the rest is read and checked."""
    folder = release({"README.md": CARD, "model.safetensors": WEIGHTS, "openness.yaml": declaration(**{
        "training.data.sft": {"status": "withheld"},
        "training.code.finetuning": {"status": "released", "location": "scripts/finetune.py", "license": "apache-2.0"},
    })})
    found = by_code(report_of(run, folder))
    assert "training.data.sft/status" in found["OLD002"][0]["message"]
    assert "'scripts/finetune.py', which is not in the release" in found["OLD003"][0]["message"]
    # a broken document (its version) is still no declaration at all
    (folder / "openness.yaml").write_text((folder / "openness.yaml").read_text().replace("version: 1", "version: 2"))
    assert "OLD003" not in by_code(report_of(run, folder))
