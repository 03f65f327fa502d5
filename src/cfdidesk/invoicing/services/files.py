"""Movements from a file: JSON lines (one movement per line, the API's format) or CSV (one concept per row).

Both end in movements_receive, so a file is all or nothing like an API batch. The CSV has one
row per concept; rows with the same movement_id are one movement, whose header columns come
from its first row (later rows leave them empty or repeat them). Taxes go in four columns:
iva_rate (traslado: 0.16, 0.08, 0 or "exento"), iva_withholding, isr_withholding and ieps_rate.
Payment (type P) and payroll (type N) CFDI travel as JSON lines only.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import InvoicingEnvironment, Movement
from .intake import IntakeRefused, IntakeResult, ItemError, movements_receive

FILE_MAX_MOVEMENTS = 20_000
EXTENSIONS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".txt": "jsonl",
}
HEADER_COLUMNS = [
    "movement_id",
    "document_type",
    "series",
    "currency",
    "exchange_rate",
    "payment_method",
    "payment_form",
    "payment_terms",
    "receptor_rfc",
    "receptor_name",
    "receptor_tax_regime",
    "receptor_postal_code",
    "receptor_cfdi_use",
    "related_relation",
    "related_uuids",
    "total",
]
CONCEPT_COLUMNS = [
    "product_key",
    "quantity",
    "unit_key",
    "unit",
    "description",
    "unit_value",
    "discount",
    "sku",
    "tax_object",
    "iva_rate",
    "iva_withholding",
    "isr_withholding",
    "ieps_rate",
]
CSV_COLUMNS = HEADER_COLUMNS + CONCEPT_COLUMNS
REQUIRED_COLUMNS = [
    "movement_id",
    "document_type",
    "receptor_rfc",
    "receptor_name",
    "receptor_tax_regime",
    "receptor_postal_code",
    "receptor_cfdi_use",
    "product_key",
    "quantity",
    "unit_key",
    "description",
    "unit_value",
]

EXAMPLE_MOVEMENTS = [
    {
        "movement_id": "MOV-000101",
        "document_type": "I",
        "series": "A",
        "currency": "MXN",
        "payment_method": "PUE",
        "payment_form": "03",
        "receptor": {
            "rfc": "XIQB891116QE4",
            "name": "BERENICE XIMO QUEZADA",
            "tax_regime": "612",
            "postal_code": "42501",
            "cfdi_use": "G03",
        },
        "concepts": [
            {
                "product_key": "84111506",
                "quantity": "1",
                "unit_key": "E48",
                "unit": "Servicio",
                "description": "Servicio de facturación electrónica, enero",
                "unit_value": "1500.00",
                "taxes": [{"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}],
            },
            {
                "product_key": "81112101",
                "quantity": "2",
                "unit_key": "E48",
                "description": "Soporte técnico (hora)",
                "unit_value": "450.00",
                "discount": "50.00",
                "taxes": [{"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": "0.16"}],
            },
        ],
        "total": "2726.00",
    },
    {
        "movement_id": "MOV-000102",
        "document_type": "E",
        "payment_method": "PUE",
        "payment_form": "03",
        "receptor": {
            "rfc": "JES900109Q90",
            "name": "JIMENEZ ESTRADA SALAS A A",
            "tax_regime": "601",
            "postal_code": "36257",
            "cfdi_use": "G02",
        },
        "related": {"relation": "01", "uuids": ["5FB2822E-396D-4725-8521-CDC4BDD20CCF"]},
        "concepts": [
            {
                "product_key": "84111506",
                "quantity": "1",
                "unit_key": "ACT",
                "description": "Bonificación por pronto pago",
                "unit_value": "100.00",
                "taxes": [{"tax": "IVA", "rate": "0.16"}],
            },
        ],
    },
    {
        "movement_id": "MOV-000103",
        "document_type": "P",
        "receptor": {
            "rfc": "JES900109Q90",
            "name": "JIMENEZ ESTRADA SALAS A A",
            "tax_regime": "601",
            "postal_code": "36257",
            "cfdi_use": "CP01",
        },
        "payment": {
            "date": "2026-01-15",
            "form": "03",
            "currency": "MXN",
            "documents": [
                {
                    "uuid": "5FB2822E-396D-4725-8521-CDC4BDD20CCF",
                    "series": "A",
                    "folio": "120",
                    "installment": 1,
                    "previous_balance": "1160.00",
                    "amount_paid": "1160.00",
                    "tax_object": "02",
                    "taxes": [{"tax": "IVA", "rate": "0.16"}],
                }
            ],
        },
    },
    {
        # Nómina 1.2: the employee is the receptor (regime 605, use CN01); SAT fixes the concept.
        "movement_id": "MOV-000104",
        "document_type": "N",
        "receptor": {
            "rfc": "XIQB891116QE4",
            "name": "BERENICE XIMO QUEZADA",
            "tax_regime": "605",
            "postal_code": "42501",
            "cfdi_use": "CN01",
        },
        "payroll": {
            "type": "O",
            "payment_date": "2026-01-15",
            "period_start": "2026-01-01",
            "period_end": "2026-01-15",
            "days_paid": "15",
            "employer": {"registration": "B5510768108"},
            "employee": {
                "curp": "XIQB891116MGRMZR05",
                "number": "0001",
                "social_security_number": "04078873454",
                "start_date": "2021-03-01",
                "contract_type": "01",
                "regime_type": "02",
                "periodicity": "04",
                "state": "HID",
                "job_risk": "1",
                "daily_integrated_salary": "525.00",
                "department": "Administración",
                "position": "Analista",
            },
            "perceptions": [
                {
                    "type": "001",
                    "code": "P001",
                    "concept": "Sueldo",
                    "taxed": "7500.00",
                    "exempt": "0",
                },
                {
                    "type": "010",
                    "code": "P010",
                    "concept": "Premio de puntualidad",
                    "taxed": "500.00",
                    "exempt": "0",
                },
            ],
            "deductions": [
                {"type": "002", "code": "D002", "concept": "ISR", "amount": "812.45"},
                {"type": "001", "code": "D001", "concept": "Cuota obrera IMSS", "amount": "201.30"},
            ],
        },
        "total": "6986.25",
    },
]
EXAMPLE_JSONL = "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in EXAMPLE_MOVEMENTS)


def _example_csv() -> str:
    rows = [
        {
            "movement_id": "MOV-000201",
            "document_type": "I",
            "series": "A",
            "currency": "MXN",
            "payment_method": "PUE",
            "payment_form": "03",
            "receptor_rfc": "XIQB891116QE4",
            "receptor_name": "BERENICE XIMO QUEZADA",
            "receptor_tax_regime": "612",
            "receptor_postal_code": "42501",
            "receptor_cfdi_use": "G03",
            "product_key": "84111506",
            "quantity": "1",
            "unit_key": "E48",
            "unit": "Servicio",
            "description": "Servicio de facturación electrónica, enero",
            "unit_value": "1500.00",
            "iva_rate": "0.16",
        },
        {
            "movement_id": "MOV-000201",
            "product_key": "81112101",
            "quantity": "2",
            "unit_key": "E48",
            "description": "Soporte técnico (hora)",
            "unit_value": "450.00",
            "iva_rate": "0.16",
        },
        {
            "movement_id": "MOV-000202",
            "document_type": "I",
            "payment_method": "PPD",
            "payment_form": "99",
            "receptor_rfc": "JES900109Q90",
            "receptor_name": "JIMENEZ ESTRADA SALAS A A",
            "receptor_tax_regime": "601",
            "receptor_postal_code": "36257",
            "receptor_cfdi_use": "G01",
            "product_key": "43211503",
            "quantity": "3",
            "unit_key": "H87",
            "unit": "Pieza",
            "description": "Computadora portátil",
            "unit_value": "18500.00",
            "iva_rate": "0.16",
            "isr_withholding": "",
            "iva_withholding": "",
        },
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


EXAMPLE_CSV = _example_csv()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def _json_lines(text: str) -> tuple[list, list[str]]:
    payloads, where, errors = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            payloads.append(json.loads(line, parse_float=Decimal))
            where.append(_line(number))
        except json.JSONDecodeError as exc:
            errors.append(
                ItemError(
                    len(payloads),
                    "",
                    _line(number),
                    _("JSON mal formado: %(error)s (columna %(col)d).")
                    % {"error": exc.msg, "col": exc.colno},
                )
            )
    if errors:
        raise IntakeRefused(
            _("El archivo tiene líneas que no son JSON válido. No se guardó nada."), errors
        )
    return payloads, where


def _json_document(text: str) -> tuple[list, list[str]]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise IntakeRefused(
            _("El archivo no es JSON válido: %(error)s (línea %(line)d, columna %(col)d).")
            % {"error": exc.msg, "line": exc.lineno, "col": exc.colno}
        ) from None
    if isinstance(data, dict):
        data = data.get("movements", [data]) if "movements" in data else [data]
    if not isinstance(data, list):
        raise IntakeRefused(_("El archivo JSON debe traer una lista de movimientos."))
    return data, [_("movimiento %(n)d") % {"n": n + 1} for n in range(len(data))]


def _line(number: int) -> str:
    return _("línea %(n)d") % {"n": number}


def _csv_header(reader) -> list[str]:
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise IntakeRefused(_("El archivo está vacío.")) from None
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise IntakeRefused(
            _("La columna «%(column)s» no existe. Usa los encabezados del archivo de ejemplo.")
            % {"column": unknown[0]}
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise IntakeRefused(_("Falta la columna «%(column)s».") % {"column": missing[0]})
    return header


def _json_only(row: dict) -> str | None:
    """Why the movement of this first row cannot come in a CSV (its block is not columns), or None."""
    document_type = row.get("document_type", "").upper()
    if document_type in ("P", "PAGO", "PAYMENT"):
        return _("Los CFDI de pago se envían en JSON lines, no en CSV.")
    if document_type in ("N", "NOMINA", "NÓMINA", "PAYROLL"):
        return _("Los CFDI de nómina se envían en JSON lines, no en CSV.")
    return None


def _header_conflicts(movement: dict, row: dict) -> list[tuple[str, str]]:
    """(column, value) of a later row's header columns that differ from the movement's first row."""
    conflicts = []
    for column in HEADER_COLUMNS[1:]:
        value = row.get(column, "")
        if value and value != _header_value(movement, column):
            conflicts.append((column, value))
    return conflicts


def _csv(text: str) -> tuple[list, list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = _csv_header(reader)
    groups: dict[str, dict] = {}
    lines: dict[str, list[int]] = {}
    errors: list[ItemError] = []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(
                ItemError(
                    len(groups),
                    "",
                    _line(number),
                    _("Tiene %(got)d columnas y el encabezado %(want)d.")
                    % {"got": len(values), "want": len(header)},
                )
            )
            continue
        row = {h: v.strip() for h, v in zip(header, values, strict=True)}
        if not _csv_row(row, number, groups, lines, errors):
            continue
        groups[row["movement_id"]]["concepts"].append(_concept_from_row(row))
        lines[row["movement_id"]].append(number)
    if errors:
        raise IntakeRefused(_("El archivo tiene filas con errores. No se guardó nada."), errors)
    return list(groups.values()), [_lines_text(lines[mid]) for mid in groups]


def _csv_row(row: dict, number: int, groups: dict, lines: dict, errors: list[ItemError]) -> bool:
    """Start the row's movement (its first row) or check its header columns (a later row);
    False when the row is refused and adds no concept."""
    mid = row["movement_id"]
    if mid not in groups:
        refusal = _json_only(row)
        if refusal:
            errors.append(ItemError(len(groups), mid, _line(number), refusal))
            return False
        groups[mid] = _movement_from_row(row)
        lines[mid] = []
        return True
    for column, value in _header_conflicts(groups[mid], row):
        errors.append(
            ItemError(
                list(groups).index(mid),
                mid,
                _line(number),
                _(
                    "La columna %(column)s dice «%(value)s» y la primera fila del movimiento otra cosa."
                )
                % {"column": column, "value": value[:40]},
            )
        )
    return True


def _lines_text(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return _line(numbers[0])
    return _("líneas %(a)d–%(b)d") % {"a": numbers[0], "b": numbers[-1]}


def _header_value(movement: dict, column: str) -> str:
    if column.startswith("receptor_"):
        return movement["receptor"].get(column[len("receptor_") :], "")
    if column == "related_relation":
        return (movement.get("related") or {}).get("relation", "")
    if column == "related_uuids":
        return " ".join((movement.get("related") or {}).get("uuids", []))
    return movement.get(column, "") or ""


def _movement_from_row(row: dict) -> dict:
    movement = {
        c: row.get(c, "")
        for c in (
            "movement_id",
            "document_type",
            "series",
            "currency",
            "exchange_rate",
            "payment_method",
            "payment_form",
            "payment_terms",
            "total",
        )
    }
    movement["receptor"] = {
        k: row.get(f"receptor_{k}", "")
        for k in ("rfc", "name", "tax_regime", "postal_code", "cfdi_use")
    }
    if row.get("related_relation") or row.get("related_uuids"):
        movement["related"] = {
            "relation": row.get("related_relation", ""),
            "uuids": row.get("related_uuids", "").split(),
        }
    movement["concepts"] = []
    return movement


def _concept_from_row(row: dict) -> dict:
    taxes = []
    iva = row.get("iva_rate", "")
    if iva.lower() == "exento":
        taxes.append({"tax": "IVA", "kind": "traslado", "factor": "Exento"})
    elif iva:
        taxes.append({"tax": "IVA", "kind": "traslado", "factor": "Tasa", "rate": iva})
    if row.get("ieps_rate"):
        taxes.append(
            {"tax": "IEPS", "kind": "traslado", "factor": "Tasa", "rate": row["ieps_rate"]}
        )
    if row.get("iva_withholding"):
        taxes.append(
            {"tax": "IVA", "kind": "retencion", "factor": "Tasa", "rate": row["iva_withholding"]}
        )
    if row.get("isr_withholding"):
        taxes.append(
            {"tax": "ISR", "kind": "retencion", "factor": "Tasa", "rate": row["isr_withholding"]}
        )
    concept = {
        c: row.get(c, "")
        for c in (
            "product_key",
            "quantity",
            "unit_key",
            "unit",
            "description",
            "unit_value",
            "discount",
            "sku",
            "tax_object",
        )
    }
    concept["taxes"] = taxes
    return concept


def movements_file_parse(*, name: str, data: bytes) -> tuple[list, list[str]]:
    """(raw movements, where each came from) of an uploaded file, or IntakeRefused."""
    kind = EXTENSIONS.get(PurePath(name or "").suffix.lower())
    if kind is None:
        raise IntakeRefused(_("Solo se aceptan archivos .csv, .jsonl o .json."))
    limit = settings.INVOICING_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise IntakeRefused(
            _("El archivo pesa %(size)s MB; el máximo es %(max)s MB.")
            % {"size": f"{len(data) / 1048576:.1f}", "max": f"{limit / 1048576:.0f}"}
        )
    if b"\x00" in data[:4096]:
        raise IntakeRefused(_("El archivo no es de texto."))
    text = _decode(data)
    if kind == "csv":
        return _csv(text)
    if kind == "json" or text.lstrip().startswith("["):
        return _json_document(text)
    return _json_lines(text)


def movements_upload(
    *, environment: InvoicingEnvironment, name: str, data: bytes, actor=None
) -> IntakeResult:
    """An uploaded movements file through movements_receive; refusals name the file's lines."""
    payloads, where = movements_file_parse(name=name, data=data)
    try:
        return movements_receive(
            environment=environment,
            payloads=payloads,
            actor=actor,
            source=Movement.Source.FILE,
            max_items=FILE_MAX_MOVEMENTS,
        )
    except IntakeRefused as exc:
        located = [
            ItemError(
                e.index,
                e.movement_id,
                f"{where[e.index]} · {e.field}"
                if e.index < len(where) and e.field
                else (where[e.index] if e.index < len(where) else e.field),
                e.message,
            )
            for e in exc.errors
        ]
        raise IntakeRefused(exc.message, located) from None
