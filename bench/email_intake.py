"""E-mail intake: 1,000 realistic raw messages through email_receive, the service behind `cfdidesk receive-email`.

A database with a few thousand companies and contacts and 5,000 earlier tickets (each with the
"ticket opened" e-mail it sent); then, in a child process, 1,000 messages fed one by one to
cfdidesk.desk.services.intake.email_receive: new reports from known contacts (some with a small
CFDI XML or a PDF attached, some HTML from Outlook), reports from a company's main address,
replies carrying [#number] in the subject or In-Reply-To of an earlier e-mail, auto-replies and
bounces, unknown senders and re-delivered duplicates; ISO-8859-1 quoted-printable and UTF-8
Spanish bodies. Tasks use the database backend (the default): the e-mails to customers are only
queued, as in production. Prints total seconds, e-mails per second, per-message p50/p95, the
outcome counts (checked against what was sent), SQL queries per message by outcome, and the
cost of one `cfdidesk receive-email` process per message (what an MTA pipe runs).
Target: 1,000 e-mails in under 20 s.

    .venv/bin/python bench/email_intake.py [--emails 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfdidesk_bench_tickets .venv/bin/python bench/email_intake.py
"""

from __future__ import annotations

import argparse
import collections
import os
import pickle
import random
import subprocess
import sys
import time
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate
from pathlib import Path

import _common as bench

TARGET_S = 20.0
HELPDESK = "soporte@mesa.example"
COMPANIES = 3_000
EARLIER_TICKETS = 5_000
EXTRA = 60  # measured afterwards, one by one, for the SQL queries per message
CLI_RUNS = 3
# Share of each kind of message (of 1,000): outcome it must have.
MIX = [
    ("new_contact", 420, "created"),
    ("new_html", 30, "created"),
    ("new_company_address", 30, "created"),
    ("reply_number", 200, "appended"),
    ("reply_header", 200, "appended"),
    ("auto_reply", 50, "automatic"),
    ("unknown_sender", 50, "unmatched"),
    ("duplicate", 20, "duplicate"),
]
GREETINGS = ["Buen día,", "Hola,", "Buenas tardes,", "Estimados,", "Hola equipo de soporte,"]
SIGN_OFFS = [
    "Saludos.",
    "Gracias.",
    "Quedo atenta.",
    "Quedo atento a sus comentarios.",
    "Saludos cordiales,",
]
DAYS = ["lun", "mar", "mié", "jue", "vie"]


# ---------------------------------------------------------------- messages


class Mailer:
    """Builds the raw messages from the people and tickets in the database."""

    def __init__(
        self, rng: random.Random, contacts: list[dict], companies: list[dict], tickets: list[dict]
    ):
        self.rng, self.contacts, self.companies, self.tickets = rng, contacts, companies, tickets
        self.serial = 0

    def _message_id(self, address: str) -> str:
        self.serial += 1
        return f"<{self.rng.getrandbits(64):016x}.{self.serial}@{address.rpartition('@')[2]}>"

    def _body(self, name: str, sentences: int) -> str:
        rng = self.rng
        text = "\n".join(
            [
                rng.choice(GREETINGS),
                "",
                " ".join(rng.choice(bench.SENTENCES) for _ in range(sentences)),
                "",
                rng.choice(SIGN_OFFS),
                name,
            ]
        )
        if rng.random() < 0.6:
            text += f"\n--\n{name}\n{rng.choice(bench.POSITIONS) or 'Administración'}\nTel. 55 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
        return text

    def _quoted(self, ticket: dict) -> str:
        """The history a mail client appends to a reply (Gmail or Outlook style)."""
        rng = self.rng
        old = "> " + "\n> ".join(rng.choice(bench.REPLIES).split(". "))
        if rng.random() < 0.5:
            return f"\n\nEl {rng.choice(DAYS)}, {rng.randrange(1, 28)} nov 2026 a las 10:{rng.randrange(10, 59)}, Mesa de ayuda <{HELPDESK}> escribió:\n{old}\n"
        return (
            f"\n\n________________________________\nDe: Mesa de ayuda <{HELPDESK}>\nEnviado: martes, 17 de noviembre de 2026 12:04\n"
            f"Para: {ticket['email']}\nAsunto: [#{ticket['number']}] {ticket['subject']}\n\n{old}\n"
        )

    def _attachments(self) -> list:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            folio = f"{rng.choice(bench.SERIES)}-{rng.randrange(1, 99_999)}"
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?>\n<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
                f'Version="4.0" Serie="{folio.split("-")[0]}" Folio="{folio.split("-")[1]}" Fecha="2026-11-20T10:15:00" '
                f'SubTotal="{rng.randrange(100, 90_000)}.00" Moneda="MXN" Total="{rng.randrange(100, 90_000)}.00" '
                f'TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="06600">\n'
                f'  <cfdi:Emisor Rfc="EKU9003173C9" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>\n'
                f'  <cfdi:Receptor Rfc="XAXX010101000" Nombre="PÚBLICO EN GENERAL" DomicilioFiscalReceptor="06600" '
                f'RegimenFiscalReceptor="616" UsoCFDI="S01"/>\n  <cfdi:Conceptos>\n'
                + "".join(
                    f'    <cfdi:Concepto ClaveProdServ="01010101" Cantidad="{k + 1}" ClaveUnidad="H87" '
                    f'Descripción="Artículo {k} de línea" ValorUnitario="{rng.randrange(10, 999)}.00" '
                    f'Importe="{rng.randrange(10, 999)}.00" ObjetoImp="02"/>\n'
                    for k in range(rng.randrange(2, 12))
                )
                + "  </cfdi:Conceptos>\n</cfdi:Comprobante>\n"
            )
            part = MIMEApplication(xml.encode(), "xml")
            part.add_header("Content-Disposition", "attachment", filename=f"factura {folio}.xml")
            return [part]
        if r < 0.45:
            part = MIMEApplication(
                b"%PDF-1.4\n" + rng.randbytes(rng.randrange(6_000, 40_000)), "pdf"
            )
            part.add_header(
                "Content-Disposition", "attachment", filename="acuse de cancelación.pdf"
            )
            return [part]
        return []

    def _raw(
        self,
        *,
        sender: str,
        name: str,
        subject: str,
        body: str,
        latin1: bool,
        html: bool = False,
        attachments=(),
        headers=None,
        message_id: str | None = None,
    ) -> bytes:
        # ISO-8859-1 comes out quoted-printable (as Outlook and older clients send it), UTF-8 as base64.
        charset = "iso-8859-1" if latin1 else "utf-8"
        text = MIMEText(body, "plain", charset)
        if html:
            alternative = MIMEMultipart("alternative")
            alternative.attach(text)
            paragraphs = "".join(
                f"<p class=MsoNormal>{line or '&nbsp;'}</p>" for line in body.split("\n")
            )
            alternative.attach(
                MIMEText(
                    f"<html><head><style>p.MsoNormal{{margin:0}}</style></head><body lang=ES-MX>"
                    f"<div class=WordSection1>{paragraphs}</div></body></html>",
                    "html",
                    charset,
                )
            )
            text = alternative
        if attachments:
            message = MIMEMultipart("mixed")
            message.attach(text)
            for part in attachments:
                message.attach(part)
        else:
            message = text
        message["From"] = f"{Header(name, charset).encode()} <{sender}>"
        message["To"] = f"Mesa de ayuda <{HELPDESK}>"
        message["Subject"] = Header(subject, charset).encode()
        message["Date"] = formatdate(time.time() - self.rng.randrange(0, 3600), localtime=False)
        message["Message-ID"] = message_id or self._message_id(sender)
        message["MIME-Version"] = "1.0"
        for key, value in (headers or {}).items():
            message[key] = value
        return message.as_bytes()

    def make(self, kind: str) -> bytes:
        rng = self.rng
        latin1 = rng.random() < 0.4
        if kind in ("new_contact", "new_html"):
            c = rng.choice(self.contacts)
            return self._raw(
                sender=c["email"],
                name=c["name"],
                subject=bench.subject_text(rng),
                body=self._body(c["name"], rng.randrange(2, 6)),
                latin1=latin1,
                html=kind == "new_html",
                attachments=self._attachments(),
            )
        if kind == "new_company_address":
            c = rng.choice(self.companies)
            return self._raw(
                sender=c["email"],
                name="Facturación",
                subject=bench.subject_text(rng),
                body=self._body("Área de facturación", rng.randrange(2, 5)),
                latin1=latin1,
                attachments=self._attachments(),
            )
        if kind in ("reply_number", "reply_header"):
            t = rng.choice(self.tickets)
            other = rng.random() < 0.1  # a colleague answers: appended, flagged as another sender
            sender, name = (
                (f"colega.{rng.randrange(1000)}@{t['email'].rpartition('@')[2]}", "Colega")
                if other
                else (t["email"], t["name"])
            )
            body = (
                rng.choice(bench.CUSTOMER_REPLIES)
                + "\n\n"
                + rng.choice(SIGN_OFFS)
                + "\n"
                + name
                + self._quoted(t)
            )
            if kind == "reply_number":
                return self._raw(
                    sender=sender,
                    name=name,
                    subject=f"RE: [#{t['number']}] {t['subject']}",
                    body=body,
                    latin1=latin1,
                    attachments=self._attachments() if rng.random() < 0.3 else (),
                )
            headers = {"In-Reply-To": f"<{t['message_id']}>", "References": f"<{t['message_id']}>"}
            return self._raw(
                sender=sender,
                name=name,
                subject=f"Re: Recibimos su reporte: {t['subject']}",
                body=body,
                latin1=latin1,
                headers=headers,
            )
        if kind == "auto_reply":
            t = rng.choice(self.tickets)
            r = rng.random()
            if r < 0.6:
                return self._raw(
                    sender=t["email"],
                    name=t["name"],
                    subject=f"Respuesta automática: [#{t['number']}] {t['subject']}",
                    body="Estaré fuera de la oficina hasta el lunes. Para temas urgentes escriba a contabilidad.",
                    latin1=latin1,
                    headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
                )
            if r < 0.8:
                return self._raw(
                    sender=t["email"],
                    name=t["name"],
                    subject=f"Fuera de la oficina: {t['subject']}",
                    body="Gracias por su mensaje. Me encuentro de vacaciones.",
                    latin1=latin1,
                    headers={"X-Auto-Response-Suppress": "All"},
                )
            return self._raw(
                sender=f"MAILER-DAEMON@{t['email'].rpartition('@')[2]}",
                name="Mail Delivery System",
                subject="Undelivered Mail Returned to Sender",
                latin1=False,
                body=f"This is the mail system at host mx.\n\n<{t['email']}>: mailbox full",
            )
        if kind == "unknown_sender":
            address = (
                f"desconocido.{self.serial}.{rng.randrange(10**6)}@{rng.choice(bench.FREE_MAIL)}"
            )
            return self._raw(
                sender=address,
                name="Juan Pérez",
                subject=bench.subject_text(rng),
                body=self._body("Juan Pérez", rng.randrange(2, 5)),
                latin1=latin1,
                attachments=self._attachments(),
            )
        raise ValueError(kind)


def build_messages(
    rng: random.Random, mailer: Mailer, n: int
) -> tuple[list[bytes], collections.Counter]:
    """n messages in a shuffled order, duplicates after their original; and the outcome each should have."""
    scale = n / 1000
    plan = []
    for kind, count, _outcome in MIX:
        plan += [kind] * max(1 if count else 0, round(count * scale))
    plan = plan[:n]
    rng.shuffle(plan)
    expected = collections.Counter()
    outcome_of = {kind: outcome for kind, _c, outcome in MIX}
    raws: list[bytes] = []
    originals: list[int] = []
    for kind in plan:
        if kind == "duplicate" and originals:
            raws.append(raws[rng.choice(originals)])  # the MTA delivered the same message again
        else:
            if kind == "duplicate":
                kind = "new_contact"
            if kind in ("new_contact", "new_company_address"):
                originals.append(len(raws))
            raws.append(mailer.make(kind))
        expected[outcome_of[kind]] += 1
    return raws, expected


# ---------------------------------------------------------------- database


def setup() -> dict:
    """Companies, contacts, consultants and earlier tickets (each with its "opened" e-mail); returns samples."""
    from django.utils import timezone

    from cfdidesk.customers.models import Company, Contact
    from cfdidesk.desk.models import (
        InboundEmail,
        OutboundEmail,
        Status,
        Ticket,
        TicketCounter,
        TicketEvent,
    )

    factory = bench.CompanyFactory(seed=31)
    bench.load_company_rows(factory.db_rows(COMPANIES), factory.db_columns())
    companies = list(Company.objects.order_by("id").values_list("id", "email"))
    rows, _by_company = bench.contact_rows(
        companies, seed=32, when=bench.timestamp_text()(time.time() - 400 * 86400)
    )
    with bench.bulk_loading():
        bench.load_table("customers_contact", bench.CONTACT_COLUMNS, rows)
    bench.reset_sequences(Contact)
    staff = bench.consultants(10)

    rng = bench._FastRandom(33)
    contacts = list(Contact.objects.select_related("company").order_by("id"))
    statuses = (
        [Status.OPEN] * 30
        + [Status.WAITING_CUSTOMER] * 10
        + [Status.RESOLVED] * 20
        + [Status.CLOSED] * 40
    )
    year = timezone.localtime().year
    tickets = []
    for k in range(1, EARLIER_TICKETS + 1):
        contact = rng.choice(contacts)
        tickets.append(
            Ticket(
                number=f"{year}-{k:06d}",
                company_id=contact.company_id,
                contact=contact,
                subject=bench.subject_text(rng),
                description=bench.description_text(rng),
                channel="email",
                status=rng.choice(statuses),
                priority=rng.choice((1, 2, 3, 3, 3, 4)),
                assignee=rng.choice(staff),
            )
        )
    Ticket.objects.bulk_create(tickets, batch_size=1000)
    tickets = list(Ticket.objects.select_related("contact").order_by("id"))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(ticket=t, kind="created", is_public=True, body=t.description)
            for t in tickets
        ],
        batch_size=1000,
    )
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                ticket=t,
                kind="opened",
                to=t.contact.email,
                message_id=f"{rng.getrandbits(128):032x}@mesa.example",
                state="sent",
                attempts=1,
                sent_at=timezone.now(),
            )
            for t in tickets
        ],
        batch_size=1000,
    )
    InboundEmail.objects.bulk_create(
        [
            InboundEmail(
                message_id=f"{rng.getrandbits(64):016x}@{t.contact.email.rpartition('@')[2]}",
                from_address=t.contact.email,
                subject=t.subject,
                size=4000,
                outcome="created",
                ticket=t,
            )
            for t in tickets
        ],
        batch_size=1000,
    )
    TicketCounter.objects.update_or_create(year=year, defaults={"last": EARLIER_TICKETS})
    sent = dict(OutboundEmail.objects.values_list("ticket_id", "message_id"))
    return {
        "contacts": [{"email": c.email, "name": c.name} for c in contacts],
        "companies": [{"email": e} for _id, e in companies],
        "tickets": [
            {
                "number": t.number,
                "subject": t.subject,
                "email": t.contact.email,
                "name": t.contact.name,
                "message_id": sent[t.pk],
            }
            for t in tickets
        ],
    }


# ---------------------------------------------------------------- the measured part (child process)


def child(path: str) -> None:
    bench.django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from cfdidesk.desk.inbox.parse import parse_message
    from cfdidesk.desk.inbox.services import email_receive
    from cfdidesk.desk.models import OutboundEmail

    with open(path, "rb") as f:
        raws, extra = pickle.load(f)
    backend = settings.TASKS["default"]["BACKEND"]
    from cfdidesk.desk.models import Ticket

    tasks_before, queued_before = (
        DBTaskResult.objects.count(),
        OutboundEmail.objects.filter(state="queued").count(),
    )
    tickets_before = Ticket.objects.count()
    rss_start = bench.rss_mb()
    bench.reset_peak_rss()
    outcomes: collections.Counter = collections.Counter()
    times = []
    start = time.perf_counter()
    cpu = time.process_time()
    for raw in raws:
        t0 = time.perf_counter()
        record = email_receive(raw=raw)
        times.append((time.perf_counter() - t0) * 1000)
        outcomes[record.outcome] += 1
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak = bench.peak_rss_mb()
    tasks = DBTaskResult.objects.count() - tasks_before
    new_tickets = Ticket.objects.count() - tickets_before
    queued = OutboundEmail.objects.filter(state="queued").count() - queued_before

    queries: dict[str, list[int]] = collections.defaultdict(list)
    for raw in extra:
        with CaptureQueriesContext(connection) as captured:
            record = email_receive(raw=raw)
        queries[record.outcome].append(len(captured.captured_queries))
    parse = []
    for raw in raws:
        t0 = time.perf_counter()
        parse_message(raw)
        parse.append((time.perf_counter() - t0) * 1000)
    bench.child_result(
        {
            "total": total,
            "cpu": cpu,
            "times": times,
            "outcomes": dict(outcomes),
            "tasks": tasks,
            "queued": queued,
            "new_tickets": new_tickets,
            "backend": backend,
            "queries": {k: [min(v), max(v), len(v)] for k, v in queries.items()},
            "parse_p50": bench.percentile(parse, 50),
            "parse_total": sum(parse) / 1000,
            "peak_rss": peak,
            "rss_start": rss_start,
            "bytes": sum(len(r) for r in raws),
        }
    )


def cli_seconds(raws: list[bytes]) -> list[float]:
    """One `cfdidesk receive-email` process per message, as an MTA pipe runs it."""
    command = [str(Path(sys.executable).with_name("cfdidesk")), "receive-email"]
    seconds = []
    for raw in raws:
        start = time.perf_counter()
        proc = subprocess.run(
            command, input=raw, capture_output=True, env=os.environ.copy(), timeout=120
        )
        seconds.append(time.perf_counter() - start)
        if proc.returncode != 0 or not proc.stdout.startswith(b"created"):
            raise SystemExit(
                f"receive-email failed: {proc.returncode} {proc.stdout[:200]!r} {proc.stderr[-500:]!r}"
            )
    return seconds


def main() -> int:
    if bench.CHILD_FLAG in sys.argv:
        child(sys.argv[sys.argv.index(bench.CHILD_FLAG) + 1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emails", type=int, default=1000)
    args = parser.parse_args()
    os.environ["HELPDESK_EMAIL"] = HELPDESK
    os.environ["TASKS_BACKEND"] = (
        "django_tasks_db.DatabaseBackend"  # the default: sending is only queued
    )
    label = f"email_intake_{bench.count_label(args.emails)}_{bench.vendor_label()}"
    rng = random.Random(41)

    with bench.fresh_database():
        from cfdidesk.desk.models import InboundEmail

        started = time.perf_counter()
        samples = setup()
        mailer = Mailer(rng, samples["contacts"], samples["companies"], samples["tickets"])
        raws, expected = build_messages(rng, mailer, args.emails)
        extra = [
            mailer.make(kind)
            for kind, _count, _o in MIX
            if kind != "duplicate"
            for _ in range(EXTRA // 7 + 1)
        ]
        cli = [mailer.make("new_contact") for _ in range(CLI_RUNS)]
        path = os.path.join(os.environ["CFDIDESK_VAR_DIR"], "messages.pickle")
        with open(path, "wb") as f:
            pickle.dump((raws, extra), f)
        latin1 = sum(1 for r in raws if b"iso-8859-1" in r)
        attached = sum(1 for r in raws if b"Content-Disposition: attachment" in r)
        print(
            f"# {label}: {COMPANIES} companies, {len(samples['contacts'])} contacts, {EARLIER_TICKETS} earlier tickets; "
            f"{len(raws)} messages ({latin1} ISO-8859-1, {attached} with attachments, "
            f"{sum(len(r) for r in raws) / 1024 / 1024:.1f} MB) prepared in {time.perf_counter() - started:.0f}s"
        )
        inbound_before = InboundEmail.objects.count()

        result = bench.run_child(__file__, path)
        times = result["times"]
        total = result["total"]
        got = collections.Counter(result["outcomes"])
        ok = total < TARGET_S
        print(
            f"{label}: total={total:.2f}s rate={len(raws) / total:.0f}/s per_message_p50={bench.percentile(times, 50):.1f}ms "
            f"p95={bench.percentile(times, 95):.1f}ms max={max(times):.0f}ms cpu={result['cpu']:.2f}s "
            f"parse_only={result['parse_total']:.2f}s (p50 {result['parse_p50']:.2f}ms) "
            f"peak_rss={result['peak_rss']:.0f}MB (start {result['rss_start']:.0f}MB) target={bench.verdict(ok)}"
        )
        print(
            f"{label} outcomes: "
            + " ".join(f"{k}={got.get(k, 0)}" for k in sorted(set(got) | set(expected)))
            + f" (expected {' '.join(f'{k}={v}' for k, v in sorted(expected.items()))})"
        )
        print(
            f"{label} side effects: tickets +{result['new_tickets']} "
            f"tasks_queued={result['tasks']} outbound_emails_queued={result['queued']} backend={result['backend']}"
        )
        print(
            f"{label} sql_queries_per_message: "
            + " ".join(
                f"{k}={lo}" + (f"-{hi}" if hi != lo else "")
                for k, (lo, hi, _n) in sorted(result["queries"].items())
            )
        )
        cli_s = cli_seconds(cli)
        print(
            f"{label} cli: `cfdidesk receive-email` one process per message: p50={bench.percentile(cli_s, 50):.2f}s "
            f"(n={len(cli_s)}; informational)"
        )
        bench.machine_note(label)
        failed = got != expected or InboundEmail.objects.count() - inbound_before < len(raws)
        if failed:
            print(f"# {label}: outcomes differ from the messages sent", file=sys.stderr)
    return 2 if failed else (0 if ok else 1)


if __name__ == "__main__":
    sys.exit(main())
