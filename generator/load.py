"""Read a taxonomy file and return the typed model, or every problem with it.

Three stages, all reported in one run: YAML syntax (with positions), the
published meta-schema (`taxonomy.schema.json`: a fast verdict from
`meta_fast`, the errors from jsonschema), then the
semantic checks in `build_model`. The semantic checks rely on the shape the
meta-schema guarantees, so after schema errors they read a copy of the document
with the condemned nodes cut out (`schema_prune`), and every other part is still
checked. Only an unreadable document (not YAML, not a mapping, over a limit)
stops after the first stage.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import json
import os
import stat
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build_model import ModelBuilder
from .errors import Problem, Severity, TaxonomyError
from .lazy_modules import lazy
from .limits import (
    MAX_DEFINITIONS,
    MAX_ENUM_VALUES,
    MAX_EVENTS,
    MAX_FILE_BYTES,
    MAX_PROPERTIES,
)
from .meta_fast import Check, compile_schema
from .model import Taxonomy
from .schema_prune import Hidden, prune
from .source import JsonPath, Source, bool_hint, load_source
from .suggest import close_match

if TYPE_CHECKING:
    import jsonschema
else:
    jsonschema = lazy("jsonschema")  # writes the messages of an invalid plan only


@functools.cache
def meta_schema() -> dict[str, Any]:
    """The taxonomy format's JSON Schema, as shipped inside the package.

    Looked up by this package's own name, not by "ciogen": from a checkout the
    README's `python -m generator` runs with no ciogen installed."""
    text = resources.files(__package__).joinpath("taxonomy.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _inline_refs(node: Any, defs: dict[str, Any], depth: int) -> Any:
    """Replace `{"$ref": "#/$defs/X"}` by X's schema, `depth` levels deep.

    Resolving a `$ref` is most of jsonschema's cost on a big taxonomy; the
    first few levels hold nearly every property, so inlining them roughly
    halves validation time. Deeper levels keep their `$ref`s (the format is
    recursive), and the published schema is left as written.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if depth > 0 and len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs, depth - 1)
        return {k: v if k == "$defs" else _inline_refs(v, defs, depth) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, defs, depth) for item in node]
    return node


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = meta_schema()
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema["$defs"], 4))


@functools.cache
def _is_valid() -> Check:
    """The meta-schema's verdict alone (meta_fast.py): a valid plan never reaches jsonschema."""
    return compile_schema(meta_schema())


def _deepest(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For oneOf/anyOf failures, the sub-error that got furthest into the document."""
    while error.context:
        error = max(error.context, key=lambda e: (len(e.absolute_path), -len(e.schema_path)))
    return error


def meta_problems(src: Source) -> list[Problem]:
    """Every way `src` breaks the meta-schema, located at the offending key or value."""
    return [problem for _, problem in located_meta_problems(src)]


def located_meta_problems(src: Source, data: Any = None) -> list[tuple[JsonPath, Problem]]:
    """`meta_problems` of `data` (default: the document), each with the path it condemns.

    Only a document the fast verdict rejects is walked by jsonschema, which
    writes every message: the messages are the reference implementation's.
    """
    document = src.data if data is None else data
    if _is_valid()(document):
        return []
    problems: list[tuple[JsonPath, Problem]] = []
    for raw in _validator().iter_errors(document):
        error = raw if raw.validator not in ("oneOf", "anyOf") or not raw.context else _deepest(raw)
        path: JsonPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            for extra in sorted(set(error.instance) - set(allowed)):
                where = (*path, extra)
                problem = src.problem(
                    where, f"unknown field {extra!r}", close_match(extra, allowed), key=True
                )
                problems.append((where, problem))
            continue
        if error.validator == "required":
            problems.append((path, src.problem(path, error.message)))
            continue
        value = error.instance
        shown = json.dumps(value, default=str)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message = (
            error.message
            if len(error.message) <= 120
            else f"{shown} is not valid here ({error.validator})"
        )
        problems.append((path, src.problem(path, message, bool_hint(value))))
    return problems


_SMALLEST_LIMIT = min(MAX_EVENTS, MAX_DEFINITIONS, MAX_PROPERTIES, MAX_ENUM_VALUES)


def count_problems(src: Source) -> list[Problem]:
    """Plans bigger than `limits` allows: events, definitions, properties, enum values.

    Checked before the meta-schema, so no later stage ever sees a plan whose
    generated code would be unreasonably large.
    """
    problems: list[Problem] = []
    if src.largest is not None and src.largest <= _SMALLEST_LIMIT:
        return problems  # the walk costs 0.05 s on 1,000 events; the loader saw nothing so big
    data = src.data if isinstance(src.data, dict) else {}
    for key, limit in (("events", MAX_EVENTS), ("definitions", MAX_DEFINITIONS)):
        section = data.get(key)
        if isinstance(section, dict) and len(section) > limit:
            problems.append(src.problem((key,), f"more than {limit} {key} ({len(section)})"))
    stack: list[tuple[JsonPath, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            props, values = node.get("properties"), node.get("enum")
            if isinstance(props, dict) and len(props) > MAX_PROPERTIES:
                problems.append(
                    src.problem(
                        (*path, "properties"),
                        f"more than {MAX_PROPERTIES} properties ({len(props)})",
                        "split the object",
                    )
                )
            if isinstance(values, list) and len(values) > MAX_ENUM_VALUES:
                problems.append(
                    src.problem(
                        (*path, "enum"), f"more than {MAX_ENUM_VALUES} enum values ({len(values)})"
                    )
                )
            stack.extend(((*path, k), v) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    return problems


def load_text(text: str, file: str) -> tuple[Taxonomy, list[Problem]]:
    """Validate `text` and build the model; raises `TaxonomyError` listing every problem."""
    taxonomy, problems, _ = load_located(text, file)
    return taxonomy, problems


def load_located(text: str, file: str) -> tuple[Taxonomy, list[Problem], Source]:
    """`load_text`, also returning the `Source` (positions), for `ciogen diff`'s locations."""
    src = load_source(text, file)
    problems = list(src.problems)
    taxonomy = None
    if isinstance(src.data, dict):
        # Key problems (duplicates, non-string keys) leave a usable mapping,
        # so the meta-schema and the semantic checks still report everything else.
        too_big = count_problems(src)
        problems += too_big
        if not too_big:
            schema_problems, usable, hidden = _schema_stage(src)
            problems += schema_problems
            if usable is not None:
                builder = ModelBuilder(usable)
                taxonomy = builder.build()
                problems += [p for p in builder.problems if not hidden.covers(p)]
    elif not problems:
        problems.append(
            Problem(file, 1, 1, "", "the taxonomy must be a YAML mapping", "see docs/taxonomy.md")
        )
    problems = sorted(set(problems), key=Problem.sort_key)
    if taxonomy is None or any(p.severity is Severity.ERROR for p in problems):
        raise TaxonomyError(problems)
    return taxonomy, problems, src


_PRUNE_ROUNDS = 4


def _schema_stage(src: Source) -> tuple[list[Problem], Source | None, Hidden]:
    """The meta-schema's problems, the source the semantic checks may read, what they hide.

    That source is `src` when the schema is satisfied, else a copy with the
    condemned nodes cut out (`schema_prune`), whose semantic problems under a
    cut are hidden; None if no cut satisfies the schema.
    """
    hidden = Hidden()
    located = located_meta_problems(src)
    if not located:
        return [], src, hidden
    data: Any = src.data
    remaining = located
    for _ in range(_PRUNE_ROUNDS):
        data = prune(data, [path for path, _ in remaining], hidden)
        remaining = located_meta_problems(src, data)
        if not remaining:
            return [p for _, p in located], dataclasses.replace(src, data=data), hidden
    return [p for _, p in located], None, hidden


def _read_taxonomy(path: Path) -> bytes:
    """The taxonomy's bytes: a regular file (or a link to one inside the working folder),
    at most `MAX_FILE_BYTES`; anything else is a located problem, never a hang."""

    def refuse(message: str, hint: str = "") -> TaxonomyError:
        return TaxonomyError([Problem(str(path), 1, 1, "", message, hint)])

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise refuse("file not found", "pass --taxonomy PATH") from None
    if stat.S_ISLNK(info.st_mode):
        target = path.resolve()
        if not target.is_relative_to(Path.cwd().resolve()):
            raise refuse(f"a link out of the project (to {target})", "commit the file itself")
        info = os.stat(target)
        path = target
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode):
        raise refuse("not a regular file (a FIFO, socket or device)", "pass a YAML file")
    if info.st_size > MAX_FILE_BYTES:
        raise refuse(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise refuse("not a regular file (a FIFO, socket or device)", "pass a YAML file")
        data = os.read(fd, MAX_FILE_BYTES + 1)
        while len(data) <= MAX_FILE_BYTES and (chunk := os.read(fd, 1 << 20)):
            data += chunk
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise refuse(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return data


def load_file(path: Path) -> tuple[Taxonomy, list[Problem]]:
    """`load_text` for a file; unreadable files are reported as problems too."""
    return load_text(read_text(path), str(path))


def read_text(path: Path) -> str:
    """The taxonomy file's text; raises `TaxonomyError` when it cannot be read."""
    try:
        return _read_taxonomy(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaxonomyError(
            [Problem(str(path), 1, 1, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    except OSError as exc:
        raise TaxonomyError(
            [Problem(str(path), 1, 1, "", f"cannot read: {exc.strerror}")]
        ) from None
