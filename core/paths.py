"""Where AINLP keeps its state; plain functions so the fastest paths need no World."""

from __future__ import annotations

import os
from collections.abc import Mapping


def home_for(env: Mapping[str, str]) -> str:
    """The user's home: HOME, else what the operating system says."""
    return env.get("HOME") or os.path.expanduser("~")


def state_dir_for(env: Mapping[str, str], home: str, platform: str) -> str:
    """AINLP_HOME, else the platform's user data folder for ainlp."""
    if env.get("AINLP_HOME"):
        return env["AINLP_HOME"]
    if platform == "win32" and env.get("LOCALAPPDATA"):
        return os.path.join(env["LOCALAPPDATA"], "ainlp")
    if platform == "darwin":
        return os.path.join(home, "Library", "Application Support", "ainlp")
    data = env.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return os.path.join(data, "ainlp")
