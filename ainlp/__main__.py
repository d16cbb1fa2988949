"""`python -m ainlp`: the command line, as the `ainlp` console script."""

from ainlp._launch import main

raise SystemExit(main())
