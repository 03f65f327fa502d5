"""The customer CSV format: columns, reading (encodings, dialects) and the downloadable template.

The column labels are the file format itself, so they are fixed Spanish text, not translated.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cfdidesk.sat import catalogs
from cfdidesk.sat.rfc import with_check_digit

COLUMNS: list[tuple[str, str]] = [
    ("Razón social", "legal_name"),
    ("RFC", "rfc"),
    ("Uso CFDI", "cfdi_use"),
    ("Régimen fiscal", "tax_regime"),
    ("Correo electrónico", "email"),
    ("Correo adicional 1", "email_2"),
    ("Correo adicional 2", "email_3"),
    ("Código postal", "postal_code"),
    ("Nombre comercial", "trade_name"),
    ("Teléfono", "phone"),
    ("Calle", "ship_street"),
    ("Número exterior", "ship_exterior_number"),
    ("Número interior", "ship_interior_number"),
    ("Colonia", "ship_neighbourhood"),
    ("Municipio", "ship_municipality"),
    ("Estado", "ship_state"),
    ("Código postal de envío", "ship_postal_code"),
    ("País", "ship_country"),
    ("Notas", "notes"),
]
LABELS = [label for label, _field in COLUMNS]
FIELDS = [field for _label, field in COLUMNS]
LABEL_OF = {field: label for label, field in COLUMNS}
SAMPLE_BYTES = 64 * 1024


class CsvRefused(Exception):
    """The whole file is refused; the message says why, in the user's language."""


@dataclass(frozen=True)
class CsvInfo:
    encoding: str
    delimiter: str


def inspect(data: bytes) -> CsvInfo:
    """Check that the bytes are a CSV of ours: text, known encoding, exact header, at least one row."""
    if not data.strip():
        raise CsvRefused(_("El archivo está vacío."))
    head = data[:SAMPLE_BYTES]
    if head.startswith(b"PK\x03\x04"):
        raise CsvRefused(
            _(
                "El archivo es un libro de Excel (.xlsx) con extensión .csv. En Excel usa "
                "«Guardar como» y elige «CSV UTF-8 (delimitado por comas)»."
            )
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvRefused(
            _(
                "El archivo es un libro de Excel antiguo (.xls). Guárdalo como «CSV UTF-8 (delimitado por comas)»."
            )
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvRefused(
            _(
                "El archivo está guardado como «Texto Unicode» (UTF-16). Guárdalo como «CSV UTF-8 (delimitado por comas)»."
            )
        )
    if b"\x00" in head:
        raise CsvRefused(_("El archivo no es un CSV de texto: contiene datos binarios."))
    encoding = detect_encoding(data)
    text_head = head.decode(encoding, errors="ignore")
    controls = sum(1 for c in text_head if ord(c) < 32 and c not in "\r\n\t")
    if controls > max(2, len(text_head) // 200):
        raise CsvRefused(_("El archivo no es un CSV de texto: contiene datos binarios."))
    delimiter = _sniff_delimiter(text_head)
    rows = csv.reader(io.StringIO(text_head), delimiter=delimiter)
    header = next(rows, [])
    check_header(header)
    if not any(
        any(cell.strip() for cell in row) for row in _rows_after_header(data, encoding, delimiter)
    ):
        raise CsvRefused(
            _("El archivo solo tiene la fila de encabezados: no hay clientes que cargar.")
        )
    return CsvInfo(encoding, delimiter)


def _rows_after_header(data: bytes, encoding: str, delimiter: str) -> Iterator[list[str]]:
    rows = csv.reader(
        io.StringIO(data[: SAMPLE_BYTES * 4].decode(encoding, errors="ignore")), delimiter=delimiter
    )
    next(rows, None)
    yield from rows


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else Windows-1252, what Excel in Mexico writes."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=True)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CsvRefused(
            _("El archivo no es un CSV de texto: no se puede leer como UTF-8 ni como Windows-1252.")
        ) from exc
    return "cp1252"


def _sniff_delimiter(sample: str) -> str:
    first_line = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def check_header(header: list[str]) -> None:
    found = [cell.strip().lstrip("\ufeff").strip() for cell in header]
    while found and not found[-1]:
        found.pop()  # Excel sometimes leaves empty trailing cells.
    for index, expected in enumerate(LABELS):
        got = found[index] if index < len(found) else None
        if got != expected:
            if got is None:
                raise CsvRefused(
                    _(
                        "Falta la columna %(n)d, «%(expected)s». Usa las columnas y el orden de la plantilla."
                    )
                    % {"n": index + 1, "expected": expected}
                )
            raise CsvRefused(
                _(
                    "La columna %(n)d debe llamarse «%(expected)s» y se llama «%(got)s». "
                    "Usa las columnas y el orden de la plantilla, sin cambiar las etiquetas."
                )
                % {"n": index + 1, "expected": expected, "got": got}
            )
    if len(found) > len(LABELS):
        raise CsvRefused(
            _(
                "La columna %(n)d, «%(got)s», no está en la plantilla. Quítala y vuelve a subir el archivo."
            )
            % {"n": len(LABELS) + 1, "got": found[len(LABELS)]}
        )


def record_blocks(text: str, info: CsvInfo, size: int) -> Iterator[tuple[int, str]]:
    """Split the data rows into blocks of `size` records: (row number of the first, the block's text).

    The csv module itself finds where records end (a quoted cell may hold line breaks), so a
    block always holds whole records and `block_rows` reads it exactly as one pass would.
    """
    lines: list[str] = []

    def physical_lines():
        for line in io.StringIO(text, newline=""):
            lines.append(line)
            yield line

    reader = csv.reader(physical_lines(), delimiter=info.delimiter)
    if next(reader, None) is None:
        return
    lines.clear()  # the header
    first = number = 2
    for _cells in reader:
        number += 1
        if number - first == size:
            yield first, "".join(lines)
            lines.clear()
            first = number
    if lines:
        yield first, "".join(lines)


def block_rows(
    first: int, block: str, info: CsvInfo
) -> Iterator[tuple[int, dict[str, str] | None, str | None]]:
    """Yield (row number as Excel shows it, values or None, error) for every non-blank row of a block."""
    width = len(FIELDS)
    reader = csv.reader(io.StringIO(block, newline=""), delimiter=info.delimiter)
    for number, cells in enumerate(reader, start=first):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width and not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        if len(cells) != width:
            yield (
                number,
                None,
                _("La fila tiene %(got)d columnas y la plantilla %(expected)d.")
                % {
                    "got": len(cells),
                    "expected": width,
                },
            )
            continue
        yield number, dict(zip(FIELDS, cells, strict=True)), None


class _Echo:
    def write(self, value):
        return value


def csv_lines(rows) -> Iterator[str]:
    """Stream the header and the given value tuples as CSV text, UTF-8 BOM first for Excel."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(LABELS)
    for row in rows:
        yield writer.writerow(row)


INSTRUCTIONS = """\
CARGA MASIVA DE CLIENTES — INSTRUCCIONES

1. Abre plantilla_clientes.csv con Excel o con cualquier editor de hojas de cálculo.
2. Escribe un cliente por fila, a partir de la fila 2. Puedes borrar las filas de ejemplo.
3. No cambies, quites ni reordenes las columnas ni sus etiquetas: si el encabezado
   es distinto al de la plantilla, el archivo completo se rechaza y se te indica la
   primera columna que no coincide.
4. Guarda como «CSV UTF-8 (delimitado por comas)» (también se acepta el CSV de
   Windows que Excel guarda por omisión). Solo se aceptan archivos .csv.
5. En CFDI Desk entra a Clientes → Carga masiva, elige el archivo y pulsa «Procesar archivo».
   Sigue el avance en «Ver estado de los procesos».

COLUMNAS
- Razón social (obligatoria): nombre o razón social tal como aparece en la constancia de situación fiscal.
- RFC (obligatoria): 12 caracteres para persona moral, 13 para persona física.
  Se aceptan los RFC genéricos XAXX010101000 (público en general) y XEXX010101000 (extranjeros),
  que siempre crean un cliente nuevo.
- Uso CFDI (obligatoria): clave del catálogo c_UsoCFDI, p. ej. G03. Debe aplicar al tipo de persona
  y al régimen fiscal (ver catalogo_usos_cfdi.csv).
- Régimen fiscal (obligatoria): clave del catálogo c_RegimenFiscal, p. ej. 601. Debe aplicar al tipo
  de persona del RFC (ver catalogo_regimenes_fiscales.csv).
- Correo electrónico (obligatoria) y Correo adicional 1 y 2 (opcionales): un correo por columna;
  un cliente tiene como máximo tres correos.
- Código postal (obligatoria): 5 dígitos del domicilio fiscal; debe existir en el catálogo c_CodigoPostal del SAT.
- Nombre comercial, Teléfono, Notas: opcionales.
- Calle, Número exterior, Número interior, Colonia, Municipio, Estado, Código postal de envío, País:
  dirección de envío opcional; si la escribes, la calle y el código postal de envío son obligatorios.
  Si dejas el país vacío se usa «México».

MODOS DE CARGA
- Solo crear: un RFC que ya existe en tu catálogo (o que se repite en el archivo) es un error.
- Crear y actualizar: un RFC que ya existe actualiza ese cliente con los datos del archivo.

Primero se valida todo el archivo. Si alguna fila tiene errores, nada se guarda hasta que
confirmes que quieres cargar solo las filas válidas; el estado del proceso lista cada error
con su fila, columna y explicación. La carga se guarda completa o no se guarda.
"""


def template_zip() -> bytes:
    """The «Ejemplo de carga masiva» download: template, instructions and the two SAT catalogs it uses."""
    example_rows = [
        [
            "Comercializadora Ejemplo, S.A. de C.V.",
            with_check_digit("CEJ2001014A"),
            "G03",
            "601",
            "facturas@ejemplo.com.mx",
            "contabilidad@ejemplo.com.mx",
            "",
            "06600",
            "Ejemplo",
            "55 1234 5678",
            "Av. Reforma",
            "222",
            "Piso 3",
            "Juárez",
            "Cuauhtémoc",
            "Ciudad de México",
            "06600",
            "México",
            "Cliente de ejemplo",
        ],
        [
            "María Peña Núñez",
            with_check_digit("PENM850312AB"),
            "D01",
            "612",
            "maria.pena@correo.mx",
            "",
            "",
            "44100",
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
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("plantilla_clientes.csv", "".join(csv_lines(example_rows)).encode("utf-8"))
        archive.writestr("INSTRUCCIONES.txt", INSTRUCTIONS.replace("\n", "\r\n").encode("utf-8"))
        regimes = ["Clave,Descripción,Persona física,Persona moral"] + [
            _csv_line(
                [
                    r.code,
                    r.description,
                    _yes("fisica" in r.person_types),
                    _yes("moral" in r.person_types),
                ]
            )
            for r in catalogs.tax_regimes().values()
        ]
        archive.writestr(
            "catalogo_regimenes_fiscales.csv",
            ("\ufeff" + "\r\n".join(regimes) + "\r\n").encode("utf-8"),
        )
        uses = ["Clave,Descripción,Persona física,Persona moral,Regímenes del receptor"] + [
            _csv_line(
                [
                    u.code,
                    u.description,
                    _yes("fisica" in u.person_types),
                    _yes("moral" in u.person_types),
                    " ".join(sorted(u.receptor_regimes)),
                ]
            )
            for u in catalogs.cfdi_uses().values()
        ]
        archive.writestr(
            "catalogo_usos_cfdi.csv", ("\ufeff" + "\r\n".join(uses) + "\r\n").encode("utf-8")
        )
    return buffer.getvalue()


def _yes(flag: bool) -> str:
    return "Sí" if flag else "No"


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()
