"""RECOVERY.md: what a person does on the new machine, step by step (plain Markdown text)."""

from __future__ import annotations

from ainlp.core.bundle.manifest import Manifest
from ainlp.core.bundle.pythons import install_commands


def pythons_needed(manifest: Manifest) -> dict[str, tuple[str, list[str]]]:
    """Python version -> (how it was installed, the environments that need it)."""
    needed: dict[str, tuple[str, list[str]]] = {}
    for env in manifest.environments:
        version = env.python.version or "unknown"
        _, names = needed.setdefault(version, (env.python.installed_by, []))
        names.append(env.location)
    return needed


def recovery_markdown(manifest: Manifest) -> str:
    lines = [
        "# Recovering your Python environments",
        "",
        f"This bundle was written by ainlp on {manifest.created} ({manifest.platform}, HOME "
        f"`{manifest.home}`). It holds {len(manifest.environments)} environment(s)"
        + (", an offline wheelhouse" if manifest.wheels else "")
        + (" and a copy of ainlp's state database" if manifest.state_db else "") + ".",
        "Paths written `~/...` move under the new machine's HOME.",
        "",
        "## 1. Install the Pythons",
        "",
    ]
    for version, (how, where) in sorted(pythons_needed(manifest).items()):
        lines.append(f"### Python {version} (was installed by {how})")
        lines.append("")
        lines.append("Needed by: " + ", ".join(f"`{w}`" for w in where))
        lines.append("")
        if version == "unknown":
            lines.append("The version was not recorded: install the one the project needs.")
        else:
            lines.append("Any one of:")
            lines.append("")
            lines.extend(f"    {cmd}" for cmd in install_commands(version, manifest.platform,
                                                                   how))
        lines.append("")
    lines += [
        "## 2. Install ainlp",
        "",
        "    uv tool install ainlp        # or: pipx install ainlp / pip install --user ainlp",
        "",
        "## 3. Import the bundle",
        "",
        "First see the plan (nothing changes), then apply it:",
        "",
        "    ainlp import PATH-OF-THIS-FOLDER",
        "    ainlp import PATH-OF-THIS-FOLDER --yes",
        "",
        "ainlp recreates every environment at its place, installs exactly the recorded "
        "distributions" + (" from `wheels/` (offline)" if manifest.wheels else "")
        + ", verifies each one, restores the active-environment choices and says what could "
        "not be restored and why. `ainlp undo` removes what the import created.",
        "",
        "## Without ainlp",
        "",
        "For each environment (pins in `environments/*/requirements.txt`; "
        "`pylock.toml` where every artifact is known):",
        "",
    ]
    for env in manifest.environments:
        minor = ".".join((env.python.version or "3").split(".")[:2])
        find = " --no-index --find-links wheels" if manifest.wheels else ""
        lines.append(f"    python{minor} -m venv {env.location}")
        lines.append(f"    {env.location}/bin/python -m pip install{find} "
                     f"-r {env.requirements}")
        lines.append("")
    return "\n".join(lines)
