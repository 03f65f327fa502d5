"""Poll an IMAP mailbox and feed each unread message to `email_receive` (used by `fetch-email`).

A message is marked \\Seen only after `email_receive` returned, so a crash never loses one:
at worst a message processed just before the connection dropped is read again on the next run,
and `email_receive` records it as a duplicate by its Message-ID. A message whose processing
raises stays unseen, is reported, and the run goes on with the next one.
"""

from __future__ import annotations

import base64
import imaplib
import logging
import re
import ssl
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from .services import email_receive

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 500
TIMEOUT_SECONDS = 60
_DEFAULT_PORTS = {"imap": 143, "imaps": 993}


class ImapError(Exception):
    """A problem with the mailbox itself (URL, connection, folder); the message is in Spanish, without the password."""


class ImapLoginError(ImapError):
    """The server refused the user name or password."""


@dataclass(frozen=True)
class ImapTarget:
    scheme: str
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    folder: str

    @property
    def where(self) -> str:
        """For messages and logs: never includes the password."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass
class FetchFailure:
    uid: int
    error: str


@dataclass
class FetchResult:
    counts: Counter = field(default_factory=Counter)  # InboundEmail.Outcome value -> messages
    failures: list[FetchFailure] = field(default_factory=list)
    remaining: int = 0  # unseen messages left for the next run by the limit

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + len(self.failures)


def parse_imap_url(url: str) -> ImapTarget:
    """imap://user:password@host:143/INBOX or imaps://…; user and password may be %-encoded."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise ImapError(f"La URL de IMAP no es válida: {exc}.") from None
    if parts.scheme not in _DEFAULT_PORTS:
        raise ImapError("La URL de IMAP debe empezar con imap:// o imaps://.")
    if not parts.hostname or not parts.username or parts.password is None:
        raise ImapError(
            "La URL de IMAP debe incluir usuario, contraseña y servidor: imap://usuario:contraseña@servidor/INBOX."
        )
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapTarget(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[parts.scheme],
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
    )


def fetch_email(url: str, *, limit: int = DEFAULT_LIMIT, receive=None) -> FetchResult:
    """Process up to `limit` unseen messages of the folder, oldest UID first; counts per outcome."""
    receive = receive or email_receive
    target = parse_imap_url(url)
    connection = _connect(target)
    try:
        _login(connection, target)
        typ, data = connection.select(_quote_mailbox(target.folder))
        if typ != "OK":
            raise ImapError(
                f"No se pudo abrir la carpeta «{target.folder}» en {target.where}: {_text(data)}."
            )
        typ, data = connection.uid("SEARCH", None, "UNSEEN")
        if typ != "OK":
            raise ImapError(
                f"El servidor IMAP no aceptó la búsqueda de correos no leídos: {_text(data)}."
            )
        uids = sorted(int(uid) for uid in b" ".join(d for d in data if d).split())
        result = FetchResult(remaining=max(0, len(uids) - limit))
        for uid in uids[:limit]:
            _process(connection, uid, receive, result)
        return result
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ImapError(f"Falló la comunicación con {target.where}: {exc}.") from exc
    finally:
        try:
            connection.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _process(connection: imaplib.IMAP4, uid: int, receive, result: FetchResult) -> None:
    typ, data = connection.uid("FETCH", str(uid), "(BODY.PEEK[])")
    raw = (
        next((item[1] for item in data if isinstance(item, tuple) and len(item) == 2), None)
        if typ == "OK"
        else None
    )
    if raw is None:  # deleted by another client meanwhile, or refused by the server
        result.failures.append(
            FetchFailure(uid, f"el servidor no entregó el mensaje ({_text(data)})")
        )
        return
    try:
        record = receive(raw=raw)
    except Exception as exc:  # one bad message must not stop the others
        logger.exception("IMAP UID %s: processing failed; the message stays unseen", uid)
        result.failures.append(FetchFailure(uid, f"{type(exc).__name__}: {exc}"))
        return
    # Only now: the message is recorded, so marking it read can no longer lose it.
    typ, data = connection.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Seen)")
    if typ != "OK":
        logger.warning("IMAP UID %s: processed but could not be marked seen: %s", uid, _text(data))
    result.counts[record.outcome] += 1


def _connect(target: ImapTarget) -> imaplib.IMAP4:
    try:
        if target.scheme == "imaps":
            return imaplib.IMAP4_SSL(
                target.host,
                target.port,
                ssl_context=ssl.create_default_context(),
                timeout=TIMEOUT_SECONDS,
            )
        return imaplib.IMAP4(target.host, target.port, timeout=TIMEOUT_SECONDS)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ImapError(
            f"No se pudo conectar con el servidor IMAP {target.host}:{target.port}: {exc}."
        ) from None


def _login(connection: imaplib.IMAP4, target: ImapTarget) -> None:
    try:
        connection.login(target.user, target.password)
    except imaplib.IMAP4.error as exc:
        # The server's reply is shown; it never echoes the password back.
        raise ImapLoginError(
            f"El servidor IMAP rechazó el usuario o la contraseña de {target.where}: {_text(exc.args[0] if exc.args else '')}."
        ) from None


def _text(data) -> str:
    items = data if isinstance(data, list | tuple) else [data]
    text = " ".join(
        i.decode("utf-8", "replace") if isinstance(i, bytes) else str(i) for i in items if i
    )
    return text.strip().rstrip(".")  # the messages add their own full stop


def _quote_mailbox(name: str) -> str:
    """A folder name as an IMAP quoted string, in modified UTF-7 (RFC 3501 §5.1.3) when not ASCII."""
    encoded = re.sub(r"&|[^\x20-\x7e]+", _utf7_run, name)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _utf7_run(match: re.Match) -> str:
    if match.group() == "&":
        return "&-"
    return (
        "&"
        + base64.b64encode(match.group().encode("utf-16-be"))
        .decode("ascii")
        .rstrip("=")
        .replace("/", ",")
        + "-"
    )
