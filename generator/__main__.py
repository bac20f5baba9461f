"""The `ciogen` command (and `python -m ciogen`): `cli.main`, then an immediate exit.

A 1,000-event plan's run leaves about 100 MB of objects (caches, compiled
templates) whose freeing at interpreter exit cost about 0.07 s of every run, in
pre-commit hooks too (timed by hand around `main`: the process outlived it by
0.24-0.26 s with the teardown, 0.17-0.19 s without). By the time `main` returns, its output is flushed, its
threads and child processes are finished and its files are closed, so the
process ends at once, as mypy's does, after running the `atexit` hooks.

Only when ciogen is the program itself (`ciogen ...`, `python -m ciogen ...`)
and nothing traces or profiles it: a tool running ciogen inside its own
process (`python -m cProfile -m ciogen`, `coverage run -m ciogen`, a script
calling `command()`, `python -i`'s prompt) still has work to do when ciogen is
done, so there the interpreter exits as usual. `cli.main` itself returns its exit
code (or raises argparse's `SystemExit`, for `--help` and usage errors).
"""

import atexit
import contextlib
import os
import sys
from typing import NoReturn

from .cli import main


def _ciogen_is_the_program() -> bool:
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return False
    if sys.flags.inspect or os.environ.get("PYTHONINSPECT"):
        return False  # the interactive prompt `python -i` asks for comes after
    args = iter(list(getattr(sys, "orig_argv", []))[1:])
    for arg in args:  # the interpreter's options, then what it runs
        if arg in ("-X", "-W"):
            next(args, None)  # the option's value
        elif arg == "-m":
            return next(args, None) == "ciogen"
        elif arg == "-c" or arg == "-":
            return False
        elif not arg.startswith("-"):  # a script: the `ciogen` entry point, or another
            return os.path.basename(arg).lower() in ("ciogen", "ciogen.exe", "ciogen-script.py")
    return False


def command() -> NoReturn:
    code = main()
    if not _ciogen_is_the_program():
        sys.exit(code)
    run_hooks = getattr(atexit, "_run_exitfuncs", None)  # CPython's; elsewhere: no hooks run
    if run_hooks is not None:
        run_hooks()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    command()
