"""``python -m hitl_widgets serve path/to/langgraph.json [--db F] [--port N] [--token T]``."""

import sys

from hitl_widgets.http.cli import main

if __name__ == "__main__":
    sys.exit(main())
