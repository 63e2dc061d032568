from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

import anyio
import pytest

from qorgan.errors import ConfigError, PolicyError
from qorgan.policy.engine import PolicyEngine
from qorgan.policy.loader import parse_policy
from qorgan.policy.reload import PolicyHolder

V1 = "version: 1\nname: one\nrules:\n  - {id: r, action: redact}\n"
V2 = "version: 1\nname: two\nrules:\n  - {id: r, action: hash}\n"
BROKEN = "version: 1\nname: two\nrules:\n  - {id: r, acton: hash}\n"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(V1)
    return p


def bump(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    # Some filesystems keep mtime granularity coarse: make the change visible to polling.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_valid_change_swaps_and_changes_version(path: Path) -> None:
    seen: list[PolicyEngine] = []
    holder = PolicyHolder(path, on_reload=seen.append)
    old = holder.current
    assert holder.reload() is False  # same bytes: nothing to do
    bump(path, V2)
    assert holder.reload() is True
    assert holder.current is not old
    assert (holder.current.name, old.name) == ("two", "one")
    assert holder.current.version != old.version
    assert seen == [holder.current]


def test_invalid_change_keeps_old_policy(path: Path, caplog: pytest.LogCaptureFixture) -> None:
    errors: list[PolicyError] = []
    holder = PolicyHolder(path, on_error=errors.append)
    old = holder.current
    bump(path, BROKEN)
    with caplog.at_level(logging.ERROR, logger="qorgan.policy"):
        assert holder.reload() is False
    assert holder.current is old
    assert len(errors) == 1
    assert ":4:" in errors[0].message
    assert "acton" in errors[0].message
    assert "keeping version" in caplog.text


def test_deleted_file_keeps_old_policy(path: Path) -> None:
    holder = PolicyHolder(path)
    old = holder.current
    path.unlink()
    assert holder.reload() is False
    assert holder.current is old


def test_invalid_initial_file_raises(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(BROKEN)
    with pytest.raises(PolicyError, match=r"bad\.yaml:4:"):
        PolicyHolder(p)


@pytest.mark.anyio
async def test_watch_picks_up_changes(path: Path) -> None:
    reloaded = anyio.Event()
    holder = PolicyHolder(path, on_reload=lambda _: reloaded.set(), settle=0.05)
    async with anyio.create_task_group() as tg:
        tg.start_soon(holder.watch, 0.01)
        bump(path, V2)
        with anyio.fail_after(5):
            await reloaded.wait()
        tg.cancel_scope.cancel()
    assert holder.current.name == "two"
    assert not holder.changed()


def test_sighup_without_loop_reloads(path: Path) -> None:
    holder = PolicyHolder(path)
    holder.install_sighup()
    try:
        bump(path, V2)
        os.kill(os.getpid(), signal.SIGHUP)
        assert holder.current.name == "two"
    finally:
        holder.uninstall_sighup()
    assert signal.getsignal(signal.SIGHUP) is signal.SIG_DFL


@pytest.mark.anyio
async def test_sighup_on_running_loop_reloads(path: Path) -> None:
    reloaded = anyio.Event()
    holder = PolicyHolder(path, on_reload=lambda _: reloaded.set())
    holder.install_sighup()
    try:
        bump(path, V2)
        os.kill(os.getpid(), signal.SIGHUP)
        with anyio.fail_after(5):
            await reloaded.wait()
    finally:
        holder.uninstall_sighup()
    assert holder.current.name == "two"


def test_builtin_holder_never_changes() -> None:
    holder = PolicyHolder("builtin:default")
    assert holder.current.name == "default"
    assert not holder.changed()
    assert holder.reload() is False


def test_sighup_from_a_worker_thread_is_a_config_error(path: Path) -> None:
    holder = PolicyHolder(path)
    errors: list[BaseException] = []

    def install() -> None:
        try:
            holder.install_sighup()
        except ConfigError as exc:
            errors.append(exc)

    worker = threading.Thread(target=install)
    worker.start()
    worker.join()
    assert len(errors) == 1
    assert "main thread" in str(errors[0])


# -- a mounted ConfigMap ----------------------------------------------------------------------
# The kubelet writes each version of a ConfigMap into a new hidden timestamped directory,
# then swaps the ``..data`` symlink to it in one rename; the visible file is a symlink through
# ``..data``, so the path never changes and the bytes behind it change at once.

SAME_SIZE = "version: 1\nname: six\nrules:\n  - {id: r, action: redact}\n"  # V1's length


class ConfigMapDir:
    """The directory layout the kubelet gives a ConfigMap volume."""

    def __init__(self, root: Path, text: str) -> None:
        self.root = root
        self._n = 0
        self._current = self._version(text)
        (root / "..data").symlink_to(self._current.name)
        (root / "policy.yaml").symlink_to("..data/policy.yaml")

    @property
    def path(self) -> Path:
        return self.root / "policy.yaml"

    def _version(self, text: str) -> Path:
        self._n += 1
        folder = self.root / f"..2026_01_0{self._n}_10_00_00.{self._n:09d}"
        folder.mkdir()
        (folder / "policy.yaml").write_text(text)
        return folder

    def update(self, text: str, *, like_before: bool, remove_old: bool) -> None:
        """Publish ``text`` as the kubelet does; ``like_before`` gives the new file the old
        one's mtime (an edit of the same length, within one timestamp tick)."""
        old = self._current
        new = self._version(text)
        if like_before:
            st = (old / "policy.yaml").stat()
            os.utime(new / "policy.yaml", ns=(st.st_atime_ns, st.st_mtime_ns))
        tmp = self.root / "..data_tmp"
        tmp.symlink_to(new.name)
        os.replace(tmp, self.root / "..data")  # the atomic swap
        self._current = new
        if remove_old:
            for child in old.iterdir():
                child.unlink()
            old.rmdir()


@pytest.mark.anyio
@pytest.mark.parametrize("like_before", [False, True])
@pytest.mark.parametrize("remove_old", [False, True])
async def test_watch_sees_a_configmap_symlink_swap(
    tmp_path: Path, like_before: bool, remove_old: bool
) -> None:
    volume = ConfigMapDir(tmp_path, V1)
    reloaded = anyio.Event()
    holder = PolicyHolder(volume.path, on_reload=lambda _: reloaded.set(), settle=0.05)
    assert holder.current.name == "one"
    async with anyio.create_task_group() as tg:
        tg.start_soon(holder.watch, 0.01)
        volume.update(SAME_SIZE if like_before else V2, like_before=like_before,
                      remove_old=remove_old)
        with anyio.fail_after(5):
            await reloaded.wait()
        tg.cancel_scope.cancel()
    assert holder.current.name == ("six" if like_before else "two")
    assert not holder.changed()


def test_a_configmap_swap_to_the_same_bytes_is_not_a_new_version(tmp_path: Path) -> None:
    volume = ConfigMapDir(tmp_path, V1)
    seen: list[PolicyEngine] = []
    holder = PolicyHolder(volume.path, on_reload=seen.append)
    volume.update(V1, like_before=False, remove_old=True)
    assert holder.changed()
    assert holder.reload() is False
    assert seen == []
    assert not holder.changed()


AUTH_POLICY = """version: 1
name: guarded
rules:
  - {id: r, action: redact}
auth:
  required: true
  api_keys:
    - {id: agent, sha256: "0000000000000000000000000000000000000000000000000000000000000000"}
"""


def test_a_half_written_file_is_never_loaded(path: Path) -> None:
    """An editor truncates, writes the first part and pauses, then writes the rest: the part
    (a valid policy without its auth section) must never be in force."""
    path.write_text(AUTH_POLICY)
    holder = PolicyHolder(path, settle=2.0)
    assert holder.current.auth.required
    cut = AUTH_POLICY.index("auth:")
    with path.open("w") as fh:  # truncate, then the first part only
        fh.write(AUTH_POLICY[:cut])
    half = path.read_bytes()
    # the half alone is a valid policy, and a weaker one
    assert not PolicyEngine(parse_policy(half, "half.yaml")).auth.required
    assert holder.settled(now=100.0) is False  # changed, not settled yet
    assert holder.settled(now=101.5) is False  # a pause shorter than the settle time
    with path.open("a") as fh:  # the rest arrives
        fh.write(AUTH_POLICY[cut:])
    assert path.read_bytes() != half
    assert holder.settled(now=102.0) is False  # changed again: the wait starts over
    assert holder.settled(now=103.9) is False
    assert holder.settled(now=104.1) is True
    assert holder.reload() is False  # the whole file is back: the same version as before
    assert holder.current.auth.required


def test_a_changed_file_settles_before_it_is_loaded(path: Path) -> None:
    holder = PolicyHolder(path, settle=2.0)
    assert holder.settled(now=0.0) is False  # nothing changed
    bump(path, V2)
    assert holder.settled(now=10.0) is False
    assert holder.settled(now=12.5) is True
    assert holder.reload() is True
    assert holder.current.name == "two"
    assert holder.settled(now=13.0) is False  # loaded: nothing pending


@pytest.mark.anyio
async def test_watch_waits_for_a_partial_write_to_settle(tmp_path: Path) -> None:
    path = tmp_path / "guarded.yaml"
    path.write_bytes(AUTH_POLICY.encode())
    versions: list[bool] = []
    reloaded = anyio.Event()

    def seen(engine: PolicyEngine) -> None:
        versions.append(engine.auth.required)
        reloaded.set()

    holder = PolicyHolder(path, on_reload=seen, settle=2.0)
    cut = AUTH_POLICY.index("auth:")
    async with anyio.create_task_group() as tg:
        tg.start_soon(holder.watch, 0.02)
        with path.open("w") as fh:
            fh.write(AUTH_POLICY[:cut])
        await anyio.sleep(0.1)  # the pause, far shorter than the settle time
        with path.open("a") as fh:
            fh.write(AUTH_POLICY[cut:] + "\n# edited\n")
        with anyio.fail_after(10):
            await reloaded.wait()
        tg.cancel_scope.cancel()
    assert versions == [True]  # only the whole file was ever loaded
