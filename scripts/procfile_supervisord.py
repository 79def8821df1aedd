"""Generate supervisord's configuration from the Procfile, so the Procfile stays the one list of processes.

    python scripts/procfile_supervisord.py [--procfile Procfile] [--run-dir var/run] [--out FILE]

Every Procfile line ``name: command`` becomes a ``[program:name]`` that supervisord starts, restarts on
its own when it ends (the others keep running: unlike honcho, one process ending does not stop the
rest) and stops as a whole process group. The command runs under ``bash -c`` exactly as honcho ran it,
so ``${VAR:-default}`` and ``cd bot && ...`` keep working; its output goes to supervisord's stdout
with a ``name | `` prefix, as honcho printed it. Standard library only: run.sh calls it before the
API's environment is needed for anything else.
"""

from __future__ import annotations

import argparse
import re
import shlex
import string
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
# supervisord's config parser treats ";" or "#" after whitespace as the start of a comment.
INLINE_COMMENT_RE = re.compile(r"\s[;#]")

PROGRAM = """
[program:{name}]
command={command}
directory={root}
autostart=true
; restarted whenever it ends, whatever its exit code; the other programs are not touched
autorestart=true
; alive this long = started; a program failing faster is retried {retries} times, then left FATAL
startsecs={startsecs}
startretries={retries}
stopsignal=TERM
stopwaitsecs=20
; gunicorn workers, rasa's subprocesses and the output prefixer go with their program
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
"""


class ProcfileError(ValueError):
    """A Procfile line that cannot become a supervisord program."""


def parse_procfile(text: str) -> list[tuple[str, str]]:
    """``[(name, command)]`` in file order; comments and blank lines skipped."""
    programs: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, command = line.partition(":")
        name, command = name.strip(), command.strip()
        if not sep or not NAME_RE.match(name) or not command:
            raise ProcfileError(f"Procfile line {number}: expected 'name: command', got {raw!r}")
        if any(name == seen for seen, _ in programs):
            raise ProcfileError(f"Procfile line {number}: process {name!r} is defined twice")
        if INLINE_COMMENT_RE.search(command):
            raise ProcfileError(f"Procfile line {number}: ' ;' or ' #' would be cut off by supervisord's "
                                f"config parser; write the command without them")
        programs.append((name, command))
    if not programs:
        raise ProcfileError("the Procfile defines no process")
    return programs


def program_command(name: str, command: str, width: int) -> str:
    """The ``command=`` value: bash runs the Procfile command with its output prefixed by the name."""
    prefix = f"{name:<{width}} | "
    # sed -u: line by line, unbuffered; the prefixer is in the program's process group, so it stops with it.
    script = f"exec > >(exec sed -u 's/^/{prefix}/') 2>&1 && {command}"
    # supervisord expands %(...)s in commands: a literal % must be doubled.
    return shlex.join(["/bin/bash", "-c", script]).replace("%", "%%")


def render(programs: list[tuple[str, str]], template: str, run_dir: Path, root: Path,
           startsecs: int = 3, retries: int = 5) -> str:
    width = max(len(name) for name, _ in programs)
    head = string.Template(template).substitute(RUN_DIR=str(run_dir), ROOT=str(root))
    sections = [PROGRAM.format(name=name, command=program_command(name, command, width), root=root,
                               startsecs=startsecs, retries=retries)
                for name, command in programs]
    return head + "".join(sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--procfile", type=Path, default=ROOT / "Procfile")
    parser.add_argument("--template", type=Path, default=ROOT / "scripts" / "supervisord.conf.tmpl")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "run",
                        help="socket, pid file and supervisord's own log")
    parser.add_argument("--root", type=Path, default=ROOT, help="working directory of every program")
    parser.add_argument("--out", type=Path, default=None, help="default: <run-dir>/supervisord.conf")
    args = parser.parse_args(argv)
    try:
        programs = parse_procfile(args.procfile.read_text(encoding="utf-8"))
    except ProcfileError as exc:
        print(f"{args.procfile}: {exc}", file=sys.stderr)
        return 2
    run_dir = args.run_dir.resolve()
    run_dir.mkdir(parents=True, exist_ok=True)
    out = args.out or run_dir / "supervisord.conf"
    out.write_text(render(programs, args.template.read_text(encoding="utf-8"), run_dir, args.root.resolve()),
                   encoding="utf-8")
    print(f"{out}: {', '.join(name for name, _ in programs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
