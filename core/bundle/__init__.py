"""The bundle that survives an OS reinstall: export it on the old machine, import it on the new.

layout     file names, caps, the schema version, HOME-relative locations and their remapping
manifest   the plain values of a bundle's manifest.json (BundleEnv, ActiveRecord, Manifest)
locks      requirements.txt pins and PEP 751 pylock.toml of one environment
pythons    the commands that install a missing Python on this OS
guide      RECOVERY.md: the steps a person follows on the new machine
statedb    a consistent copy of the state database (SQLite's backup API)
archive    the optional .tar.gz, and its checked extraction
write      export: snapshots + wheels + records -> a bundle folder
read       the trust boundary: a bundle folder -> a validated Bundle, or BadInput
schema     the pydantic models read uses (imported only while validating)
plan       import: where each environment goes, which Python builds it, what cannot be done
restore    import: one environment rebuilt and verified, removed again when it fails
"""

from ainlp.core.bundle.layout import SCHEMA_VERSION, portable, remap
from ainlp.core.bundle.manifest import ActiveRecord, BundleEnv, Manifest, PythonNeed
from ainlp.core.bundle.plan import EnvPlan, ImportPlan, MissingPython, plan_import
from ainlp.core.bundle.read import Bundle, read_bundle
from ainlp.core.bundle.restore import Restored, VerifyFailed, distribution_set, restore_env
from ainlp.core.bundle.write import ExportResult, ExportSource, write_bundle

__all__ = [
    "SCHEMA_VERSION",
    "ActiveRecord",
    "Bundle",
    "BundleEnv",
    "EnvPlan",
    "ExportResult",
    "ExportSource",
    "ImportPlan",
    "Manifest",
    "MissingPython",
    "PythonNeed",
    "Restored",
    "VerifyFailed",
    "distribution_set",
    "plan_import",
    "portable",
    "read_bundle",
    "remap",
    "restore_env",
    "write_bundle",
]
