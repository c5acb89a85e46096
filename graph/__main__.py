"""``python -m graph`` runs the ``bskg`` command line."""

import sys

from graph.cli import main

sys.exit(main())
