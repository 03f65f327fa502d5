"""`cfdidesk load-demo`: demo users and a customer catalog, loaded once."""

import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from cfdidesk.accounts import roles
from cfdidesk.accounts.services import user_create
from cfdidesk.customers import csv_format
from cfdidesk.customers.models import Company
from cfdidesk.customers.rules import search_key
from cfdidesk.customers.services import (
    company_create,
    company_delete,
    contact_create,
    import_job_create,
)
from cfdidesk.desk.demo import load_demo_sla, load_demo_tickets
from cfdidesk.desk.models import EscalationStep, OnCallShift
from cfdidesk.invoicing.demo import load_demo
from cfdidesk.invoicing.models import InvoicingEnvironment
from cfdidesk.kb.demo import load_demo_articles
from cfdidesk.sat.rfc import GENERIC_PUBLIC, with_check_digit

DEMO_PASSWORD = "cfdi-demo-2026"
USERS = [
    ("admin", roles.ADMINISTRATOR, "Ana", "Administradora"),
    ("supervisor", roles.SUPERVISOR, "Sergio", "Salinas"),
    ("consultor", roles.CONSULTANT, "Carla", "Cortés"),
    ("facturacion", roles.BILLING, "Fernando", "Fuentes"),
    ("consultor2", roles.CONSULTANT, "Diego", "Durán"),
    ("consultor3", roles.CONSULTANT, "Mónica", "Morales"),
    ("consultor4", roles.CONSULTANT, "Raúl", "Reyes"),
]
# Two teams, each with a 24-hour on-call rotation of two consultants.
ROSTER_CONSULTANTS = ["consultor", "consultor2", "consultor3", "consultor4"]
# (legal name, trade name, RFC stem without check digit, regime, use, postal code, email)
COMPANIES = [
    (
        "Abarrotes La Esperanza, S.A. de C.V.",
        "La Esperanza",
        "AES0503114R",
        "601",
        "G01",
        "06600",
        "facturas@laesperanza.mx",
    ),
    (
        "Comercializadora Norteña del Pacífico, S.A. de C.V.",
        "Norteña",
        "CNP1108223K",
        "601",
        "G03",
        "80000",
        "cxp@nortena.com.mx",
    ),
    (
        "Constructora Álamos y Asociados, S.C.",
        "Álamos",
        "CAA0907305M",
        "601",
        "I01",
        "64000",
        "admin@alamos.mx",
    ),
    (
        "Distribuidora Médica del Bajío, S.A. de C.V.",
        "DIMEBA",
        "DMB1202145H",
        "601",
        "G01",
        "37000",
        "compras@dimeba.mx",
    ),
    (
        "Fundación Niños de Oaxaca, A.C.",
        "",
        "FNO0006062B",
        "603",
        "G03",
        "68000",
        "contabilidad@ninosoaxaca.org",
    ),
    (
        "Transportes Rápidos de Jalisco, S.A. de C.V.",
        "TRJ",
        "TRJ9810014A",
        "601",
        "G03",
        "44100",
        "facturacion@trj.com.mx",
    ),
    (
        "Tecnologías Ñandú, S.A.P.I. de C.V.",
        "Ñandú Tech",
        "TNA1701187Q",
        "601",
        "I04",
        "03100",
        "pagos@nandu.tech",
    ),
    (
        "Agrícola Valle del Yaqui, S.P.R. de R.L.",
        "Valle del Yaqui",
        "AVY0411259J",
        "622",
        "G01",
        "85000",
        "admin@valleyaqui.mx",
    ),
    (
        "Hotel Playa Serena, S.A. de C.V.",
        "Playa Serena",
        "HPS1303089C",
        "601",
        "G03",
        "77500",
        "cuentas@playaserena.mx",
    ),
    (
        "Servicios Contables Integrales, S.C.",
        "SCI",
        "SCI1510156P",
        "601",
        "G03",
        "72000",
        "sci@contables.mx",
    ),
    (
        "Ferretería El Tornillo Feliz, S.A. de C.V.",
        "El Tornillo Feliz",
        "FTF0802288E",
        "601",
        "G01",
        "20000",
        "ventas@tornillofeliz.mx",
    ),
    (
        "Laboratorios Clínicos de Puebla, S.A. de C.V.",
        "LabCliP",
        "LCP1404307N",
        "601",
        "G03",
        "72000",
        "facturas@labclip.mx",
    ),
    (
        "María Guadalupe Peña Núñez",
        "",
        "PENM850312AB",
        "612",
        "G03",
        "44600",
        "lupita.pena@correo.mx",
    ),
    (
        "José Luis Hernández Ramírez",
        "Taller Hernández",
        "HERJ7606154K",
        "626",
        "G03",
        "50000",
        "taller.hernandez@correo.mx",
    ),
    (
        "Ricardo Sánchez Olvera",
        "",
        "SAOR9002027T",
        "605",
        "D01",
        "76000",
        "ricardo.sanchez@correo.mx",
    ),
    (
        "Claudia Elena Torres Vega",
        "Consultoría CT",
        "TOVC8110233L",
        "612",
        "G03",
        "97000",
        "claudia@consultoriact.mx",
    ),
    (
        "Panificadora San Ángel, S.A. de C.V.",
        "Pan San Ángel",
        "PSA0609183H",
        "601",
        "G01",
        "01000",
        "pedidos@pansanangel.mx",
    ),
    (
        "Grupo Minero Zacatecano, S.A. de C.V.",
        "GMZ",
        "GMZ9907217B",
        "601",
        "I08",
        "98000",
        "tesoreria@gmz.com.mx",
    ),
    (
        "Cooperativa Pesquera Bahía Azul, S.C. de R.L.",
        "Bahía Azul",
        "CPB1012034D",
        "601",
        "G01",
        "23000",
        "coop@bahiaazul.mx",
    ),
    (
        "Escuela Bilingüe Montessori del Sur, S.C.",
        "Montessori del Sur",
        "EBM1108305R",
        "601",
        "G03",
        "14000",
        "admin@montessorisur.edu.mx",
    ),
]
CONTACT_NAMES = [
    "Laura Méndez",
    "Jorge Castillo",
    "Patricia Ruiz",
    "Miguel Ángel Soto",
    "Verónica Díaz",
    "Raúl Ortega",
]
POSITIONS = [
    "Contadora",
    "Gerente de sistemas",
    "Auxiliar de facturación",
    "Director administrativo",
]


class Command(BaseCommand):
    help = "Carga datos de demostración (usuarios, clientes, contactos y una carga masiva) una sola vez."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("Los datos de demostración ya estaban cargados.")
            if self._needs_service_levels():
                # A demo loaded before on-call and SLAs existed: add them once.
                with transaction.atomic():
                    self._service_levels()
                self.stdout.write(
                    self.style.SUCCESS(
                        "Se agregaron guardias, escalamiento y tickets con SLA a la demostración."
                    )
                )
            if self._needs_invoicing():
                with transaction.atomic():
                    self._invoicing(User.objects.get(username="admin"))
                self.stdout.write(
                    self.style.SUCCESS("Se agregó el ambiente de facturación de demostración.")
                )
        else:
            with transaction.atomic():
                self._load()
            self.stdout.write(self.style.SUCCESS("Datos de demostración cargados."))
        self.stdout.write(f"\nUsuarios de demostración (contraseña para todos: {DEMO_PASSWORD}):")
        for username, role, *_names in USERS:
            self.stdout.write(f"  {username:<12} {roles.ROLE_LABELS[role]}")
        self.stdout.write("  contacto     Contacto del portal (Abarrotes La Esperanza)\n")

    def _load(self):
        rng = random.Random(2026)
        admin = None
        for username, role, first, last in USERS:
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                email=f"{username}@cfdidesk.demo",
                first_name=first,
                last_name=last,
            )
            if role == roles.ADMINISTRATOR:
                admin = user
        companies = []
        for legal, trade, stem, regime, use, cp, email in COMPANIES:
            company, _warnings = company_create(
                actor=admin,
                data={
                    "legal_name": legal,
                    "trade_name": trade,
                    "rfc": with_check_digit(stem),
                    "tax_regime": regime,
                    "cfdi_use": use,
                    "postal_code": cp,
                    "email": email,
                    "phone": f"55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                },
            )
            companies.append(company)
        company_create(
            actor=admin,
            data={
                "legal_name": "Público en general",
                "rfc": GENERIC_PUBLIC,
                "tax_regime": "616",
                "cfdi_use": "S01",
                "postal_code": "06600",
                "email": "mostrador@cfdidesk.demo",
            },
        )
        for company in companies[:12]:
            for name in rng.sample(CONTACT_NAMES, 2):
                contact_create(
                    actor=admin,
                    company=company,
                    data={
                        "name": name,
                        "email": f"{search_key(name.split()[0])}@{company.email.split('@')[1]}",
                        "position": rng.choice(POSITIONS),
                        "phone": f"55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                    },
                )
        portal_user = user_create(
            username="contacto",
            password=DEMO_PASSWORD,
            role=roles.PORTAL,
            email="laura@laesperanza.mx",
            first_name="Laura",
            last_name="Méndez",
        )
        contact = companies[0].contacts.first()
        contact.user = portal_user
        contact.save(update_fields=["user"])
        # One archived company, to show that deleting keeps history.
        company_delete(actor=admin, company=companies[11])
        # A bulk load with one bad row, waiting for confirmation on the status page.
        rows = [
            [
                "Papelería Escolar Minerva, S.A. de C.V.",
                with_check_digit("PEM1003154G"),
                "G01",
                "601",
                "compras@minerva.mx",
                "",
                "",
                "58000",
                "Minerva",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "Refaccionaria Los Pinos, S.A. de C.V.",
                with_check_digit("RLP0805226A"),
                "D01",
                "601",
                "refacciones@lospinos.mx",
                "",
                "",
                "31000",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "Óptica Visión Clara, S.A. de C.V.",
                with_check_digit("OVC1206118K"),
                "G03",
                "601",
                "optica@visionclara.mx",
                "",
                "",
                "00001",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ]
        data = "".join(csv_format.csv_lines(rows)).encode("utf-8")
        import_job_create(
            actor=admin, upload=SimpleUploadedFile("clientes_nuevos.csv", data), mode="create"
        )
        # The roster and escalation chains first: a ticket opened out of office hours alerts whoever
        # is on duty when it arrives, so the story is consistent with the roster the demo shows.
        self._service_levels()
        self._tickets(admin, companies)
        self._invoicing(admin)

    def _needs_invoicing(self) -> bool:
        return not InvoicingEnvironment.objects.exists()

    def _invoicing(self, admin):
        """An invoicing environment with SAT's test CSD and documents in every state, hung on the
        first demo company (the one with the portal contact), so its customer 360 page shows
        tickets, contacts, documents and stamps together."""
        first = Company.objects.filter(rfc=with_check_digit(COMPANIES[0][2])).first()
        load_demo(first, actor=admin)

    def _needs_service_levels(self) -> bool:
        User = get_user_model()
        demo = User.objects.filter(username="supervisor", email="supervisor@cfdidesk.demo").exists()
        return demo and not OnCallShift.objects.exists() and not EscalationStep.objects.exists()

    def _service_levels(self):
        """Tickets on track, at risk and breached, a month of history, the roster and the escalation chains."""
        User = get_user_model()
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[name for name, *_rest in USERS])
        }
        for username, role, first, last in USERS:
            if username not in users:  # an older demo without them
                users[username] = user_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    role=role,
                    email=f"{username}@cfdidesk.demo",
                    first_name=first,
                    last_name=last,
                )
        stems = [with_check_digit(stem) for _legal, _trade, stem, *_rest in COMPANIES]
        by_rfc = {c.rfc: c for c in Company.objects.filter(rfc__in=stems)}
        load_demo_sla(
            admin=users["admin"],
            supervisor=users["supervisor"],
            consultants=[users[name] for name in ROSTER_CONSULTANTS],
            companies=[by_rfc[rfc] for rfc in stems if rfc in by_rfc],
        )

    def _tickets(self, admin, companies):
        load_demo_tickets(companies=companies)
        load_demo_articles(admin)
