"""AINLP: keeps a machine's Python interpreters and environments healthy, from plain words.

`import ainlp` is light: nothing heavy is imported until it is used.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
