"""Issue 12, rows 9, 10 and 11: our own state folder cannot crash us, run code, or eat memory;
and JSON is strict both ways (row 12's rule).

Reproductions run their subject in a child with a timeout and RLIMIT_AS (`bounded`,
`bounded_cli`), so a regression (a hang on a FIFO, a read of /dev/zero) fails in seconds.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ainlp.core import jsondoc, ownfiles
from ainlp.core.discovery.snapshot import SNAPSHOT_FILE, valid
from conftest import ainlp_command, make_world, write
from test_health_support import EMPTY, run_one

LINUX = sys.platform.startswith("linux")
MEMORY = 1024 * 1024 * 1024


def _limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def bounded(code: str, env: dict[str, str], timeout: float = 60.0
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **env}, cwd="/",
                          preexec_fn=_limit if LINUX else None)


def bounded_cli(argv: list[str], env: dict[str, str], cwd: Path, timeout: float = 60.0
                ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ainlp_command(), *argv], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd,
                          preexec_fn=_limit if LINUX else None)


def cli_env(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "home").mkdir(exist_ok=True)
    return {"HOME": str(tmp_path / "home"), "AINLP_HOME": str(tmp_path / "state"),
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


# --- strict JSON, both ways ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NaN", "[Infinity]", '{"a": -Infinity}', "[1e999]",
                                  "[" * 50_000 + "]" * 50_000, "{} {}", "", '"\x01"'])
def test_strict_loads_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError):
        jsondoc.loads(text)


def test_strict_dumps_never_writes_nan_and_loads_round_trips() -> None:
    for bad in (math.nan, [math.inf], {"x": -math.inf}):
        with pytest.raises(ValueError):
            jsondoc.dumps(bad)
    doc = {"a": [1, 2.5, None, True, "é"], "b": {"c": "\udcff"}}
    assert jsondoc.loads(jsondoc.dumps(doc)) == doc
    assert jsondoc.loads(b' {"x": 1} \n') == {"x": 1}


# --- row 9: the warm path trusts nothing in the snapshot ----------------------------------------


def _damage(kind: str, snapshot: dict[str, object]) -> bytes:
    if kind == "env-is-a-list":
        snapshot["env"] = ["PATH"]
    elif kind == "paths-not-pairs":
        snapshot["paths"] = [["/"]]
    elif kind == "document-not-json":
        snapshot["document"] = '{"environments": [}, "summary": NaN'
    elif kind == "document-open-brace":
        snapshot["document"] = "{"
    elif kind == "document-nan":
        snapshot["document"] = '{"environments": [], "x": NaN'
    elif kind == "not-json":
        return b"\x00\xe3\x01 not json at all"
    elif kind == "old-marshal":
        import marshal

        return marshal.dumps({"format": 1})
    elif kind == "nan-saved-at":
        return json.dumps(snapshot).replace(str(snapshot["saved_at"]), "NaN").encode()
    return json.dumps(snapshot).encode()


@pytest.mark.parametrize("kind", ["env-is-a-list", "paths-not-pairs", "document-not-json",
                                  "document-open-brace", "document-nan", "not-json",
                                  "old-marshal", "nan-saved-at"])
def test_a_damaged_snapshot_is_no_snapshot(tmp_path: Path, kind: str) -> None:
    env = cli_env(tmp_path)
    first = bounded_cli(["find", "--json"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    path = tmp_path / "state" / SNAPSHOT_FILE
    snapshot = json.loads(path.read_text())
    assert bounded_cli(["find", "--json"], env, tmp_path).stdout.rstrip().endswith(
        '"cache": "warm"}')
    path.write_bytes(_damage(kind, snapshot))
    done = bounded_cli(["find", "--json"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    doc = jsondoc.loads(done.stdout)  # strict: no NaN, one document
    assert isinstance(doc["environments"], list)
    assert valid(jsondoc.loads(path.read_bytes()))  # rediscovered, and a good one saved


def test_a_snapshot_that_is_a_fifo_or_device_does_not_hang_the_warm_path(tmp_path: Path
                                                                         ) -> None:
    env = cli_env(tmp_path)
    (tmp_path / "state").mkdir()
    os.mkfifo(tmp_path / "state" / SNAPSHOT_FILE)
    done = bounded_cli(["find", "--json"], env, tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert isinstance(jsondoc.loads(done.stdout)["environments"], list)


# --- row 10: no cache can run code --------------------------------------------------------------


def test_a_pickle_in_the_grammar_cache_is_never_loaded_and_doctor_reports_it(
        tmp_path: Path) -> None:
    import lark

    state = tmp_path / "state"
    marker = tmp_path / "pwned"
    planted = state / "cache" / f"grammar-lark-{lark.__version__}.cache"
    planted.parent.mkdir(parents=True)
    # what Lark's cache holds: a hash line, then pickles; this one creates a file when loaded
    payload = (b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR.")
    planted.write_bytes(b"0" * 32 + b"\n" + payload + payload)
    script = write(tmp_path / "ok.ainlp", "CONTEXT c {\n  COMMAND x {\n"
                   '    REPORT: "show health report as json"\n  }\n}\n')
    done = bounded(f"""
        import sys
        seen = []
        sys.addaudithook(lambda event, args: seen.append((event, args))
                         if event in ("pickle.find_class", "open") else None)
        from ainlp.cli import main
        code = main(["check", {str(script)!r}, "--json"])
        bad = [e for e in seen if e[0] == "pickle.find_class"
               or (e[0] == "open" and "grammar-lark" in str(e[1][0]))]
        print(repr(bad))
        sys.exit(code)
    """, env={"AINLP_HOME": str(state), "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert not marker.exists()
    found = run_one(make_world(tmp_path, env={"AINLP_HOME": str(state)}), "state.damaged",
                    inventory=EMPTY)
    assert [f.subject for f in found] == [str(planted)]
    assert "pickle" in found[0].message


# --- row 11: devices, FIFOs and huge files as caches ----------------------------------------------


CACHES = ["discovery-cache.json", "packages-cache.json", SNAPSHOT_FILE]


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "huge", "folder"])
def test_caches_that_are_devices_fifos_or_huge_are_refused_fast(tmp_path: Path,
                                                                kind: str) -> None:
    state = tmp_path / "state"
    state.mkdir()
    for name in CACHES:
        path = state / name
        if kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "huge":
            with path.open("wb") as handle:  # sparse: costs no disk, 200 MB to a reader
                handle.truncate(200 * 1024 * 1024)
        else:
            path.mkdir()
    done = bounded(f"""
        from pathlib import Path
        from ainlp.core.discovery.cache import ProbeCache
        from ainlp.core.discovery.snapshot import load
        from ainlp.core.packages.cache import PackageCache
        state = Path({str(state)!r})
        assert ProbeCache(state).load().loaded is False
        assert PackageCache(state).load().hits == 0
        assert load(str(state)) is None
        print("ok")
    """, env={}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    found = run_one(make_world(tmp_path, env={"AINLP_HOME": str(state)}), "state.damaged",
                    inventory=EMPTY)
    assert sorted(Path(f.subject).name for f in found) == sorted(CACHES)


def test_doctor_survives_a_dev_zero_packages_cache(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "packages-cache.json").symlink_to("/dev/zero")
    done = bounded_cli(["doctor", "--topic", "state", "--json"], env, tmp_path, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    doc = jsondoc.loads(done.stdout)
    assert "state.damaged" in {f["id"] for f in doc["findings"]}


def test_caches_of_the_wrong_shape_are_ignored_and_reported(tmp_path: Path) -> None:
    state = tmp_path / "state"
    write(state / "discovery-cache.json", json.dumps({"format": 1, "entries": {"x": 1}}))
    write(state / "packages-cache.json", json.dumps(
        {"format": 4, "dists": {"p": {"stamp": 1, "value": {"name": 3}}}}))
    from ainlp.core.discovery.cache import ProbeCache
    from ainlp.core.packages.cache import PackageCache

    assert ProbeCache(state).load().loaded is False
    assert PackageCache(state).load()._data["dists"] == {}
    found = run_one(make_world(tmp_path, env={"AINLP_HOME": str(state)}), "state.damaged",
                    inventory=EMPTY)
    assert sorted(Path(f.subject).name for f in found) == CACHES[:2]


def test_ownfiles_reads_only_small_regular_strict_json(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", '{"a": 1}')
    assert ownfiles.read_json(str(good), 100, lambda v: isinstance(v, dict)) == {"a": 1}
    assert ownfiles.read_json(str(tmp_path / "absent"), 100, bool) is None
    with pytest.raises(ownfiles.BadOwnFile, match="over the limit"):
        ownfiles.read_json(str(good), 3, bool)
    with pytest.raises(ownfiles.BadOwnFile, match="not in the format"):
        ownfiles.read_json(str(good), 100, lambda v: False)
    nan = write(tmp_path / "nan.json", '{"a": NaN}')
    with pytest.raises(ownfiles.BadOwnFile, match="strict JSON"):
        ownfiles.read_json(str(nan), 100, bool)
    link = tmp_path / "link.json"
    link.symlink_to(good)
    with pytest.raises(ownfiles.BadOwnFile, match="symbolic link"):
        ownfiles.read_json(str(link), 100, bool)
    assert ownfiles.problem(str(good), 100, lambda v: True) is None
    assert ownfiles.write_text(str(tmp_path / "new" / "x.json"), "{}")
    assert (tmp_path / "new" / "x.json").read_text() == "{}"


@pytest.mark.parametrize("name", ["state.db", "state.db-wal"])
def test_a_state_db_that_is_a_fifo_is_refused_before_sqlite_opens_it(tmp_path: Path,
                                                                     name: str) -> None:
    state = tmp_path / "state"
    state.mkdir()
    os.mkfifo(state / name)
    done = bounded(f"""
        from pathlib import Path
        from ainlp.core.errors import StateError
        from ainlp.core.state.store import StateStore
        try:
            StateStore.open(Path({str(state)!r}))
        except StateError as exc:
            print("refused:", exc)
    """, env={}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused:") and "not a regular file" in done.stdout
