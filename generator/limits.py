"""Limits on what ciogen reads, builds and scans (the threat model is docs/security.md).

A taxonomy comes from whoever can open a pull request, and `ciogen check`
runs on it in CI. Each limit is generous for a real tracking plan (the
largest we know of has a few hundred events) and tiny next to a CI runner, so
a hostile plan ends in a located error within a second instead of exhausting
memory or time. Every limit is enforced where the data is read, with a
located error naming the limit.
"""

from __future__ import annotations

MAX_FILE_BYTES = 32 * 1024 * 1024
"""The taxonomy file (and the journal of an interrupted run). Generated files are
compared in full, whatever their size: they are as large as the plan makes them."""
MAX_DIFF_BYTES = 4 * 1024 * 1024
"""A changed file larger than this (on disk or generated) gets no line diff from
`check`, only where it first differs: difflib's time grows with the product of the
differing lines, and a 39 MB file took minutes."""
MAX_DIFF_LINES = 10_000
"""Differing lines (both sides, after the common start and end) difflib is given."""
MAX_DIFF_OUTPUT_LINES = 2_000
"""Lines of diff `check` prints per file; the rest is counted, not shown."""
MAX_OUTPUT_ENTRIES = 100_000
"""Entries scanned in an output folder (a generated package has a few dozen)."""

MAX_YAML_DEPTH = 64
"""Nesting of YAML collections (a real plan nests fewer than 15 levels)."""
MAX_YAML_EVENTS = 2_000_000
"""YAML nodes in the document, aliases expanded."""
MAX_ALIASES = 10_000
"""Alias uses (`*name`) in the document."""
MAX_ALIAS_EXPANSION = 100_000
"""Nodes that alias uses add to the document once expanded (billion laughs)."""

MAX_EVENTS = 10_000
"""Events in one plan (the benchmarks' largest synthetic plan has 10,000)."""
MAX_PROPERTIES = 2_000
"""Properties of one object (event, definition, nested object)."""
MAX_ENUM_VALUES = 10_000
"""Values of one enum."""
MAX_DEFINITIONS = 5_000
"""Shared definitions (`definitions:`)."""
MAX_STRING_BYTES = 65_536
"""One scalar (a description, pattern, default): 64 KiB."""

MAX_TYPE_DEPTH = 24
"""Nesting of objects and arrays in one property, `$ref`s followed (Python's
compiler refuses more than 20 statically nested blocks in generated code)."""
MAX_ARRAY_DEPTH = 8
"""Arrays of arrays of ... in one property."""
MAX_INLINED_SIZE = 100_000
"""Type nodes one property expands to once every `$ref` is inlined: generated
code grows with this, so it bounds the size and the time of `generate`."""

MAX_SUGGESTION_CANDIDATES = 500
"""Names compared when suggesting "did you mean": more are not searched."""
MAX_SUGGESTIONS_PER_RUN = 50
"""Problems that get a suggestion; later ones get none (the search is quadratic)."""

MAX_PATTERN_LENGTH = 1_000
"""Characters of one `pattern`."""
MAX_REGEX_WORK = 100_000
"""Worst-case steps a pattern may take on a value of the longest allowed length
(docs/security.md, "Regular expressions")."""
