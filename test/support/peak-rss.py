"""Runs a command and reports the peak resident memory of its process.

usage: peak-rss.py TIMEOUT_SECONDS -- COMMAND...
Standard input is closed. Prints JSON to stdout: {"exit": code, "stdout": ..., "stderr": ...,
"maxRssKiB": peak RSS of the command, from getrusage(RUSAGE_CHILDREN)}. A command still running
after the timeout is killed and reported with exit null.
"""
import json, resource, subprocess, sys

timeout = float(sys.argv[1])
command = sys.argv[sys.argv.index('--') + 1:]
try:
    done = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    code, out, err = done.returncode, done.stdout, done.stderr
except subprocess.TimeoutExpired as expired:
    code, out, err = None, expired.stdout or b'', expired.stderr or b''
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"exit": code, "stdout": out.decode(), "stderr": err.decode(), "maxRssKiB": peak}))
