"""The supervisord configuration generated from the Procfile (scripts/procfile_supervisord.py)."""

from __future__ import annotations

import configparser
import importlib.util
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("procfile_supervisord", ROOT / "scripts" / "procfile_supervisord.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)
TEMPLATE = (ROOT / "scripts" / "supervisord.conf.tmpl").read_text(encoding="utf-8")


def _parsed(text: str) -> configparser.RawConfigParser:
    # the same parser settings as supervisord's (inline ; and # comments, %% kept for its own expansion)
    parser = configparser.RawConfigParser(inline_comment_prefixes=(";", "#"), strict=False)
    parser.read_string(text)
    return parser


def test_every_procfile_line_becomes_an_autorestarted_program_in_file_order(tmp_path):
    programs = gen.parse_procfile("# comment\n\napi: gunicorn app:app\nrasa: cd bot && rasa run\n")
    assert programs == [("api", "gunicorn app:app"), ("rasa", "cd bot && rasa run")]
    conf = _parsed(gen.render(programs, TEMPLATE, tmp_path / "run", tmp_path))
    assert [s for s in conf.sections() if s.startswith("program:")] == ["program:api", "program:rasa"]
    for name in ("api", "rasa"):
        section = conf[f"program:{name}"]
        assert section["autorestart"] == "true" and section["stopasgroup"] == "true"
        assert section["killasgroup"] == "true" and section["directory"] == str(tmp_path)
    assert conf["supervisord"]["nodaemon"] == "true"
    assert conf["unix_http_server"]["file"] == str(tmp_path / "run" / "supervisor.sock")


def test_the_real_procfile_has_the_four_processes_of_the_readme():
    names = [name for name, _ in gen.parse_procfile((ROOT / "Procfile").read_text(encoding="utf-8"))]
    assert {"api", "rasa", "actions", "worker"} <= set(names)


def test_the_command_runs_the_line_under_bash_with_a_name_prefix_and_keeps_percent_signs(tmp_path):
    line = 'echo "${FOO:-dflt} 100%"'
    conf = _parsed(gen.render([("a", line), ("long-name", "true")], TEMPLATE, tmp_path, tmp_path))
    command = conf["program:a"]["command"].replace("%%", "%")  # what supervisord's own expansion gives back
    argv = shlex.split(command)
    assert argv[:2] == ["/bin/bash", "-c"] and argv[2].endswith("&& " + line)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=10, env={"FOO": "bar", "PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "a         | bar 100%"  # padded to the longest name, as honcho did


@pytest.mark.parametrize("text, message", [
    ("api gunicorn\n", "expected 'name: command'"),
    ("a: x\na: y\n", "defined twice"),
    ("a: run ; other\n", "cut off"),
    ("# only a comment\n", "no process"),
])
def test_bad_procfiles_are_refused_with_the_reason(text, message):
    with pytest.raises(gen.ProcfileError, match=message):
        gen.parse_procfile(text)


def test_the_cli_writes_the_config_next_to_the_socket(tmp_path):
    procfile = tmp_path / "Procfile"
    procfile.write_text("web: sleep 1\n", encoding="utf-8")
    assert gen.main(["--procfile", str(procfile), "--run-dir", str(tmp_path / "run")]) == 0
    assert "[program:web]" in (tmp_path / "run" / "supervisord.conf").read_text(encoding="utf-8")
    procfile.write_text("bad line\n", encoding="utf-8")
    assert gen.main(["--procfile", str(procfile), "--run-dir", str(tmp_path / "run")]) == 2
