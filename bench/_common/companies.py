"""Realistic companies, fast: distinct valid RFCs, regime/use pairs SAT allows, SAT postal codes,
lower-case e-mails, accented names, some shipping addresses."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator

ACTIVITIES = [
    "Comercializadora",
    "Distribuidora",
    "Servicios",
    "Grupo",
    "Constructora",
    "Transportes",
    "Inmobiliaria",
    "Consultores",
    "Industrias",
    "Alimentos",
    "Tecnología",
    "Farmacéutica",
    "Logística",
    "Importadora",
    "Exportadora",
    "Agroindustrias",
    "Manufacturas",
    "Soluciones",
    "Desarrollos",
    "Corporativo",
]
NAMES = [
    "Azteca",
    "Maya",
    "Olmeca",
    "del Norte",
    "del Pacífico",
    "del Golfo",
    "del Bajío",
    "Peña",
    "Montaña",
    "Ñandú",
    "Águila",
    "Jaguar",
    "Quetzal",
    "Sierra Madre",
    "Valle",
    "Río Bravo",
    "Laguna",
    "Cumbre",
    "Horizonte",
    "Estrella",
    "Sol",
    "Luna",
    "Cielo",
    "Mar",
    "Roble",
    "Encino",
    "Cedro",
    "Nopal",
    "Maguey",
    "Agave",
    "Volcán",
    "Obsidiana",
    "Jade",
    "Plata",
    "Oro",
    "Cobre",
    "Cantera",
    "Talavera",
    "Alebrije",
    "Colibrí",
    "Mariposa",
    "Venado",
    "Coyote",
    "Halcón",
    "Tucán",
    "Delfín",
    "Tortuga",
    "Iguana",
    "Ajolote",
    "Huasteca",
    "Mixteca",
    "Zapoteca",
    "Otomí",
]
PLACES = [
    "Jalisco",
    "Querétaro",
    "Mérida",
    "Monterrey",
    "Puebla",
    "Oaxaca",
    "Chiapas",
    "Sonora",
    "Sinaloa",
    "Yucatán",
    "Michoacán",
    "Guanajuato",
    "Zacatecas",
    "Durango",
    "Coahuila",
    "Tamaulipas",
    "Veracruz",
    "Tabasco",
    "Campeche",
    "Quintana Roo",
    "Hidalgo",
    "Morelos",
    "Nayarit",
    "Colima",
    "Aguascalientes",
    "San Luis Potosí",
    "Tlaxcala",
    "Guerrero",
    "Chihuahua",
    "Baja California",
    "Toluca",
    "León",
    "Tijuana",
    "Cancún",
    "Acapulco",
    "Saltillo",
    "Torreón",
]
SUFFIXES = ["S.A. de C.V.", "S. de R.L. de C.V.", "S.C.", "S.A.P.I. de C.V.", "A.C."]
FIRST_NAMES = [
    "José",
    "María",
    "Juan",
    "Guadalupe",
    "Francisco",
    "Ana",
    "Luis",
    "Sofía",
    "Carlos",
    "Fernanda",
    "Jesús",
    "Lucía",
    "Miguel",
    "Ximena",
    "Pedro",
    "Valeria",
    "Alejandro",
    "Camila",
    "Ricardo",
    "Daniela",
]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Núñez",
    "Ibarra",
    "Salazar",
    "Zúñiga",
    "Orozco",
]
MAILBOXES = [
    "facturas",
    "facturacion",
    "contabilidad",
    "compras",
    "pagos",
    "admin",
    "cxp",
    "tesoreria",
]
FREE_MAIL = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com.mx", "prodigy.net.mx"]
STREETS = [
    "Av. Reforma",
    "Calle Hidalgo",
    "Av. Juárez",
    "Calle Morelos",
    "Blvd. Kukulcán",
    "Av. Insurgentes Sur",
    "Calle 5 de Mayo",
    "Periférico Sur",
]
NEIGHBOURHOODS = ["Centro", "Juárez", "Del Valle", "Roma Norte", "Polanco", "Las Águilas"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
HOMOCLAVE_1 = "123456789ABCDEFGHIJKLMNOPQRSTUV"
HOMOCLAVE_2 = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class _FastRandom(random.Random):
    """random.Random with cheaper choice/randrange (float based): data generation is the slow part."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randrange(self, start, stop=None):
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


def _sat_combos() -> dict[str, list[tuple[str, str]]]:
    """(regime, use) pairs SAT accepts for each person type, from the project's own catalogs."""
    from cfdidesk.sat import catalogs
    from cfdidesk.sat.receptor import GENERIC_REGIME

    combos = {}
    for person in ("moral", "fisica"):
        combos[person] = [
            (regime.code, use.code)
            for regime in catalogs.regimes_for(person)
            if regime.code != GENERIC_REGIME
            for use in catalogs.cfdi_uses_for(person, regime.code)
        ]
    return combos


class CompanyFactory:
    """Deterministic, distinct, valid companies: RFCs with correct check digits, SAT postal codes.

    `rows(n)` yields value tuples in csv_format.FIELDS order; `db_rows(n)` appends the derived
    columns the database stores (search_name, is_active, archived_at, version, timestamps).
    """

    def __init__(self, seed: int = 2026, postal_pool: int = 20_000, archived_share: float = 0.0):
        from stdnum.mx import rfc as stdnum_rfc

        from cfdidesk.customers import csv_format
        from cfdidesk.sat import catalogs

        self.fields = list(csv_format.FIELDS)
        self.rng = _FastRandom(seed)
        codes = sorted(c for c in catalogs.postal_codes() if c != "00000")
        self.postal_codes = sorted(self.rng.sample(codes, min(postal_pool, len(codes))))
        self.combos = _sat_combos()
        self.blacklist = stdnum_rfc._name_blacklist
        self.check_digit = stdnum_rfc.calc_check_digit
        self.seen_rfcs: set[str] = set()
        self.serial = 0
        self.archived_share = archived_share
        self.base_time = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)

    def _rfc(self, person: str) -> str:
        rng = self.rng
        while True:
            if person == "moral":
                stem = "".join(rng.choice(LETTERS) for _ in range(3))
            else:
                stem = "".join(rng.choice(LETTERS) for _ in range(4))
                if stem in self.blacklist:
                    continue
            date = f"{rng.randrange(100):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
            body = stem + date + rng.choice(HOMOCLAVE_1) + rng.choice(HOMOCLAVE_2)
            rfc = body + self.check_digit(body)
            if rfc not in self.seen_rfcs:
                self.seen_rfcs.add(rfc)
                return rfc

    def row(self) -> tuple:
        rng = self.rng
        self.serial += 1
        n = self.serial
        person = "moral" if rng.random() < 0.75 else "fisica"
        regime, use = rng.choice(self.combos[person])
        if person == "moral":
            word, place = rng.choice(NAMES), rng.choice(PLACES)
            legal_name = f"{rng.choice(ACTIVITIES)} {word} de {place}, {rng.choice(SUFFIXES)}"
            trade_name = f"{word} {place}" if rng.random() < 0.3 else ""
            domain = _slug(f"{word} {place}") + ".com.mx"
        else:
            legal_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
            trade_name = ""
            domain = rng.choice(FREE_MAIL)
        tag = _base36(n)
        email = f"{rng.choice(MAILBOXES)}.{tag}@{domain}"
        email_2 = f"{rng.choice(MAILBOXES)}2.{tag}@{domain}" if rng.random() < 0.3 else ""
        email_3 = (
            f"{rng.choice(MAILBOXES)}3.{tag}@{domain}" if email_2 and rng.random() < 0.3 else ""
        )
        phone = (
            f"55 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
            if rng.random() < 0.5
            else ""
        )
        if rng.random() < 0.2:
            ship = (
                rng.choice(STREETS),
                str(rng.randrange(1, 3000)),
                rng.choice(["", "Piso 3", "Int. 4"]),
                rng.choice(NEIGHBOURHOODS),
                rng.choice(PLACES),
                rng.choice(PLACES),
                rng.choice(self.postal_codes),
                "México",
            )
        else:
            ship = ("",) * 8
        notes = "Cliente preferente, enviar factura antes del día 5" if rng.random() < 0.05 else ""
        values = {
            "legal_name": legal_name,
            "rfc": self._rfc(person),
            "cfdi_use": use,
            "tax_regime": regime,
            "email": email,
            "email_2": email_2,
            "email_3": email_3,
            "postal_code": rng.choice(self.postal_codes),
            "trade_name": trade_name,
            "phone": phone,
            "ship_street": ship[0],
            "ship_exterior_number": ship[1],
            "ship_interior_number": ship[2],
            "ship_neighbourhood": ship[3],
            "ship_municipality": ship[4],
            "ship_state": ship[5],
            "ship_postal_code": ship[6],
            "ship_country": ship[7],
            "notes": notes,
        }
        return tuple(values[f] for f in self.fields)

    def rows(self, n: int) -> Iterator[tuple]:
        for _ in range(n):
            yield self.row()

    def db_columns(self) -> list[str]:
        return [
            *self.fields,
            "search_name",
            "is_active",
            "archived_at",
            "version",
            "created_at",
            "updated_at",
        ]

    def db_rows(self, n: int) -> Iterator[tuple]:
        from cfdidesk.customers.rules import search_key

        legal_at, trade_at = self.fields.index("legal_name"), self.fields.index("trade_name")
        keys: dict[tuple[str, str], str] = {}
        for _ in range(n):
            row = self.row()
            pair = (row[legal_at], row[trade_at])
            key = keys.get(pair)
            if key is None:
                key = keys[pair] = search_key(*pair)
            created = self.base_time + dt.timedelta(seconds=self.serial * 60)
            archived = self.archived_share and self.rng.random() < self.archived_share
            yield (*row, key, not archived, created if archived else None, 1, created, created)


@functools.cache
def _slug(text: str) -> str:
    from cfdidesk.customers.rules import search_key

    return "-".join(search_key(text).split())


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out
