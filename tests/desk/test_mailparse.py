import base64
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cfdidesk.desk.inbox.parse import (
    MailParseError,
    ParsedAttachment,
    automatic_reason,
    parse_message,
    strip_quoted,
    ticket_number_in,
)

SPANISH = "Facturación, año, señor, ÑANDÚ"


def make(
    body="Hola, no puedo timbrar.",
    *,
    subject="Consulta",
    sender="Juan Pérez <juan@cliente.mx>",
    headers=None,
    html=None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Soporte <Soporte@CFDIDesk.mx>, ventas@cfdidesk.mx"
    msg["Cc"] = "ana@cliente.mx"
    msg["Subject"] = subject
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 -0600"
    msg["Message-ID"] = "<abc.123@cliente.mx>"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg


def raw_mail(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


# --- headers and bodies ----------------------------------------------------------------------


def test_plain_utf8_message():
    raw = make(f"{SPANISH}\n\nSaludos").as_bytes()
    parsed = parse_message(raw)
    assert parsed.text == f"{SPANISH}\n\nSaludos"
    assert parsed.reply_text == parsed.text
    assert parsed.from_address == "juan@cliente.mx"
    assert parsed.from_name == "Juan Pérez"
    assert parsed.to == ("soporte@cfdidesk.mx", "ventas@cfdidesk.mx")
    assert parsed.cc == ("ana@cliente.mx",)
    assert parsed.subject == "Consulta"
    assert parsed.date == datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    assert parsed.date.utcoffset() == timedelta(hours=-6)
    assert parsed.message_id == "abc.123@cliente.mx"
    assert (parsed.in_reply_to, parsed.references) == ("", ())
    assert parsed.html == ""
    assert parsed.attachments == ()
    assert (parsed.is_automatic, parsed.automatic_reason, parsed.ticket_number) == (False, "", None)
    assert parsed.size == len(raw)


def test_iso_8859_1_quoted_printable_spanish():
    raw = raw_mail(
        """
From: cliente@ejemplo.mx
Subject: Prueba
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable
""",
        b"Factura=\r\nci=F3n, a=F1o, se=F1or, =D1AND=DA\r\n\r\nGracias",
    )
    assert parse_message(raw).text == f"{SPANISH}\n\nGracias"


def test_windows_1252_declared_as_latin1_keeps_smart_quotes():
    raw = raw_mail(
        """
From: cliente@ejemplo.mx
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit
""",
        "“Añadir” – €".encode("cp1252"),
    )
    assert parse_message(raw).text == "“Añadir” – €"


def test_base64_utf8_body():
    raw = raw_mail(
        """
From: cliente@ejemplo.mx
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
""",
        base64.encodebytes(SPANISH.encode()),
    )
    assert parse_message(raw).text == SPANISH


@pytest.mark.parametrize(
    ("charset", "body", "expected"),
    [
        ("x-desconocido", SPANISH.encode(), SPANISH),  # unknown charset, UTF-8 inside
        ("utf-8", SPANISH.encode("latin-1"), SPANISH),  # lying charset
        ("iso-8859-1", SPANISH.encode(), SPANISH),  # mislabelled UTF-8
        ("base64", b"hola", "hola"),  # a codec that is no text encoding
        ("utf-8", b"a\x81\xffb", "a\ufffdÿb"),  # neither UTF-8 nor valid cp1252
    ],
)
def test_unknown_or_lying_charset_does_not_crash(charset, body, expected):
    raw = raw_mail(f"From: a@ejemplo.mx\nContent-Type: text/plain; charset={charset}", body)
    assert parse_message(raw).text == expected


def test_nul_bytes_are_dropped():
    raw = raw_mail("From: a@ejemplo.mx\nContent-Type: text/plain; charset=utf-8", b"ho\x00la")
    assert parse_message(raw).text == "hola"


def test_multipart_alternative_prefers_text_plain():
    raw = make("Texto plano", html="<p>Texto <b>HTML</b></p>").as_bytes()
    parsed = parse_message(raw)
    assert parsed.text == "Texto plano"
    assert parsed.html == "<p>Texto <b>HTML</b></p>"


def test_blank_text_part_falls_back_to_html():
    raw = make("   \n", html="<p>Solo en HTML</p>").as_bytes()
    assert parse_message(raw).text == "Solo en HTML"


def test_html_only_mail_is_sanitised_and_converted_to_text():
    html = (
        "<html><head><title>Aviso</title><style>p {color: red}</style></head><body>"
        '<p onclick="robar()" style="color:red">Hola&nbsp;equipo,</p>'
        "<div>no puedo <b>timbrar</b> la factura &amp; el complemento.<br>Ver "
        '<a href="https://sat.gob.mx/x" onmouseover="x()" target="_blank">el portal</a>'
        '<a href="javascript:alert(1)">truco</a></div>'
        '<script>alert("xss")</script><img src="https://rastreo.example/p.gif">'
        "<div>El lun, 23 nov 2026 a las 10:00, Soporte (&lt;soporte@cfdidesk.mx&gt;) escribió:"
        "<blockquote>Texto anterior</blockquote></div></body></html>"
    )
    msg = EmailMessage()
    msg["From"] = "cliente@ejemplo.mx"
    msg.set_content(html, subtype="html")
    parsed = parse_message(msg.as_bytes())
    assert parsed.text == (
        "Hola equipo,\nno puedo timbrar la factura & el complemento.\nVer el portaltruco\n"
        "El lun, 23 nov 2026 a las 10:00, Soporte (<soporte@cfdidesk.mx>) escribió:\n"
        "> Texto anterior"
    )
    assert parsed.reply_text == (
        "Hola equipo,\nno puedo timbrar la factura & el complemento.\nVer el portaltruco"
    )
    assert parsed.html == (
        "<p>Hola&nbsp;equipo,</p><div>no puedo <b>timbrar</b> la factura &amp; el complemento.<br>"
        'Ver <a href="https://sat.gob.mx/x" rel="noopener noreferrer">el portal</a>'
        '<a rel="noopener noreferrer">truco</a></div>'
        "<div>El lun, 23 nov 2026 a las 10:00, Soporte (&lt;soporte@cfdidesk.mx&gt;) escribió:"
        "<blockquote>Texto anterior</blockquote></div>"
    )  # no script, style, title, img, event handlers, target or javascript: URL


def test_html_line_breaks_and_paragraphs_become_lines():
    msg = EmailMessage()
    msg["From"] = "cliente@ejemplo.mx"
    msg.set_content(
        "<div>uno<br><br>dos</div><p>tres</p><p>&nbsp;</p><ul><li>cuatro</li></ul><p>5 &lt; 6</p>",
        subtype="html",
    )
    assert parse_message(msg.as_bytes()).text == "uno\n\ndos\ntres\ncuatro\n5 < 6"


# --- attachments -----------------------------------------------------------------------------


PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF"
XML = '<?xml version="1.0" encoding="UTF-8"?>\r\n<cfdi:Comprobante Serie="A" Folio="ñ"/>\n'.encode()


def test_multipart_mixed_with_pdf_and_xml_attachments():
    msg = make("Adjunto la factura.")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="Factura año ñandú.pdf")
    msg.add_attachment(XML, maintype="application", subtype="xml", filename="../../etc/passwd")
    msg.add_attachment(b"\x00\x01", maintype="application", subtype="octet-stream")
    parsed = parse_message(msg.as_bytes())
    assert b"filename*=utf-8''Factura%20a%C3%B1o" in msg.as_bytes()  # really RFC 2231
    assert parsed.text == "Adjunto la factura."
    assert parsed.attachments == (
        ParsedAttachment("Factura año ñandú.pdf", "application/pdf", PDF),
        ParsedAttachment("passwd", "application/xml", XML),
        ParsedAttachment("adjunto-3.bin", "application/octet-stream", b"\x00\x01"),
    )


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("..\\..\\Windows\\system.ini", "system.ini"),
        ("/", "adjunto-1.pdf"),
        ("..", "adjunto-1.pdf"),
        (".bashrc", "bashrc"),
        ("factura\u202efdp.exe", "facturafdp.exe"),
        ("a" * 300 + ".pdf", "a" * 200 + ".pdf"),
    ],
)
def test_attachment_filenames_are_safe_basenames(filename, expected):
    msg = make()
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename=filename)
    assert parse_message(msg.as_bytes()).attachments[0].filename == expected


def test_rfc2047_encoded_attachment_filename_and_8bit_xml():
    raw = raw_mail(
        """
From: a@ejemplo.mx
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="LIMITE"
""",
        b"""--LIMITE\r
Content-Type: text/plain; charset=utf-8\r
\r
Ver adjunto\r
--LIMITE\r
Content-Type: text/xml; charset=utf-8\r
Content-Disposition: attachment; filename="=?utf-8?q?Recepci=C3=B3n.xml?="\r
\r
"""
        + XML
        + b"""\r
--LIMITE--\r
""",
    )
    (attachment,) = parse_message(raw).attachments
    assert attachment == ParsedAttachment("Recepción.xml", "text/xml", XML)


def test_inline_parts_with_and_without_filename():
    msg = make("Mira la captura", html='<p>Mira <img src="cid:logo"></p>')
    html_part = msg.get_body(("html",))
    html_part.add_related(b"\x89PNG1", maintype="image", subtype="png", cid="<logo>")
    html_part.add_related(
        b"\x89PNG2",
        maintype="image",
        subtype="png",
        cid="<cap>",
        filename="captura.png",
        disposition="inline",
    )
    html_part.add_related("notas", subtype="plain", filename="notas.txt", disposition="inline")
    parsed = parse_message(msg.as_bytes())
    assert parsed.attachments == (ParsedAttachment("captura.png", "image/png", b"\x89PNG2"),)
    assert parsed.text == "Mira la captura"


def test_forwarded_message_attachment_is_kept_whole():
    inner = make("Mensaje reenviado", subject="Factura vieja")
    inner.add_attachment(PDF, maintype="application", subtype="pdf", filename="vieja.pdf")
    msg = make("Te reenvío esto")
    msg.add_attachment(inner)
    (attachment,) = parse_message(msg.as_bytes()).attachments
    assert (attachment.filename, attachment.content_type) == ("adjunto-1.eml", "message/rfc822")
    assert parse_message(attachment.data).attachments[0].data == PDF


def test_attachment_only_mail_is_accepted():
    msg = EmailMessage()
    msg["From"] = "escaner@cliente.mx"
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="scan.pdf")
    parsed = parse_message(msg.as_bytes())
    assert (parsed.text, parsed.html, parsed.attachments[0].data) == ("", "", PDF)


def test_two_megabyte_message_parses():
    payload = bytes(range(256)) * (2 * 1024 * 1024 // 256)
    msg = make("Va el respaldo")
    msg.add_attachment(payload, maintype="application", subtype="zip", filename="respaldo.zip")
    raw = msg.as_bytes()
    assert len(raw) > 2 * 1024 * 1024
    parsed = parse_message(raw)
    assert parsed.attachments[0].data == payload
    assert parse_message(make("línea\n" * 300_000).as_bytes()).text.count("\n") == 299_999


# --- encoded headers, threading, ticket number ------------------------------------------------


def test_rfc2047_subject_and_from_name():
    raw = raw_mail(
        """
From: =?ISO-8859-1?Q?Jos=E9_P=E9rez_Nu=F1ez?= <Jose.Perez@Cliente.MX>
To: "=?utf-8?b?U29wb3J0ZSBDRkRJ?=" <soporte@cfdidesk.mx>
Subject: =?UTF-8?Q?RE:_[#2026-000123]_Error_al_timbrar_?=
 =?UTF-8?B?ZmFjdHVyYSBjb24gw7E=?=
Date: Mon, 23 Nov 2026 10:00:00 -0000
""",
        b"Sigue fallando",
    )
    parsed = parse_message(raw)
    assert parsed.from_name == "José Pérez Nuñez"
    assert parsed.from_address == "jose.perez@cliente.mx"
    assert parsed.to == ("soporte@cfdidesk.mx",)
    assert parsed.subject == "RE: [#2026-000123] Error al timbrar factura con ñ"
    assert parsed.ticket_number == "2026-000123"
    assert parsed.date == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # "-0000": UTC, made aware


def test_undeclared_8bit_headers_are_decoded():
    raw = ("From: José Pérez <jose@cliente.mx>\r\nSubject: Facturación\r\n\r\nhola").encode()
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.subject) == ("José Pérez", "Facturación")
    latin = ("From: José <jose@cliente.mx>\r\nSubject: Año\r\n\r\nhola").encode("latin-1")
    assert (parse_message(latin).from_name, parse_message(latin).subject) == ("José", "Año")


def test_bad_date_is_none_and_odd_offsets_are_kept():
    raw = raw_mail("From: a@ejemplo.mx\nDate: ayer por la tarde", b"hola")
    assert parse_message(raw).date is None
    raw = raw_mail("From: a@ejemplo.mx\nDate: Mon, 23 Nov 2026 10:00:00 +0530", b"hola")
    assert parse_message(raw).date.tzinfo == timezone(timedelta(hours=5, minutes=30))


def test_in_reply_to_and_references():
    raw = raw_mail(
        """
From: cliente@ejemplo.mx
Subject: RE: [#2026-000123] Error al timbrar
Message-ID: <CAF=xyz+1@mail.gmail.com>
In-Reply-To: <ticket-2026-000123.2@cfdidesk.mx> (mensaje de Soporte)
References: <ticket-2026-000123@cfdidesk.mx>
 <ticket-2026-000123.1@cfdidesk.mx>
\t<ticket-2026-000123.2@cfdidesk.mx>
""",
        b"Gracias",
    )
    parsed = parse_message(raw)
    assert parsed.message_id == "CAF=xyz+1@mail.gmail.com"
    assert parsed.in_reply_to == "ticket-2026-000123.2@cfdidesk.mx"
    assert parsed.references == (
        "ticket-2026-000123@cfdidesk.mx",
        "ticket-2026-000123.1@cfdidesk.mx",
        "ticket-2026-000123.2@cfdidesk.mx",
    )
    assert parsed.ticket_number == "2026-000123"


def test_message_ids_without_brackets():
    raw = raw_mail(
        "From: a@ejemplo.mx\nMessage-ID: sin-corchetes@x.mx\nReferences: a@x b@x", b"hola"
    )
    parsed = parse_message(raw)
    assert (parsed.message_id, parsed.references) == ("sin-corchetes@x.mx", ("a@x", "b@x"))


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("RE: [#2026-000123] Error al timbrar", "2026-000123"),
        ("Error al timbrar [#2026-000123]", "2026-000123"),
        ("RE: RV: [#2025-999999][#2026-000001] dos", "2025-999999"),
        ("#2026-000123 sin corchetes", None),
        ("[#26-123] corto", None),
        ("[#２０２６-０００１２３] dígitos de ancho completo", None),
        ("", None),
    ],
)
def test_ticket_number_in(subject, expected):
    assert ticket_number_in(subject) == expected


# --- automatic messages ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "respuesta automática (Auto-Submitted: auto-replied)"),
        (
            {"Auto-Submitted": "auto-generated; owner-email=x@y"},
            "mensaje automático (Auto-Submitted: auto-generated)",
        ),
        ({"Precedence": "bulk"}, "envío masivo o automático (Precedence: bulk)"),
        ({"Precedence": "Junk"}, "envío masivo o automático (Precedence: junk)"),
        ({"Precedence": "list"}, "envío masivo o automático (Precedence: list)"),
        ({"Precedence": "auto_reply"}, "envío masivo o automático (Precedence: auto_reply)"),
        ({"X-Autoreply": "yes"}, "respuesta automática (X-Autoreply)"),
        ({"X-Autorespond": "Vacaciones"}, "respuesta automática (X-Autorespond)"),
        ({"Return-Path": "<>"}, "aviso del servidor de correo (Return-Path vacío)"),
    ],
)
def test_automatic_headers(headers, reason):
    parsed = parse_message(make(headers=headers).as_bytes())
    assert (parsed.is_automatic, parsed.automatic_reason) == (True, reason)


@pytest.mark.parametrize(
    "sender",
    [
        "Mail Delivery Subsystem <MAILER-DAEMON@mx.cliente.mx>",
        "postmaster@cliente.mx",
        "Portal <noreply@proveedor.mx>",
        "no-reply+avisos@proveedor.mx",
    ],
)
def test_system_senders_are_automatic(sender):
    parsed = parse_message(make(sender=sender).as_bytes())
    assert parsed.is_automatic
    assert parsed.automatic_reason.startswith("remitente automático (")


def test_delivery_status_notification_is_automatic():
    raw = raw_mail(
        """
From: Mail Delivery System <correo@mx.cliente.mx>
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DSN"
""",
        b"""--DSN\r
Content-Type: text/plain\r
\r
No se pudo entregar el mensaje.\r
--DSN\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mx.cliente.mx\r
\r
Final-Recipient: rfc822; nadie@cliente.mx\r
Action: failed\r
Status: 5.1.1\r
--DSN--\r
""",
    )
    parsed = parse_message(raw)
    assert parsed.automatic_reason == "aviso del servidor de correo (multipart/report)"
    assert parsed.text == "No se pudo entregar el mensaje."


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: [#2026-000123] Error",
        "Respuesta automática: Factura",
        "Fuera de la oficina: Factura",
    ],
)
def test_outlook_auto_reply_is_automatic(subject):
    msg = make(subject=subject, headers={"X-Auto-Response-Suppress": "All"})
    assert automatic_reason(msg) == "respuesta automática (X-Auto-Response-Suppress)"
    assert parse_message(msg.as_bytes()).is_automatic


def test_outlook_normal_mail_with_suppress_header_is_not_automatic():
    msg = make(
        subject="RE: [#2026-000123] Error al timbrar",
        headers={"X-Auto-Response-Suppress": "All", "Auto-Submitted": "no"},
    )
    parsed = parse_message(msg.as_bytes())
    assert (parsed.is_automatic, parsed.automatic_reason) == (False, "")
    assert automatic_reason(msg) == ""


# --- quoted history --------------------------------------------------------------------------


NEW = "Sigue sin timbrar.\n\nAdjunto el XML otra vez."


@pytest.mark.parametrize(
    "history",
    [
        "On Mon, Nov 23, 2026 at 10:00 AM Soporte CFDI <soporte@cfdidesk.mx> wrote:\n> Hola\n> ¿Ya quedó?",
        "On Mon, Nov 23, 2026 at 10:00 AM Soporte CFDI <\nsoporte@cfdidesk.mx> wrote:\n\n> Hola",
        "El lun, 23 nov 2026 a las 10:00, Soporte CFDI (<soporte@cfdidesk.mx>) escribió:\n> Hola",
        "El lun, 23 nov 2026 a las 10:00, Soporte CFDI\n(<soporte@cfdidesk.mx>) escribió:\n>\n> Hola",
        "-----Original Message-----\nFrom: Soporte\nSent: Monday\n\nHola",
        "-----Mensaje original-----\nDe: Soporte\n\nHola",
        "________________________________\nDe: Soporte CFDI <soporte@cfdidesk.mx>\n"
        "Enviado el: lunes, 23 de noviembre de 2026 10:00\nPara: Juan <juan@cliente.mx>\n"
        "Asunto: [#2026-000123] Error\n\nHola",
        "From: Soporte CFDI <soporte@cfdidesk.mx>\nSent: Monday, November 23, 2026 10:00 AM\n"
        "To: Juan\nCc: Ana\nSubject: RE: Error\n\nHola",
        "*De:* Soporte CFDI\n*Enviado:* lunes\n*Para:* Juan\n*Asunto:* Error\n\nHola",
        "Il giorno lun 23 nov 2026 alle ore 10:00 Supporto <s@cfdidesk.mx> ha scritto:\n> Ciao",
        "-- \nJuan Pérez\nContador\n> nada de esto",
    ],
)
def test_strip_quoted_styles(history):
    assert strip_quoted(f"{NEW}\n\n{history}\n\n") == NEW


def test_strip_quoted_drops_inline_quotes_and_keeps_answers():
    text = "> ¿Qué versión?\n4.0\n> ¿Qué error?\nCFDI40147\n\n"
    assert strip_quoted(text) == "4.0\nCFDI40147"


def test_strip_quoted_keeps_ordinary_text():
    text = (
        "De: nada\nOn Monday the accountant wrote:\nEl contador escribió:\nFecha: mañana\n---\nfin"
    )
    assert strip_quoted(text) == text


def test_strip_quoted_never_returns_nothing():
    text = "\n> solo una cita\n> nada más\n"
    assert strip_quoted(text) == "> solo una cita\n> nada más"
    assert strip_quoted("") == ""


def test_reply_text_of_parsed_message():
    body = f"{NEW}\n\nEl lun, 23 nov 2026 a las 10:00, Soporte (<s@cfdidesk.mx>) escribió:\n> Hola"
    parsed = parse_message(make(body).as_bytes())
    assert parsed.text == body
    assert parsed.reply_text == NEW


# --- errors ----------------------------------------------------------------------------------


def test_too_big():
    raw = make("x" * 3 * 1024 * 1024).as_bytes()
    with pytest.raises(MailParseError) as exc:
        parse_message(raw, max_bytes=2 * 1024 * 1024)
    assert (
        str(exc.value)
        == f"El correo pesa {(len(raw) * 10 // 1048576 + 1) / 10:g} MB y el máximo es 2 MB."
    )
    with pytest.raises(MailParseError, match=r"^El correo pesa 25\.1 MB y el máximo es 25 MB\.$"):
        parse_message(b"x" * (25 * 1024 * 1024 + 1))


@pytest.mark.parametrize(
    "sender", [None, "", "Juan Pérez", "undisclosed-recipients:;", "a@@b", "@x.mx"]
)
def test_missing_or_unparseable_from(sender):
    headers = "Subject: Hola\nTo: soporte@cfdidesk.mx" + (
        "" if sender is None else f"\nFrom: {sender}"
    )
    with pytest.raises(
        MailParseError, match=r"^El correo no tiene un remitente \(From\) válido\.$"
    ):
        parse_message(raw_mail(headers, b"hola"))


@pytest.mark.parametrize("body", [b"", b"   \r\n\r\n", b"<html><script>x()</script></html>"])
def test_no_body_at_all(body):
    subtype = "html" if body.startswith(b"<") else "plain"
    raw = raw_mail(f"From: a@ejemplo.mx\nSubject: vacío\nContent-Type: text/{subtype}", body)
    with pytest.raises(MailParseError) as exc:
        parse_message(raw)
    assert str(exc.value) == "El correo no tiene contenido: ni texto, ni HTML, ni adjuntos."


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"hola mundo, esto no es un correo",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Nota: comprar timbres\nOtra: cosa\n\nNo es correo",
    ],
)
def test_not_an_email(raw):
    with pytest.raises(MailParseError) as exc:
        parse_message(raw)
    assert str(exc.value) == "El contenido no es un correo electrónico (no tiene encabezados)."


def test_deeply_nested_multipart_is_refused():
    depth = 800
    raw = b"From: a@ejemplo.mx\r\nMIME-Version: 1.0\r\n"
    for i in range(depth):
        raw += b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
    raw += b"Content-Type: text/plain\r\n\r\nhola\r\n"
    raw += b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    with pytest.raises(MailParseError, match="demasiadas partes anidadas"):
        parse_message(raw)


def test_mail_parse_error_is_a_value_error():
    assert issubclass(MailParseError, ValueError)


def test_mime_the_stdlib_cannot_decode_is_a_clear_error():
    raw = raw_mail(
        """
From: a@ejemplo.mx
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="X"
""",
        b"--X\r\nContent-Type: text/plain\r\n\r\nhola\r\n--X\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-16''%00%D8%41\r\n\r\nabc\r\n--X--\r\n",
    )
    with pytest.raises(
        MailParseError, match=r"^El correo está dañado: no se puede leer su estructura MIME\.$"
    ):
        parse_message(raw)


HEADER_LINES = st.sampled_from(
    [
        "To: a@b.mx, <c@d.mx>",
        "Subject: =?utf-8?q?A=C3=B1o?= [#2026-000001]",
        "Subject: =?x?b?!!?=",
        "Content-Type: multipart/mixed; boundary=B",
        "Content-Type: text/html; charset=zz",
        "Content-Disposition: attachment; filename*=utf-8''%C3%B1.pdf",
        "Date: 99 Foo 2026",
        "Content-Transfer-Encoding: base64",
        "Content-Transfer-Encoding: quoted-printable",
        "References: <a@b> junk <c@d",
        "Auto-Submitted: auto-replied",
        "Return-Path: <>",
    ]
)


@settings(max_examples=150, deadline=None)
@given(headers=st.lists(HEADER_LINES, max_size=6), body=st.binary(max_size=300))
def test_any_input_parses_or_raises_mail_parse_error(headers, body):
    raw = "\r\n".join(["From: Ana <ana@ejemplo.mx>", *headers]).encode() + b"\r\n\r\n" + body
    try:
        parsed = parse_message(raw)
    except MailParseError as exc:
        assert str(exc)
    else:
        assert parsed.from_address == "ana@ejemplo.mx"
        assert "\x00" not in parsed.text + parsed.subject


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["x", " ", "\n", ">", "-", "_", ":", "1", "De: ", "On ", "wrote:"]))
)
def test_strip_quoted_always_returns_text(pieces):
    text = "".join(pieces)
    result = strip_quoted(text)
    assert result == result.rstrip()
    assert bool(result) == bool(text.strip())
