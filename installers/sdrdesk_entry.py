"""The script PyInstaller freezes: the same `main()` as the `sdrdesk` console command.

It lives outside the package so PyInstaller does not put `sdrdesk/` itself on the analysis path
(which would make `cli`, `app`, ... importable as top-level modules in the bundle).
"""

import sys

from sdrdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
