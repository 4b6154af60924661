"""Run one command and print ``<wall s> <peak RSS KiB> <exit code> <CPU s (user+sys)>``.

Started as ``python -S -I bench/_matting_launch.py CMD...`` so that the process
that forks the command is tiny: a child's ``ru_maxrss`` includes the memory it
shared with its parent before ``exec``, so forking from the benchmark (which
holds 4K test images) would inflate every reading.
"""

import os
import subprocess
import sys
import time

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
elapsed = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(f"{elapsed:.6f} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} {cpu:.6f}")
