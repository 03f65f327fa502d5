"""The stamping adapter interface: how the generator talks to a PAC.

An adapter receives the sealed CFDI (bytes, UTF-8) and returns the stamped CFDI with its
TimbreFiscalDigital, or raises:

- `StampingRefused`: the PAC answered and refused *this document* (its code and message are
  shown to support); the document goes to "error del generador" and keeps its folio;
- `AdapterUnavailable`: the PAC could not be reached or timed out; nothing is decided about the
  document, which stays waiting for the generator (its folio is given back) and is retried on
  the next pass.

Writing a real PAC adapter (satcfdi ships clients for Finkok, SW Sapien, Diverza, Prodigia,
Comercio Digital, Facturama and MySuite, under satcfdi.pacs): a class with `name`, `label` and
`stamp(xml) -> StampResult`, e.g.

    class FinkokAdapter:
        name, label = "finkok", "Finkok"
        def __init__(self):
            from satcfdi.pacs import Environment
            from satcfdi.pacs.finkok import Finkok
            self.pac = Finkok(username=..., password=..., environment=Environment.PRODUCTION)
        def stamp(self, xml: bytes) -> StampResult:
            from satcfdi.cfdi import CFDI
            try:
                document = self.pac.stamp(CFDI.from_string(xml))
            except requests.RequestException as exc:
                raise AdapterUnavailable(str(exc)) from exc
            except Exception as exc:  # the PAC's refusal (satcfdi raises ResponseError)
                raise StampingRefused(str(exc)) from exc
            return StampResult.from_stamped_xml(document.xml)

and register it: settings.INVOICING_ADAPTERS = {"finkok": "myproject.adapters.FinkokAdapter"}
(credentials from the environment variables, never from the database). Adapters are built once
per process and must be safe to call from several threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


class StampingError(Exception):
    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message


class StampingRefused(StampingError):
    """The PAC refused this document."""


class AdapterUnavailable(StampingError):
    """The PAC could not be reached; try again later."""


@dataclass(frozen=True)
class StampResult:
    xml: bytes  # the stamped CFDI, exactly as the PAC returned it
    uuid: str  # upper-case
    stamped_at: datetime  # aware
    sat_certificate_number: str = ""

    @classmethod
    def from_stamped_xml(cls, xml: bytes) -> StampResult:
        """Read UUID and FechaTimbrado from the TimbreFiscalDigital of a stamped CFDI."""
        from datetime import datetime as dt

        from ..cfdi.mapping import place_timezone
        from ..cfdi.tfd import read_stamp
        from ..cfdi.xml import parse_xml

        stamp = read_stamp(parse_xml(xml))
        if stamp is None:
            raise StampingRefused("La respuesta del PAC no trae TimbreFiscalDigital.")
        when = place_timezone("06000").localize(dt.fromisoformat(stamp.stamped_at))
        return cls(
            xml=xml,
            uuid=stamp.uuid,
            stamped_at=when,
            sat_certificate_number=stamp.sat_certificate_number,
        )


@runtime_checkable
class StampingAdapter(Protocol):
    name: str
    label: str

    def stamp(self, xml: bytes) -> StampResult: ...
