"""An interviewer's reads walk only their own index entries; an old app is told to upgrade.

Revision ID: t0006
Revises: t0005 (it changes nothing t0005 adds: only readable_own and who may run fold_name)

Frozen once released. ``companion.readable_own`` (t0002) found the candidates an
interviewer published a scorecard of with ``owner = session_user AND
candidate_key = <the one asked for>``. Both indexes of ``scorecards`` serve that
condition, and which one the planner takes follows the statistics of the moment.
Once it read one heap page per colleague's scorecard of a candidate the caller never
scored: EXPLAIN (ANALYZE, BUFFERS) of ``read_scorecards`` counted 4 shared buffers
with no hidden rows and 13 with 25 of them (a single measured run, not reproduced on
demand, since it depends on when statistics are gathered). Its index-only scan also
read a heap page or not depending on visibility-map bits, which colleagues' writes
to the same page clear.

Here the first step asks for the caller's own rows only (``owner = session_user``,
which only the ``(owner, candidate_key)`` index serves), then keeps the candidate
asked for in PL/pgSQL, and index-only scans are off so that no visibility-map bit,
which colleagues' writes clear, decides how many heap pages are read. The second
step reads the scorecards of those candidates, every one of which the caller may
read. The work is then a function of the caller's own rows and of the rows they
may read; docs/team-store.md names what still depends on the table's size (the
height of a B-tree).

An app of t0001 read the tables themselves, which people may not read since t0002,
so its debrief ended in "permission denied for function fold_name": its read of one
candidate, ``... WHERE candidate_key = companion.fold_name(:c)``, has the planner
run ``fold_name`` first, as the caller. Here interviewers and leads may run
``fold_name``, and it refuses anyone who is neither the owner role nor an admin with
"this team store needs a newer Interview Companion; upgrade the app" (SQLSTATE 42501,
which that app reported as "the team store refused to read the scorecards of
'NAME': ..."). The functions run it as the owner and admins write ``members`` (whose
index and CHECK use it), so nothing of this app changes. The old app's calibration
and candidate list name no function and still end in "permission denied for table
scorecards" (docs/team-store.md says why no more can be done on the server).
"""

from __future__ import annotations

from alembic import op

revision = "t0006"
down_revision = "t0005"
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


UPGRADE_MESSAGE = "this team store needs a newer Interview Companion; upgrade the app"

FOLD_NAME = f"""CREATE OR REPLACE FUNCTION companion.fold_name(name text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
    BEGIN
        IF NOT (pg_catalog.pg_has_role(current_user, '{OWNER}', 'MEMBER')
                OR pg_catalog.pg_has_role(current_user, 'companion_admin', 'MEMBER')) THEN
            RAISE EXCEPTION '{UPGRADE_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN pg_catalog.lower(pg_catalog.btrim(
            pg_catalog.regexp_replace(name, '\\s+', ' ', 'g')));
    END $$"""

# t0001's text, restored on downgrade.
FOLD_NAME_T0001 = """CREATE OR REPLACE FUNCTION companion.fold_name(name text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT pg_catalog.lower(pg_catalog.btrim(
              pg_catalog.regexp_replace(name, '\\s+', ' ', 'g'))) $$"""

OLD_APP_READERS = "companion_interviewer, companion_lead"


def _replace(body: str) -> None:
    # CREATE OR REPLACE takes the new text's SET list in place of the old one.
    op.execute(body)
    op.execute(f"ALTER FUNCTION companion.readable_own(text) OWNER TO {OWNER}")


def upgrade() -> None:
    _replace(READABLE_OWN)
    op.execute(FOLD_NAME)
    op.execute(f"GRANT EXECUTE ON FUNCTION companion.fold_name(text) TO {OLD_APP_READERS}")


def downgrade() -> None:
    op.execute(f"REVOKE EXECUTE ON FUNCTION companion.fold_name(text) FROM {OLD_APP_READERS}")
    op.execute(FOLD_NAME_T0001)
    _replace(READABLE_OWN_T0002)
