"""CFDI 4.0 for the pipeline: build (mapping), check (schema, rules), seal and read stamps.

Pure functions over satcfdi and lxml: no models, no database. Every problem is an `Issue`
(field + readable Spanish message) so mapping, validation and the generator report alike.
"""

from __future__ import annotations

from dataclasses import dataclass

CFDI_NS = "http://www.sat.gob.mx/cfd/4"
TFD_NS = "http://www.sat.gob.mx/TimbreFiscalDigital"
PAGOS_NS = "http://www.sat.gob.mx/Pagos20"
NOMINA_NS = "http://www.sat.gob.mx/nomina12"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Issue:
    field: str
    message: str

    def as_dict(self, kind: str) -> dict:
        return {"kind": kind, "field": self.field, "message": self.message}
