"""`python -m generator` is the `ciogen` command."""

import sys

from .cli import main

sys.exit(main())
