"""Browser-test fixtures (JupyterLab, Notebook 7, Voila, chromium): see `jupyter_servers`."""

from tests.e2e.jupyter_servers import (  # noqa: F401 - fixtures, found by pytest by name
    browser_context_args,
    browser_type_launch_args,
    jupyter_env,
    jupyter_lab,
    lab_notebook,
    voila_app,
    voila_tree,
)
