"""Kubernetes resource quantities in canonical form, so `1000m` equals `1` and `1Gi` equals `1024Mi`.

The grammar is the API's `resource.Quantity` (k8s.io/apimachinery `pkg/api/resource/quantity.go`):
a signed decimal number followed by a binary suffix (`Ki Mi Gi Ti Pi Ei`, powers of 1024), a
decimal suffix (`n u m "" k M G T P E`, powers of 1000) or a decimal exponent (`e3`, `E-2`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -3, "u": -2, "m": -1, "": 0, "k": 1, "M": 2, "G": 3, "T": 4, "P": 5, "E": 6}
_QUANTITY = re.compile(r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?\Z")


def parse_quantity(value: Any) -> Decimal | None:
    """The quantity as an exact Decimal in base units, or None when it is not a quantity (a
    template placeholder, a typo): unknown values are never compared."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    if not isinstance(value, str):
        return None
    m = _QUANTITY.match(value.strip())
    if m is None:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    suffix = m.group(2) or ""
    if suffix in _BINARY:
        return number * (Decimal(1024) ** _BINARY[suffix])
    if suffix in _DECIMAL:
        return number * (Decimal(1000) ** _DECIMAL[suffix])
    try:
        return number.scaleb(int(suffix[1:]))
    except (ValueError, InvalidOperation):
        return None
