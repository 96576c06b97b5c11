"""Same-day claims: the reports of one district and day grouped and settled into one state.

Pure numpy over arrays the timeline prepares (no pandas tables in, no database or files). Rows are
sorted by district, day, claim (controller and status), confidence (strongest first), source and
event id; the rows of one (district, day) form a group, the rows of one group with the same
controller and status a claim. A group whose claims agree gives that claim at its strongest
confidence; disagreeing claims are settled by a single claim backed by a ``confirmed`` report,
else the day is ``disputed`` with every claimed actor as controller. ``claims`` spells out the
claims of a day whose reports disagreed (None otherwise). See ``docs/control-rules.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.core import schema as s

CONFIDENCE_BY_RANK = np.array(sorted(s.CONFIDENCE_RANK, key=s.CONFIDENCE_RANK.__getitem__),
                              dtype=object)
"""Confidence labels indexed by their rank in :data:`tracker.core.schema.CONFIDENCE_RANK`."""
_CONFIRMED_RANK = s.CONFIDENCE_RANK[s.CONFIRMED]
_NO_SOURCE = "no source"
_CLAIM_SEP = " | "


@dataclass(frozen=True)
class DayStates:
    """One settled state per (district, day) group, groups in (district, day) order.

    ``order`` sorts the input rows (see the module docstring) and ``start`` gives the position in
    ``order`` of each group's first row. ``district`` is the index of each group's district in
    ``districts`` (the unique codes, sorted as text). ``rank`` and ``precision`` are confidence and
    date-precision ranks, ``source_row`` the input row whose source the group shows.
    """

    order: np.ndarray
    start: np.ndarray
    district: np.ndarray
    districts: np.ndarray
    controller: np.ndarray
    status: np.ndarray
    rank: np.ndarray
    precision: np.ndarray
    source_row: np.ndarray
    claims: np.ndarray


def settle_days(district: np.ndarray, day: np.ndarray, controller: np.ndarray,
                status: np.ndarray, rank: np.ndarray, precision: np.ndarray,
                source: np.ndarray, ids: np.ndarray) -> DayStates:
    """Group the reports of each district and day and settle each group to one state.

    Parameters
    ----------
    district, controller, status
        Per report: district code, controller and status (object arrays).
    day
        Per report: whole days since 1970-01-01 (int64).
    rank, precision
        Per report: rank of its confidence in :data:`tracker.core.schema.CONFIDENCE_RANK` and of its
        date precision in :data:`tracker.core.schema.PRECISIONS` (finest first).
    source
        Per report: source name, or a missing value.
    ids
        Per report: event id as text (breaks ties so the result does not depend on row order).
    """
    n = len(district)
    dist_c, dist_u = _sorted_codes(district)
    ctrl_c, ctrl_u = _sorted_codes(controller)
    stat_c, stat_u = _sorted_codes(status)
    src_label = np.where(pd.isna(source), _NO_SOURCE, source).astype(object)
    src_c, _ = _sorted_codes(src_label)
    order = _sort_rows([src_c, _CONFIRMED_RANK - rank, stat_c, ctrl_c, day - day.min(), dist_c],
                       ids)
    dist_c, days, ctrl_c, stat_c = dist_c[order], day[order], ctrl_c[order], stat_c[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (dist_c[1:] != dist_c[:-1]) | (days[1:] != days[:-1])
    new_claim = new_group.copy()
    new_claim[1:] |= (ctrl_c[1:] != ctrl_c[:-1]) | (stat_c[1:] != stat_c[:-1])
    gstart = np.flatnonzero(new_group)
    g_ctrl, g_status, g_rank, g_prec, g_src, g_claims = _resolve_groups(
        ctrl_u[ctrl_c], stat_u[stat_c], rank[order], precision[order], src_label[order],
        new_group, new_claim)
    return DayStates(order, gstart, dist_c[gstart], dist_u, g_ctrl, g_status, g_rank, g_prec,
                     order[g_src], g_claims)


def _resolve_groups(controller: np.ndarray, status: np.ndarray, rank: np.ndarray,
                    prec: np.ndarray, source: np.ndarray, new_group: np.ndarray,
                    new_claim: np.ndarray) -> tuple[np.ndarray, ...]:
    """Resolve each (district, date) group of sorted rows to one state, without a Python loop.

    Rows are sorted by group, then controller, status, confidence (strongest first), source.
    Returns per group: controller, status, confidence rank, precision rank, the row giving the
    source, claims text (None when the reports agree).
    """
    gstart, cstart = np.flatnonzero(new_group), np.flatnonzero(new_claim)
    n_groups = len(gstart)
    group_of_row = np.cumsum(new_group) - 1
    claim_group = group_of_row[cstart]
    claim_rank = rank[cstart]  # a claim's first row is its strongest report
    multi = np.bincount(claim_group, minlength=n_groups) > 1
    g_ctrl, g_status = controller[gstart].copy(), status[gstart].copy()
    g_rank, g_src = rank[gstart].copy(), gstart.copy()
    g_prec = np.minimum.reduceat(prec, gstart)
    g_claims = np.full(n_groups, None, dtype=object)
    if not multi.any():
        return g_ctrl, g_status, g_rank, g_prec, g_src, g_claims
    confirmed = claim_rank == _CONFIRMED_RANK
    n_confirmed = np.bincount(claim_group[confirmed], minlength=n_groups)
    # settled: exactly one claim backed by a confirmed report wins
    settled = multi & (n_confirmed == 1)
    win = np.flatnonzero(confirmed & settled[claim_group])
    wg = claim_group[win]
    g_ctrl[wg], g_status[wg] = controller[cstart[win]], status[cstart[win]]
    g_rank[wg], g_src[wg] = _CONFIRMED_RANK, cstart[win]
    g_prec[wg] = np.minimum.reduceat(prec, cstart)[win]
    # disputed: every claimed actor, the strongest confidence, the strongest claim's source
    disputed = multi & ~settled
    dg = np.flatnonzero(disputed)
    if dg.size:
        g_max = np.maximum.reduceat(rank, gstart)
        g_status[dg], g_rank[dg] = s.DISPUTED, g_max[dg]
        strong = np.flatnonzero((claim_rank == g_max[claim_group]) & disputed[claim_group])
        first_strong = _starts(claim_group[strong])
        g_src[claim_group[strong[first_strong]]] = cstart[strong[first_strong]]
        dclaims = np.flatnonzero(disputed[claim_group])
        actors = np.add.reduceat(_obj(controller[cstart[dclaims]] + s.ACTOR_SEP),
                                 _starts(claim_group[dclaims]))
        g_ctrl[dg] = _obj([s.join_actors(s.split_actors(a)) for a in actors])
    rows = np.flatnonzero(multi[group_of_row])
    mclaims = np.flatnonzero(multi[claim_group])
    g_claims[multi] = _claims_text(rows, new_claim, controller, status, rank, source,
                                   claim_group[mclaims], claim_rank[mclaims])
    return g_ctrl, g_status, g_rank, g_prec, g_src, g_claims

def _claims_text(rows: np.ndarray, new_claim: np.ndarray, controller: np.ndarray,
                 status: np.ndarray, rank: np.ndarray, source: np.ndarray,
                 claim_group: np.ndarray, claim_rank: np.ndarray) -> np.ndarray:
    """Claims of each multi-claim group in words, strongest claim first.

    ``rows`` are the sorted rows of those groups (claims contiguous, reports of a claim by
    confidence then source); ``claim_group``/``claim_rank`` describe their claims in order.
    Gives e.g. ``Taliban (reported: AP, Reuters) | Resistance (unconfirmed: Twitter)``.
    """
    first = new_claim[rows]
    r_rank, r_src = rank[rows], source[rows]
    new_block = first.copy()
    new_block[1:] |= r_rank[1:] != r_rank[:-1]
    new_src = new_block.copy()
    new_src[1:] |= r_src[1:] != r_src[:-1]
    keep = np.flatnonzero(new_src)
    k_first, k_block, k_rows = first[keep], new_block[keep], rows[keep]
    ctrl, stat = controller[k_rows], status[k_rows]
    label = np.where(stat == s.CONTROLLED, ctrl, _obj(ctrl + " " + stat))
    prefix = np.where(k_first, _obj(label + " ("), _obj(np.where(k_block, "; ", ", ")))
    conf = np.where(k_block, _obj(CONFIDENCE_BY_RANK[r_rank[keep]] + ": "), "")
    claim_txt = np.add.reduceat(_obj(prefix + conf + r_src[keep]), np.flatnonzero(k_first)) + ")"
    order = np.lexsort((np.arange(len(claim_group)), -claim_rank, claim_group))
    texts = np.add.reduceat(_CLAIM_SEP + claim_txt[order], _starts(claim_group[order]))
    return _obj([t[len(_CLAIM_SEP):] for t in texts])

def _sort_rows(keys: list[np.ndarray], ids: np.ndarray) -> np.ndarray:
    """Row order by ``keys`` (non-negative; last is primary), ties broken by event id text."""
    combined = _composite_key(keys)
    if combined is None:
        order = np.lexsort(keys)
        tied = np.ones(len(order), dtype=bool)
        for k in keys:
            ks = k[order]
            tied[1:] &= ks[1:] == ks[:-1]
        tied[0] = False
    else:
        order = np.argsort(combined, kind="stable")
        ks = combined[order]
        tied = np.concatenate(([False], ks[1:] == ks[:-1]))
    if not tied.any():
        return order
    involved = tied.copy()
    involved[:-1] |= tied[1:]
    id_key = np.zeros(len(order), dtype=np.int64)
    id_key[involved] = _sorted_codes(ids[order[involved]])[0]
    return order[np.lexsort((id_key, np.cumsum(~tied)))]

def _composite_key(keys: list[np.ndarray]) -> np.ndarray | None:
    """One int64 sorting like ``np.lexsort(keys)`` (non-negative keys), or None if too wide."""
    combined, shift = np.zeros(len(keys[0]), dtype=np.int64), 0
    for k in keys:
        width = int(k.max()).bit_length() if len(k) else 0
        if shift + width > 62:
            return None
        combined |= k.astype(np.int64) << shift
        shift += width
    return combined

def _sorted_codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes that sort like the values' text, and the unique values in that order."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    uniq = np.asarray(uniques, dtype=object)
    order = np.argsort(np.array([str(u) for u in uniq], dtype=str), kind="stable")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return position[codes], uniq[order]

def _starts(keys: np.ndarray) -> np.ndarray:
    """Positions where a run of equal sorted ``keys`` begins."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))

def _obj(values: object) -> np.ndarray:
    return np.asarray(values, dtype=object)
