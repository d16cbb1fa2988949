"""The engine: discovery, health, state and recovery. Knows nothing of language or screens.

Nothing here imports lark, rich or prompt_toolkit, and importing it does no work.
"""
