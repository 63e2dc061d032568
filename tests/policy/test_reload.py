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
    holder = PolicyHolder(path, on_reload=lambda _: reloaded.set())
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
