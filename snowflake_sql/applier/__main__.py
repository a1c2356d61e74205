"""`python -m applier ...`: see applier.cli."""

import sys

from applier.cli import main

sys.exit(main())
