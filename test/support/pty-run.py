"""Runs a command on a pseudo-terminal, answering prompts like a person typing.

usage: pty-run.py ANSWERS_JSON -- COMMAND...
ANSWERS_JSON is a list of [prompt_substring, text_to_type]. Prints JSON to stdout:
{"exit": code, "screen": everything the terminal showed}.
"""
import json, os, pty, select, sys, time

answers = json.loads(sys.argv[1])
command = sys.argv[sys.argv.index('--') + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
screen = b''
pending = list(answers)
deadline = time.time() + 30
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.1)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        screen += chunk
    if pending and pending[0][0].encode() in screen.split(b'\n')[-1]:
        time.sleep(0.1)  # let the program switch the terminal to raw mode first
        os.write(fd, pending.pop(0)[1].encode())
_, status = os.waitpid(pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status), "screen": screen.decode('utf-8', 'replace')}))
