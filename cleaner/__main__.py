"""`python -m cleaner` runs the CLI."""

import sys

from cleaner.cli import main

sys.exit(main())
