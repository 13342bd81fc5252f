"""nginx for the tests, from the shipped site file ``deploy/nginx-site.conf``: its own prefix,
configuration, logs and pid file in a temporary folder, on 127.0.0.1, in the foreground of a
child process; never the system's nginx service."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

SITE = ROOT / "deploy" / "nginx-site.conf"
ROUTE_COOKIE = "learning_route"


def nginx_path() -> str | None:
    """Debian's nginx (in /usr/sbin, which a user's PATH may leave out), or None."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def site_config(front: int, ports: dict[str, int]) -> str:
    """The shipped site file with the test's addresses: nginx on ``front``, route 1 and route 2 on
    their ports (the file says 8501 and 8502), all on 127.0.0.1."""
    shipped = SITE.read_text()
    assert shipped.count("listen 80;") == 1 and "8501" in shipped and "8502" in shipped, "the site file changed its addresses"
    config = shipped.replace("listen 80;", f"listen 127.0.0.1:{front};")
    return re.sub(r"850([12])", lambda match: str(ports[match.group(1)]), config)


def main_config(prefix: Path) -> str:
    """An nginx.conf of the test's own: its pid, logs and temporary files in ``prefix``."""
    temporary = " ".join(f"{kind}_temp_path {prefix / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} info;
events {{ worker_connections 512; }}
http {{
    access_log {prefix / "access.log"};
    {temporary}
    include {prefix / "learning.conf"};
}}
"""


@contextlib.contextmanager
def running_nginx(front: int, ports: dict[str, int]) -> Iterator[Path]:
    """nginx with the shipped site file on 127.0.0.1:``front`` in front of route 1 and route 2 at
    ``ports``; yields its prefix folder (its logs are there) once it accepts connections."""
    binary = nginx_path()
    assert binary is not None
    # A folder the worker can read (it runs as "nobody" when the tests run as root).
    prefix = Path(tempfile.mkdtemp(prefix="learning-nginx-"))
    prefix.chmod(0o755)
    (prefix / "learning.conf").write_text(site_config(front, ports))
    (prefix / "nginx.conf").write_text(main_config(prefix))
    command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, f"nginx refuses the configuration:\n{checked.stderr}"
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", front), timeout=1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                log = prefix / "error.log"
                raise RuntimeError(f"nginx did not start: {log.read_text()[-2000:] if log.exists() else ''}")
            time.sleep(0.05)
        yield prefix
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(prefix, ignore_errors=True)
