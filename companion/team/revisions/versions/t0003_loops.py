"""Loops in the team store: a lead plans and assigns them; a scorecard must fit one.

Revision ID: t0003
Revises: t0002

Frozen once released. Why (issue "The loop as the team's unit"):

* A loop (``companion.loop.model``'s JSON) is created and assigned by a panel lead
  only; who runs each round is a member login, kept in ``loop_rounds`` next to the
  payload so the rule below reads a column, not text a client wrote.
* The token loophole: t0002 let an interviewer publish a near-empty scorecard of any
  candidate and so unlock colleagues' scorecards early. Now, for a candidate who has
  a loop, ``publish_scorecard`` stores only a scorecard of a round assigned to the
  caller in an open loop (same candidate, same round template). A lead may still
  ``import_scorecard`` a hand-carried file for the member it names. A candidate with
  no loop keeps t0002's rule, so a team that plans no loops works as before.
* People get no table privilege (t0002's rule): everything is a SECURITY DEFINER
  function owned by ``companion_owner``, made with the same recipe as t0002's.
"""

from __future__ import annotations

from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

GROUPS = ("companion_interviewer", "companion_lead", "companion_admin")
OWNER = "companion_owner"
EVERYONE = ", ".join(GROUPS)
LOOP_BYTES = 256 * 1024  # a loop is a dozen rounds of ids and names: a few kilobytes
LOOP_DEPTH = 6
MAX_ROUNDS = 12
NAME_CHARS = 200
SCORECARD_BYTES = 4 * 1024 * 1024  # as t0002
SCORECARD_DEPTH = 16


def api_function(signature: str, returns: str, body: str, grant_to: str,
                 volatility: str = "VOLATILE", replace: bool = False) -> list[str]:
    """CREATE one API function, hand it to the owner role, let exactly ``grant_to`` run it.

    t0002's recipe, copied (released revisions never import each other).
    """
    name = signature.split("(")[0]
    arg_types = ", ".join(" ".join(a.split()[1:]).split(" DEFAULT")[0]
                          for a in signature[len(name) + 1:-1].split(",") if a.strip())
    ref = f"companion.{name}({arg_types})"
    return [
        f"""CREATE {'OR REPLACE ' if replace else ''}FUNCTION companion.{signature}
            RETURNS {returns}
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


CALLER = """
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""

LEAD_ONLY = """
    IF NOT pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') THEN
        RAISE EXCEPTION 'only a panel lead plans and assigns loops'
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""

TABLES = [
    """CREATE TABLE companion.loops (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
        candidate text NOT NULL CHECK (companion.fold_name(candidate) <> ''),
        candidate_key text GENERATED ALWAYS AS (companion.fold_name(candidate)) STORED,
        payload jsonb NOT NULL,
        closed boolean NOT NULL DEFAULT false,
        created_by name NOT NULL DEFAULT session_user,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )""",
    "CREATE INDEX loops_candidate ON companion.loops (candidate_key)",
    f"""CREATE TABLE companion.loop_rounds (
        loop_id text NOT NULL REFERENCES companion.loops (id) ON DELETE CASCADE,
        number integer NOT NULL CHECK (number BETWEEN 1 AND {MAX_ROUNDS}),
        template_id text NOT NULL,
        interviewer_role name,
        scheduled_at timestamptz,
        started_at timestamptz,  -- the server's time when the interviewer began it
        PRIMARY KEY (loop_id, number)
    )""",
    "CREATE INDEX loop_rounds_interviewer ON companion.loop_rounds (interviewer_role)",
    f"REVOKE ALL ON companion.loops, companion.loop_rounds FROM PUBLIC, {EVERYONE}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON companion.loops, companion.loop_rounds "
    f"TO {OWNER}",
]

# The member login an interviewer's name stands for, or a refusal.
INTERVIEWER_ROLE = """
    SELECT m.role_name, m.display_name INTO who_role, who_name FROM companion.members m
     WHERE companion.fold_name(m.display_name) = companion.fold_name(p_name)
       AND pg_catalog.pg_has_role(m.role_name, 'companion_interviewer', 'MEMBER');
    IF who_role IS NULL THEN
        RAISE EXCEPTION '% is not an interviewer of this team store: an admin adds them '
                        'first', quote_literal(p_name) USING ERRCODE = 'insufficient_privilege';
    END IF;"""

FUNCTIONS = [
    # A loop payload, bounded and shaped as companion.loop.model writes it.
    f"""CREATE FUNCTION companion.loop_problem(doc jsonb) RETURNS text
        LANGUAGE plpgsql IMMUTABLE STRICT
        SET search_path = pg_catalog, pg_temp
        AS $$
        BEGIN
            IF doc->>'format' IS DISTINCT FROM 'interview-companion-loop'
               OR jsonb_typeof(doc->'id') IS DISTINCT FROM 'string'
               OR doc->>'id' !~ '^[0-9a-f]{{32}}$'
               OR jsonb_typeof(doc->'candidate') IS DISTINCT FROM 'string'
               OR companion.fold_name(doc->>'candidate') = ''
               OR char_length(doc->>'candidate') > {NAME_CHARS}
               OR jsonb_typeof(doc->'rounds') IS DISTINCT FROM 'array' THEN
                RETURN 'not a loop: format, a 32-hex id, the candidate or the rounds is wrong';
            END IF;
            IF jsonb_array_length(doc->'rounds') NOT BETWEEN 1 AND {MAX_ROUNDS} THEN
                RETURN 'a loop has 1 to {MAX_ROUNDS} rounds';
            END IF;
            IF EXISTS (
                SELECT 1 FROM jsonb_array_elements(doc->'rounds') r
                 WHERE jsonb_typeof(r) <> 'object'
                    OR jsonb_typeof(r->'template_id') IS DISTINCT FROM 'string'
                    OR r->>'template_id' !~ '^[[:alnum:]][[:alnum:]_.-]{{0,99}}$'
                    OR jsonb_typeof(r->'title') IS DISTINCT FROM 'string'
                    OR char_length(r->>'title') > {NAME_CHARS}
                    OR jsonb_typeof(r->'interviewer') IS DISTINCT FROM 'string'
                    OR char_length(r->>'interviewer') > {NAME_CHARS}
                    OR jsonb_typeof(r->'items') IS DISTINCT FROM 'array'
                    OR jsonb_array_length(r->'items') > 50) THEN
                RETURN 'a round is not an object with a template id, a title, an interviewer '
                       'and at most 50 items';
            END IF;
            RETURN NULL;
        END $$""",
    f"ALTER FUNCTION companion.loop_problem(jsonb) OWNER TO {OWNER}",
    "REVOKE ALL ON FUNCTION companion.loop_problem(jsonb) FROM PUBLIC",

    *api_function(
        "create_loop(p_payload text)", "text", f"""
        DECLARE me text; doc jsonb; problem text; r record; who_role name; who_name text;
                p_name text;
        BEGIN {CALLER} {LEAD_ONLY}
            doc := companion.bounded_json(p_payload, 'the loop', {LOOP_BYTES}, {LOOP_DEPTH});
            problem := companion.loop_problem(doc);
            IF problem IS NOT NULL THEN
                RAISE EXCEPTION 'loop: %', problem USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF EXISTS (SELECT 1 FROM companion.loops l WHERE l.id = doc->>'id') THEN
                RETURN 'same';
            END IF;
            -- The server says who planned it and when; a new loop is open.
            doc := doc || jsonb_build_object('created_by', me, 'created_at', now(),
                                             'closed', false);
            -- Only an interviewer's own report says a round began (round_started).
            doc := jsonb_set(doc, ARRAY['rounds'], (
                SELECT jsonb_agg(e.value - 'started_at' ORDER BY e.ordinality)
                  FROM jsonb_array_elements(doc->'rounds') WITH ORDINALITY e));
            INSERT INTO companion.loops (id, candidate, payload)
            VALUES (doc->>'id', doc->>'candidate', doc);
            FOR r IN SELECT e.value AS spec, e.ordinality::integer AS number
                       FROM jsonb_array_elements(doc->'rounds') WITH ORDINALITY e LOOP
                who_role := NULL;
                p_name := r.spec->>'interviewer';
                IF companion.fold_name(p_name) <> '' THEN
                    {INTERVIEWER_ROLE}
                END IF;
                INSERT INTO companion.loop_rounds (loop_id, number, template_id,
                                                   interviewer_role, scheduled_at)
                VALUES (doc->>'id', r.number, r.spec->>'template_id', who_role,
                        CASE WHEN jsonb_typeof(r.spec->'scheduled_at') = 'string'
                             THEN (r.spec->>'scheduled_at')::timestamptz END);
            END LOOP;
            RETURN 'stored';
        END""", "companion_lead"),

    *api_function(
        "assign_round(p_loop_id text, p_number integer, p_name text, "
        "p_scheduled_at timestamptz)", "text", f"""
        DECLARE me text; lp record; who_role name; who_name text; name_json jsonb;
        BEGIN {CALLER} {LEAD_ONLY}
            SELECT l.closed, jsonb_array_length(l.payload->'rounds') AS rounds INTO lp
              FROM companion.loops l WHERE l.id = p_loop_id FOR UPDATE;
            IF NOT FOUND THEN
                RAISE EXCEPTION 'no loop % in the team store', p_loop_id
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF lp.closed THEN
                RAISE EXCEPTION 'the loop % is closed (decided)', p_loop_id
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF p_number IS NULL OR p_number NOT BETWEEN 1 AND lp.rounds THEN
                RAISE EXCEPTION 'the loop has rounds 1 to %', lp.rounds
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF companion.fold_name(coalesce(p_name, '')) = '' THEN
                name_json := to_jsonb(''::text);
            ELSE
                {INTERVIEWER_ROLE}
                name_json := to_jsonb(who_name);
            END IF;
            UPDATE companion.loop_rounds r
               SET interviewer_role = who_role, scheduled_at = p_scheduled_at
             WHERE r.loop_id = p_loop_id AND r.number = p_number;
            UPDATE companion.loops l
               SET payload = jsonb_set(jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'interviewer'],
                                 name_json),
                             ARRAY['rounds', (p_number - 1)::text, 'scheduled_at'],
                             coalesce(to_jsonb(p_scheduled_at), 'null'::jsonb)),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END""", "companion_lead"),

    *api_function(
        "close_loop(p_loop_id text)", "text", f"""
        DECLARE me text;
        BEGIN {CALLER} {LEAD_ONLY}
            UPDATE companion.loops l
               SET closed = true, updated_at = now(),
                   payload = l.payload || jsonb_build_object('closed', true)
             WHERE l.id = p_loop_id AND NOT l.closed;
            IF FOUND THEN
                RETURN 'stored';
            END IF;
            RETURN 'same';
        END""", "companion_lead"),

    # An interviewer began their round: the lead sees "in progress" before any scorecard.
    *api_function(
        "round_started(p_loop_id text, p_number integer)", "text", f"""
        DECLARE me text; held record;
        BEGIN {CALLER}
            SELECT r.started_at, l.closed INTO held
              FROM companion.loop_rounds r JOIN companion.loops l ON l.id = r.loop_id
             WHERE r.loop_id = p_loop_id AND r.number = p_number
               AND r.interviewer_role = session_user
               FOR UPDATE OF r;
            IF NOT FOUND OR held.closed THEN
                RAISE EXCEPTION 'round % of loop % is not an open round of yours', p_number,
                    p_loop_id USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF held.started_at IS NOT NULL THEN
                RETURN 'same';
            END IF;
            UPDATE companion.loop_rounds r SET started_at = now()
             WHERE r.loop_id = p_loop_id AND r.number = p_number;
            UPDATE companion.loops l
               SET payload = jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'started_at'],
                                 to_jsonb(now())),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END""", "companion_interviewer"),

    # Leads and admins read every loop; an interviewer the loops with a round of theirs.
    *api_function(
        "read_loops()",
        "TABLE (id text, candidate text, closed boolean, updated_at timestamptz, "
        "payload text)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT l.id, l.candidate, l.closed, l.updated_at, l.payload::text
                           FROM companion.loops l
                          WHERE pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
                             OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')
                             OR EXISTS (SELECT 1 FROM companion.loop_rounds r
                                         WHERE r.loop_id = l.id
                                           AND r.interviewer_role = session_user)
                          ORDER BY l.candidate_key, l.created_at;
        END""", EVERYONE, "STABLE"),

    # The loop rule, in front of t0002's one way a scorecard is stored.
    *api_function(
        "publish_scorecard(p_id text, p_format_version integer, p_sha256 text, "
        "p_payload text)", "text", f"""
        DECLARE me text; doc jsonb; cand text;
        BEGIN {CALLER}
            IF NOT EXISTS (SELECT 1 FROM companion.scorecards s WHERE s.id = p_id) THEN
                doc := companion.bounded_json(p_payload, 'the scorecard', {SCORECARD_BYTES},
                                              {SCORECARD_DEPTH});
                cand := companion.fold_name(coalesce(doc->>'candidate', ''));
                IF EXISTS (SELECT 1 FROM companion.loops l WHERE l.candidate_key = cand)
                   AND NOT EXISTS (
                       SELECT 1 FROM companion.loops l
                         JOIN companion.loop_rounds r ON r.loop_id = l.id
                        WHERE l.candidate_key = cand AND NOT l.closed
                          AND r.interviewer_role = session_user
                          AND r.template_id = doc->>'template_id') THEN
                    RAISE EXCEPTION 'scorecard %: % has a loop in the team store, and no '
                                    'open round of it like this one (%) is assigned to you',
                                    p_id, doc->>'candidate', doc->>'template_id'
                        USING ERRCODE = 'insufficient_privilege';
                END IF;
            END IF;
            RETURN companion.store_scorecard(session_user, p_id, p_format_version, p_sha256,
                                             p_payload);
        END""", "companion_interviewer, companion_lead", replace=True),

    # An admin's delete takes the candidate's loops too (the audit keeps no loop).
    *api_function(
        "delete_candidate(p_candidate text)",
        "TABLE (scorecards bigint, decisions bigint)", f"""
        DECLARE me text; cards bigint; made bigint;
        BEGIN {CALLER}
            IF NOT pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER') THEN
                RAISE EXCEPTION 'only a team admin deletes'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            DELETE FROM companion.scorecards s
             WHERE s.candidate_key = companion.fold_name(p_candidate);
            GET DIAGNOSTICS cards = ROW_COUNT;
            DELETE FROM companion.decisions d
             WHERE d.candidate_key = companion.fold_name(p_candidate);
            GET DIAGNOSTICS made = ROW_COUNT;
            DELETE FROM companion.loops l
             WHERE l.candidate_key = companion.fold_name(p_candidate);
            RETURN QUERY SELECT cards, made;
        END""", "companion_admin", replace=True),
]


def upgrade() -> None:
    for statement in (*TABLES, *FUNCTIONS):
        op.execute(statement)


# t0002's two functions as they were, given back on the way down.
T0002_PUBLISH = api_function(
    "publish_scorecard(p_id text, p_format_version integer, p_sha256 text, "
    "p_payload text)", "text", f"""
    DECLARE me text;
    BEGIN {CALLER}
        RETURN companion.store_scorecard(session_user, p_id, p_format_version, p_sha256,
                                         p_payload);
    END""", "companion_interviewer, companion_lead", replace=True)

T0002_DELETE = api_function(
    "delete_candidate(p_candidate text)",
    "TABLE (scorecards bigint, decisions bigint)", f"""
    DECLARE me text; cards bigint; made bigint;
    BEGIN {CALLER}
        IF NOT pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER') THEN
            RAISE EXCEPTION 'only a team admin deletes'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        DELETE FROM companion.scorecards s
         WHERE s.candidate_key = companion.fold_name(p_candidate);
        GET DIAGNOSTICS cards = ROW_COUNT;
        DELETE FROM companion.decisions d
         WHERE d.candidate_key = companion.fold_name(p_candidate);
        GET DIAGNOSTICS made = ROW_COUNT;
        RETURN QUERY SELECT cards, made;
    END""", "companion_admin", replace=True)


def downgrade() -> None:
    for statement in (
            *T0002_PUBLISH, *T0002_DELETE,
            "DROP FUNCTION companion.create_loop(text)",
            "DROP FUNCTION companion.assign_round(text, integer, text, timestamptz)",
            "DROP FUNCTION companion.close_loop(text)",
            "DROP FUNCTION companion.read_loops()",
            "DROP FUNCTION companion.round_started(text, integer)",
            "DROP FUNCTION companion.loop_problem(jsonb)",
            "DROP TABLE companion.loop_rounds",
            "DROP TABLE companion.loops"):
        op.execute(statement)
