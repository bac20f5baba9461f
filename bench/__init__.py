"""ciogen benchmarks: client throughput and generator scaling.

Run everything with ``python -m bench.run``; see BENCHMARKS.md.
Only the standard library is imported here so the child processes that run
inside the peers' own virtual environments can use these modules too.
"""
