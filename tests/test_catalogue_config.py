"""Users extend the catalogue from their configuration: their own datasets and code, with their licences."""

from __future__ import annotations

import yaml

from agreement import weight_file
from conftest import component, report_of

CARD = "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n---\n# m\n\nWe fine-tuned on the Acme Chats corpus.\n"


def _entry(licence: str = "cc-by-4.0") -> dict:
    return {"id": "acme/chats", "name": "Acme Chats", "aliases": ["acme/chats", "acme chats corpus"], "roles": ["sft-data"],
            "licence": licence, "licence_url": "https://example.org/acme/LICENSE"}


def _catalogue(entries: list[dict]) -> str:
    return yaml.safe_dump({"kind": "catalogue", "section": "datasets", "entries": entries})


def test_a_users_catalogue_entry_is_used(run, tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text(CARD)
    (release / "model.safetensors").write_bytes(weight_file())
    outside = tmp_path / "ci"
    outside.mkdir()
    (outside / "acme.yaml").write_text(_catalogue([_entry()]))
    (outside / "openlint.yaml").write_text(yaml.safe_dump({"catalogue": ["acme.yaml"]}))
    without = report_of(run, release)
    assert component(without, "training.data.sft")["label"] == "D1"
    result = run("check", str(release), "-f", "json", "--config", str(outside / "openlint.yaml"))
    sft = component(result.json(), "training.data.sft")
    assert sft["label"] == "D5" and sft["pointers"][0]["target"] == "acme/chats"
    assert any("acme.yaml" in f["path"] for f in result.json()["configuration"]["files"])


def test_a_bad_catalogue_entry_exits_2_naming_the_file_and_the_entry(run, tmp_path):
    (tmp_path / "acme.yaml").write_text(_catalogue([_entry(), {**_entry(), "id": "acme/broken", "licence": "Not A Licence!"}]))
    (tmp_path / "openlint.yaml").write_text(yaml.safe_dump({"catalogue": ["acme.yaml"]}))
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text(CARD)
    result = run("check", str(release), "--config", str(tmp_path / "openlint.yaml"))
    assert result.code == 2 and "acme.yaml" in result.err and "acme/broken" in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_a_catalogue_named_from_inside_the_release_is_refused(run, tmp_path):
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text(CARD)
    (release / "acme.yaml").write_text(_catalogue([_entry()]))
    (release / ".openlint.yaml").write_text(yaml.safe_dump({"catalogue": ["acme.yaml"]}))
    result = run("check", str(release))
    assert result.code == 2 and "catalogue" in result.err and "--config" in result.err


def test_a_catalogue_file_outside_the_configurations_folder_is_refused(run, tmp_path):
    (tmp_path / "acme.yaml").write_text(_catalogue([_entry()]))
    config = tmp_path / "conf" / "openlint.yaml"
    config.parent.mkdir()
    config.write_text(yaml.safe_dump({"catalogue": ["../acme.yaml"]}))
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text(CARD)
    result = run("check", str(release), "--config", str(config))
    assert result.code == 2 and "catalogue/0" in result.err


def test_the_users_configuration_naming_a_catalogue_file_inside_the_checked_release_is_refused(run, tmp_path):
    """A pull request can edit a file in the checkout: the catalogue says how open what a release points to is."""
    release = tmp_path / "release"
    release.mkdir()
    (release / "README.md").write_text(CARD)
    (release / "acme.yaml").write_text(_catalogue([_entry()]))
    (tmp_path / ".openlint.yaml").write_text(yaml.safe_dump({"catalogue": ["release/acme.yaml"]}))
    result = run("check", str(release))
    assert result.code == 2 and "lies in the checked release" in result.err and result.err.count("\n") == 1
