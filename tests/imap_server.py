"""A real IMAP server for the tests: Debian's dovecot on 127.0.0.1 with a throwaway config.

One dovecot per test session, started from a temporary directory that holds its config,
sockets, state, log and mail; every test gets its own empty mailbox (a new user name: the
static passdb accepts any user with the test password). The tests that use it are skipped
only when the `dovecot` binary is missing (`apt-get install dovecot-imapd`).
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PASSWORD = "clave-imap-de-prueba"
HOST = "127.0.0.1"
START_TIMEOUT = 10.0
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def dovecot_binary() -> str | None:
    return shutil.which("dovecot", path=_SEARCH_PATH)


def dovecot_version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    match = re.match(r"(\d+)\.(\d+)", out.strip())
    return (int(match[1]), int(match[2])) if match else (2, 3)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


class DovecotServer:
    def __init__(self, binary: str):
        self.binary = binary
        self.version = dovecot_version(binary)
        self.root = Path(
            tempfile.mkdtemp(prefix="cfdidesk-dovecot-")
        )  # short: unix socket paths are limited
        self.root.chmod(0o755)  # dovecot's unprivileged processes must reach their sockets
        self.port = 0
        self.process: subprocess.Popen | None = None
        if os.geteuid() == 0:
            # Dovecot refuses to run its login processes or to access mail as root.
            self.internal_user = "dovecot" if _user_exists("dovecot") else "nobody"
            self.login_user = "dovenull" if _user_exists("dovenull") else self.internal_user
        else:  # rootless: every process runs as the current user
            self.internal_user = self.login_user = pwd.getpwuid(os.getuid()).pw_name
        self.mail_user = self.internal_user
        for name in ("run", "state", "mail", "home"):
            (self.root / name).mkdir()
        if os.geteuid() == 0:
            owner = pwd.getpwnam(self.mail_user)
            for name in ("mail", "home"):
                os.chown(self.root / name, owner.pw_uid, owner.pw_gid)

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(sin log)"

    def config(self) -> str:
        owner = pwd.getpwnam(self.mail_user)
        # Without root there is no chroot(); these two services chroot by default.
        rootless = os.geteuid() != 0
        rootless_login = "\n  chroot =" if rootless else ""
        rootless_anvil = "\n  chroot =" if rootless else ""
        common = f"""
protocols = imap
listen = {HOST}
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.log_path}
info_log_path = {self.log_path}
ssl = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {self.internal_user}
default_internal_group = {grp.getgrgid(pwd.getpwnam(self.internal_user).pw_gid).gr_name}
default_login_user = {self.login_user}
first_valid_uid = 1
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}{rootless_login}
}}
"""
        if self.version >= (2, 4):  # new syntax; Debian 13 ships 2.4
            return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
auth_allow_cleartext = yes
mail_home = {self.root}/home/%{{user}}
mail_driver = maildir
mail_path = {self.root}/mail/%{{user}}
namespace inbox {{
  inbox = yes
}}
passdb static {{
  password = {PASSWORD}
}}
userdb static {{
}}
service anvil {{{rootless_anvil}
}}
"""
        return f"""{common}
disable_plaintext_auth = no
mail_location = maildir:{self.root}/mail/%u
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = home={self.root}/home/%u
}}
service anvil {{{rootless_anvil}
  # No penalty: after the wrong-password test the next login would wait seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    def start(self) -> None:
        for _attempt in range(3):  # the free port may be taken between choosing and binding it
            self.port = _free_port()
            conf = self.root / "dovecot.conf"
            conf.write_text(self.config())
            self.log_path.write_text("")
            self.process = subprocess.Popen(
                [self.binary, "-F", "-c", str(conf)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=(self.root / "stderr.log").open("wb"),
                start_new_session=True,  # its own process group, so stop() can end every child it forked
            )
            if self._wait_ready():
                return
            self.stop(cleanup=False)
            if "Address already in use" not in self._output():
                break
        raise RuntimeError(f"dovecot no arrancó en {HOST}:{self.port}:\n{self._output()}")

    def _output(self) -> str:
        stderr = self.root / "stderr.log"
        return (stderr.read_text(errors="replace") if stderr.exists() else "") + self.log()

    def _wait_ready(self) -> bool:
        """True once the server greets with '* OK'; False when it failed or did not answer in time."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None or "Fatal:" in self._output():
                return False
            try:
                connection = imaplib.IMAP4(HOST, self.port, timeout=2)
            except (OSError, imaplib.IMAP4.error):
                time.sleep(0.05)
                continue
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                connection.logout()
            return connection.welcome.startswith(b"* OK")
        return False

    def stop(self, *, cleanup: bool = True) -> None:
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)  # any child the master left behind
        if cleanup:
            shutil.rmtree(self.root, ignore_errors=True)


class ImapMailbox:
    """One user's empty INBOX on the test server, with helpers to fill and inspect it."""

    def __init__(self, server: DovecotServer, user: str):
        self.server, self.user, self.password = server, user, PASSWORD
        self.host, self.port = HOST, server.port
        self.url = f"imap://{user}:{PASSWORD}@{HOST}:{server.port}/INBOX"

    @contextlib.contextmanager
    def connect(self):
        connection = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            connection.login(self.user, self.password)
            connection.select("INBOX")
            yield connection
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                connection.logout()

    def append(self, raw: bytes, flags: str = "") -> int:
        """APPEND the message as it is; returns its UID."""
        with self.connect() as connection:
            typ, data = connection.append("INBOX", f"({flags})" if flags else None, None, raw)
        assert typ == "OK", data
        match = re.search(rb"APPENDUID \d+ (\d+)", data[0])
        return int(match[1]) if match else 0

    def search(self, criterion: str = "ALL") -> list[int]:
        with self.connect() as connection:
            typ, data = connection.uid("SEARCH", None, criterion)
        assert typ == "OK", data
        return sorted(int(uid) for uid in b" ".join(d for d in data if d).split())

    def unseen(self) -> list[int]:
        return self.search("UNSEEN")

    def seen(self) -> list[int]:
        return self.search("SEEN")


@pytest.fixture(scope="session")
def dovecot_server():
    binary = dovecot_binary()
    if binary is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    server = DovecotServer(binary)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    yield server
    server.stop()


_users = itertools.count(1)


@pytest.fixture
def imap_mailbox(dovecot_server):
    """A fresh, empty mailbox on the session's dovecot; `.url` is ready for IMAP_URL."""
    return ImapMailbox(dovecot_server, f"mesa{os.getpid()}x{next(_users)}")
