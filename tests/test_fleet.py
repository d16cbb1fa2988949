"""Many machines (issue 14): the fleet report, and the Ansible collection `ainlp.python_envs`
run with `ansible_connection=local` against two hosts that are two worlds in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, make_venv, write

from ainlp import api
from ainlp.cli import main

COLLECTION = REPO / "integrations" / "ansible"
PLAYBOOK = COLLECTION / "playbooks" / "fleet.yml"
BIN = Path(sys.executable).parent


# --- the fleet report -------------------------------------------------------------------------


def env_doc(prefix: str, version: str, state: str = "ok", problems: list[str] | None = None,
            kind: str = "venv") -> dict[str, object]:
    return {"kind": kind, "name": Path(prefix).name, "prefix": prefix,
            "executable": prefix + "/bin/python", "version": version, "state": state,
            "problems": [{"id": p, "message": "gone", "hint": "rebuild"} for p in problems or []],
            "found_by": ["workon_home"]}


def facts_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "facts"
    alpha = {"environments": [env_doc("/home/a/.virtualenvs/good", "3.12.1"),
                              env_doc("/home/a/.virtualenvs/old", "3.9.18", "broken",
                                      ["venv.base-missing"])],
             "summary": {"total": 2, "ok": 1, "broken": 1, "missing": 0},
             "findings": [{"id": "venv.base-missing", "severity": "error",
                           "subject": "/home/a/.virtualenvs/old", "message": "its base is gone",
                           "hint": "rebuild it", "fix": "rebuild"}],
             "checks_run": 40}
    beta = {"ansible_facts": {"ainlp": {
        "environments": [env_doc("/usr", "3.7.16", kind="system"),
                         env_doc("/home/b/.venv", "3.12.1")]}}}
    write(folder / "alpha.json", json.dumps(alpha))
    write(folder / "beta.json", json.dumps(beta))
    return folder


def test_the_report_of_a_folder_of_facts(tmp_path: Path) -> None:
    report = api.fleet_report(facts_dir(tmp_path), today=dt.date(2026, 1, 1))
    assert [h.host for h in report.hosts] == ["alpha", "beta"]
    assert report.versions == {"3.7.16": ["beta"], "3.9.18": ["alpha"],
                               "3.12.1": ["alpha", "beta"]}
    assert report.hosts_with_errors == ("alpha",)
    doc = report.to_json()
    assert doc["summary"] == {"hosts": 2, "environments": 4, "broken": 1, "end_of_life": 2,
                              "hosts_with_errors": 1, "hosts_without_findings": 1}
    alpha, beta = doc["hosts"]  # type: ignore[misc]
    assert alpha["broken"][0]["problems"] == ["venv.base-missing"]
    # 3.9 ended 2025-10-31 (broken, still on disk), 3.7 long before
    assert [e["minor"] for e in alpha["end_of_life"]] == ["3.9"]
    assert [e["minor"] for e in beta["end_of_life"]] == ["3.7"]
    assert beta["findings"] is None and alpha["findings"] == {"error": 1, "warning": 0, "info": 0}


def test_the_command_writes_markdown_and_json(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = facts_dir(tmp_path)
    assert main(["fleet-report", str(folder), "--output", str(tmp_path / "out" / "r.md")]) == 0
    text = (tmp_path / "out" / "r.md").read_text()
    for words in ("# Python fleet report", "## Python versions per host", "| alpha | 3.9.18, "
                  "3.12.1 |", "## Broken environments", "venv.base-missing",
                  "## End-of-life interpreters", "| beta | `/usr` | 3.7.16 |",
                  "## Hosts with an error finding", "- **alpha**: `venv.base-missing`"):
        assert words in text, words
    capsys.readouterr()
    assert main(["fleet-report", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hosts_with_errors"] == ["alpha"]


@pytest.mark.parametrize("content, words", [
    ("{not json", "not a JSON document"),
    ('{"other": 1}', "not the `ainlp` facts of a host"),
    ('{"environments": [{"kind": "nonsense", "prefix": "/x", "executable": null}]}',
     "environments.0.kind"),
    ('{"environments": [], "findings": [{"id": "x"}]}', "findings.0"),
    ('{"environments": [], "elapsed_ms": NaN}', "not a JSON document"),
])
def test_a_bad_facts_file_is_named(tmp_path: Path, content: str, words: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "facts" / "bad.json", content)
    assert main(["fleet-report", str(tmp_path / "facts"), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert "bad.json" in error["message"] and words in error["message"], error


def test_an_empty_or_absent_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(api.BadInput, match=r"no <host>\.json"):
        api.fleet_report(tmp_path)
    with pytest.raises(api.BadInput, match="not a folder"):
        api.fleet_report(tmp_path / "absent")


# --- the Ansible collection -------------------------------------------------------------------

ansible_playbook = shutil.which("ansible-playbook", path=str(BIN)) or shutil.which(
    "ansible-playbook")
needs_ansible = pytest.mark.skipif(
    ansible_playbook is None, reason="ansible-core is not installed (pip install -e '.[test]')")


def ansible_env(base: Path) -> dict[str, str]:
    """Ansible keeps every file of its own in `base` (and the controller's HOME is there)."""
    home = base / "controller-home"
    home.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    env.update({
        "HOME": str(home), "ANSIBLE_HOME": str(base / "ansible-home"),
        "ANSIBLE_LOCAL_TEMP": str(base / "ansible-local-tmp"),
        "ANSIBLE_REMOTE_TEMP": str(base / "ansible-remote-tmp"),
        "ANSIBLE_COLLECTIONS_PATH": str(base / "collections"),
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0", "ANSIBLE_DEPRECATION_WARNINGS": "0",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    return env


def ansible(env: dict[str, str], *argv: str, check: bool = True,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(BIN / argv[0]) if (BIN / argv[0]).exists() else argv[0],
                           *argv[1:]], env=env, capture_output=True, text=True, cwd=cwd,
                          timeout=240)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def make_host(base: Path, name: str) -> dict[str, object]:
    """A world: its own HOME, PATH, AINLP_HOME and the folder ainlp is installed into."""
    root = base / name
    home, bin_dir = root / "home", root / "bin"
    home.mkdir(parents=True)
    bin_dir.mkdir()
    environment = {"HOME": str(home), "AINLP_HOME": str(root / "state"),
                   "PYENV_ROOT": str(home / ".pyenv"),  # not the controller's
                   "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin",
                   "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / "data")}
    return {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
            "ainlp_environment": environment, "ainlp_dir": str(root / "opt"),
            "ainlp_python": "/usr/bin/python3" if Path("/usr/bin/python3").exists()
            else sys.executable}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The collection built and installed, two worlds, and the example playbook run once."""
    if ansible_playbook is None:
        pytest.skip("ansible-core is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("fleet")
    env = ansible_env(base)
    started = time.monotonic()
    ansible(env, "ansible-galaxy", "collection", "build", str(COLLECTION), "--output-path",
            str(base / "built"))
    tarball = next((base / "built").glob("ainlp-python_envs-*.tar.gz"))
    ansible(env, "ansible-galaxy", "collection", "install", str(tarball), "-p",
            str(base / "collections"))
    assert (base / "collections" / "ansible_collections" / "ainlp" / "python_envs" /
            "plugins" / "modules" / "facts.py").is_file()
    alpha, beta = make_host(base, "alpha"), make_host(base, "beta")
    # alpha: a healthy venv and one whose base interpreter is gone (an error finding)
    alpha_home = Path(str(alpha["ainlp_environment"]["HOME"]))  # type: ignore[index]
    make_venv(alpha_home / ".virtualenvs" / "good")
    old = alpha_home / ".virtualenvs" / "old"
    write(old / "pyvenv.cfg", f"home = {base}/gone/bin\nversion = 3.9.18\n"
                              "include-system-site-packages = false\n")
    (old / "bin").mkdir()
    (old / "bin" / "python").symlink_to(base / "gone" / "bin" / "python3.9")
    # beta: a pyenv Python past its end of life
    beta_home = Path(str(beta["ainlp_environment"]["HOME"]))  # type: ignore[index]
    eol = beta_home / ".pyenv" / "versions" / "3.7.16"
    write(eol / "bin" / "python3.7", "#!/bin/sh\nexit 1\n", mode=0o755)
    (eol / "bin" / "python").symlink_to("python3.7")
    write(eol / "include" / "python3.7m" / "patchlevel.h", '#define PY_VERSION "3.7.16"\n')
    inventory = base / "inventory.json"
    inventory.write_text(json.dumps({"all": {"hosts": {"alpha": alpha, "beta": beta}}}))
    out = base / "out"
    done = ansible(env, "ansible-playbook", "-i", str(inventory), str(PLAYBOOK),
                   "-e", f"fleet_dir={out}")
    return {"base": base, "env": env, "inventory": inventory, "out": out, "run": done,
            "hosts": {"alpha": alpha, "beta": beta}, "seconds": time.monotonic() - started}


def probe(fleet: dict[str, object], tasks: str, *extra: str) -> dict[str, dict[str, object]]:
    """Run `tasks` (YAML, each registering `result`) on both hosts; each host's results."""
    base = Path(str(fleet["base"]))
    results = base / f"results-{time.monotonic_ns()}"
    results.mkdir()
    playbook = base / f"probe-{results.name}.yml"
    playbook.write_text(f"""
- hosts: all
  gather_facts: false
  environment: "{{{{ ainlp_environment }}}}"
  vars:
    ainlp: "{{{{ ainlp_dir }}}}/venv/bin/ainlp"
  tasks:
{tasks}
    - name: keep the results
      ansible.builtin.copy:
        content: "{{{{ results | to_json }}}}"
        dest: "{results}/{{{{ inventory_hostname }}}}.json"
        mode: "0644"
      delegate_to: localhost
      check_mode: false
""")
    env = fleet["env"]
    assert isinstance(env, dict)
    ansible(env, "ansible-playbook", "-i", str(fleet["inventory"]), str(playbook), *extra)
    return {p.stem: json.loads(p.read_text()) for p in results.glob("*.json")}


@pytest.mark.slow
@needs_ansible
def test_the_playbook_gathers_facts_and_writes_the_fleet_report(
        fleet: dict[str, object]) -> None:
    out = Path(str(fleet["out"]))
    assert [p.name for p in (out / "dist").glob("*.whl")] == ["ainlp_doctor-0.1.0-py3-none-any.whl"]
    for name in ("alpha", "beta"):  # installed from the wheel, on each host
        host = fleet["hosts"][name]  # type: ignore[index]
        assert (Path(host["ainlp_dir"]) / "venv" / "bin" / "ainlp").exists()
    alpha = json.loads((out / "facts" / "alpha.json").read_text())
    beta = json.loads((out / "facts" / "beta.json").read_text())
    by_name = {env["name"]: env for env in alpha["environments"]}
    assert by_name["good"]["state"] == "ok" and by_name["old"]["state"] == "broken"
    assert alpha["summary"]["broken"] >= 1
    assert any(f["id"] == "venv.base-missing" and f["severity"] == "error"
               for f in alpha["findings"])
    assert alpha["checks_run"] > 0 and "findings_summary" in alpha
    assert "3.7.16" in {env["version"] for env in beta["environments"]}
    assert not any(env["name"] in ("good", "old") for env in beta["environments"])
    report = (out / "fleet-report.md").read_text()
    assert "| alpha |" in report and "| beta |" in report
    assert "3.7.16" in report.split("## End-of-life interpreters")[1]
    erring = [line for line in report.splitlines() if line.startswith("- **")]
    assert len(erring) == 1 and erring[0].startswith("- **alpha**:"), erring
    assert "`venv.base-missing`" in erring[0]
    doc = json.loads((out / "fleet-report.json").read_text())
    assert "alpha" in doc["hosts_with_errors"] and doc["summary"]["hosts"] == 2
    print(f"fleet playbook: {fleet['seconds']:.1f} s")


@pytest.mark.slow
@needs_ansible
def test_the_doctor_gate_and_check_mode_and_a_missing_ainlp(fleet: dict[str, object]) -> None:
    tasks = """
    - name: gate on errors
      ainlp.python_envs.doctor:
        executable: "{{ ainlp }}"
      register: on_error
      ignore_errors: true
    - name: gate on warnings
      ainlp.python_envs.doctor:
        executable: "{{ ainlp }}"
        fail_on: warning
      register: on_warning
      ignore_errors: true
    - name: never
      ainlp.python_envs.doctor:
        executable: "{{ ainlp }}"
        fail_on: never
      register: never
    - name: facts in check mode
      ainlp.python_envs.facts:
        executable: "{{ ainlp }}"
      register: facts
      check_mode: true
    - name: an executable that is not there
      ainlp.python_envs.facts:
        executable: /nowhere/bin/ainlp
      register: absent
      ignore_errors: true
    - name: no ainlp on PATH, and python3 without the module
      ainlp.python_envs.facts:
      register: default
      ignore_errors: true
    - ansible.builtin.set_fact:
        results:
          on_error: "{{ on_error }}"
          on_warning: "{{ on_warning }}"
          never: "{{ never }}"
          facts: "{{ facts }}"
          absent: "{{ absent }}"
          default: "{{ default }}"
          seen: "{{ ansible_facts.ainlp.summary }}"
"""
    got = probe(fleet, tasks)
    alpha, beta = got["alpha"], got["beta"]
    assert alpha["on_error"]["failed"] is True  # type: ignore[index]
    assert "at or above error" in alpha["on_error"]["msg"]  # type: ignore[index]
    assert "venv.base-missing" in alpha["on_error"]["msg"]  # type: ignore[index]
    assert not beta["on_error"].get("failed")  # type: ignore[union-attr]
    assert beta["on_error"]["summary"]["error"] == 0  # type: ignore[index]
    warned = beta["on_warning"]["summary"]["warning"] > 0  # type: ignore[index]
    assert bool(beta["on_warning"].get("failed")) == warned  # type: ignore[union-attr]
    for host in (alpha, beta):
        assert host["never"].get("failed") is not True  # type: ignore[union-attr]
        assert host["never"]["changed"] is False  # type: ignore[index]
        assert host["facts"]["changed"] is False  # type: ignore[index]
        assert host["facts"]["ansible_facts"]["ainlp"]["summary"]["total"] >= 1  # type: ignore[index]
        assert host["seen"]["total"] >= 1  # type: ignore[index]
        absent = host["absent"]
        assert absent["failed"] is True and "/nowhere/bin/ainlp" in absent["msg"]  # type: ignore[index]
        assert "Traceback" not in json.dumps(absent)
        default = host["default"]
        assert default["failed"] is True, default  # type: ignore[index]
        assert "No module named ainlp" in default["msg"], default  # type: ignore[index]
        assert "python3 -m ainlp" in default["msg"]  # type: ignore[index]
        assert "Traceback" not in json.dumps(default)


@pytest.mark.slow
@needs_ansible
def test_the_facts_module_in_a_check_mode_run(fleet: dict[str, object]) -> None:
    tasks = """
    - name: facts with doctor
      ainlp.python_envs.facts:
        executable: "{{ ainlp }}"
        doctor: true
      register: gathered
    - ansible.builtin.set_fact:
        results: "{{ gathered }}"
"""
    got = probe(fleet, tasks, "--check")
    for name, result in got.items():
        assert result["changed"] is False, name
        facts = result["ansible_facts"]["ainlp"]  # type: ignore[index]
        assert set(facts) >= {"environments", "summary", "findings", "checks_run"}
    assert any(f["id"] == "venv.base-missing"
               for f in got["alpha"]["ansible_facts"]["ainlp"]["findings"])  # type: ignore[index]
