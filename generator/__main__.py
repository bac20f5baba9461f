"""`python -m ciogen` is the `ciogen` command."""

import sys

from .cli import main

sys.exit(main())
