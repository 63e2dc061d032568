"""The Dockerfile's invariants, checked without a Docker daemon.

An image cannot be built here, so the file itself is held to what the build relies on:
a non-root numeric user, no download outside the lock file, a base pinned by digest or the
pinning documented where no digest could be resolved, a health check that follows
``QORGAN_PORT``, and models that load with the network off.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import dockerfile

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "Dockerfile").read_text()
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    flags: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def args(self) -> str:
        return " ".join(self.values)


# BuildKit's own parser (the ``dockerfile`` package wraps it): continuations and comments
# are read exactly as a build reads them.
INSTRUCTIONS = [Instruction(c.cmd.upper(), tuple(c.flags), tuple(c.value))
                for c in dockerfile.parse_string(TEXT)]


def _of(keyword: str) -> list[Instruction]:
    return [i for i in INSTRUCTIONS if i.keyword == keyword]


def _final_stage() -> list[Instruction]:
    last = max(n for n, i in enumerate(INSTRUCTIONS) if i.keyword == "FROM")
    return INSTRUCTIONS[last:]


def _arg_defaults() -> dict[str, str]:
    defaults: dict[str, str] = {}
    for instruction in _of("ARG"):
        name, _, value = instruction.values[0].partition("=")
        defaults[name] = value
    return defaults


def test_the_image_runs_as_a_numeric_non_root_user() -> None:
    users = [i.args for i in _final_stage() if i.keyword == "USER"]
    assert users, "the final stage sets no USER (it would run as root)"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit(), "a numeric uid lets Kubernetes verify runAsNonRoot"
    assert int(uid) != 0
    assert not gid or (gid.isdigit() and int(gid) != 0)
    # nothing after the last USER switches back
    last_user = max(n for n, i in enumerate(INSTRUCTIONS) if i.keyword == "USER")
    assert all(i.keyword != "USER" for i in INSTRUCTIONS[last_user + 1:])


def test_nothing_is_added_from_a_url_or_downloaded_outside_the_lock() -> None:
    for instruction in _of("ADD"):
        assert not re.search(r"(https?|ftp)://|git@", instruction.args), instruction
    for instruction in _of("RUN"):
        assert not re.search(r"\b(curl|wget)\b", instruction.args), instruction


def test_the_base_image_is_pinned_by_digest_or_the_pinning_is_documented() -> None:
    stages = {i.values[2] for i in _of("FROM") if len(i.values) == 3}
    defaults = _arg_defaults()
    for instruction in _of("FROM"):
        image = instruction.values[0]
        if image in stages:
            continue
        arg = re.fullmatch(r"\$\{?(\w+)\}?", image)
        resolved = defaults.get(arg.group(1), "") if arg else image
        assert resolved, f"{image} has no default"
        if DIGEST.search(resolved):
            continue
        assert arg, f"{resolved} is neither pinned nor a build argument that can pin it"
        # the comment says how to pin it, with the very argument the FROM uses
        assert f"--build-arg {arg.group(1)}=" in TEXT
        assert re.search(rf"--build-arg {arg.group(1)}=\S+@sha256:<digest>", TEXT)
        assert "imagetools inspect" in TEXT


def test_dependencies_come_only_from_the_lock_file_with_hashes() -> None:
    installs = [i.args for i in _of("RUN") if "pip install" in i.args]
    locked = [a for a in installs if "-r requirements.lock" in a]
    assert locked, "nothing is installed from requirements.lock"
    assert all("--require-hashes" in a for a in locked)
    for args in installs:
        for command in args.split("&&"):
            if "pip install" in command and "-r requirements.lock" not in command:
                assert "--no-deps" in command, f"unpinned dependencies could come in: {command}"
    copied = [list(i.values[:-1]) for i in _of("COPY") if not i.flags]
    assert ["requirements.lock"] in copied


def test_the_healthcheck_follows_qorgan_port() -> None:
    (healthcheck,) = _of("HEALTHCHECK")
    assert healthcheck.values[0] == "CMD"
    command = " ".join(healthcheck.values[1:])
    assert "qorgan.cli.probe" in command  # reads QORGAN_HOST/QORGAN_PORT (tests/cli)
    assert not re.search(r":\d{2,5}\b|8080", command), "a fixed port in the health check"
    env: dict[str, str] = {}
    for instruction in _final_stage():
        if instruction.keyword == "ENV":
            env.update(zip(instruction.values[::2], instruction.values[1::2], strict=True))
    assert [i.values for i in _final_stage() if i.keyword == "EXPOSE"] == [
        (env["QORGAN_PORT"],)]


def test_the_models_are_in_the_image_and_load_without_network() -> None:
    checks = [i for i in _final_stage() if i.keyword == "RUN" and "qorgan scan" in i.args]
    assert checks, "no build step shows the models load from the image"
    assert all("--network=none" in i.flags for i in checks)


def _ignored(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/")
               for p in patterns)


def test_everything_copied_is_in_the_repository_and_not_ignored() -> None:
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert ".venv" in patterns
    assert ".git" in patterns
    for instruction in _of("COPY"):
        if instruction.flags:  # --from another stage
            continue
        for source in instruction.values[:-1]:
            assert (ROOT / source).exists(), source
            assert not _ignored(source, patterns), source
