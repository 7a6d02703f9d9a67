"""The tables move to a schema no person can reach; an app of t0001 is told to upgrade.

Revision ID: t0007
Revises: t0006

Frozen once released. An app of t0001 reads with plain, schema-qualified ``SELECT``s
on ``companion.scorecards``, ``companion.amendments`` and ``companion.decisions``
and checks no version first. Since t0002 people have no privilege on those tables, so
its calibration and candidate list ended in "permission denied for table scorecards"
(only its debrief's read, through ``fold_name``, said "upgrade the app": t0006).

A ``SELECT`` on a name meets only that relation's privileges and policies, or, if the
name is a view, the view. So here:

* Every table no person has a privilege on moves to the schema ``companion_data``,
  on which only ``companion_owner`` has USAGE: scorecards, amendments, decisions,
  deletions, loops, loop_rounds, practice_summaries, practice_bar, team_settings.
  ``companion`` keeps the API functions and the tables some group holds a grant on
  (members, member_changes, setting_changes, alembic_version). ``ALTER TABLE ... SET
  SCHEMA`` keeps indexes, constraints, policies, triggers, foreign keys, identity
  sequences, owners and grants, all bound by OID.
* Function bodies are text naming ``companion.<table>``, so each of the 24 functions
  that names a moved table is re-created below with ``companion_data.<table>``. The
  texts are frozen here: ``pg_get_functiondef`` of a t0006 store whose tables were
  moved, with only the table names in the bodies changed. ``CREATE OR REPLACE`` keeps
  each function's owner and grants; its SECURITY DEFINER, volatility and SET lines
  are in the text. The downgrade gives back t0006's bodies, which are these with
  ``companion_data.`` read as ``companion.`` (tests/test_team_old_app.py compares
  the whole catalog of a downgraded store with a t0006 one).
* In the old names stand views with t0001's columns that read no table: they return
  nothing and raise "this team store needs a newer Interview Companion; upgrade the
  app" (SQLSTATE 42501, as ``fold_name`` does since t0006) when run: they read a
  set-returning PL/pgSQL function that raises, which the planner can neither look
  into nor fold away (a view of NULL constants was folded away by the old app's own
  ``WHERE id = :id``, unexecuted, and returned nothing). A plain ``EXPLAIN`` of them
  prints the same plan whatever is stored, ``EXPLAIN ANALYZE`` raises, and
  ``pg_stats`` has nothing for a view. INSERT, UPDATE and DELETE through them
  meet an INSTEAD OF trigger that raises the same line (an app of t0001 deleted a
  candidate without checking the version first), so nothing is written.
"""

from __future__ import annotations

from alembic import op

revision = "t0007"
down_revision = "t0006"
branch_labels = None
depends_on = None

OWNER = "companion_owner"
GROUPS = "companion_interviewer, companion_lead, companion_admin"
DATA = "companion_data"
MOVED = ("scorecards", "amendments", "decisions", "deletions", "loops", "loop_rounds",
         "practice_summaries", "practice_bar", "team_settings")
OLD_APP_TABLES = ("scorecards", "amendments", "decisions")
UPGRADE_MESSAGE = "this team store needs a newer Interview Companion; upgrade the app"

SCHEMA = [
    f"CREATE SCHEMA {DATA}",
    f"REVOKE ALL ON SCHEMA {DATA} FROM PUBLIC",
    f"GRANT USAGE ON SCHEMA {DATA} TO {OWNER}",
]

# What an app of t0001 meets in the names it reads: rows of any shape the view names,
# of which there are none, since the function raises before it returns any. A PL/pgSQL
# set-returning function: the planner sees neither its rows nor their values, so no
# WHERE of the old app's (``id = :id``) can fold the scan away unexecuted, and a plain
# EXPLAIN shows a Function Scan whose estimates are the ROWS below, not the data's.
REFUSAL = [
    f"""CREATE FUNCTION companion.old_app_refused() RETURNS SETOF record
        LANGUAGE plpgsql VOLATILE ROWS 1
        SET search_path = pg_catalog, pg_temp
        AS $$
        BEGIN
            RAISE EXCEPTION '{UPGRADE_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END $$""",
    """CREATE FUNCTION companion.old_app_refused_write() RETURNS trigger
        LANGUAGE plpgsql VOLATILE
        SET search_path = pg_catalog, pg_temp
        AS $$
        BEGIN
            PERFORM * FROM companion.old_app_refused() AS refused(nothing text);
            RETURN NULL;
        END $$""",
    *(statement for fn in ("old_app_refused()", "old_app_refused_write()") for statement in (
        f"ALTER FUNCTION companion.{fn} OWNER TO {OWNER}",
        f"REVOKE ALL ON FUNCTION companion.{fn} FROM PUBLIC")),
    # A view's functions run as its reader; a trigger's function needs no grant to fire.
    f"GRANT EXECUTE ON FUNCTION companion.old_app_refused() TO {GROUPS}",
]

# t0001's columns (companion/team/revisions/versions/t0001_team_store.py), every one an
# old app selects, filters or orders by; none reads a table.
VIEWS = [
    """CREATE VIEW companion.scorecards AS
        SELECT * FROM companion.old_app_refused() AS refused(
            id text, owner name, published_by name, published_at timestamptz,
            interviewer text, candidate text, candidate_key text, submitted_at timestamptz,
            format_version integer, content_sha256 text, payload jsonb)""",
    """CREATE VIEW companion.amendments AS
        SELECT * FROM companion.old_app_refused() AS refused(
            scorecard_id text, seq integer, at timestamptz, author text, author_role name,
            change jsonb, recorded_at timestamptz)""",
    """CREATE VIEW companion.decisions AS
        SELECT * FROM companion.old_app_refused() AS refused(
            id bigint, candidate text, candidate_key text, outcome text, level text,
            decided_by text, decided_at timestamptz, note text, recorded_by name,
            recorded_at timestamptz)""",
    *(statement for view in OLD_APP_TABLES for statement in (
        f"CREATE TRIGGER old_app_refused INSTEAD OF INSERT OR UPDATE OR DELETE "
        f"ON companion.{view} FOR EACH ROW EXECUTE FUNCTION companion.old_app_refused_write()",
        f"ALTER VIEW companion.{view} OWNER TO {OWNER}",
        f"REVOKE ALL ON companion.{view} FROM PUBLIC",
        # the old app's own privileges (t0001), now answered with "upgrade the app"
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON companion.{view} TO {GROUPS}")),
]

# Every function whose body names a moved table, as pg_get_functiondef printed it on a
# t0006 store with its tables moved; only the table names in the bodies were changed.
FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION companion.has_published_for(key text)
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$ SELECT EXISTS (SELECT 1 FROM companion_data.scorecards s
                             WHERE s.owner = session_user AND s.candidate_key = key) $function$""",
    """CREATE OR REPLACE FUNCTION companion.audit_deletion()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
        BEGIN
            IF TG_TABLE_NAME = 'scorecards' THEN
                INSERT INTO companion_data.deletions (record_kind, record_id, record_owner)
                VALUES ('scorecard', CASE WHEN OLD.id ~ '^[0-9a-f]{32}$' THEN OLD.id
                                          ELSE md5(OLD.id) END, OLD.owner);
            ELSE
                INSERT INTO companion_data.deletions (record_kind, record_id, record_owner)
                VALUES ('decision', OLD.id::text, OLD.recorded_by);
            END IF;
            RETURN OLD;
        END $function$""",
    """CREATE OR REPLACE FUNCTION companion.store_scorecard(p_owner name, p_id text,
        p_format_version integer, p_sha256 text, p_payload text)
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
        #variable_conflict use_column
        DECLARE doc jsonb; problem text; submitted timestamptz; held record;
        BEGIN
            IF p_id IS NULL OR p_id !~ '^[0-9a-f]{32}$' THEN
                RAISE EXCEPTION 'a scorecard id is 32 lower-case hex digits'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{64}$' THEN
                RAISE EXCEPTION 'the content hash is 64 lower-case hex digits'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_format_version IS NULL OR p_format_version NOT IN (1, 2) THEN
                RAISE EXCEPTION 'scorecard format % is not one this team store keeps',
                    p_format_version USING ERRCODE = 'invalid_parameter_value';
            END IF;
            doc := companion.bounded_json(p_payload, 'the scorecard', 4194304,
                                          16);
            problem := companion.scorecard_problem(doc);
            IF problem IS NULL AND doc->>'id' IS DISTINCT FROM p_id THEN
                problem := 'the payload names another id';
            END IF;
            IF problem IS NOT NULL THEN
                RAISE EXCEPTION 'scorecard %: %', p_id, problem
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            BEGIN
                submitted := (doc->>'submitted_at')::timestamptz;
            EXCEPTION WHEN OTHERS THEN
                submitted := NULL;
            END;
            IF submitted IS NULL OR submitted < '2000-01-01' OR submitted >= '2201-01-01' THEN
                RAISE EXCEPTION 'scorecard %: its submission time is missing or not between '
                                '2000 and 2200', p_id USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM companion.members m
                            WHERE m.role_name = p_owner
                              AND companion.fold_name(m.display_name)
                                  = companion.fold_name(doc->>'interviewer')) THEN
                RAISE EXCEPTION 'scorecard % is not scored under the name of login %',
                    p_id, p_owner USING ERRCODE = 'insufficient_privilege';
            END IF;
            INSERT INTO companion_data.scorecards (id, owner, published_by, interviewer, candidate,
                                              submitted_at, format_version, content_sha256,
                                              payload, calibration)
            VALUES (p_id, p_owner, session_user, doc->>'interviewer', doc->>'candidate', submitted,
                    p_format_version, p_sha256, doc, companion.calibration_part(doc))
            ON CONFLICT (id) DO NOTHING;
            IF FOUND THEN
                RETURN 'stored';
            END IF;
            SELECT s.owner, s.payload = doc AS same INTO held
              FROM companion_data.scorecards s WHERE s.id = p_id;
            IF held.owner IS DISTINCT FROM p_owner THEN
                RAISE EXCEPTION 'scorecard % is already in the team store under another '
                                'interviewer''s account; nothing was stored', p_id
                    USING ERRCODE = 'unique_violation';
            END IF;
            IF NOT held.same THEN
                RAISE EXCEPTION 'scorecard % is already in the team store with different '
                                'content; nothing was changed (a published scorecard changes '
                                'only by amendments)', p_id USING ERRCODE = 'unique_violation';
            END IF;
            RETURN 'same';
        END $function$""",
    """CREATE OR REPLACE FUNCTION companion.publish_scorecard(p_id text, p_format_version integer,
        p_sha256 text, p_payload text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; doc jsonb; cand text; required boolean;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF NOT EXISTS (SELECT 1 FROM companion_data.scorecards s WHERE s.id = p_id) THEN
                doc := companion.bounded_json(p_payload, 'the scorecard', 4194304,
                                              16);
                cand := companion.fold_name(coalesce(doc->>'candidate', ''));
                SELECT t.loops_required INTO required FROM companion_data.team_settings t;
                IF (coalesce(required, true)
                    OR EXISTS (SELECT 1 FROM companion_data.loops l WHERE l.candidate_key = cand))
                   AND NOT EXISTS (
                       SELECT 1 FROM companion_data.loops l
                         JOIN companion_data.loop_rounds r ON r.loop_id = l.id
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
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.stored_copy(p_id text)
 RETURNS TABLE(owner name, published_by name, amendments_in_payload integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY
            SELECT s.owner, s.published_by,
                   coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(s.payload->'amendments')
                                                   = 'array' THEN s.payload->'amendments'
                                               END), 0)
              FROM companion_data.scorecards s
             WHERE s.id = p_id AND (s.owner = session_user OR s.published_by = session_user
                                    OR (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')));
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.append_amendment(p_scorecard_id text, p_seq integer,
        p_at timestamp with time zone, p_change text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; doc jsonb; card record; newest integer; held record;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            doc := companion.bounded_json(p_change, 'the amendment', 2097152,
                                          8);
            IF jsonb_typeof(doc->'change') IS DISTINCT FROM 'object'
               OR doc->'change'->>'type' IS NULL
               OR doc->'change'->>'type' NOT IN ('rate', 'probe', 'flag', 'text', 'recommend')
               OR (doc->'reason' IS NOT NULL AND (jsonb_typeof(doc->'reason') <> 'string'
                   OR char_length(doc->>'reason') > 2000)) THEN
                RAISE EXCEPTION 'the amendment is not a rate, probe, flag, text or recommend edit'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_seq IS NULL OR p_seq < 1 OR p_seq > 2000 THEN
                RAISE EXCEPTION 'an amendment number is from 1 to 2000'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT s.owner, s.submitted_at,
                   CASE WHEN jsonb_typeof(s.payload->'amendments') = 'array'
                        THEN jsonb_array_length(s.payload->'amendments') ELSE 0 END AS carried
              INTO card FROM companion_data.scorecards s WHERE s.id = p_scorecard_id;
            IF card.owner IS DISTINCT FROM session_user THEN
                RAISE EXCEPTION 'scorecard % is not one of yours in the team store',
                    p_scorecard_id USING ERRCODE = 'insufficient_privilege';
            END IF;
            SELECT a.at = p_at AND a.change = doc AS same INTO held FROM companion_data.amendments a
             WHERE a.scorecard_id = p_scorecard_id AND a.seq = p_seq;
            IF FOUND THEN
                IF NOT held.same THEN
                    RAISE EXCEPTION 'amendment % of scorecard % is already in the team store '
                                    'with different content; nothing was changed', p_seq,
                                    p_scorecard_id USING ERRCODE = 'unique_violation';
                END IF;
                RETURN 'same';
            END IF;
            IF p_at IS NULL OR p_at < card.submitted_at OR p_at > now() + interval '5 minutes' THEN
                RAISE EXCEPTION 'an amendment''s time lies between its scorecard''s '
                                'submission (%) and now', card.submitted_at
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            -- numbered after those a hand-carried file brought inside its payload
            SELECT greatest(coalesce(max(a.seq), 0), card.carried) INTO newest
              FROM companion_data.amendments a WHERE a.scorecard_id = p_scorecard_id;
            IF p_seq <> newest + 1 THEN
                RAISE EXCEPTION 'amendment % of scorecard % comes after amendment %, which '
                                'the team store does not have', p_seq, p_scorecard_id,
                                p_seq - 1 USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO companion_data.amendments (scorecard_id, seq, at, author, change)
            VALUES (p_scorecard_id, p_seq, p_at, me, doc);
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.readable_own(p_candidate text)
 RETURNS SETOF companion_data.scorecards
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
 SET enable_seqscan TO 'off'
 SET enable_bitmapscan TO 'off'
 SET enable_indexonlyscan TO 'off'
AS $function$
    DECLARE keys text[];
    BEGIN
        SELECT array_agg(DISTINCT o.candidate_key) INTO keys
          FROM companion_data.scorecards o
         WHERE o.owner = session_user;
        IF p_candidate IS NOT NULL THEN
            keys := ARRAY(SELECT k FROM unnest(keys) k
                           WHERE k = companion.fold_name(p_candidate));
        END IF;
        IF keys IS NULL OR cardinality(keys) = 0 THEN
            RETURN;
        END IF;
        RETURN QUERY SELECT s.* FROM companion_data.scorecards s
         WHERE s.candidate_key = ANY (keys);
    END $function$""",
    """CREATE OR REPLACE FUNCTION companion.readable(p_candidate text)
 RETURNS SETOF companion_data.scorecards
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
        BEGIN
            IF (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')) THEN
                RETURN QUERY SELECT * FROM companion_data.scorecards s
                 WHERE p_candidate IS NULL
                    OR s.candidate_key = companion.fold_name(p_candidate);
            ELSE
                RETURN QUERY SELECT * FROM companion.readable_own(p_candidate);
            END IF;
        END $function$""",
    """CREATE OR REPLACE FUNCTION companion.read_amendments(p_candidate text)
 RETURNS TABLE(scorecard_id text, seq integer, at timestamp with time zone, author text,
     author_role name, change text, recorded_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY SELECT a.scorecard_id, a.seq, a.at, a.author, a.author_role,
                                a.change::text, a.recorded_at
                           FROM companion_data.amendments a
                           JOIN companion.readable(p_candidate) r ON r.id = a.scorecard_id
                          ORDER BY a.scorecard_id, a.seq;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.record_decision(p_candidate text, p_outcome text,
        p_level text, p_decided_at timestamp with time zone, p_note text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; held record;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF p_candidate IS NULL OR companion.fold_name(p_candidate) = ''
               OR char_length(p_candidate) > 200
               OR p_outcome IS NULL OR p_outcome NOT IN ('hire', 'no_hire', 'withdrawn')
               OR char_length(p_level) > 200
               OR p_note IS NULL OR char_length(p_note) > 200000 THEN
                RAISE EXCEPTION 'a decision names a candidate, an outcome of hire, no_hire '
                                'or withdrawn, and a note of at most 200000 characters'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_decided_at IS NULL OR p_decided_at < '2000-01-01'
               OR p_decided_at > now() + interval '5 minutes' THEN
                RAISE EXCEPTION 'a decision''s time lies between 2000 and now'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT d.candidate = p_candidate AND d.outcome = p_outcome
                   AND d.level IS NOT DISTINCT FROM p_level AND d.decided_by = me
                   AND d.note = p_note AS same INTO held
              FROM companion_data.decisions d
             WHERE d.candidate_key = companion.fold_name(p_candidate)
               AND d.decided_at = p_decided_at;
            IF FOUND THEN
                IF NOT held.same THEN
                    RAISE EXCEPTION 'another decision on % was recorded at the same time; '
                                    'nothing was stored', p_candidate
                        USING ERRCODE = 'unique_violation';
                END IF;
                RETURN 'same';
            END IF;
            INSERT INTO companion_data.decisions (candidate, outcome, level, decided_by,
                                             decided_at, note)
            VALUES (p_candidate, p_outcome, p_level, me, p_decided_at, p_note);
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.read_decisions(p_candidate text)
 RETURNS TABLE(candidate text, outcome text, level text, decided_by text,
     decided_at timestamp with time zone, note text, recorded_by name,
     recorded_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY SELECT DISTINCT ON (d.candidate_key) d.candidate, d.outcome, d.level,
                                d.decided_by, d.decided_at, d.note, d.recorded_by,
                                d.recorded_at
                           FROM companion_data.decisions d
                          WHERE p_candidate IS NULL
                             OR d.candidate_key = companion.fold_name(p_candidate)
                          ORDER BY d.candidate_key, d.decided_at DESC, d.recorded_at DESC;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.delete_candidate(p_candidate text)
 RETURNS TABLE(scorecards bigint, decisions bigint)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; cards bigint; made bigint;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF NOT pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER') THEN
                RAISE EXCEPTION 'only a team admin deletes'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            DELETE FROM companion_data.scorecards s
             WHERE s.candidate_key = companion.fold_name(p_candidate);
            GET DIAGNOSTICS cards = ROW_COUNT;
            DELETE FROM companion_data.decisions d
             WHERE d.candidate_key = companion.fold_name(p_candidate);
            GET DIAGNOSTICS made = ROW_COUNT;
            DELETE FROM companion_data.loops l
             WHERE l.candidate_key = companion.fold_name(p_candidate);
            RETURN QUERY SELECT cards, made;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.create_loop(p_payload text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; doc jsonb; problem text; r record; who_role name; who_name text;
                p_name text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF; 
    IF NOT pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') THEN
        RAISE EXCEPTION 'only a panel lead plans and assigns loops'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            doc := companion.bounded_json(p_payload, 'the loop', 262144, 6);
            problem := companion.loop_problem(doc);
            IF problem IS NOT NULL THEN
                RAISE EXCEPTION 'loop: %', problem USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF EXISTS (SELECT 1 FROM companion_data.loops l WHERE l.id = doc->>'id') THEN
                RETURN 'same';
            END IF;
            -- The server says who planned it and when; a new loop is open.
            doc := doc || jsonb_build_object('created_by', me, 'created_at', now(),
                                             'closed', false);
            -- Only an interviewer's own report says a round began (round_started).
            doc := jsonb_set(doc, ARRAY['rounds'], (
                SELECT jsonb_agg(e.value - 'started_at' ORDER BY e.ordinality)
                  FROM jsonb_array_elements(doc->'rounds') WITH ORDINALITY e));
            INSERT INTO companion_data.loops (id, candidate, payload)
            VALUES (doc->>'id', doc->>'candidate', doc);
            FOR r IN SELECT e.value AS spec, e.ordinality::integer AS number
                       FROM jsonb_array_elements(doc->'rounds') WITH ORDINALITY e LOOP
                who_role := NULL;
                p_name := r.spec->>'interviewer';
                IF companion.fold_name(p_name) <> '' THEN
                    
    SELECT m.role_name, m.display_name INTO who_role, who_name FROM companion.members m
     WHERE companion.fold_name(m.display_name) = companion.fold_name(p_name)
       AND pg_catalog.pg_has_role(m.role_name, 'companion_interviewer', 'MEMBER');
    IF who_role IS NULL THEN
        RAISE EXCEPTION '% is not an interviewer of this team store: an admin adds them '
                        'first', quote_literal(p_name) USING ERRCODE = 'insufficient_privilege';
    END IF;
                END IF;
                INSERT INTO companion_data.loop_rounds (loop_id, number, template_id,
                                                   interviewer_role, scheduled_at)
                VALUES (doc->>'id', r.number, r.spec->>'template_id', who_role,
                        CASE WHEN jsonb_typeof(r.spec->'scheduled_at') = 'string'
                             THEN (r.spec->>'scheduled_at')::timestamptz END);
            END LOOP;
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.assign_round(p_loop_id text, p_number integer,
        p_name text, p_scheduled_at timestamp with time zone)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; lp record; who_role name; who_name text; name_json jsonb;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF; 
    IF NOT pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') THEN
        RAISE EXCEPTION 'only a panel lead plans and assigns loops'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            SELECT l.closed, jsonb_array_length(l.payload->'rounds') AS rounds INTO lp
              FROM companion_data.loops l WHERE l.id = p_loop_id FOR UPDATE;
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
                
    SELECT m.role_name, m.display_name INTO who_role, who_name FROM companion.members m
     WHERE companion.fold_name(m.display_name) = companion.fold_name(p_name)
       AND pg_catalog.pg_has_role(m.role_name, 'companion_interviewer', 'MEMBER');
    IF who_role IS NULL THEN
        RAISE EXCEPTION '% is not an interviewer of this team store: an admin adds them '
                        'first', quote_literal(p_name) USING ERRCODE = 'insufficient_privilege';
    END IF;
                name_json := to_jsonb(who_name);
            END IF;
            UPDATE companion_data.loop_rounds r
               SET interviewer_role = who_role, scheduled_at = p_scheduled_at
             WHERE r.loop_id = p_loop_id AND r.number = p_number;
            UPDATE companion_data.loops l
               SET payload = jsonb_set(jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'interviewer'],
                                 name_json),
                             ARRAY['rounds', (p_number - 1)::text, 'scheduled_at'],
                             coalesce(to_jsonb(p_scheduled_at), 'null'::jsonb)),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.close_loop(p_loop_id text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF; 
    IF NOT pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER') THEN
        RAISE EXCEPTION 'only a panel lead plans and assigns loops'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            UPDATE companion_data.loops l
               SET closed = true, updated_at = now(),
                   payload = l.payload || jsonb_build_object('closed', true)
             WHERE l.id = p_loop_id AND NOT l.closed;
            IF FOUND THEN
                RETURN 'stored';
            END IF;
            RETURN 'same';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.round_started(p_loop_id text, p_number integer)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; held record;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            SELECT r.started_at, l.closed INTO held
              FROM companion_data.loop_rounds r JOIN companion_data.loops l ON l.id = r.loop_id
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
            UPDATE companion_data.loop_rounds r SET started_at = now()
             WHERE r.loop_id = p_loop_id AND r.number = p_number;
            UPDATE companion_data.loops l
               SET payload = jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'started_at'],
                                 to_jsonb(now())),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.read_loops()
 RETURNS TABLE(id text, candidate text, closed boolean,
     updated_at timestamp with time zone, payload text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY SELECT l.id, l.candidate, l.closed, l.updated_at, l.payload::text
                           FROM companion_data.loops l
                          WHERE pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
                             OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')
                             OR EXISTS (SELECT 1 FROM companion_data.loop_rounds r
                                         WHERE r.loop_id = l.id
                                           AND r.interviewer_role = session_user)
                          ORDER BY l.candidate_key, l.created_at;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.publish_practice(p_set_id text, p_archetype text,
        p_dimension text, p_finished_at timestamp with time zone, p_rated integer,
        p_exact integer, p_within_one integer, p_error_sum integer,
        p_error_squares integer)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE
            me text;
            added integer;
        BEGIN
            
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF p_finished_at > now() + interval '5 minutes' THEN
                RAISE EXCEPTION 'a practice set cannot finish in the future'
                    USING ERRCODE = 'check_violation';
            END IF;
            INSERT INTO companion_data.practice_summaries (owner, set_id, interviewer, archetype,
                dimension, finished_at, rated, exact, within_one, error_sum, error_squares)
            VALUES (session_user, p_set_id, me, p_archetype, p_dimension, p_finished_at,
                    p_rated, p_exact, p_within_one, p_error_sum, p_error_squares)
            ON CONFLICT (owner, set_id) DO NOTHING;
            GET DIAGNOSTICS added = ROW_COUNT;
            RETURN added = 1;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.practice_by_interviewer()
 RETURNS TABLE(interviewer text, archetype text, sets bigint, rated bigint, exact bigint,
     within_one bigint, error_sum bigint, error_squares bigint,
     last_finished timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE
            me text;
        BEGIN
            
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            
    IF NOT (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
            OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'only panel leads read and set the team''s practice figures'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY
                SELECT p.interviewer, p.archetype, count(*), sum(p.rated)::bigint,
                       sum(p.exact)::bigint, sum(p.within_one)::bigint,
                       sum(p.error_sum)::bigint, sum(p.error_squares)::bigint,
                       max(p.finished_at)
                  FROM companion_data.practice_summaries p
                 GROUP BY p.interviewer, p.archetype
                 ORDER BY p.interviewer, p.archetype;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.practice_bar()
 RETURNS TABLE(exact numeric, within_one numeric, min_rated integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE
            me text;
        BEGIN
            
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY SELECT b.exact, b.within_one, b.min_rated FROM companion_data.practice_bar b;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.set_practice_bar(p_exact numeric,
        p_within_one numeric, p_min_rated integer)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE
            me text;
        BEGIN
            
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            
    IF NOT (pg_catalog.pg_has_role(session_user, 'companion_lead', 'MEMBER')
            OR pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER')) THEN
        RAISE EXCEPTION 'only panel leads read and set the team''s practice figures'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            UPDATE companion_data.practice_bar
               SET exact = p_exact, within_one = p_within_one, min_rated = p_min_rated,
                   set_by = session_user, set_at = now();
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.team_settings()
 RETURNS TABLE(loops_required boolean, set_by name, set_at timestamp with time zone)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            RETURN QUERY SELECT t.loops_required, t.set_by, t.set_at
                           FROM companion_data.team_settings t;
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.set_loops_required(p_on boolean)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; held boolean;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF NOT pg_catalog.pg_has_role(session_user, 'companion_admin', 'MEMBER') THEN
                RAISE EXCEPTION 'only a team admin changes whether loops are required'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF p_on IS NULL THEN
                RAISE EXCEPTION 'loops are required or not: say which'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT t.loops_required INTO held FROM companion_data.team_settings t FOR UPDATE;
            IF held = p_on THEN
                RETURN 'same';
            END IF;
            UPDATE companion_data.team_settings
               SET loops_required = p_on, set_by = session_user, set_at = now();
            INSERT INTO companion.setting_changes (setting, value)
            VALUES ('loops_required', CASE WHEN p_on THEN 'on' ELSE 'off' END);
            RETURN 'stored';
        END
            $function$""",
    """CREATE OR REPLACE FUNCTION companion.round_progress(p_loop_id text, p_number integer,
        p_step text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
            #variable_conflict use_column
            
        DECLARE me text; held record;
        BEGIN 
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
            IF p_step IS NULL OR p_step NOT IN ('started', 'submitted')
               OR p_loop_id IS NULL OR p_loop_id !~ '^[0-9a-f]{32}$'
               OR p_number IS NULL OR p_number NOT BETWEEN 1 AND 12 THEN
                RAISE EXCEPTION 'progress is started or submitted, of a loop id of 32 hex '
                                'digits and a round from 1 to 12'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT r.started_at, r.submitted_at, l.closed INTO held
              FROM companion_data.loop_rounds r JOIN companion_data.loops l ON l.id = r.loop_id
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
            UPDATE companion_data.loop_rounds r
               SET started_at = coalesce(r.started_at, now()),
                   submitted_at = CASE WHEN p_step = 'submitted'
                                       THEN coalesce(r.submitted_at, now())
                                       ELSE r.submitted_at END
             WHERE r.loop_id = p_loop_id AND r.number = p_number
             RETURNING r.started_at, r.submitted_at INTO held;
            UPDATE companion_data.loops l
               SET payload = jsonb_set(jsonb_set(l.payload,
                                 ARRAY['rounds', (p_number - 1)::text, 'started_at'],
                                 to_jsonb(held.started_at)),
                             ARRAY['rounds', (p_number - 1)::text, 'submitted_at'],
                             coalesce(to_jsonb(held.submitted_at), 'null'::jsonb)),
                   updated_at = now()
             WHERE l.id = p_loop_id;
            RETURN 'stored';
        END
            $function$""",
]


def upgrade() -> None:
    for statement in (*SCHEMA,
                      *(f"ALTER TABLE companion.{table} SET SCHEMA {DATA}" for table in MOVED),
                      *FUNCTIONS, *REFUSAL, *VIEWS):
        op.execute(statement)


def downgrade() -> None:
    # t0006's bodies named companion.<table>, and no other text of theirs names this schema.
    t0006_functions = [text.replace(f"{DATA}.", "companion.") for text in FUNCTIONS]
    for statement in (*(f"DROP VIEW companion.{view}" for view in OLD_APP_TABLES),
                      "DROP FUNCTION companion.old_app_refused_write()",
                      "DROP FUNCTION companion.old_app_refused()",
                      *(f"ALTER TABLE {DATA}.{table} SET SCHEMA companion" for table in MOVED),
                      *t0006_functions,
                      f"DROP SCHEMA {DATA}"):
        op.execute(statement)
