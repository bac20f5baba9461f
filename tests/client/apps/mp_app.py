"""multiprocessing workers that queue events and return: ``python mp_app.py MODEL``.

MODEL is a start method, ``fork``, ``forkserver`` or ``spawn`` (two Process
children), ``pool``, ``pool-forkserver`` or ``pool-spawn`` (a Pool of that start method,
fork by default, recycling its workers with ``maxtasksperchild=1``, closed and joined as
the docs recommend) or ``pool-terminate`` (``with Pool(...)``, whose exit calls
``terminate()``: the workers install the SIGTERM handler in their initializer). Fork
and forkserver children end through multiprocessing's ``os._exit()``, never through
atexit; spawn children through ``sys.exit()``.
"""

from __future__ import annotations

import multiprocessing
import sys

from cio_rt import install_sigterm_handler
from common import make_client, queue_events

# Created at import: in the parent before a fork (the child inherits it with an empty
# queue), and in a spawned child when it imports this module afresh.
client = make_client()


def work(n: int) -> int:
    queue_events(client, n, "from_worker")
    return n


def main(model: str) -> None:
    if model in ("fork", "spawn", "forkserver"):
        ctx = multiprocessing.get_context(model)
        children = [ctx.Process(target=work, args=(300,)) for _ in range(2)]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
        codes = [child.exitcode for child in children]
        assert codes == [0, 0], codes
    elif model in ("pool", "pool-spawn", "pool-forkserver"):
        start = model.partition("-")[2] or "fork"
        pool = multiprocessing.get_context(start).Pool(2, maxtasksperchild=1)
        assert pool.map(work, [200] * 4) == [200] * 4
        pool.close()
        pool.join()
    elif model == "pool-terminate":
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2, initializer=install_sigterm_handler) as pool:
            assert pool.map(work, [200] * 4, chunksize=1) == [200] * 4
    else:
        raise SystemExit(f"unknown model {model!r}")


if __name__ == "__main__":
    main(sys.argv[1])
