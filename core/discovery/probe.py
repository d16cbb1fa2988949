"""Asking an interpreter about itself, in parallel, each with a hard timeout."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ainlp.core.jsondoc import loads
from ainlp.core.process import run_process
from ainlp.core.versions import PyVersion
from ainlp.core.world import World

_MARK = "--ainlp-probe--"

# Runs on Python 2.7 and every 3.x; -S means `site` (and so json's usual path hacks) is not loaded.
PROBE_SCRIPT = (
    "import sys, json, platform\n"
    "v = sys.version_info\n"
    "d = {'version': '%d.%d.%d' % (v[0], v[1], v[2]), 'releaselevel': v[3], 'serial': v[4],\n"
    " 'implementation': platform.python_implementation().lower(),\n"
    " 'prefix': sys.prefix, 'base_prefix': getattr(sys, 'base_prefix', sys.prefix),\n"
    " 'executable': sys.executable, 'platform': sys.platform,\n"
    " 'pointer_bits': 64 if sys.maxsize > 2**32 else 32}\n"
    "sys.stdout.write('" + _MARK + "' + json.dumps(d) + '" + _MARK + "')\n"
)
# What a probe prints is well under 4 KiB; a program that prints more than this is no Python
# probe, and is killed as soon as it passes it (`exec yes AAAA` costs milliseconds, not GBs).
PROBE_MAX_OUTPUT = 64 * 1024


@dataclass(frozen=True, slots=True)
class ProbeResult:
    executable: Path
    ok: bool
    version: PyVersion | None = None
    implementation: str | None = None
    prefix: str | None = None
    base_prefix: str | None = None
    sys_executable: str | None = None
    error: str | None = None  # why it is broken: "timed out after 2.0 s", "exit 1: ...", ...

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "version": self.version.text if self.version is not None else None,
            "implementation": self.implementation,
            "prefix": self.prefix,
            "base_prefix": self.base_prefix,
            "sys_executable": self.sys_executable,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, executable: Path, data: dict[str, object]) -> ProbeResult:
        def text(key: str) -> str | None:
            value = data.get(key)
            return value if isinstance(value, str) else None

        version = text("version")
        return cls(
            executable=executable,
            ok=bool(data.get("ok")),
            version=PyVersion(version) if version is not None else None,
            implementation=text("implementation"),
            prefix=text("prefix"),
            base_prefix=text("base_prefix"),
            sys_executable=text("sys_executable"),
            error=text("error"),
        )


def probe(world: World, executable: Path) -> ProbeResult:
    # -E -s -S, not -I: Python 2.7 rejects -I; the user's PYTHON* settings must not steer it.
    argv = [str(executable), "-E", "-s", "-S", "-c", PROBE_SCRIPT]
    if world.run is run_process:  # injected runners keep the Runner protocol's keywords
        done = run_process(argv, timeout=world.probe_timeout, max_output=PROBE_MAX_OUTPUT)
    else:
        done = world.run(argv, timeout=world.probe_timeout)
    if done.output_capped:
        return ProbeResult(executable, False, error=f"printed more than {PROBE_MAX_OUTPUT} "
                           "bytes: not a Python probe")
    if done.start_error:
        return ProbeResult(executable, False, error=f"cannot start: {done.start_error}")
    if done.timed_out:
        return ProbeResult(executable, False, error=f"timed out after {world.probe_timeout:g} s")
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return ProbeResult(executable, False, error=f"exit {done.returncode}: {last}")
    return _parse(executable, done.stdout)


def _parse(executable: Path, stdout: str) -> ProbeResult:
    parts = stdout.split(_MARK)
    garbage = ProbeResult(executable, False, error="printed something that is not a Python probe")
    if len(parts) != 3:
        return garbage
    try:
        data = loads(parts[1])
        if not isinstance(data, dict):
            return garbage
        version = PyVersion.of_level(str(data["version"]), data.get("releaselevel", "final"),
                                     data.get("serial", 0))
    except (ValueError, KeyError, TypeError):
        return garbage
    return ProbeResult(
        executable,
        True,
        version=version,
        implementation=str(data.get("implementation") or "") or None,
        prefix=str(data.get("prefix") or "") or None,
        base_prefix=str(data.get("base_prefix") or "") or None,
        sys_executable=str(data.get("executable") or "") or None,
    )


def probe_many(
    world: World, executables: Iterable[Path], workers: int = 8
) -> dict[Path, ProbeResult]:
    """Probe in parallel; one that hangs costs at most the timeout and never blocks the rest."""
    unique = list(dict.fromkeys(executables))
    if not unique:
        return {}
    if len(unique) == 1:
        return {unique[0]: probe(world, unique[0])}
    # here, not at the top: a cold `ainlp find` that probes one interpreter or none (the
    # benchmark's own machine) would pay 5.2 ms for concurrent.futures
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(workers, len(unique))) as pool:
        results = pool.map(lambda exe: probe(world, exe), unique)
        return dict(zip(unique, results, strict=True))
