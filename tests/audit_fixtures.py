"""A fake Hub with generated repositories, and an audit of them, shared by the audit and table tests (an audit of a
few hundred repositories takes a few seconds: it is run once per module that needs it)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from fakehub import FakeHub


@contextmanager
def fake_hub(folder: Path):
    """Like the `hub` fixture, for a wider scope: the real huggingface_hub client pointed at a fake Hub."""
    import huggingface_hub.constants as constants

    fake = FakeHub().start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "ENDPOINT", fake.endpoint)
        patch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", fake.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
        patch.setattr(constants, "HF_HUB_CACHE", str(folder / "hf-cache"))
        patch.setattr(constants, "HF_HUB_OFFLINE", False)
        patch.setattr(constants, "HF_TOKEN_PATH", str(folder / "no-token"))
        patch.setattr(constants, "HF_STORED_TOKENS_PATH", str(folder / "no-tokens"), raising=False)
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        patch.delenv("HF_TOKEN", raising=False)
        patch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
        try:
            yield fake
        finally:
            fake.stop()


def subprocess_env(fake: FakeHub, folder: Path) -> dict[str, str]:
    """The environment for an openlint subprocess that talks to the fake Hub."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update({"HF_ENDPOINT": fake.endpoint, "HF_HUB_CACHE": str(folder / "hf-cache"), "HF_HUB_DISABLE_TELEMETRY": "1",
                "XDG_CACHE_HOME": str(folder / "xdg"), "NO_PROXY": "127.0.0.1,localhost", "HF_TOKEN_PATH": str(folder / "no-token")})
    return env
