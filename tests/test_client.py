"""`ainlp.api.connect`: the client of `ainlp serve` over a command's stdin/stdout (issue 14),
tested with a local command standing in for ssh."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ainlp.core.world import World
from conftest import ainlp_command, make_venv, write

import ainlp
from ainlp import api


def server_argv(tmp_path: Path) -> list[str]:
    """What stands in for `ssh host ainlp serve`."""
    return ["sh", "-c", f"exec {ainlp_command()} serve"]


def machine(tmp_path: Path, *, slow: bool = False) -> tuple[dict[str, str], Path]:
    """A world in tmp_path: the environment the server runs with, and its HOME."""
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    home.mkdir(exist_ok=True)
    bin_dir.mkdir(exist_ok=True)
    make_venv(home / ".virtualenvs" / "good")
    write(home / ".virtualenvs" / "old" / "pyvenv.cfg",
          f"home = {tmp_path}/gone/bin\nversion = 3.9.18\n")
    if slow:  # an interpreter that hangs: every `find --refresh` waits for its probe
        write(bin_dir / "python3.13", "#!/bin/sh\nsleep 30\n", mode=0o755)
    env = {"HOME": str(home), "AINLP_HOME": str(tmp_path / "state"),
           "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin", "LANG": "C.UTF-8"}
    return env, home


def test_the_handshake_and_a_find_equal_to_the_local_api(tmp_path: Path) -> None:
    env, home = machine(tmp_path)
    local = api.find(refresh=True, world=World(root=Path("/"), home=home, env=env, cwd=home))
    seen: list[str] = []
    events: list[api.Event] = []
    with api.connect(server_argv(tmp_path), env=env, cwd=str(home),
                     on_notification=lambda method, params: seen.append(method)) as remote:
        assert remote.server_version == ainlp.__version__
        assert remote.protocol_version == 1
        inventory = remote.find(refresh=True, on_event=events.append)
        assert isinstance(inventory, api.Inventory)
        assert inventory.to_json()["environments"] == local.to_json()["environments"]
        assert {e.name for e in inventory.environments} >= {"good", "old"}
        health = remote.doctor()
        assert isinstance(health, api.HealthReport) and health.checks_run > 0
        assert any(f.id == "venv.base-missing" for f in health.findings)
        done = remote.execute("list python interpreters")
        assert "environments" in str(done)
        with pytest.raises(api.BadInput):
            remote.execute("   ")
    assert "environment" in seen and "progress" in seen
    assert any(e.kind == "environment" and e.record is not None for e in events)
    assert remote._process.returncode == 0  # shutdown, exit: a clean end


def test_a_cancelled_request(tmp_path: Path) -> None:
    env, home = machine(tmp_path, slow=True)
    with api.connect(server_argv(tmp_path), env=env, cwd=str(home)) as remote:
        running = remote.send("find", {"refresh": True})
        waiting = remote.send("find", {"refresh": True})
        assert remote.cancel(waiting.id) is True  # cancelled while it waits in the queue
        with pytest.raises(api.Cancelled):
            remote.wait(waiting, timeout=60)
        remote.wait(running, timeout=60)
        token = api.CancelToken()  # the local api's way: a token, set while the request runs
        threading.Timer(0.5, token.cancel).start()
        started = time.monotonic()
        with pytest.raises(api.Cancelled):
            remote.find(refresh=True, cancel=token)
        assert time.monotonic() - started < 20
        assert remote.parse("list pythons")["intent"]  # the session carries on


def test_a_server_killed_mid_session_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    env, home = machine(tmp_path, slow=True)
    remote = api.connect(server_argv(tmp_path), env=env, cwd=str(home))
    running = remote.send("find", {"refresh": True})
    time.sleep(0.3)
    os.kill(remote.pid, signal.SIGKILL)  # `sh -c "exec ..."`: the pid is the server's
    started = time.monotonic()
    with pytest.raises(api.ConnectionLost, match=r"stopped answering.*status -9"):
        remote.wait(running, timeout=60)
    with pytest.raises(api.ConnectionLost):
        remote.find()
    assert time.monotonic() - started < 10
    remote.close()


@pytest.mark.parametrize("script, words", [
    ("echo 'ainlp: command not found' >&2; exit 127", "status 127.*command not found"),
    ("echo 'Welcome to lab-3'; sleep 5", "not frames"),
])
def test_a_command_that_is_not_the_service(script: str, words: str) -> None:
    started = time.monotonic()
    with pytest.raises(api.ConnectionLost, match=words):
        api.connect(["sh", "-c", script])
    assert time.monotonic() - started < 10


def test_a_program_that_cannot_start() -> None:
    with pytest.raises(api.AinlpError, match="cannot start"):
        api.connect(["/nowhere/ssh", "host", "ainlp", "serve"])


FAKE_SERVER = """\
import json, sys
from ainlp.rpc import encode_frame, read_frame
stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
while (body := read_frame(stdin)) is not None:
    message = json.loads(body)
    if "id" in message:
        result = {"server_version": "9.0.0", "protocol_version": 99}
        stdout.write(encode_frame({"jsonrpc": "2.0", "id": message["id"], "result": result}))
        stdout.flush()
"""


def test_a_protocol_mismatch_is_refused(tmp_path: Path) -> None:
    script = write(tmp_path / "fake_server.py", FAKE_SERVER)
    with pytest.raises(api.AinlpError, match=r"protocol mismatch.*protocol 99 \(ainlp 9.0.0\)"):
        api.connect([sys.executable, str(script)])


SSHD = shutil.which("sshd") or next(
    (p for p in ("/usr/sbin/sshd", "/usr/local/sbin/sshd") if Path(p).exists()), None)


@pytest.mark.skipif(SSHD is None or shutil.which("ssh") is None
                    or shutil.which("ssh-keygen") is None,
                    reason="no sshd here (openssh-server is not installed and the tests run "
                           "offline): the ssh transport is covered by the stand-in command")
def test_over_a_real_sshd_on_localhost(tmp_path: Path) -> None:
    assert SSHD is not None
    keys = tmp_path / "keys"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(keys / name)], check=True)
    (keys / "authorized_keys").write_text((keys / "client.pub").read_text())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = write(tmp_path / "sshd_config", f"Port {port}\nListenAddress 127.0.0.1\n"
                   f"HostKey {keys / 'host'}\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
                   f"PidFile {tmp_path / 'sshd.pid'}\nStrictModes no\nUsePAM no\n"
                   "PasswordAuthentication no\n")
    daemon = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)],
                              stderr=subprocess.PIPE)
    try:
        time.sleep(0.5)
        if daemon.poll() is not None:
            pytest.skip("sshd does not start here (not root, or no privilege separation "
                        "user)")
        env, home = machine(tmp_path)
        remote_command = " ".join(f"{k}={v}" for k, v in env.items())
        argv = ["ssh", "-F", "/dev/null", "-i", str(keys / "client"), "-p", str(port),
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", f"UserKnownHostsFile={tmp_path / 'known_hosts'}", "127.0.0.1",
                f"cd {home} && env {remote_command} {ainlp_command()} serve"]
        local = api.find(refresh=True, world=World(root=Path("/"), home=home, env=env,
                                                    cwd=home))
        with api.connect(argv) as remote:
            got = remote.find(refresh=True)
        assert got.to_json()["environments"] == local.to_json()["environments"]
    finally:
        daemon.terminate()
        daemon.wait(10)
