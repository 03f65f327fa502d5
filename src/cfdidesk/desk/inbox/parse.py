"""Raw e-mail bytes to a plain value for the ticket services; pure, read defensively throughout."""

import codecs
import math
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors, policy
from email.message import EmailMessage
from email.parser import BytesParser

import nh3
from django.utils.translation import gettext as _

TICKET_RE = re.compile(r"\[#(\d{4}-\d{6})\]", re.ASCII)  # ASCII: no full-width digits
# The stdlib's lazy header parsing raises all of these on some hostile input.
_HEADER_ERRORS = (errors.MessageError, ValueError, LookupError, TypeError, AttributeError)
_EMAIL_HEADERS = set("from to cc subject date message-id received return-path mime-version".split())
_WESTERN = {"iso8859-1", "cp1252"}  # mislabelled UTF-8 is common here; try it first
_EXTENSIONS = {"application/pdf": ".pdf", "application/xml": ".xml", "message/rfc822": ".eml"}
_HTML_TAGS = set(
    "a abbr b blockquote br caption code div em h1 h2 h3 h4 h5 h6 hr i li ol p pre s "
    "span strong sub sup table tbody td tfoot th thead tr u ul".split()
)
_HTML_ATTRS = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_DROP_WITH_CONTENT, _SCHEMES = {"script", "style", "title"}, {"http", "https", "mailto"}
_LINE_TAGS = set(
    "p div br li tr blockquote pre table ul ol hr h1 h2 h3 h4 h5 h6 section article "
    "header footer dt dd".split()
)
_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_SYSTEM_SENDERS = {"mailerdaemon", "postmaster", "noreply", "donotreply"}  # after dropping - and _
_AUTO_SUBJECTS = (
    "automatic reply",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "out of office",
    "risposta automatica",
)
_ATTRIBUTIONS = (("on ", "wrote:"), ("el ", "escribió:"), ("il giorno", "ha scritto:"))
_ORIGINAL = {"original message", "mensaje original", "messaggio originale"}
_FROM_LABELS, _SUBJECT_LABELS = {"from", "de", "da"}, {"subject", "asunto", "oggetto"}
_SENT_LABELS = {"sent", "enviado el", "enviado", "date", "fecha", "inviato"}
_HISTORY_STARTS = ("-", *_FROM_LABELS, *(start for start, _end in _ATTRIBUTIONS))


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    text: str
    reply_text: str
    html: str
    attachments: tuple[ParsedAttachment, ...]
    is_automatic: bool
    automatic_reason: str
    ticket_number: str | None
    size: int


class MailParseError(ValueError):
    """The message cannot become a ticket; str(exc) is shown to staff."""


def parse_message(raw: bytes, *, max_bytes: int = 25 * 1024 * 1024) -> ParsedMessage:
    raw = bytes(raw)
    if len(raw) > max_bytes:  # size rounded up, limit down: never "pesa 25 y el máximo es 25"
        raise MailParseError(
            _("El correo pesa %(size)s MB y el máximo es %(max)s MB.")
            % {
                "size": f"{math.ceil(len(raw) / 104_857.6) / 10:g}",
                "max": f"{math.floor(max_bytes / 104_857.6) / 10:g}",
            }
        )
    try:
        return _build(BytesParser(policy=policy.default).parsebytes(raw), raw)
    except MailParseError:
        raise
    except RecursionError as exc:  # thousands of nested multiparts: refuse rather than crash
        raise MailParseError(_("El correo tiene demasiadas partes anidadas.")) from exc
    except _HEADER_ERRORS as exc:  # e.g. a UTF-16 RFC 2231 parameter the stdlib cannot decode
        reason = _("El correo está dañado: no se puede leer su estructura MIME.")
        raise MailParseError(reason) from exc


def _build(msg: EmailMessage, raw: bytes) -> ParsedMessage:
    if not _EMAIL_HEADERS & {k.lower() for k in msg.keys()}:
        raise MailParseError(_("El contenido no es un correo electrónico (no tiene encabezados)."))
    senders = _addresses(msg, "From")
    if not senders:
        raise MailParseError(_("El correo no tiene un remitente (From) válido."))
    plain, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    text = _part_text(plain) if plain is not None else ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    raw_html = _part_text(html_part) if html_part is not None else ""
    html = nh3.clean(
        raw_html,
        tags=_HTML_TAGS,
        attributes=_HTML_ATTRS,
        url_schemes=_SCHEMES,
        clean_content_tags=_DROP_WITH_CONTENT,
    ).strip()
    if not text and raw_html:  # also when text/plain exists but is blank (broken senders)
        text = _html_to_text(raw_html)
    attachments = _attachments(msg)
    if not text and not html and not attachments:
        raise MailParseError(_("El correo no tiene contenido: ni texto, ni HTML, ni adjuntos."))
    subject = _text(msg, "Subject")
    date = getattr(_header(msg, "Date"), "datetime", None)
    if date is not None and date.tzinfo is None:  # "-0000" means UTC, offset unknown
        date = date.replace(tzinfo=UTC)
    reason = automatic_reason(msg)
    return ParsedMessage(
        message_id=next(iter(_msgids(_text(msg, "Message-ID"))), ""),
        in_reply_to=next(iter(_msgids(_text(msg, "In-Reply-To"))), ""),
        references=tuple(_msgids(_text(msg, "References"))),
        from_address=senders[0][0],
        from_name=senders[0][1],
        to=tuple(dict.fromkeys(a for a, _n in _addresses(msg, "To"))),
        cc=tuple(dict.fromkeys(a for a, _n in _addresses(msg, "Cc"))),
        subject=subject,
        date=date,
        text=text,
        reply_text=strip_quoted(text),
        html=html,
        attachments=attachments,
        is_automatic=bool(reason),
        automatic_reason=reason,
        ticket_number=ticket_number_in(subject),
        size=len(raw),
    )


def ticket_number_in(subject: str) -> str | None:
    match = TICKET_RE.search(subject or "")
    return match.group(1) if match else None


def automatic_reason(msg) -> str:
    """Why nobody should answer this message; "" when a person wrote it."""
    submitted = _text(msg, "Auto-Submitted").lower().split(";")[0].strip()
    if submitted and submitted != "no":
        kind = _("respuesta automática") if submitted == "auto-replied" else _("mensaje automático")
        return f"{kind} (Auto-Submitted: {submitted})"
    if msg.get_content_type() == "multipart/report":
        return _("aviso del servidor de correo (multipart/report)")
    if _text(msg, "Return-Path").replace(" ", "") == "<>":
        return _("aviso del servidor de correo (Return-Path vacío)")
    senders = _addresses(msg, "From")
    local = senders[0][0].partition("@")[0].split("+")[0] if senders else ""
    if local.replace("-", "").replace("_", "") in _SYSTEM_SENDERS:
        return _("remitente automático (%(address)s)") % {"address": senders[0][0]}
    precedence = _text(msg, "Precedence").lower()
    if precedence in _PRECEDENCE:
        return _("envío masivo o automático (Precedence: %(value)s)") % {"value": precedence}
    for name in ("X-Autoreply", "X-Autorespond"):
        if name in msg:
            return _("respuesta automática (%(header)s)") % {"header": name}
    # Outlook puts this header on ordinary mail too: only an auto-reply subject confirms it.
    suppress = {t.strip().lower() for t in _text(msg, "X-Auto-Response-Suppress").split(",")}
    subject = _text(msg, "Subject").lower()
    if suppress & {"all", "oof", "autoreply"} and any(s in subject for s in _AUTO_SUBJECTS):
        return _("respuesta automática (X-Auto-Response-Suppress)")
    return ""


def strip_quoted(text: str) -> str:
    """Keep what the sender just wrote: drop quoted history, reply headers and signature."""
    lines = text.splitlines()
    end = next((i for i in range(len(lines)) if _starts_history(lines, i)), len(lines))
    kept = [line for line in lines[:end] if not line.startswith(">")]
    while kept and set(kept[-1].strip()) <= set("_-"):  # blank lines, Outlook's ____ rule
        kept.pop()
    return "\n".join(kept).strip("\n").rstrip() or text.strip()


def _starts_history(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if not line.lstrip("*").lower().startswith(_HISTORY_STARTS):  # cheap exit for most lines
        return False
    if lines[i].rstrip() == "--" or (line[:2] == "--" and line.strip("- ").lower() in _ORIGINAL):
        return True  # signature separator, or -----Original Message-----
    # Gmail wraps long attribution lines, so also try this line joined with the next one.
    for candidate in (line, f"{line} {lines[i + 1].strip()}" if i + 1 < len(lines) else ""):
        low = candidate.lower()
        if any(low.startswith(a) and low.endswith(b) for a, b in _ATTRIBUTIONS) and any(
            c.isdigit() for c in low
        ):  # a date: "On Monday she wrote:" is not a header
            return True
    if _label(line) in _FROM_LABELS:
        window = {_label(following) for following in lines[i + 1 : i + 7]}
        return bool(window & _SENT_LABELS and window & _SUBJECT_LABELS)
    return False


def _label(line: str) -> str:
    head, sep, _rest = line.strip().partition(":")
    return head.strip("* ").lower() if sep else ""  # "*De:*" when Outlook HTML became text


def _header(msg, name: str):
    """The first `name` header, parsed; None when missing or beyond repair."""
    value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if value is None or hasattr(value, "name"):  # a message built in memory is already parsed
        return value
    value = _repair(value.replace("\r", "").replace("\n", ""))  # unfold
    try:
        return policy.default.header_factory(name, value)
    except _HEADER_ERRORS:
        return None


def _text(msg, name: str) -> str:
    return str(_header(msg, name) or "").strip()


def _addresses(msg, name: str) -> list[tuple[str, str]]:
    try:
        found = [
            (a.addr_spec.lower(), a.display_name.strip())
            for a in getattr(_header(msg, name), "addresses", ())
        ]
    except _HEADER_ERRORS:
        return []
    return [(addr, shown) for addr, shown in found if addr.count("@") == 1 and all(addr.split("@"))]


def _msgids(value: str) -> list[str]:
    found = re.findall(r"<([^<>\s]+)>", value) or value.split()
    return list(dict.fromkeys(v.strip("<>") for v in found if v.strip("<>")))


def _repair(value: str) -> str:
    """Undeclared 8-bit header bytes arrive as surrogate escapes: decode them for real."""
    return _decode(value.encode("utf-8", "surrogateescape"), "utf-8")


def _decode(data: bytes, charset: str | None) -> str:
    try:
        name = codecs.lookup(charset or "utf-8").name
    except (LookupError, ValueError):
        name = "utf-8"
    for encoding in ([] if name in _WESTERN else [name]) + ["utf-8"]:
        try:
            return data.decode(encoding).replace("\x00", "")  # NUL breaks PostgreSQL text
        except (UnicodeDecodeError, LookupError):  # LookupError: "base64" is no text codec
            continue
    return data.decode("cp1252", errors="replace").replace("\x00", "")


def _part_text(part) -> str:
    return _decode(part.get_payload(decode=True) or b"", part.get_content_charset())


def _leaves(part) -> list:
    # Attached messages (message/rfc822) are leaves: their insides belong to that file.
    if part.get_content_maintype() != "multipart" or not part.is_multipart():
        return [part]
    return [leaf for sub in part.iter_parts() for leaf in _leaves(sub)]


def _attachments(msg) -> tuple[ParsedAttachment, ...]:
    found = []
    for part in _leaves(msg):
        filename = _repair(part.get_filename() or "")
        if part.get_content_disposition() != "attachment" and (
            not filename or part.get_content_maintype() == "text"
        ):
            continue
        data = part.get_payload(decode=True)
        if data is None:  # message/* parts hold parsed messages, not bytes
            data = b"".join(inner.as_bytes() for inner in part.get_payload())
        content_type = part.get_content_type()
        found.append(
            ParsedAttachment(
                _safe_filename(filename, len(found) + 1, content_type), content_type, data
            )
        )
    return tuple(found)


def _safe_filename(name: str, index: int, content_type: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # isprintable() also drops bidi overrides used to disguise "fdp.exe" as "exe.pdf".
    name = "".join(c for c in name if c.isprintable()).strip().lstrip(".").strip()
    if not name:
        return f"adjunto-{index}{_EXTENSIONS.get(content_type, '.bin')}"
    root, ext = os.path.splitext(name)
    return root[:200] + ext[:16]


def _html_to_text(html: str) -> str:
    """Blocks and <br> end lines, <blockquote> becomes "> " so strip_quoted can drop it."""
    # nh3's canonical output (line tags only, no attributes, text escaped) is safe to split
    # on, and several times faster than html.parser on tag-heavy Outlook HTML.
    cleaned = nh3.clean(html, tags=_LINE_TAGS, attributes={}, clean_content_tags=_DROP_WITH_CONTENT)
    tokens = re.split(r"<(/?)([a-z0-9]+)>", cleaned) + ["", ""]
    lines, quote = [], 0
    for chunk, closing, tag in zip(tokens[0::3], tokens[1::3], tokens[2::3], strict=True):
        line = " ".join(chunk.replace("&nbsp;", " ").split())
        if line or tag == "br":
            lines.append("> " * quote + line if line else "")
        if tag == "blockquote":
            quote = max(0, quote - 1 if closing else quote + 1)
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
        text = text.replace(entity, char)  # the only entities html5ever writes in text
    return text.strip()
