"""Practice summaries: an interviewer publishes each practice set's sums, a lead reads them.

Revision ID: t0004
Revises: t0002 (re-chained after issue 22's t0003 at merge)

Frozen once released. Only sums travel (answers rated, exact, within one step, the
signed errors and their squares), never which answer got which rating: enough for
every figure with its interval, and nothing to grade anyone on answer by answer.
As in t0002, no person has a privilege on the tables; SECURITY DEFINER functions
owned by ``companion_owner`` are the only way in, each asks ``members`` who is
calling, and each is granted to exactly the groups that need it:

* ``publish_practice`` (interviewers and leads) stores a summary under the caller's
  own login and team name, once per set; the server stamps when;
* ``practice_by_interviewer`` (leads and admins) adds them up per interviewer and
  archetype;
* ``practice_bar`` (everyone) and ``set_practice_bar`` (leads and admins) read and
  set the team's "ready for this archetype" threshold.
"""

from __future__ import annotations

from alembic import op

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None

OWNER = "companion_owner"
EVERYONE = "companion_interviewer, companion_lead, companion_admin"
LEADS_AND_ADMINS = "companion_lead, companion_admin"

# The same caller check as t0002's functions (a frozen revision keeps its own copy).
CALLER = """
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""
LEAD_ONLY = """
    IF NOT (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
            OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'only panel leads read and set the team''s practice figures'
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


def api_function(name: str, args: str, arg_types: str, returns: str, body: str,
                 grant_to: str, volatility: str = "VOLATILE") -> list[str]:
    """One API function, handed to the owner role, runnable by exactly ``grant_to``."""
    ref = f"companion.{name}({arg_types})"
    return [
        f"""CREATE FUNCTION companion.{name}({args}) RETURNS {returns}
            LANGUAGE plpgsql {volatility} SECURITY DEFINER
            SET search_path = pg_catalog, pg_temp
            AS $fn$
            #variable_conflict use_column
            {body}
            $fn$""",
        f"ALTER FUNCTION {ref} OWNER TO {OWNER}",
        f"REVOKE ALL ON FUNCTION {ref} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {ref} TO {grant_to}",
    ]


TABLES = [
    """CREATE TABLE companion.practice_summaries (
        owner name NOT NULL,
        set_id text NOT NULL CHECK (set_id ~ '^[0-9a-f]{32}$'),
        interviewer text NOT NULL,
        archetype text NOT NULL CHECK (archetype ~ '^[A-Za-z0-9_.-]{1,64}$'),
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
    # The research default: exact at least 0.6, within one at least 0.9, 24 answers.
    "INSERT INTO companion.practice_bar (exact, within_one, min_rated) VALUES (0.6, 0.9, 24)",
    f"REVOKE ALL ON companion.practice_summaries, companion.practice_bar FROM PUBLIC, "
    f"{EVERYONE}",
    f"GRANT SELECT, INSERT ON companion.practice_summaries TO {OWNER}",
    f"GRANT SELECT, UPDATE ON companion.practice_bar TO {OWNER}",
]

FUNCTIONS = [
    *api_function(
        "publish_practice",
        "p_set_id text, p_archetype text, p_dimension text, p_finished_at timestamptz, "
        "p_rated integer, p_exact integer, p_within_one integer, p_error_sum integer, "
        "p_error_squares integer",
        "text, text, text, timestamptz, integer, integer, integer, integer, integer",
        "boolean", f"""
        DECLARE
            me text;
            added integer;
        BEGIN
            {CALLER}
            IF p_finished_at > now() + interval '5 minutes' THEN
                RAISE EXCEPTION 'a practice set cannot finish in the future'
                    USING ERRCODE = 'check_violation';
            END IF;
            INSERT INTO companion.practice_summaries (owner, set_id, interviewer, archetype,
                dimension, finished_at, rated, exact, within_one, error_sum, error_squares)
            VALUES (session_user, p_set_id, me, p_archetype, p_dimension, p_finished_at,
                    p_rated, p_exact, p_within_one, p_error_sum, p_error_squares)
            ON CONFLICT (owner, set_id) DO NOTHING;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added = 1;
        END""", "companion_interviewer, companion_lead"),
    *api_function(
        "practice_by_interviewer", "", "",
        "TABLE (interviewer text, archetype text, sets bigint, rated bigint, exact bigint, "
        "within_one bigint, error_sum bigint, error_squares bigint, "
        "last_finished timestamptz)", f"""
        DECLARE
            me text;
        BEGIN
            {CALLER}
            {LEAD_ONLY}
            RETURN QUERY
                SELECT p.interviewer, p.archetype, count(*), sum(p.rated)::bigint,
                       sum(p.exact)::bigint, sum(p.within_one)::bigint,
                       sum(p.error_sum)::bigint, sum(p.error_squares)::bigint,
                       max(p.finished_at)
                  FROM companion.practice_summaries p
                 GROUP BY p.interviewer, p.archetype
                 ORDER BY p.interviewer, p.archetype;
        END""", LEADS_AND_ADMINS, "STABLE"),
    *api_function(
        "practice_bar", "", "", "TABLE (exact numeric, within_one numeric, min_rated integer)",
        f"""
        DECLARE
            me text;
        BEGIN
            {CALLER}
            RETURN QUERY SELECT b.exact, b.within_one, b.min_rated FROM companion.practice_bar b;
        END""", EVERYONE, "STABLE"),
    *api_function(
        "set_practice_bar", "p_exact numeric, p_within_one numeric, p_min_rated integer",
        "numeric, numeric, integer", "void", f"""
        DECLARE
            me text;
        BEGIN
            {CALLER}
            {LEAD_ONLY}
            UPDATE companion.practice_bar
               SET exact = p_exact, within_one = p_within_one, min_rated = p_min_rated,
                   set_by = session_user, set_at = now();
        END""", LEADS_AND_ADMINS),
]

UPGRADE = [*TABLES, *FUNCTIONS]

DOWNGRADE = [
    "DROP FUNCTION IF EXISTS companion.publish_practice(text, text, text, timestamptz, "
    "integer, integer, integer, integer, integer)",
    "DROP FUNCTION IF EXISTS companion.practice_by_interviewer()",
    "DROP FUNCTION IF EXISTS companion.set_practice_bar(numeric, numeric, integer)",
    "DROP FUNCTION IF EXISTS companion.practice_bar()",
    "DROP TABLE IF EXISTS companion.practice_summaries",
    "DROP TABLE IF EXISTS companion.practice_bar",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
