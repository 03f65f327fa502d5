"""Structure validation: SAT's XSD plus the SAT rules the XSD cannot hold.

Works on any CFDI 4.0 element (ours, or an XML a customer sends), so the same checks serve the
pipeline, XML diagnosis and imports. The receptor's rules are the customers' own
(cfdidesk.sat.receptor): RFC, regime for the person type, UsoCFDI for the regime, postal code.
document.py holds the rules of every CFDI (parties, payment, totals); payroll.py those of a
payroll CFDI (type N, Nómina 1.2).
"""

from __future__ import annotations

from lxml import etree

from .. import Issue
from ..schema import xsd_issues
from .document import sat_rule_issues
from .payroll import payroll_issues

__all__ = ["payroll_issues", "sat_rule_issues", "structure_issues"]


def structure_issues(root: etree._Element, *, expected_total: str | None = None) -> list[Issue]:
    """Every problem of the CFDI, XSD first; empty when it may go to the generator."""
    issues = xsd_issues(root)
    issues.extend(sat_rule_issues(root, expected_total=expected_total))
    return issues
