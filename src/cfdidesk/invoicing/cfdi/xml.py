"""Parsing untrusted XML: no DTD, no entity expansion, no network, bounded size."""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

_local = threading.local()


class XmlRefused(ValueError):
    """The bytes are not an XML we accept; the message says why, in Spanish."""


def _parser() -> etree.XMLParser:
    # lxml parsers must not be shared between threads: one per thread.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_blank_text=False,
        )
    return parser


def parse_xml(data: bytes, *, max_bytes: int | None = None) -> etree._Element:
    """The root element of `data`, or XmlRefused.

    A DOCTYPE is refused outright, whatever it declares: a CFDI never has one, and entity
    declarations are how "billion laughs" and external-entity attacks begin.
    """
    limit = max_bytes if max_bytes is not None else settings.INVOICING_XML_MAX_BYTES
    if len(data) > limit:
        raise XmlRefused(
            _("El XML pesa %(size)s bytes; el máximo es %(max)s.")
            % {"size": f"{len(data):,}", "max": f"{limit:,}"}
        )
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise XmlRefused(
            _("El XML trae una declaración DOCTYPE o ENTITY; por seguridad no se acepta.")
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(
            _("El XML no está bien formado: %(error)s") % {"error": exc.msg or str(exc)}
        ) from exc
    if root is None:
        raise XmlRefused(_("El archivo está vacío."))
    # Another encoding (UTF-16) could hide the DOCTYPE from the byte search above.
    if root.getroottree().docinfo.internalDTD is not None:
        raise XmlRefused(
            _("El XML trae una declaración DOCTYPE o ENTITY; por seguridad no se acepta.")
        )
    return root


def to_bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def pretty(xml: str | bytes) -> str:
    """Indented text for reading on a page (never for storing: it would break the seal)."""
    data = xml.encode() if isinstance(xml, str) else xml
    root = parse_xml(data, max_bytes=max(len(data), 1))
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode")
