"""Sub-commands of `perfdsl`: one module each, with `register(subparsers)` and `run(args) -> int`."""
