"""Practice summaries: an interviewer publishes each practice set's sums, a lead reads them.

Revision ID: t0004
Revises: t0001 (re-chained after issues 18 and 22's t0002 and t0003 at merge)

Only sums travel (answers rated, exact, within one step, the signed errors and their
squares), never which answer got which rating: enough for every figure with its
interval, and nothing a colleague could grade anyone on answer by answer. No role
gets a privilege on the table itself; two SECURITY DEFINER functions are the only
way in, and each checks who is calling:

* ``publish_practice`` stores a summary under the caller's own login and team name
  (a member of the team store, interviewer or lead), once per set;
* ``practice_by_interviewer`` adds them up per interviewer and archetype, for panel
  leads and admins only;
* ``practice_bar`` and ``set_practice_bar`` read and (leads only) set the team's
  "ready for this archetype" threshold.
"""

from __future__ import annotations

from alembic import op

revision = "t0004"
down_revision = "t0001"
branch_labels = None
depends_on = None

_PINNED = "SET search_path = pg_catalog, pg_temp"

UPGRADE = [
    """CREATE TABLE companion.practice_summaries (
        owner name NOT NULL,
        set_id text NOT NULL CHECK (set_id ~ '^[0-9a-f]{32}$'),
        interviewer text NOT NULL,
        archetype text NOT NULL CHECK (archetype <> '' AND length(archetype) <= 64),
        dimension text CHECK (dimension IN ('technical', 'design', 'ownership')),
        finished_at timestamptz NOT NULL,
        rated integer NOT NULL CHECK (rated BETWEEN 1 AND 100),
        exact integer NOT NULL CHECK (exact BETWEEN 0 AND within_one),
        within_one integer NOT NULL CHECK (within_one <= rated),
        error_sum integer NOT NULL CHECK (abs(error_sum) <= 3 * rated),
        error_squares integer NOT NULL
            CHECK (error_squares BETWEEN abs(error_sum) AND 9 * rated),
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, set_id)
    )""",
    """CREATE TABLE companion.practice_bar (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        exact numeric NOT NULL CHECK (exact BETWEEN 0 AND 1),
        within_one numeric NOT NULL CHECK (within_one BETWEEN 0 AND 1),
        min_rated integer NOT NULL CHECK (min_rated BETWEEN 1 AND 10000),
        set_by name NOT NULL DEFAULT session_user,
        set_at timestamptz NOT NULL DEFAULT now()
    )""",
    "INSERT INTO companion.practice_bar (exact, within_one, min_rated) VALUES (0.6, 0.9, 24)",
    f"""CREATE FUNCTION companion.publish_practice(
            p_set_id text, p_archetype text, p_dimension text, p_finished_at timestamptz,
            p_rated integer, p_exact integer, p_within_one integer, p_error_sum integer,
            p_error_squares integer) RETURNS boolean
        LANGUAGE plpgsql SECURITY DEFINER {_PINNED} AS $$
        DECLARE
            who text;
            added integer;
        BEGIN
            SELECT m.display_name INTO who FROM companion.members m
             WHERE m.role_name = session_user;
            IF who IS NULL THEN
                RAISE EXCEPTION 'role % is not a member of this team store', session_user
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            INSERT INTO companion.practice_summaries (owner, set_id, interviewer, archetype,
                dimension, finished_at, rated, exact, within_one, error_sum, error_squares)
            VALUES (session_user, p_set_id, who, p_archetype, p_dimension, p_finished_at,
                    p_rated, p_exact, p_within_one, p_error_sum, p_error_squares)
            ON CONFLICT (owner, set_id) DO NOTHING;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added = 1;
        END $$""",
    f"""CREATE FUNCTION companion.require_lead() RETURNS void
        LANGUAGE plpgsql STABLE {_PINNED} AS $$
        BEGIN
            IF NOT (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
                    OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')) THEN
                RAISE EXCEPTION 'only panel leads read and set practice figures'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
        END $$""",
    f"""CREATE FUNCTION companion.practice_by_interviewer()
        RETURNS TABLE (interviewer text, archetype text, sets bigint, rated bigint,
                       exact bigint, within_one bigint, error_sum bigint,
                       error_squares bigint, last_finished timestamptz)
        LANGUAGE plpgsql STABLE SECURITY DEFINER {_PINNED} AS $$
        BEGIN
            PERFORM companion.require_lead();
            RETURN QUERY
                SELECT p.interviewer, p.archetype, count(*), sum(p.rated)::bigint,
                       sum(p.exact)::bigint, sum(p.within_one)::bigint,
                       sum(p.error_sum)::bigint, sum(p.error_squares)::bigint,
                       max(p.finished_at)
                  FROM companion.practice_summaries p
                 GROUP BY p.interviewer, p.archetype
                 ORDER BY p.interviewer, p.archetype;
        END $$""",
    f"""CREATE FUNCTION companion.practice_bar()
        RETURNS TABLE (exact numeric, within_one numeric, min_rated integer)
        LANGUAGE sql STABLE SECURITY DEFINER {_PINNED}
        AS $$ SELECT b.exact, b.within_one, b.min_rated FROM companion.practice_bar b $$""",
    f"""CREATE FUNCTION companion.set_practice_bar(p_exact numeric, p_within_one numeric,
                                                    p_min_rated integer) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER {_PINNED} AS $$
        BEGIN
            PERFORM companion.require_lead();
            UPDATE companion.practice_bar
               SET exact = p_exact, within_one = p_within_one, min_rated = p_min_rated,
                   set_by = session_user, set_at = now();
        END $$""",
    # The tables stay closed: no grant on them; only the functions, to team members.
    "REVOKE ALL ON companion.practice_summaries, companion.practice_bar FROM PUBLIC",
    *(f"REVOKE ALL ON FUNCTION companion.{fn} FROM PUBLIC"
      for fn in ("publish_practice(text, text, text, timestamptz, integer, integer, integer, "
                 "integer, integer)", "require_lead()", "practice_by_interviewer()",
                 "practice_bar()", "set_practice_bar(numeric, numeric, integer)")),
    "GRANT EXECUTE ON FUNCTION companion.publish_practice(text, text, text, timestamptz, "
    "integer, integer, integer, integer, integer) TO companion_interviewer, companion_lead",
    "GRANT EXECUTE ON FUNCTION companion.require_lead(), companion.practice_bar(), "
    "companion.practice_by_interviewer(), companion.set_practice_bar(numeric, numeric, "
    "integer) TO companion_interviewer, companion_lead, companion_admin",
]

DOWNGRADE = [
    "DROP FUNCTION IF EXISTS companion.publish_practice(text, text, text, timestamptz, "
    "integer, integer, integer, integer, integer)",
    "DROP FUNCTION IF EXISTS companion.practice_by_interviewer()",
    "DROP FUNCTION IF EXISTS companion.set_practice_bar(numeric, numeric, integer)",
    "DROP FUNCTION IF EXISTS companion.practice_bar()",
    "DROP FUNCTION IF EXISTS companion.require_lead()",
    "DROP TABLE IF EXISTS companion.practice_summaries",
    "DROP TABLE IF EXISTS companion.practice_bar",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
