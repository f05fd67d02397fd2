"""The list envelope: {"count", "next", "previous", "results"} with absolute links, by page or by cursor.

Page numbers (`?page=2&page_size=50`) are the default. `?cursor=` (empty to start, then the `next` link's
value) walks a list by keyset instead, so rows inserted or updated meanwhile never shift a page:

- Default order `created_at, id` (`?ordering=-created_at` for newest first, `id` / `-id` also keyed).
- Sync order, with `?updated_since=` or `?ordering=updated_at`: rows in **commit order** (the writing
  transaction's id, then the row id), and only rows written by a transaction older than every transaction
  of this database that may still be writing (the horizon, read from the snapshot of a statement before the
  page's query: `_HORIZON_SQL`). A row committed late is therefore never behind a cursor already handed
  out: it waits until its transaction and every older one have ended, then comes after the cursor. A row
  updated after it was handed out comes again, later, at its new position. The envelope's `cursor` resumes
  the sync later (store it; `next` is null once caught up). A long transaction in the database delays the
  feed until it ends; it never makes it skip. Transactions of other databases of the cluster do not hold
  it (pg_stat_activity names their database); other silos' transactions of this database do. Two-phase
  (prepared) transactions are not used; were one left open, it would hold the feed back, not skip rows.

A row's commit position is its `xmin` (32-bit transaction id) widened to 64 bits against the snapshot's
`xmax`, so cursors keep their order across transaction-id wraparound. The widening window reaches 2^20 ids
past `xmax`, because a transaction's own rows (the reader's, or a savepoint's) can be newer than its
snapshot's `xmax`; read as if before it, they looked 2^32 transactions old and went out ahead of the horizon
(the defect the in-transaction test caught). Frozen rows keep the ids they were written with; one more than
2^32 - 2^20 transactions old is placed an epoch late, so it comes again once, never goes missing.

With `?updated_since=`, every envelope (page mode too) also carries `next_updated_since`: a time safe to
send as the next `updated_since` (the database's clock, or the start of the oldest transaction of this
database still open, whichever is earlier), so a page-number sync re-reads rows still being committed rather than
missing them. `updated_since` is inclusive, to the microsecond, and needs a time zone (`Z` or `±hh:mm`).
"""

from __future__ import annotations

import base64
import binascii
import json

from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from cashsheet.api.filters import parse_whole_number

CURSOR_PARAM = "cursor"
SYNC_MODE, CREATED_MODE, ID_MODE = "sync", "created", "id"
# A row's commit position: its xmin (32 bits) widened to the 64-bit transaction id it stands for, taken as
# the one in [xmax + 2^20 - 2^32, xmax + 2^20) of the list's own snapshot. Rows of other transactions that
# the snapshot sees are older than its xmax; the reader's own rows (and its subtransactions' rows) may be a
# little newer than xmax, hence the window reaches 2^20 ids ahead instead of stopping at xmax.
_POSITION_SQL = (
    "((pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1048575) - "
    "mod(mod((pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 1048575) - {table}.xmin::text::bigint, "
    "4294967296) + 4294967296, 4294967296))"
)
# Read in a statement before the list's own query (whose snapshot is later or the same): the oldest
# transaction that may still write rows of this database, as a 64-bit id. It is the least of the snapshot's
# xmax (every transaction from there on is unfinished), each xid the snapshot lists as running (pg_snapshot_xip
# gives them full width) except those pg_stat_activity shows to belong to another database of the cluster,
# and the reader's own transaction. Any row whose position is below it was written by a transaction that
# had ended before that snapshot, so the list's snapshot sees it (or it rolled back): a cursor past it can
# never skip a row committed late. A subtransaction's xid is newer than its top-level xid, which is running
# and counted. pg_stat_activity is only used to leave other databases out: an xid it does not show (another
# role's session without pg_read_all_stats, a prepared transaction) holds the horizon back, never forward.
_HORIZON_SQL = (
    "WITH s AS (SELECT pg_current_snapshot() AS snap), "
    "elsewhere AS (SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity "
    "WHERE backend_xid IS NOT NULL AND datname <> current_database()) "
    "SELECT least(pg_snapshot_xmax(s.snap)::text::bigint, pg_current_xact_id_if_assigned()::text::bigint, "
    "(SELECT min(x::text::bigint) FROM pg_snapshot_xip(s.snap) AS x "
    "WHERE mod(x::text::bigint, 4294967296) NOT IN (SELECT xid FROM elsewhere))) FROM s"
)
# The oldest open transaction of this database started at or after this, so did its rows' updated_at: a
# transaction that has not written yet (no xid) is counted too, since it may still write.
_SAFE_SINCE_SQL = (
    "SELECT least(now(), coalesce((SELECT min(xact_start) FROM pg_stat_activity "
    "WHERE xact_start IS NOT NULL AND datname = current_database()), now()))"
)


def _encode(state: dict) -> str:
    raw = json.dumps(state, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(token: str) -> dict | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        state = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return state if isinstance(state, dict) else None


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers, or a keyset cursor with `?cursor=` (see the module docstring)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200  # a larger page_size is served as 200, not refused

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = parse_whole_number(raw)
        if size is None or size < 1:
            raise ValidationError({"page_size": ["Must be a whole number of at least 1."]})
        return min(size, self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.cursor_state = None
        self.cursor_mode = False
        self.next_updated_since = None
        if "updated_since" in request.query_params and hasattr(queryset, "model"):
            with connection.cursor() as cursor:
                cursor.execute(_SAFE_SINCE_SQL)
                self.next_updated_since = cursor.fetchone()[0]
        if CURSOR_PARAM in request.query_params and hasattr(queryset, "model"):
            self.cursor_mode = True
            return self._paginate_by_cursor(queryset, request)
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (parse_whole_number(raw) or 0) < 1:
            raise ValidationError({"page": ["Must be a whole number of at least 1."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound("That page is past the last page of results.") from None

    # --- Cursor mode ---------------------------------------------------------------------------------

    def _mode(self, request, model) -> tuple[str, bool]:
        ordering = (request.query_params.get("ordering") or "").strip()
        if ordering == "updated_at" or (not ordering and "updated_since" in request.query_params):
            return SYNC_MODE, False
        # A list of rows without created_at (permissions) is keyed by id: same order of creation.
        created = CREATED_MODE if any(f.name == "created_at" for f in model._meta.concrete_fields) else ID_MODE
        modes = {"": (created, False), "created_at": (created, False), "-created_at": (created, True),
                 "id": (ID_MODE, False), "-id": (ID_MODE, True)}  # fmt: skip
        if ordering not in modes:
            raise ValidationError(
                {"ordering": ["With cursor, order by created_at, -created_at, id, -id or updated_at (sync order)."]}
            )
        return modes[ordering]

    def _paginate_by_cursor(self, queryset, request):
        mode, descending = self._mode(request, queryset.model)
        size = self.get_page_size(request)
        token = request.query_params.get(CURSOR_PARAM) or ""
        state = None
        if token:
            state = _decode(token)
            if state is None or state.get("m") != mode or state.get("d") != descending or not _key_ok(mode, state):
                raise ValidationError(
                    {CURSOR_PARAM: ["Not a cursor of this list and ordering; use the `next` or `cursor` it gave."]}
                )
        self.count = queryset.count()
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        if mode == SYNC_MODE:
            queryset = queryset.annotate(_sync_position=RawSQL(_POSITION_SQL.format(table=table), []))
            with connection.cursor() as cursor:
                cursor.execute(_HORIZON_SQL)
                horizon = cursor.fetchone()[0]
            queryset = queryset.filter(_sync_position__lt=horizon)
            key, keys = "_sync_position", ("_sync_position", "pk")
        elif mode == CREATED_MODE:
            key, keys = "created_at", ("created_at", "pk")
        else:
            key, keys = "pk", ("pk",)
        if state is not None:
            last_key, last_id = state["k"]
            if mode == CREATED_MODE:
                last_key = _parse_datetime(last_key)
            after = "lt" if descending else "gt"
            if key == "pk":
                queryset = queryset.filter(**{f"pk__{after}": last_id})
            else:
                queryset = queryset.filter(
                    Q(**{f"{key}__{after}": last_key}) | Q(**{key: last_key, f"pk__{after}": last_id})
                )
        order = [F(k).desc() if descending else F(k).asc() for k in keys]
        rows = list(queryset.order_by(*order)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if rows:
            last = rows[-1]
            value = getattr(last, key) if key != "pk" else last.pk
            if mode == CREATED_MODE:
                value = value.isoformat()
            state = {"m": mode, "d": descending, "k": [value, last.pk]}
        elif state is None and mode == SYNC_MODE:
            state = {"m": mode, "d": descending, "k": [0, 0]}  # nothing yet: resume from the start
        self.cursor_state = state  # no row: the cursor given (or none) stays the bookmark
        self.cursor_more = more
        return rows

    def _cursor_link(self, state: dict | None) -> str | None:
        if state is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, _encode(state))

    def get_paginated_response(self, data):
        if self.cursor_mode:
            body = {
                "count": self.count,
                "next": self._cursor_link(self.cursor_state) if self.cursor_more else None,
                "previous": None,
                "results": data,
                "cursor": _encode(self.cursor_state) if self.cursor_state else None,
            }
        else:
            body = {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        if self.next_updated_since is not None:
            body["next_updated_since"] = self.next_updated_since
        return Response(body)

    # --- Schema --------------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123, "description": "Rows matching the filters."},
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page (page or cursor mode); null on the last page / once caught up.",
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The previous page (page mode; null in cursor mode).",
                },
                "results": schema,
                "cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Cursor mode only: resume from here later with `?cursor=` (a sync's bookmark).",
                },
                "next_updated_since": {
                    "type": "string",
                    "format": "date-time",
                    "description": "With `?updated_since=` only: the value to send as the next `updated_since`.",
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": "Keyset pagination: empty to start, then the `next` link's value. Orders by "
                "`created_at, id` (or `-created_at`, `id`, `-id`); with `updated_since` or `ordering=updated_at`, "
                "in commit order, never skipping a row committed late (see the API conventions).",
                "schema": {"type": "string"},
            }
        )
        return parameters


def _key_ok(mode: str, state: dict) -> bool:
    """The cursor's key is [value, id] of the types its mode orders by (a forged cursor is a 400, never a 500)."""
    key = state.get("k")
    if not isinstance(key, list) or len(key) != 2:
        return False
    value, last_id = key
    if type(last_id) is not int or not 0 <= last_id < 2**63:
        return False
    if mode == CREATED_MODE:
        return isinstance(value, str)
    return type(value) is int and 0 <= value < 2**63


def _parse_datetime(value):
    from django.utils.dateparse import parse_datetime

    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValidationError({CURSOR_PARAM: ["Not a cursor of this list; use the `next` link it gave."]})
    return parsed
