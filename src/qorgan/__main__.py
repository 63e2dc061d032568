import sys

from qorgan.cli import main

sys.exit(main())
