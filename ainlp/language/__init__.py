"""The AINLP language: grammar loading, the AST, the phrase matcher and script checking."""
