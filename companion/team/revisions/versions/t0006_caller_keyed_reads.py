"""An interviewer's reads walk only their own index entries, whatever others have stored.

Revision ID: t0006
Revises: t0004 (to be re-chained after t0005 at merge; it changes nothing t0005 adds)

Frozen once released. ``companion.readable_own`` (t0002) found the candidates an
interviewer published a scorecard of with ``owner = session_user AND
candidate_key = <the one asked for>``. Both indexes of ``scorecards`` serve that
condition, and once the statistics said candidates have few rows the planner took
the ``candidate_key`` index and filtered on the owner inside the function: a
request for a candidate the caller never scored then read one heap page for each
colleague's scorecard of that candidate (EXPLAIN (ANALYZE, BUFFERS): 4 shared
buffers with no hidden rows, 13 with 25 of them; tests/test_team_hardening.py).

Here the first step asks for the caller's own rows only (``owner = session_user``,
which only the ``(owner, candidate_key)`` index serves), then keeps the candidate
asked for in PL/pgSQL, and index-only scans are off so that no visibility-map bit,
which colleagues' writes clear, decides how many heap pages are read. The second
step reads the scorecards of those candidates, every one of which the caller may
read. The work is then a function of the caller's own rows and of the rows they
may read; docs/team-store.md names what still depends on the table's size (the
height of a B-tree).
"""

from __future__ import annotations

from alembic import op

revision = "t0006"
down_revision = "t0004"
branch_labels = None
depends_on = None

OWNER = "companion_owner"

READABLE_OWN = """CREATE OR REPLACE FUNCTION companion.readable_own(p_candidate text)
    RETURNS SETOF companion.scorecards LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    SET enable_indexonlyscan = off
    AS $$
    DECLARE keys text[];
    BEGIN
        SELECT array_agg(DISTINCT o.candidate_key) INTO keys
          FROM companion.scorecards o
         WHERE o.owner = session_user;
        IF p_candidate IS NOT NULL THEN
            keys := ARRAY(SELECT k FROM unnest(keys) k
                           WHERE k = companion.fold_name(p_candidate));
        END IF;
        IF keys IS NULL OR cardinality(keys) = 0 THEN
            RETURN;
        END IF;
        RETURN QUERY SELECT s.* FROM companion.scorecards s
         WHERE s.candidate_key = ANY (keys);
    END $$"""

# t0002's text, restored on downgrade.
READABLE_OWN_T0002 = """CREATE OR REPLACE FUNCTION companion.readable_own(p_candidate text)
    RETURNS SETOF companion.scorecards LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET enable_seqscan = off
    SET enable_bitmapscan = off
    AS $$
    DECLARE keys text[];
    BEGIN
        SELECT array_agg(DISTINCT o.candidate_key) INTO keys
          FROM companion.scorecards o
         WHERE o.owner = session_user
           AND (p_candidate IS NULL
                OR o.candidate_key = companion.fold_name(p_candidate));
        IF keys IS NULL THEN
            RETURN;
        END IF;
        RETURN QUERY SELECT s.* FROM companion.scorecards s
         WHERE s.candidate_key = ANY (keys);
    END $$"""


def _replace(body: str) -> None:
    # CREATE OR REPLACE takes the new text's SET list in place of the old one.
    op.execute(body)
    op.execute(f"ALTER FUNCTION companion.readable_own(text) OWNER TO {OWNER}")


def upgrade() -> None:
    _replace(READABLE_OWN)


def downgrade() -> None:
    _replace(READABLE_OWN_T0002)
