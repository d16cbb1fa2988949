"""install-pip: pip put back into a venv whose pip command cannot run, offline: from a
find-links folder the user names (UV_FIND_LINKS, PIP_FIND_LINKS) that holds a pip wheel, else
from the wheel `ensurepip` bundles in the base interpreter's standard library. With uv
(`uv pip install --python ENV/bin/python pip`), else the venv's `python -m ensurepip`.
Verified by `python -m pip --version`; undo moves what was installed to the trash."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ainlp.core.discovery.resolve import real
from ainlp.core.errors import AinlpError
from ainlp.core.health.findings import Finding
from ainlp.core.recovery.model import FindingRef, RepairStep
from ainlp.core.recovery.strategies import register_strategy
from ainlp.core.recovery.strategies._common import blocked
from ainlp.core.recovery.strategies.install import run_recording
from ainlp.core.recovery.strategies.rebase import read_cfg

if TYPE_CHECKING:
    from ainlp.core.recovery.context import RepairContext
    from ainlp.core.recovery.transaction import Transaction

# Imported inside the functions that need them: what each would add to this module's import
# (-X importtime, 2-core machine under load):
# lazy: ainlp.core.envsnap.installer 26 ms

NAME = "install-pip"
TIMEOUT = 600.0


class PipFailed(AinlpError):
    code = "recovery.install-pip-failed"


def bundled_wheels(prefix: Path) -> list[Path]:
    """ensurepip's pip wheels in the base interpreter's stdlib (where the venv's python leads,
    or pyvenv.cfg's home)."""
    bases: list[Path] = []
    python = prefix / "bin" / "python"
    if python.exists():
        bases.append(real(python).parent.parent)
    home = read_cfg(prefix).get("home")
    if home:
        bases.append(Path(home).parent)
        if Path(home).is_dir():
            bases.append(real(Path(home)).parent)
    found: list[Path] = []
    for base in dict.fromkeys(bases):
        found.extend(sorted(base.glob("lib/python3*/ensurepip/_bundled/pip-*.whl")))
        found.extend(sorted(base.glob("Lib/ensurepip/_bundled/pip-*.whl")))
    return found


def _source(rc: RepairContext, prefix: Path) -> Path | None:
    """A folder holding a pip wheel: a known find-links folder first, then ensurepip's."""
    for folder in rc.known_wheel_folders():
        if any(folder.glob("pip-*.whl")):
            return folder
    wheels = bundled_wheels(prefix)
    return wheels[-1].parent if wheels else None


def pip_runs(rc: RepairContext, python: str) -> str | None:
    done = rc.world.run([python, "-m", "pip", "--version"], timeout=60.0,
                        env={**rc.world.env, "PIP_CONFIG_FILE": "/dev/null",
                             "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    if done.ok:
        return None
    return f"`{python} -m pip --version` fails: {done.why()}"


class InstallPip:
    name = NAME
    transactional = True

    def plan(self, rc: RepairContext, subject: str, findings: Sequence[Finding],
             step_id: str) -> RepairStep:
        from ainlp.core.envsnap.installer import child_env, find_uv
        does = f"install pip into {subject}"
        record = rc.record(subject)
        if record is None or record.executable is None:
            return blocked(NAME, subject, findings, step_id, does, "no runnable python in it")
        prefix = record.prefix
        folder = _source(rc, prefix)
        uv = find_uv(rc.world, child_env(rc.world, offline=True))
        if folder is None and uv is None:
            folder_note = "its base Python bundles no pip wheel and no wheel folder holds one"
            return blocked(NAME, subject, findings, step_id, does, folder_note)
        tool = "uv" if uv is not None and folder is not None else "ensurepip"
        source = f"offline from {folder}" if folder is not None else "offline (ensurepip)"
        return RepairStep(
            step_id, NAME, str(prefix), f"install pip into {prefix} with {tool}, {source}",
            tuple(FindingRef.of(f) for f in findings), (str(prefix),), True,
            params={"python": str(prefix / "bin" / "python"), "tool": tool,
                    "find_links": str(folder) if folder is not None else ""})

    def act(self, rc: RepairContext, step: RepairStep, tx: Transaction) -> list[str]:
        from ainlp.core.envsnap.installer import installer, tail
        prefix = Path(step.subject)
        python = step.params["python"]
        links = [Path(step.params["find_links"])] if step.params.get("find_links") else []
        if step.params.get("tool") == "uv":
            inst = installer(rc.world, "uv", offline=True, find_links=links)
            argv = [str(inst.uv), "pip", "install", "--python", python, "--no-index",
                    *[a for p in links for a in ("--find-links", str(p))], "pip"]
        else:
            inst = installer(rc.world, "pip", offline=True, find_links=links)
            argv = [python, "-m", "ensurepip", "--default-pip"]
        done = run_recording(rc, inst, argv, prefix, tx, timeout=TIMEOUT)
        if not done.ok:
            raise PipFailed(f"installing pip with {step.params.get('tool')} failed: "
                            f"{tail(done, 4)}")
        problem = pip_runs(rc, python)
        if problem is not None:
            raise PipFailed(problem)
        return [f"installed pip into {prefix} ({step.params.get('tool')}, offline)"]

    def check(self, rc: RepairContext, step: RepairStep) -> str | None:
        return pip_runs(rc, step.params["python"])


register_strategy(InstallPip())
