"""JSON backend: the AST of one project as JSON, and the JSON Schema it follows (`perfdsl schema`).

A document is the spec with only that project: file-level 单位/年度/框架 stay where the source put them, so
the document is the AST itself (`Spec.unit_of` tells how to resolve them). Keys follow the models' field order,
text is UTF-8 (not \\u-escaped). Layout (spans, file name, blank lines) is left out unless asked for
(`--with-spans`); comments are content and stay, after the fields of the node they belong to, and only where
the source has some.

Numbers are JSON numbers: a whole number is an integer (`10144000`, `100`), a fraction a decimal number
(`98.5`). The AST keeps numbers as Decimal; one whose digits a double cannot hold exactly (more than 15
significant digits) is written as a string of its digits instead, so that no digit is ever lost. The schema
allows both.

The published schema is a file shipped in the package (perfdsl/perfdsl.schema.json, copied to docs/), which
`perfdsl schema` prints as it is; `schema()` generates it afresh from the models, for the test that holds the
two together.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.resources
import json
from decimal import Decimal
from typing import Any

from .. import ast


def plain(value: Any, with_spans: bool = True) -> Any:
    """A JSON-ready copy of an AST or of a dumped model, in one walk: a node -> its fields (without layout
    unless `with_spans`, and then its comments after its other fields and only where it has some), Decimal ->
    number, date -> ISO text, tuples -> lists."""
    kind = type(value)
    if kind is str or value is None or kind is bool or kind is int:  # the leaves, most of what is walked
        return value
    if kind is tuple or kind is list:
        return [plain(v, with_spans) for v in value]
    shape = _SHAPES.get((kind, with_spans))  # a node class met before
    if shape is not None:
        return _node(value, shape, with_spans)
    if isinstance(value, (tuple, list)):
        return [plain(v, with_spans) for v in value]
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: plain(v, with_spans) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return _node(value, _shape(type(value), with_spans), with_spans)
    return value


def _node(value: Any, shape: tuple[tuple[str, ...], tuple[str, ...]], with_spans: bool) -> dict[str, Any]:
    own, comments = shape
    out = {k: plain(getattr(value, k), with_spans) for k in own}
    for k in comments:
        kept = getattr(value, k)
        if kept:
            out[k] = plain(kept, with_spans)
    return out


def _number(value: Decimal) -> int | float | str:
    if not value.is_finite():
        return str(value)
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else format(value, "f")


# The fields that hold a node's comments (comments, trailing, end_comments …), read off the classes.
_COMMENT_FIELDS = tuple(dict.fromkeys(name for cls in (ast.Node, ast.Block)
                                      for name in (f.name for f in dataclasses.fields(cls))
                                      if "Comment" in str(cls.__annotations__.get(name))))
_SHAPES: dict[tuple[type, bool], tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _shape(cls: type, with_spans: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the fields a node of `cls` always writes, the comment fields it writes when it has some): with
    spans every field in the classes' order, else the content first and the comments after."""
    shape = _SHAPES.get((cls, with_spans))
    if shape is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        if with_spans:
            shape = names, ()
        else:
            shape = (tuple(n for n in ast.content_fields(cls) if n not in _COMMENT_FIELDS),
                     tuple(n for n in _COMMENT_FIELDS if n in names))
        _SHAPES[(cls, with_spans)] = shape
    return shape


def document(spec: ast.Spec, project: ast.Project, *, with_spans: bool = False) -> dict[str, Any]:
    """The document for one project: the whole AST with `with_spans`, else the AST without layout, with each
    node's comments after its fields and only where there are some."""
    result: dict[str, Any] = plain(dataclasses.replace(spec, projects=(project,)), with_spans)
    return result


def render(spec: ast.Spec, project: ast.Project, *, with_spans: bool = False) -> str:
    return dumps(document(spec, project, with_spans=with_spans))


def dumps(data: Any) -> str:
    """`data` as indented JSON text. The standard library indents only in its pure-Python encoder, which made
    JSON the dearest format of a build; pydantic-core (pydantic's serializer, already installed) writes the
    same text several times faster, but for the shortest form of a tiny float's exponent (`1e-6`, not
    `1e-06`). A string UTF-8 cannot carry (a file name's undecodable byte, kept as a lone surrogate) is left
    to the standard library, as before."""
    from pydantic_core import PydanticSerializationError, to_json

    try:
        return to_json(data, indent=2).decode() + "\n"
    except PydanticSerializationError:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema() -> dict[str, Any]:
    """The JSON Schema of a document, generated from the AST models.

    Layout fields are optional (documents leave them out unless written `--with-spans`); everything else is
    as the models say, unknown keys included (they are refused).
    """
    from pydantic import TypeAdapter  # the boundary where pydantic reads the AST classes

    generated = TypeAdapter(ast.Spec).json_schema(mode="validation")
    _drop_layout(generated)
    return {"$schema": SCHEMA_DIALECT, **generated}


def _drop_layout(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("required"), list):
            node["required"] = [k for k in node["required"] if k not in ast.LAYOUT_FIELDS]
            if not node["required"]:
                del node["required"]
        for v in node.values():
            _drop_layout(v)
    elif isinstance(node, list):
        for v in node:
            _drop_layout(v)


def render_schema() -> str:
    """The published JSON Schema: the file shipped in the package, as it is.

    Not `schema()` rendered: pydantic versions write the same models in slightly different words, and the
    published text must not change with the pydantic a user happens to have.
    """
    return importlib.resources.files("perfdsl").joinpath("perfdsl.schema.json").read_text(encoding="utf-8")
