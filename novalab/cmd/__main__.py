"""``python -m novalab.cmd``: the console script without installing it."""
import sys

from novalab.cmd import main

sys.exit(main())
