"""An LP's optimal basis kept between processes, so that a new worker's first solve starts warm.

Why: from HiGHS' slack basis the demo's one-family LP (11,079 rows x 44,416 columns) takes 18,783 dual simplex
iterations, 2.3 s on a quiet core and 8+ s under load; from the basis of the last worker that solved the same
structure it takes a few hundred pivots (only the position moved). The basis is stored in the Django cache
(Redis, keys carry the silo's schema) under the model's `basis_key`: the structure watermark, the horizon and
the component, so a changed network never reads another LP's basis.

The columns and rows the formulation builds for a structure come in a fixed order (statuses stored by
position); the ones added for a position (shortfall columns, shelf-life rows and their columns) differ between
processes, so they are stored by name and matched by name. Anything unmatched starts nonbasic at its lower
bound (a column) or basic (a row), and the basis is passed as "alien": HiGHS repairs its count and rank rather
than refusing it. Best effort throughout: no cache, or a basis HiGHS will not take, means a cold solve.
"""

from __future__ import annotations

import hashlib
import logging

import highspy
import numpy as np
from django.core.cache import cache

logger = logging.getLogger(__name__)

TTL_S = 7 * 24 * 3600
_STATUS = list(highspy.HighsBasisStatus.__members__.values())
_LOWER, _BASIC = int(highspy.HighsBasisStatus.kLower), int(highspy.HighsBasisStatus.kBasic)


def key_for(*parts) -> str:
    return "atp-basis:" + hashlib.sha1(repr(parts).encode()).hexdigest()


def _extras(model) -> tuple[dict[int, str], dict[int, str]]:
    """Position-dependent columns and rows of the model by HiGHS index -> name."""
    form = model.form
    cols = {var.index: var.name for var in form.short.values()}
    for writeoff, slack in form.keep_cols.values():
        cols[writeoff.index] = writeoff.name
        cols[slack.index] = slack.name
    rows = {row.index: f"keeps_{key}" for key, row in form.keeps.items() if getattr(row, "index", None) is not None}
    return cols, rows


def save(model) -> bool:
    """Store the request object's current (optimal) basis under the model's key."""
    h = model.h
    try:
        state = h.getBasis()
        if not state.valid:
            return False
        col = np.asarray([int(s) for s in state.col_status], dtype=np.int8)
        row = np.asarray([int(s) for s in state.row_status], dtype=np.int8)
        xcols, xrows = _extras(model)
        blob = {
            "ncols": model.n_base_cols,
            "nrows": model.n_base_rows,
            "cols": col[: model.n_base_cols].tobytes(),
            "rows": row[: model.n_base_rows].tobytes(),
            "xcols": {name: int(col[i]) for i, name in xcols.items() if i < len(col)},
            "xrows": {name: int(row[i]) for i, name in xrows.items() if i < len(row)},
        }
        cache.set(model.basis_key, blob, TTL_S)
        return True
    except Exception:  # noqa: BLE001 - a lost basis costs one cold solve, never an answer
        logger.warning("could not store the ATP basis", exc_info=True)
        return False


def restore(model) -> bool:
    """Give `model.h` the stored basis for its key, if any matches its structure. True if HiGHS took it."""
    h = model.h
    try:
        blob = cache.get(model.basis_key)
        if not blob or blob["ncols"] != model.n_base_cols or blob["nrows"] != model.n_base_rows:
            return False
        col = np.full(h.getNumCol(), _LOWER, dtype=np.int8)
        row = np.full(h.getNumRow(), _BASIC, dtype=np.int8)
        col[: model.n_base_cols] = np.frombuffer(blob["cols"], dtype=np.int8)
        row[: model.n_base_rows] = np.frombuffer(blob["rows"], dtype=np.int8)
        xcols, xrows = _extras(model)
        for i, name in xcols.items():
            col[i] = blob["xcols"].get(name, _LOWER)
        for i, name in xrows.items():
            row[i] = blob["xrows"].get(name, _BASIC)
        state = highspy.HighsBasis()
        state.col_status = [_STATUS[s] for s in col]
        state.row_status = [_STATUS[s] for s in row]
        state.valid = True
        state.alien = True
        return h.setBasis(state) == highspy.HighsStatus.kOk
    except Exception:  # noqa: BLE001
        logger.warning("could not restore the ATP basis", exc_info=True)
        return False
