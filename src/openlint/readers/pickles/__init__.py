"""Static pickle scanning: every pickle a loader would run, and the imports each would make, without loading any.

The opcode stream is walked with the standard library's ``pickletools.genops``; nothing is ever unpickled.
``STACK_GLOBAL`` takes its module and name from the two values pushed before it, which may come through the
memo (``MEMOIZE``/``PUT`` then ``GET``); a global that cannot be resolved that way is reported as unknown.

What is scanned is what loaders unpickle, whatever the bytes look like:
  * a plain stream: every consecutive pickle, whatever its protocol (a loop of ``pickle.load`` runs them all);
    a stream whose first pickle is torch's legacy magic number is torch's legacy format: exactly five pickles,
    then raw storage bytes that torch never unpickles;
  * zlib, gzip, bz2, xz and lzma streams (joblib, pandas): decompressed, then as above; lz4 and zstd cannot be
    decompressed here and are unverified;
  * zip archives (torch, .npz, .pt2): every ``.pkl`` member, every member a loader would open as a file (nested
    archives, ``.npy`` arrays whatever their name), and any member that starts like a pickle;
  * tar archives (torch's oldest format): the ``sys_info``, ``pickle``, ``storages`` and ``tensors`` members,
    following the raw bytes torch interleaves between their pickles, and nested weight files.

A scan that cannot finish is not a pass: a limit hit (bytes, opcodes, pickles, members, decompressed bytes,
compression ratio, time), an opcode argument genops rejects once a pickle has started (the real unpickler is
laxer in places, e.g. ``I0x1``), or an archive whose readers could disagree (local and central names differ,
duplicate or overlapping members) makes the file *unverified*: ``ScanResult.unverified`` says why.

Every read is bounded: a length field in the stream can never make us allocate more than ``MAX_READ``; longer
arguments (tensor bytes inside a pickle) are skipped, by seeking where the stream allows it.

The modules, from the bottom up: ``limits`` (the budget of one file's scan), ``source`` (bounded readers),
``walker`` (one pickle's opcodes), ``streams`` (consecutive pickles, torch's legacy stream), the containers
``compressed``, ``npy``, ``zips`` and ``tars``, and ``content`` (one file, dispatched on its first bytes).
``policy`` judges the imports found. Scanning is imported from here; the modules are the package's own, but for
``limits`` (one set, read where they apply, so that a test can lower one) and ``policy``.
"""

from __future__ import annotations

from openlint.readers.pickles import limits, policy
from openlint.readers.pickles.content import scan_file
from openlint.readers.pickles.limits import Budget, LimitHit
from openlint.readers.pickles.policy import UNKNOWN, Import
from openlint.readers.pickles.result import ScanResult
from openlint.readers.pickles.source import Source
from openlint.readers.pickles.streams import LEGACY_PICKLES, TORCH_MAGIC, scan_pickle_stream
from openlint.readers.pickles.walker import walk

__all__ = ["LEGACY_PICKLES", "TORCH_MAGIC", "UNKNOWN", "Budget", "Import", "LimitHit", "ScanResult", "Source", "limits",
           "policy", "scan_file", "scan_pickle_stream", "walk"]
