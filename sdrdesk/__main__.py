"""`python -m sdrdesk` runs the same entry point as the `sdrdesk` command."""

import sys

from sdrdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
