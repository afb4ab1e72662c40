"""The deployment files the README ships: the systemd unit passes `systemd-analyze verify` (with the paths of
this machine's cfc put in), and what the unit and the nginx example ask of cfc is what cfc does."""
from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click

import cli
from engine.web.server.app import MAX_BODY

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "cfc.service", encoding="utf-8")
    return parser


def test_the_systemd_unit_verifies(tmp_path):
    cfc = Path(sys.executable).with_name("cfc")
    assert cfc.exists(), "cfc is installed in the test environment (pip install '.[test]')"
    text = (DEPLOY / "cfc.service").read_text(encoding="utf-8").replace("/opt/cfc/.venv/bin/cfc", str(cfc))
    unit = tmp_path / "cfc.service"
    unit.write_text(text, encoding="utf-8")
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (package systemd) is needed to check deploy/cfc.service"
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines() if "cfc.service" in line]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def test_the_unit_runs_cfc_with_options_cfc_has():
    service = _unit()["Service"]
    for key in ("ExecStartPre", "ExecStart"):
        shipped = str(ROOT / "engine" / "data" / "deadlines.yaml")  # the README copies it to /etc/cfc
        words = shlex.split(service[key].replace("${CFC_DB}", "postgresql://x@127.0.0.1/cfc")
                            .replace("/etc/cfc/deadlines.yaml", shipped))
        assert words[0].endswith("/bin/cfc")
        command = cli.main.get_command(click.Context(cli.main), words[1])
        if isinstance(command, click.Group):
            command = command.get_command(click.Context(command), words[2])
            args = words[3:]
        else:
            args = words[2:]
        command.make_context(words[1], args)  # raises on an option cfc does not have
    start = service["ExecStart"]
    assert "--accounts" in start and "--host 127.0.0.1" in start and "--proxy 127.0.0.1" in start


def test_nginx_passes_what_cfc_needs():
    conf = (DEPLOY / "nginx-cfc.conf").read_text(encoding="utf-8")
    for line in ("proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $remote_addr;",
                 "proxy_set_header X-Forwarded-Proto $scheme;", "proxy_pass http://127.0.0.1:8000;"):
        assert line in conf
    size = int(conf.split("client_max_body_size", 1)[1].split("m;", 1)[0])
    assert size * 1024 * 1024 >= MAX_BODY  # an evidence file cfc accepts is never refused by nginx first
