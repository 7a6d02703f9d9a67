"""Loops required, and a round's progress: the token loophole closed for every candidate.

Revision ID: t0005
Revises: t0004

Frozen once released. Why (issue "The loop as the team's unit"):

* t0003 refused a scorecard that fits no loop round of the caller only when the
  candidate had a loop; for a candidate without one, anyone could still publish a
  near-empty "token" scorecard and so unlock colleagues' scorecards early. A team
  setting, ``loops_required``, now decides: ON (the default, for new and upgraded
  stores alike) means ``publish_scorecard`` stores only a scorecard of a round
  assigned to the caller in an open loop. A panel lead may still
  ``import_scorecard`` a hand-carried file for the member it names. An admin may
  turn the setting off for a team that plans no loops (``set_loops_required``);
  every change leaves a row in ``setting_changes``, which nobody can edit.
* A lead could not tell "submitted on the laptop, not in the team store" from "not
  written": an offline laptop or a refused publish looked like a late interviewer.
  ``round_progress`` lets the interviewer's app say "started" or "submitted" for a
  round assigned to them in an open loop. The server stamps each time once (a
  second call changes nothing), so a client can neither move a time nor grow a row.
* People get no table privilege (t0002's rule): everything is a SECURITY DEFINER
  function owned by ``companion_owner``, made with t0002's recipe.
"""

from __future__ import annotations

from alembic import op

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None

OWNER = "companion_owner"
EVERYONE = "companion_interviewer, companion_lead, companion_admin"
PUBLISHERS = "companion_interviewer, companion_lead"
SCORECARD_BYTES = 4 * 1024 * 1024  # as t0002
SCORECARD_DEPTH = 16
MAX_ROUNDS = 12  # as t0003

# The same caller check as t0002's functions (a frozen revision keeps its own copy).
CALLER = """
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


def api_function(name: str, args: str, arg_types: str, returns: str, body: str,
                 grant_to: str, volatility: str = "VOLATILE", replace: bool = False
                 ) -> list[str]:
    """One API function, handed to the owner role, runnable by exactly ``grant_to``."""
    ref = f"companion.{name}({arg_types})"
    return [
        f"""CREATE {'OR REPLACE ' if replace else ''}FUNCTION companion.{name}({args})
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


TABLES = [
    """CREATE TABLE companion.team_settings (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        loops_required boolean NOT NULL,
        set_by name NOT NULL DEFAULT session_user,
        set_at timestamptz NOT NULL DEFAULT now()
    )""",
    # ON for every store: a store upgraded from t0004 closes the loophole too.
    "INSERT INTO companion.team_settings (loops_required) VALUES (true)",
    """CREATE TABLE companion.setting_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by name NOT NULL DEFAULT session_user,
        setting text NOT NULL CHECK (setting IN ('loops_required')),
        value text NOT NULL CHECK (char_length(value) <= 20)
    )""",
    "CREATE TRIGGER setting_changes_append_only BEFORE UPDATE OR DELETE "
    "ON companion.setting_changes FOR EACH ROW EXECUTE FUNCTION companion.refuse_change()",
    "CREATE TRIGGER setting_changes_no_truncate BEFORE TRUNCATE ON companion.setting_changes "
    "FOR EACH STATEMENT EXECUTE FUNCTION companion.refuse_change()",
    # The server's time the interviewer's app said "submitted".
    "ALTER TABLE companion.loop_rounds ADD COLUMN submitted_at timestamptz",
    f"REVOKE ALL ON companion.team_settings, companion.setting_changes FROM PUBLIC, {EVERYONE}",
    f"GRANT SELECT, UPDATE ON companion.team_settings TO {OWNER}",
    f"GRANT SELECT, INSERT ON companion.setting_changes TO {OWNER}",
    # An admin reads the audit with their own SQL, as they read member_changes.
    "GRANT SELECT ON companion.setting_changes TO companion_admin",
    # A loop as planned carries no progress: only round_progress writes it.
    """CREATE FUNCTION companion.loop_without_progress() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            NEW.payload := jsonb_set(NEW.payload, ARRAY['rounds'], (
                SELECT jsonb_agg(e.value - 'submitted_at' ORDER BY e.ordinality)
                  FROM jsonb_array_elements(NEW.payload->'rounds') WITH ORDINALITY e));
            RETURN NEW;
        END $$""",
    f"ALTER FUNCTION companion.loop_without_progress() OWNER TO {OWNER}",
    "REVOKE ALL ON FUNCTION companion.loop_without_progress() FROM PUBLIC",
    "CREATE TRIGGER loops_planned_without_progress BEFORE INSERT ON companion.loops "
    "FOR EACH ROW EXECUTE FUNCTION companion.loop_without_progress()",
]

FUNCTIONS = [
    *api_function(
        "team_settings", "", "",
        "TABLE (loops_required boolean, set_by name, set_at timestamptz)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT t.loops_required, t.set_by, t.set_at
                           FROM companion.team_settings t;
        END""", EVERYONE, "STABLE"),

    *api_function(
        "set_loops_required", "p_on boolean", "boolean", "text", f"""
        DECLARE me text; held boolean;
        BEGIN {CALLER}
            IF NOT pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER') THEN
                RAISE EXCEPTION 'only a team admin changes whether loops are required'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF p_on IS NULL THEN
                RAISE EXCEPTION 'loops are required or not: say which'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT t.loops_required INTO held FROM companion.team_settings t FOR UPDATE;
            IF held = p_on THEN
                RETURN 'same';
            END IF;
            UPDATE companion.team_settings
               SET loops_required = p_on, set_by = session_user, set_at = now();
            INSERT INTO companion.setting_changes (setting, value)
            VALUES ('loops_required', CASE WHEN p_on THEN 'on' ELSE 'off' END);
            RETURN 'stored';
        END""", "companion_admin"),

    # The loop rule, for every candidate while loops are required (t0003's otherwise).
    *api_function(
        "publish_scorecard", "p_id text, p_format_version integer, p_sha256 text, "
        "p_payload text", "text, integer, text, text", "text", f"""
        DECLARE me text; doc jsonb; cand text; required boolean;
        BEGIN {CALLER}
            IF NOT EXISTS (SELECT 1 FROM companion.scorecards s WHERE s.id = p_id) THEN
                doc := companion.bounded_json(p_payload, 'the scorecard', {SCORECARD_BYTES},
                                              {SCORECARD_DEPTH});
                cand := companion.fold_name(coalesce(doc->>'candidate', ''));
                SELECT t.loops_required INTO required FROM companion.team_settings t;
                IF (coalesce(required, true)
                    OR EXISTS (SELECT 1 FROM companion.loops l WHERE l.candidate_key = cand))
                   AND NOT EXISTS (
                       SELECT 1 FROM companion.loops l
                         JOIN companion.loop_rounds r ON r.loop_id = l.id
                        WHERE l.candidate_key = cand AND NOT l.closed
                          AND r.interviewer_role = session_user
                          AND r.template_id = doc->>'template_id') THEN
                    RAISE EXCEPTION 'no open loop in the team store assigns you this round '
                                    '(%) of %; ask the panel lead to assign it to you, or to '
                                    'import your scorecard file',
                                    doc->>'template_id', doc->>'candidate'
                        USING ERRCODE = 'insufficient_privilege',
                              HINT = 'companion-loop-rule';
                END IF;
            END IF;
            RETURN companion.store_scorecard(session_user, p_id, p_format_version, p_sha256,
                                             p_payload);
        END""", PUBLISHERS, replace=True),

    # The interviewer's app says a round of theirs started or was submitted.
    *api_function(
        "round_progress", "p_loop_id text, p_number integer, p_step text",
        "text, integer, text", "text", f"""
        DECLARE me text; held record;
        BEGIN {CALLER}
            IF p_step IS NULL OR p_step NOT IN ('started', 'submitted')
               OR p_loop_id IS NULL OR p_loop_id !~ '^[0-9a-f]{{32}}$'
               OR p_number IS NULL OR p_number NOT BETWEEN 1 AND {MAX_ROUNDS} THEN
                RAISE EXCEPTION 'progress is started or submitted, of a loop id of 32 hex '
                                'digits and a round from 1 to {MAX_ROUNDS}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT r.started_at, r.submitted_at, l.closed INTO held
              FROM companion.loop_rounds r JOIN companion.loops l ON l.id = r.loop_id
             WHERE r.loop_id = p_loop_id AND r.number = p_number
               AND r.interviewer_role = session_user
               FOR UPDATE OF r;
            IF NOT FOUND OR held.closed THEN
                RAISE EXCEPTION 'round % of loop % is not an open round of yours', p_number,
                    p_loop_id USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF held.started_at IS NOT NULL
               AND (p_step = 'started' OR held.submitted_at IS NOT NULL) THEN
                RETURN 'same';
            END IF;
            UPDATE companion.loop_rounds r
               SET started_at = coalesce(r.started_at, now()),
                   submitted_at = CASE WHEN p_step = 'submitted'
                                       THEN coalesce(r.submitted_at, now())
                                       ELSE r.submitted_at END
             WHERE r.loop_id = p_loop_id AND r.number = p_number
             RETURNING r.started_at, r.submitted_at INTO held;
            UPDATE companion.loops l
               SET payload = jsonb_set(jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'started_at'],
                                 to_jsonb(held.started_at)),
                             ARRAY['rounds', (p_number - 1)::text, 'submitted_at'],
                             coalesce(to_jsonb(held.submitted_at), 'null'::jsonb)),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END""", PUBLISHERS),
]

# t0003's publish rule, given back on the way down.
T0003_PUBLISH = api_function(
    "publish_scorecard", "p_id text, p_format_version integer, p_sha256 text, p_payload text",
    "text, integer, text, text", "text", f"""
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
    END""", PUBLISHERS, replace=True)


def upgrade() -> None:
    for statement in (*TABLES, *FUNCTIONS):
        op.execute(statement)


def downgrade() -> None:
    for statement in (
            *T0003_PUBLISH,
            "DROP FUNCTION companion.round_progress(text, integer, text)",
            "DROP FUNCTION companion.set_loops_required(boolean)",
            "DROP FUNCTION companion.team_settings()",
            "DROP TRIGGER loops_planned_without_progress ON companion.loops",
            "DROP FUNCTION companion.loop_without_progress()",
            "ALTER TABLE companion.loop_rounds DROP COLUMN submitted_at",
            "DROP TABLE companion.setting_changes",
            "DROP TABLE companion.team_settings"):
        op.execute(statement)
