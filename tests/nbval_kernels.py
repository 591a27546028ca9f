"""nbval's notebook kernels, started so that a kernel that dies while starting says why.

nbval starts each notebook's kernel with its stderr sent to /dev/null. Under four xdist
workers on two cores a kernel died "before replying to kernel_info" about once in five full
runs, and nothing recorded the cause. Here the kernel's stderr goes to a file; a kernel that
dies before it is ready is started once more, and its stderr is printed to the terminal
(so the cause is in the CI log). A second death fails the notebook with that stderr in the
error. Only the start is tried again: every cell still runs once and fails as it fails.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import nbval.kernel

_start_new_kernel = nbval.kernel.start_new_kernel


def _start_keeping_stderr(startup_timeout: int = 60, kernel_name: str = "python",
                          **kwargs: Any) -> Any:
    for attempt in (1, 2):
        with tempfile.NamedTemporaryFile("w+", prefix="nbval-kernel-", suffix=".log",
                                         delete=False) as log:
            kwargs["stderr"] = log
            try:
                started = _start_new_kernel(startup_timeout, kernel_name, **kwargs)
            except RuntimeError as error:
                log.flush()
                stderr = Path(log.name).read_text(errors="replace")[-4000:]
                Path(log.name).unlink()
                if attempt == 2:
                    raise RuntimeError(f"{error} (twice); its stderr:\n{stderr}") from error
                print(f"\nnbval: a notebook kernel died while starting ({error}); starting "
                      f"it again. Its stderr:\n{stderr}", file=sys.__stderr__, flush=True)
            else:
                Path(log.name).unlink()  # the running kernel keeps writing to its open file
                return started
    raise AssertionError("unreachable")


nbval.kernel.start_new_kernel = _start_keeping_stderr
