"""Helpdesk data: Spanish subjects, descriptions, replies and notes, people and their contacts."""

from __future__ import annotations

from .companies import FIRST_NAMES, NAMES, SURNAMES, _base36, _FastRandom, _slug

CONTACT_COLUMNS = [
    "id",
    "company_id",
    "name",
    "email",
    "phone",
    "position",
    "language",
    "user_id",
    "created_at",
    "updated_at",
]
POSITIONS = [
    "Contador",
    "Auxiliar contable",
    "Gerente de administración",
    "Facturación",
    "Sistemas",
    "Cuentas por pagar",
    "Tesorería",
    "Director general",
    "",
]
SERIES = ["A", "B", "F", "FAC", "NC", "CP", "FE"]
SUBJECTS = [
    "No timbra la factura {folio}",
    "Error CFDI40{code} al timbrar",
    "Cambio de uso de CFDI en la factura {folio}",
    "No llega el XML al correo del cliente",
    "Solicitud de timbres fiscales adicionales",
    "Error de structure validation en el complemento de pago",
    "Cancelación rechazada por el SAT ({folio})",
    "El PDF no muestra el régimen fiscal del receptor",
    "Alta de usuario para facturación",
    "Configuración de la serie {series} en el generador",
    "Complemento de pago con saldo insoluto incorrecto",
    "Error de mapping en el movimiento {movement}",
    "Reproceso de facturas del {day} de {month}",
    "Certificado de sello digital vencido",
    "Capacitación para el módulo de notas de crédito",
    "El RFC del receptor no está en la lista de contribuyentes",
    "Código postal del receptor no coincide (CFDI40147)",
    "Factura global de público en general de {month}",
    "Instalación del conector en servidor nuevo",
    "No puedo descargar el acuse de cancelación",
    "Timbrado muy lento desde la mañana",
    "Duplicó el folio {folio}",
    "Nota de crédito no relaciona el UUID",
    "Error al importar el layout de clientes",
    "Addenda de {customer} rechazada",
    "Cambio de razón social del emisor",
    "El generador se cierra al timbrar",
]
MONTHS = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
SENTENCES = [
    "Buen día, al intentar timbrar la factura el sistema muestra un error y no genera el XML.",
    "El problema empezó hoy después de actualizar el generador a la versión nueva.",
    "Ya revisamos que el RFC y el código postal del receptor coincidan con la constancia de situación fiscal.",
    "Les anexo el mensaje exacto que aparece en pantalla y el movimiento que falla.",
    "Necesitamos resolverlo hoy porque el cliente no nos paga sin la factura.",
    "Otras facturas del mismo día sí se timbraron sin problema.",
    "El error dice que el régimen fiscal del receptor no corresponde al tipo de persona.",
    "¿Pueden ayudarnos a reprocesar las facturas que quedaron pendientes?",
    "El complemento de pago muestra un saldo insoluto distinto al de nuestro sistema contable.",
    "Cuando cancelamos con motivo 01 nos pide el folio de sustitución y no sabemos cuál poner.",
    "La factura global de público en general no se generó al cierre del mes.",
    "Desde la mañana el timbrado tarda más de un minuto por factura.",
    "Intentamos con otro usuario y sucede lo mismo.",
    "El certificado de sello digital vence la próxima semana y queremos cargar el nuevo.",
    "Favor de indicarnos los pasos para dar de alta la serie nueva en el generador.",
    "El cliente dice que no le llegó el correo con el XML y el PDF.",
    "Agradeceremos su pronta atención.",
    "Saludos cordiales y gracias por el apoyo.",
]
REPLIES = [
    "Hola, gracias por escribirnos. Revisamos el movimiento y el error se debe a que el código postal del receptor no "
    "coincide con el de su constancia. Corríjanlo en el catálogo de clientes y vuelvan a timbrar, por favor.",
    "Buen día. Ya reprocesamos las facturas pendientes; por favor confirmen que aparecen como timbradas en su portal.",
    "Hola, para cancelar con motivo 01 deben timbrar primero la factura que sustituye y relacionar su UUID.",
    "Le compartimos la guía para configurar la serie nueva. Si algo no queda claro, con gusto agendamos una sesión remota.",
    "Gracias por la información. Estamos revisando con el proveedor de certificación y les avisamos en cuanto tengamos respuesta.",
    "Quedó corregido el mapeo del movimiento. ¿Nos confirman que ya pueden timbrar?",
    "Hola, el certificado nuevo ya quedó cargado y probado con una factura de prueba.",
    "Buen día, ¿nos pueden enviar el XML que devuelve el error y una captura de pantalla del mensaje?",
]
CUSTOMER_REPLIES = [
    "Gracias, ya quedó. Pueden cerrar el reporte.",
    "Sigue marcando el mismo error, les adjunto la captura.",
    "Ya corregimos el código postal pero ahora dice que el régimen no corresponde.",
    "Perfecto, muchas gracias por la ayuda tan rápida.",
    "¿Tienen alguna novedad? El cliente nos sigue pidiendo la factura.",
    "Les mando el XML que nos pidieron. Quedamos atentos.",
    "Confirmo que ya aparecen timbradas, gracias.",
]
NOTES = [
    "Se revisó en sesión remota: el catálogo de clientes tenía el CP anterior.",
    "Escalado a nivel 2 para revisar el mapeo del generador.",
    "El cliente pide que se le llame después de las 16:00.",
    "Pendiente respuesta del PAC sobre la cancelación.",
    "Se reprocesaron 14 movimientos del día.",
    "Cliente molesto por el tiempo de respuesta; dar prioridad.",
]
EXACT_MESSAGES = [
    "CFDI40147 - El campo DomicilioFiscalReceptor del receptor, debe encontrarse en la lista de RFC inscritos no cancelados en el SAT.",
    "CFDI40158 - El campo RegimenFiscalReceptor no corresponde con el tipo de persona.",
    "CRP20238 - El campo ImpSaldoInsoluto debe ser mayor o igual a cero.",
    "301 - XML mal formado",
    "305 - La fecha de emisión no está dentro de la vigencia del CSD del emisor.",
]


def subject_text(rng) -> str:
    template = rng.choice(SUBJECTS)
    if "{" not in template:
        return template
    return template.format(
        folio=f"{rng.choice(SERIES)}-{rng.randrange(1, 99999)}",
        code=rng.randrange(100, 299),
        series=rng.choice(SERIES),
        movement=rng.randrange(10_000_000, 99_999_999),
        day=rng.randrange(1, 29),
        month=rng.choice(MONTHS),
        customer=rng.choice(NAMES),
    )


def description_text(rng) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(2 + int(rng.random() * 3)))


def person_name(rng) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), f"{rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"


def contact_rows(
    companies: list[tuple[int, str]], *, seed: int = 11, first_id: int = 1, when: str = ""
):
    """1-3 contacts per company (1.6 on average), lower-case e-mails at the company's domain.

    companies: (id, main e-mail). Returns (rows in CONTACT_COLUMNS order, {company_id: [(id, name, email)]}).
    """
    rng = _FastRandom(seed)
    rows, by_company = [], {}
    next_id = first_id
    for company_id, email in companies:
        domain = email.rpartition("@")[2]
        people = by_company[company_id] = []
        for _ in range(1 if rng.random() < 0.55 else (2 if rng.random() < 0.75 else 3)):
            first, last = person_name(rng)
            address = f"{_slug(first)}.{_slug(last.split()[0])}.{_base36(next_id)}@{domain}"
            name = f"{first} {last}"
            phone = (
                f"55 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
                if rng.random() < 0.6
                else ""
            )
            language = "es-mx" if rng.random() < 0.97 else "en"
            rows.append(
                (
                    next_id,
                    company_id,
                    name,
                    address,
                    phone,
                    rng.choice(POSITIONS),
                    language,
                    None,
                    when,
                    when,
                )
            )
            people.append((next_id, name, address))
            next_id += 1
    return rows, by_company
