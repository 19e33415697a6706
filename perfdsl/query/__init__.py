"""`perfdsl query` and `perfdsl export`: the specs of a tree as tables of an embedded DuckDB database.

`tables` declares the tables and makes their rows from the AST, the checks, the scores and the diff;
`database` reads a tree and loads the rows; `output` writes a result; `shell` is the interactive loop;
`queries/*.sql` are the named queries; `export` writes every table to files. docs/query.md documents the
tables column by column. Nothing here is imported unless one of those commands (or `review`) runs.
"""
