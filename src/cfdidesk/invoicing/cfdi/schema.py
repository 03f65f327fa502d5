"""SAT's XSD for CFDI 4.0 (with TimbreFiscalDigital 1.1, Pagos 2.0 and Nómina 1.2), compiled once per thread.

satcfdi ships SAT's schemas and validates by compiling them on every call (~100 ms). Here they
are compiled once. libxml2 also checks an enumeration by scanning it value by value, and SAT's
catalog schema carries four huge ones (c_CodigoPostal ~96,000 codes, c_ClaveProdServ ~53,000,
c_Colonia ~10,000, c_ClaveUnidad ~2,400): a CFDI took ~5 ms to validate. Those four are taken
out of the compiled schema and checked against the very same values, read from SAT's XSD, with
a set lookup; the result is the same and a CFDI validates in tens of microseconds.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext as _
from lxml import etree

from . import CFDI_NS, NOMINA_NS, PAGOS_NS, TFD_NS, Issue

XS = "http://www.w3.org/2001/XMLSchema"
# Enumerations longer than this are checked in Python (see the module docstring).
LARGE_ENUMERATION = 1000
_CATALOG_XSD = "www.sat.gob.mx/sitio_internet/cfd/catalogos/catCFDI.xsd"
_ROOT_SCHEMAS = (
    (CFDI_NS, "www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd"),
    (TFD_NS, "www.sat.gob.mx/sitio_internet/cfd/TimbreFiscalDigital/TimbreFiscalDigitalv11.xsd"),
    (PAGOS_NS, "www.sat.gob.mx/sitio_internet/cfd/Pagos/Pagos20.xsd"),
    (NOMINA_NS, "www.sat.gob.mx/sitio_internet/cfd/nomina/nomina12.xsd"),
)
_local = threading.local()


def schema_root() -> str:
    from satcfdi.transform import SCHEMA_ROOT

    return SCHEMA_ROOT


@dataclass(frozen=True)
class _Catalogs:
    stripped_xsd: bytes
    values: dict[str, frozenset[str]]  # simpleType name -> codes
    # (element tag, attribute, simpleType name) of every attribute typed by a large catalog
    attributes: tuple[tuple[str, str, str], ...]


@cache
def _catalogs() -> _Catalogs:
    """SAT's catalog schema without its large enumerations, and those enumerations as sets."""
    root = schema_root()
    tree = etree.parse(os.path.join(root, _CATALOG_XSD))
    values = {}
    for simple_type in tree.getroot().iterfind(f"{{{XS}}}simpleType"):
        restriction = simple_type.find(f"{{{XS}}}restriction")
        enumerations = (
            restriction.findall(f"{{{XS}}}enumeration") if restriction is not None else []
        )
        if len(enumerations) > LARGE_ENUMERATION:
            values[simple_type.get("name")] = frozenset(e.get("value") for e in enumerations)
            for e in enumerations:
                restriction.remove(e)
    attributes = []
    for namespace, path in _ROOT_SCHEMAS:
        xsd = etree.parse(os.path.join(root, path))
        for attribute in xsd.getroot().iter(f"{{{XS}}}attribute"):
            type_name = (attribute.get("type") or "").rpartition(":")[2]
            if type_name in values:
                element = next(a for a in attribute.iterancestors(f"{{{XS}}}element"))
                attributes.append(
                    (f"{{{namespace}}}{element.get('name')}", attribute.get("name"), type_name)
                )
    return _Catalogs(etree.tostring(tree), values, tuple(attributes))


class _CatalogResolver(etree.Resolver):
    def resolve(self, url, pubid, context):
        if url and url.endswith("catalogos/catCFDI.xsd"):
            return self.resolve_string(_catalogs().stripped_xsd, context)
        return None


def _compile() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_CatalogResolver())
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{path}"/>' for ns, path in _ROOT_SCHEMAS
    )
    source = f'<xs:schema xmlns:xs="{XS}">{imports}</xs:schema>'
    root = etree.fromstring(
        source, parser=parser, base_url=os.path.join(schema_root(), "cfdidesk.xsd")
    )
    return etree.XMLSchema(etree.ElementTree(root))


def compiled_schema() -> etree.XMLSchema:
    """This thread's compiled schema (lxml schema objects are not shared between threads)."""
    schema = getattr(_local, "schema", None)
    if schema is None:
        schema = _local.schema = _compile()
    return schema


def xsd_issues(root: etree._Element) -> list[Issue]:
    """Everything SAT's XSD says about this CFDI, as readable Spanish messages."""
    schema = compiled_schema()
    issues = []
    if not schema.validate(root):
        issues.extend(_readable(error) for error in schema.error_log)
    catalogs = _catalogs()
    for tag, attribute, type_name in catalogs.attributes:
        codes = catalogs.values[type_name]
        for n, element in enumerate(root.iter(tag), start=1):
            value = element.get(attribute)
            if value is not None and value.strip() not in codes:
                issues.append(
                    Issue(
                        f"{etree.QName(element).localname}[{n}]@{attribute}",
                        _("El valor «%(value)s» no está en el catálogo %(catalog)s del SAT.")
                        % {"value": value, "catalog": type_name},
                    )
                )
    return issues


_ELEMENT = re.compile(
    r"^Element '(?:\{[^}]*\})?(?P<element>[^']+)'(?:, attribute '(?P<attribute>[^']+)')?: (?P<rest>.*)$",
    re.S,
)
_ATTRIBUTE = re.compile(r"The attribute '(?P<a>[^']+)' is")
_PATTERNS = [
    (
        re.compile(
            r"\[facet 'enumeration'\] The value '(?P<v>[^']*)' is not an element of the set"
        ),
        lambda m: _("El valor «%(value)s» no está en el catálogo del SAT.") % {"value": m["v"]},
    ),
    (
        re.compile(r"\[facet 'pattern'\] The value '(?P<v>[^']*)' is not accepted by the pattern"),
        lambda m: (
            _("El valor «%(value)s» no tiene el formato que pide el SAT.") % {"value": m["v"]}
        ),
    ),
    (
        re.compile(
            r"\[facet 'minInclusive'\] The value '(?P<v>[^']*)' is less than the minimum value allowed \('(?P<min>[^']*)'\)"
        ),
        lambda m: (
            _("El valor %(value)s es menor que el mínimo permitido (%(min)s).")
            % {"value": m["v"], "min": m["min"]}
        ),
    ),
    (
        re.compile(
            r"\[facet 'maxInclusive'\] The value '(?P<v>[^']*)' is greater than the maximum value allowed \('(?P<max>[^']*)'\)"
        ),
        lambda m: (
            _("El valor %(value)s es mayor que el máximo permitido (%(max)s).")
            % {"value": m["v"], "max": m["max"]}
        ),
    ),
    (
        re.compile(
            r"\[facet 'fractionDigits'\] The value '(?P<v>[^']*)' has more fractional digits than are allowed \('(?P<n>\d+)'\)"
        ),
        lambda m: (
            _("El valor %(value)s tiene más decimales de los permitidos (%(n)s).")
            % {"value": m["v"], "n": m["n"]}
        ),
    ),
    (
        re.compile(
            r"\[facet '(?:length|minLength|maxLength)'\] The value '(?P<v>[^']*)' has a length of '(?P<len>\d+)'; this (?:differs from the allowed length|underruns the allowed minimum length|exceeds the allowed maximum length) of '(?P<n>\d+)'"
        ),
        lambda m: (
            _("El valor «%(value)s» tiene %(len)s caracteres; el SAT pide %(n)s.")
            % {"value": m["v"][:60], "len": m["len"], "n": m["n"]}
        ),
    ),
    (
        re.compile(r"The attribute '(?P<a>[^']+)' is required but missing"),
        lambda m: _("Falta el atributo obligatorio %(attribute)s.") % {"attribute": m["a"]},
    ),
    (
        re.compile(r"The attribute '(?P<a>[^']+)' is not allowed"),
        lambda m: _("El atributo %(attribute)s no está permitido aquí.") % {"attribute": m["a"]},
    ),
    (
        re.compile(
            r"'(?P<v>[^']*)' is not a valid value of the (?:atomic|local atomic) type '(?P<t>[^']+)'"
        ),
        lambda m: (
            _("El valor «%(value)s» no es válido (%(type)s).")
            % {"value": m["v"][:60], "type": m["t"]}
        ),
    ),
    (
        re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\(? ?(?P<e>[^)]+)\)?"),
        lambda m: _("Falta un elemento obligatorio: %(elements)s.") % {"elements": _names(m["e"])},
    ),
    (
        re.compile(r"This element is not expected\."),
        lambda m: _("Este elemento no va aquí según el esquema del SAT."),
    ),
]


def _names(text: str) -> str:
    return ", ".join(re.sub(r"\{[^}]*\}", "", part).strip(" .") for part in text.split(","))


def _readable(error) -> Issue:
    message = error.message or ""
    match = _ELEMENT.match(message)
    element, attribute, rest = (
        (match["element"], match["attribute"], match["rest"]) if match else ("", None, message)
    )
    path = re.sub(r"/?[a-zA-Z0-9]+:", "/", error.path or "").strip("/") or element
    named = _ATTRIBUTE.search(rest)
    attribute = attribute or (named["a"] if named else None)
    field = f"{path}@{attribute}" if attribute else path
    for pattern, say in _PATTERNS:
        found = pattern.search(rest)
        if found:
            return Issue(field, say(found))
    # Anything else: libxml2's words, without the enumeration it may list.
    return Issue(field, re.sub(r"\{[^}]{200,}\}", "{…}", rest)[:300])
