""".npy arrays: numpy unpickles what follows the header when the dtype may hold Python objects."""

from __future__ import annotations

import re
import struct
from typing import Any

from openlint.readers.pickles.limits import LimitHit, Unverifiable
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source
from openlint.readers.pickles.streams import scan_pickles

NPY_MAGIC = b"\x93NUMPY"

# descr strings of arrays without Python objects: booleans, numbers, bytes, text, void, dates (numpy.lib.format)
_PLAIN_DESCR = re.compile(r"[<>|=]?(\?|b1|[iuf]\d{1,2}|c\d{1,2}|[SUa]\d+|V\d+|[mM]8(\[\d*[A-Za-z]+\])?)")


def _plain_dtype(descr: Any, depth: int = 0) -> bool:
    """True only for dtypes that certainly hold no object field; anything else is read as a pickle."""
    if depth > 16:
        return False
    if isinstance(descr, str):
        return bool(_PLAIN_DESCR.fullmatch(descr))
    if isinstance(descr, list):
        for item in descr:
            if not isinstance(item, tuple) or len(item) not in (2, 3) or not isinstance(item[0], (str, tuple)):
                return False
            if not _plain_dtype(item[1], depth + 1):
                return False
        return True
    return False


def scan_npy(source: Source, name: str, result: ScanResult) -> None:
    """A .npy array holds a pickle when its dtype may hold objects; numpy then unpickles what follows the header."""
    import ast

    prefix = source.raw(10)
    if len(prefix) < 10 or not prefix.startswith(NPY_MAGIC):
        raise Unverifiable(f"{name}: invalid .npy header")
    if prefix[6] == 1:
        length = struct.unpack("<H", prefix[8:10])[0]
    else:
        length = struct.unpack("<I", prefix[8:10] + source.raw(2))[0]
        if length > 1_000_000:
            raise LimitHit(f"{name}: .npy header claims {length} bytes")
    header_raw = source.raw(length)
    try:
        header = ast.literal_eval(header_raw.decode("utf-8" if prefix[6] >= 3 else "latin-1"))
        descr = header["descr"]
    except (ValueError, SyntaxError, TypeError, KeyError, MemoryError, RecursionError, UnicodeDecodeError):
        raise Unverifiable(f"{name}: .npy header numpy may read differently (not a plain dict with a descr)") from None
    if not _plain_dtype(descr):
        scan_pickles(source, name, result, limit=1)
