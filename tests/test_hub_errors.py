"""Typed Hub errors (issue 12, requirement 5): mapped from huggingface_hub's exception classes and the HTTP status, never
from message text; openlint's own programming errors stay internal errors."""

from __future__ import annotations

import pytest

from conftest import hub_report
from fakehub import Fault, Repo
from openlint import errors
from test_hub import BERT, bert  # noqa: F401  (fixture)

INFO = r"^GET /api/models/google-bert/bert-base-uncased$"


@pytest.mark.parametrize("faults, expected", [
    ([Fault(404, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "Repository not found"})], errors.HubNotFound),
    ([Fault(401, {"X-Error-Code": "RepoNotFound"})], errors.HubNotFound),
    # a bare 401: huggingface_hub reads it as "not found" on an https Hub's API only; on this http one, access denied
    ([Fault(401)], errors.HubAccessDenied),
    ([Fault(401, {"X-Error-Code": "GatedRepo"})], errors.HubGated),
    ([Fault(403)], errors.HubAccessDenied),
    ([Fault(403, {"X-Error-Message": "Access to this resource is disabled."})], errors.HubDisabled),  # a kind of HubAccessDenied
    ([Fault(404, {"X-Error-Code": "RevisionNotFound"})], errors.HubRevisionNotFound),
    ([Fault(429)] * 4, errors.HubRateLimited),
    ([Fault(503)] * 4, errors.HubUnavailable),
    ([Fault(500, {"X-Error-Message": "Repository not found"})] * 4, errors.HubUnavailable),  # the words do not count
    ([Fault(404, {"X-Error-Code": "RepoNotFound", "X-Error-Message": "rate limited, retry"})], errors.HubNotFound),
    ([Fault(200, {"Content-Type": "application/json"}, b'{"id": "x", "sha": ')], errors.HubInvalidResponse),
    ([Fault(200, {"Content-Type": "application/json"}, b"[1, 2, 3]")], errors.HubInvalidResponse),
    ([Fault(200, {}, b'{"sha": "' + b"1" * 40 + b'", "siblings": [{"rfilename": 7}]}')], errors.HubInvalidResponse),
    ([Fault(400, {}, b'["not", "an", "object"]')], errors.HubInvalidResponse),
    ([Fault(418)], errors.HubInvalidResponse),
])
def test_errors_are_typed_from_the_exception_class_and_status(bert, faults, expected):
    bert.fail(INFO, *faults)
    with pytest.raises(errors.HubError) as raised:
        hub_report(BERT)
    assert type(raised.value) is expected
    assert isinstance(raised.value, errors.OpenlintError)
    assert str(raised.value).startswith(f"{BERT}: ") and "\n" not in str(raised.value)


def test_a_private_repository_without_a_token_is_not_found(hub):
    hub.add_model(Repo("org/private", "1" * 40, private=True))
    with pytest.raises(errors.HubNotFound):
        hub_report("org/private")
    assert hub_report("org/private", token="hf_a_valid_token_1234")["release"]["hub"]["private"] is True


@pytest.mark.parametrize("endpoint", ["not a url", "ftp://hub.example", "http://", "http://host:99999", "http://exa mple.com",
                                      "https://user:pw@hub.example", "https://hub.example/?q=1", "https://hub.example/\x1b[31m"])
def test_a_malformed_endpoint_is_a_one_line_bad_endpoint_error(run, hub, monkeypatch, endpoint):
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    with pytest.raises(errors.HubBadEndpoint):
        hub_report("org/model")
    result = run("check", "org/model")
    assert result.code == 2 and "is not an http(s) URL" in result.err and result.err.count("\n") == 1
    assert "\x1b" not in result.err and "internal error" not in result.err


@pytest.mark.parametrize("target, exception", [
    ("openlint.sources.hub.parse_info", KeyError),
    ("openlint.sources.hub.parse_info", ValueError),
    ("openlint.sources.hub._lookup_fields", TypeError),
    ("openlint.assemble._read_config", ValueError),
])
def test_programming_errors_in_the_hub_path_stay_internal_errors(run, bert, monkeypatch, target, exception):
    def broken(*args, **kwargs):
        raise exception("a bug in openlint")

    monkeypatch.setattr(target, broken)
    result = run("check", BERT)
    assert result.code == 2 and f"internal error: {exception.__name__}: " in result.err
    assert "invalid response" not in result.err


def test_a_token_with_a_newline_is_a_one_line_usage_error_that_never_shows_it(run, hub):
    hub.add_model(Repo("org/model", "a" * 40, files={"README.md": b"---\nlicense: mit\n---\n# m\n"}, card_data={"license": "mit"}))
    result = run("check", "org/model", "--token", "hf_secretvalue123\n")
    assert result.code == 2 and "token contains white space or a control character" in result.err
    assert "hf_secretvalue123" not in result.err + result.out and hub.requests() == []
