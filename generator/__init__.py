"""ciogen: compile a Customer.io tracking plan into a typed Python client.

The pipeline (docs/architecture.md draws it): `load` (YAML with positions →
meta-schema → semantic checks) builds the typed `model`; `render.build_output`
turns it into every generated file in memory; `output` writes or diffs that
tree.
"""

__version__ = "0.2.0"
