"""The team store's function API: no table privileges for people, the server stamps the facts.

Revision ID: t0002
Revises: t0001

Frozen once released. Why (issue "Team store, hardened"):

* Any table a login may SELECT from leaks through the planner: ``EXPLAIN ANALYZE``
  prints how many rows row-level security filtered away. So interviewers, leads
  and admins lose every table privilege; each read and write is a SECURITY
  DEFINER function in ``companion`` (pinned ``search_path``, owned by the NOLOGIN
  role ``companion_owner``), and a plan shows only the rows a function returned.
* Group roles are cluster-wide, so another database's login on the same cluster
  is in them too. CONNECT on this database goes to a role of this database alone,
  ``companion_db_<10 hex of md5(database name)>``, which every member login gets;
  PUBLIC loses CONNECT and the groups lose it too. Every function also asks the
  ``members`` table of this database who the caller is.
* The server decides what is true: ``published_at``, ``recorded_at``, authors and
  decided-by names come from the server; an amendment's time lies between its
  scorecard's submission and now. Ids are 32 lower-case hex digits. Payloads are
  bounded here as well as in the client (size, nesting depth, closed sets), so a
  malformed row cannot be stored through the API. The "before" of an amendment
  is never taken from the client: readers derive it from the chain.

Rows stored under t0001 stay as they were (new CHECKs are NOT VALID): readers
check every row like an imported file and name the ones that fail.
"""

from __future__ import annotations

from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None

GROUPS = ("companion_interviewer", "companion_lead", "companion_admin")
OWNER = "companion_owner"
EVERYONE = ", ".join(GROUPS)
LEADS_AND_ADMINS = "companion_lead, companion_admin"

# Bounds (the client's are in companion/intake/limits.py; these stay as released).
SCORECARD_BYTES = 4 * 1024 * 1024
CHANGE_BYTES = 2 * 1024 * 1024
SCORECARD_DEPTH = 16
CHANGE_DEPTH = 8
NAME_CHARS = 200
NOTE_CHARS = 200_000
AMENDMENTS = 2000
FORMAT_VERSIONS = (1, 2)
SKEW = "interval '5 minutes'"  # a laptop clock a little ahead is not a forgery
RATINGS = "'strong', 'mid', 'thin', 'very_thin', 'skip'"
RECOMMENDATIONS = "'strong_no', 'no', 'yes', 'strong_yes'"
EDIT_TYPES = "'rate', 'probe', 'flag', 'text', 'recommend'"

# The per-database role that holds CONNECT (see above), computed on the server.
DB_ROLE_SQL = "'companion_db_' || substr(md5(current_database()), 1, 10)"


def api_function(signature: str, returns: str, body: str, grant_to: str,
                 volatility: str = "VOLATILE") -> list[str]:
    """CREATE one API function, hand it to the owner role, let exactly ``grant_to`` run it."""
    name = signature.split("(")[0]
    arg_types = ", ".join(" ".join(a.split()[1:]).split(" DEFAULT")[0]
                          for a in signature[len(name) + 1:-1].split(",") if a.strip())
    ref = f"companion.{name}({arg_types})"
    return [
        f"""CREATE FUNCTION companion.{signature} RETURNS {returns}
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


# Who is calling: this database's member row of the login, or a refusal.
CALLER = """
    SELECT m.display_name INTO me FROM companion.members m WHERE m.role_name = session_user;
    IF me IS NULL THEN
        RAISE EXCEPTION 'login % is not a member of this team store', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;"""


def _in_group(group: str) -> str:
    return f"pg_catalog.pg_has_role(session_user, '{group}', 'MEMBER')"


SEES_ALL = f"({_in_group('companion_lead')} OR {_in_group('companion_admin')})"

HELPERS = [
    # Nesting depth of a JSON document, walked without recursion in the caller and
    # stopping one level past the limit, so a 5,000-deep value costs little.
    """CREATE FUNCTION companion.too_deep(doc jsonb, lim integer) RETURNS boolean
        LANGUAGE sql IMMUTABLE STRICT
        SET search_path = pg_catalog, pg_temp
        AS $$
        WITH RECURSIVE walk(node, depth) AS (
            SELECT doc, 1
            UNION ALL
            SELECT c.value, w.depth + 1
              FROM walk w, LATERAL (
                  SELECT e.value FROM jsonb_each(CASE WHEN jsonb_typeof(w.node) = 'object'
                                                     THEN w.node END) e
                  UNION ALL
                  SELECT a.value FROM jsonb_array_elements(
                      CASE WHEN jsonb_typeof(w.node) = 'array' THEN w.node END) a) c
             WHERE w.depth <= lim AND jsonb_typeof(c.value) IN ('object', 'array'))
        SELECT EXISTS (SELECT 1 FROM walk WHERE depth > lim) $$""",
    # One JSON text parameter, parsed and bounded, or a refusal naming what is wrong.
    """CREATE FUNCTION companion.bounded_json(body text, what text, max_bytes integer,
                                              max_depth integer) RETURNS jsonb
        LANGUAGE plpgsql IMMUTABLE
        SET search_path = pg_catalog, pg_temp
        AS $$
        DECLARE doc jsonb;
        BEGIN
            IF body IS NULL OR octet_length(body) > max_bytes THEN
                RAISE EXCEPTION '% is missing or larger than % bytes', what, max_bytes
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            BEGIN
                doc := body::jsonb;
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION '% is not JSON text the server can store', what
                    USING ERRCODE = 'invalid_parameter_value';
            END;
            IF jsonb_typeof(doc) <> 'object' THEN
                RAISE EXCEPTION '% is not a JSON object', what
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF companion.too_deep(doc, max_depth) THEN
                RAISE EXCEPTION '% is nested more than % levels deep', what, max_depth
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            RETURN doc;
        END $$""",
    # The shape the readers and the rules rely on, checked before a row is stored.
    f"""CREATE FUNCTION companion.scorecard_problem(doc jsonb) RETURNS text
        LANGUAGE plpgsql IMMUTABLE STRICT
        SET search_path = pg_catalog, pg_temp
        AS $$
        BEGIN
            IF jsonb_typeof(doc->'candidate') IS DISTINCT FROM 'string'
               OR jsonb_typeof(doc->'interviewer') IS DISTINCT FROM 'string'
               OR jsonb_typeof(doc->'submitted_at') IS DISTINCT FROM 'string'
               OR jsonb_typeof(doc->'items') IS DISTINCT FROM 'array'
               OR jsonb_typeof(doc->'flags') IS DISTINCT FROM 'array' THEN
                RETURN 'candidate, interviewer, submitted_at, items or flags is missing '
                       'or of the wrong type';
            END IF;
            IF char_length(doc->>'candidate') > {NAME_CHARS}
               OR char_length(doc->>'interviewer') > {NAME_CHARS}
               OR companion.fold_name(doc->>'candidate') = '' THEN
                RETURN 'the candidate or interviewer name is empty or too long';
            END IF;
            IF jsonb_array_length(doc->'items') > 50 OR jsonb_array_length(doc->'flags') > 50
            THEN
                RETURN 'more than 50 items or red flags';
            END IF;
            IF doc->'recommendation' IS NOT NULL AND doc->'recommendation' <> 'null'
               AND (jsonb_typeof(doc->'recommendation') <> 'string'
                    OR doc->>'recommendation' NOT IN ({RECOMMENDATIONS})) THEN
                RETURN 'the recommendation is not strong_no, no, yes or strong_yes';
            END IF;
            IF EXISTS (
                SELECT 1 FROM jsonb_array_elements(doc->'items') it
                 WHERE jsonb_typeof(it) <> 'object'
                    OR (it->'rating' IS NOT NULL AND it->'rating' <> 'null'
                        AND (jsonb_typeof(it->'rating') <> 'string'
                             OR it->>'rating' NOT IN ({RATINGS})))
                    OR (it->'probes' IS NOT NULL
                        AND (jsonb_typeof(it->'probes') <> 'array'
                             OR jsonb_array_length(it->'probes') > 50
                             OR EXISTS (
                                SELECT 1 FROM jsonb_array_elements(it->'probes') p
                                 WHERE jsonb_typeof(p) <> 'object'
                                    OR (p->'rating' IS NOT NULL AND p->'rating' <> 'null'
                                        AND (jsonb_typeof(p->'rating') <> 'string'
                                             OR p->>'rating' NOT IN ({RATINGS}))))))) THEN
                RETURN 'an item or probe is not an object or has a rating other than '
                       'strong, mid, thin, very_thin or skip';
            END IF;
            RETURN NULL;
        END $$""",
    # The part of a payload calibration reads, built with jsonb operators that
    # never fail on a malformed payload.
    """CREATE FUNCTION companion.calibration_part(doc jsonb) RETURNS jsonb
        LANGUAGE sql IMMUTABLE STRICT
        SET search_path = pg_catalog, pg_temp
        AS $$ SELECT jsonb_build_object(
                'id', doc->'id',
                'candidate', doc->'candidate', 'interviewer', doc->'interviewer',
                'archetype', doc->'archetype', 'level', doc->'level',
                'template_id', doc->'template_id',
                'round_title', doc->'round_title', 'pack_id', doc->'pack_id',
                'pack_version', doc->'pack_version',
                'started_at', doc->'started_at',
                'submitted_at', doc->'submitted_at', 'ended_at', doc->'ended_at',
                'duration_s', doc->'duration_s',
                'recommendation', doc->'recommendation',
                'items', (SELECT jsonb_agg(jsonb_build_object(
                              'item_id', it->'item_id', 'kind', it->'kind',
                              'rating', it->'rating',
                              'probes', coalesce((
                                  SELECT jsonb_agg(jsonb_build_object(
                                      'probe_id', p->'probe_id', 'asked', p->'asked',
                                      'rating', p->'rating') ORDER BY pn)
                                    FROM jsonb_array_elements(
                                        CASE WHEN jsonb_typeof(it->'probes') = 'array'
                                             THEN it->'probes' END)
                                         WITH ORDINALITY pe(p, pn)
                                   WHERE p->>'probe_id' LIKE 'failure.%'), '[]'))
                              ORDER BY n)
                            FROM jsonb_array_elements(
                                CASE WHEN jsonb_typeof(doc->'items') = 'array'
                                     THEN doc->'items' END) WITH ORDINALITY e(it, n)),
                'flags', (SELECT jsonb_agg(jsonb_build_object(
                              'flag_id', f->'flag_id', 'state', f->'state') ORDER BY n)
                            FROM jsonb_array_elements(
                                CASE WHEN jsonb_typeof(doc->'flags') = 'array'
                                     THEN doc->'flags' END) WITH ORDINALITY e(f, n)),
                'amendments', (SELECT jsonb_agg(a ORDER BY n)
                                 FROM jsonb_array_elements(
                                     CASE WHEN jsonb_typeof(doc->'amendments') = 'array'
                                          THEN doc->'amendments' END)
                                      WITH ORDINALITY e(a, n)
                                WHERE a->'change'->>'type' IN ('recommend', 'rate', 'flag')
                                   OR (a->'change'->>'type' = 'probe'
                                       AND a->'change'->>'probe' LIKE 'failure.%'))
            ) $$""",
]

TABLES = [
    # Calibration's part of each payload, kept beside it (filled for t0001 rows here,
    # with the append-only guard lifted for this one statement).
    "ALTER TABLE companion.scorecards ADD COLUMN calibration jsonb",
    "ALTER TABLE companion.scorecards DISABLE TRIGGER scorecards_append_only",
    "UPDATE companion.scorecards SET calibration = companion.calibration_part(payload)",
    "ALTER TABLE companion.scorecards ENABLE TRIGGER scorecards_append_only",
    # Ids are 32 lower-case hex digits (a uuid4's hex): never a name, an e-mail or an
    # outcome, which the deletion audit would otherwise keep forever. NOT VALID: rows
    # stored under t0001 stay, and readers name them.
    "ALTER TABLE companion.scorecards ADD CONSTRAINT scorecard_id_is_hex "
    "CHECK (id ~ '^[0-9a-f]{32}$') NOT VALID",
    "ALTER TABLE companion.deletions ADD CONSTRAINT deletion_id_is_plain "
    "CHECK (record_id ~ '^([0-9a-f]{32}|[0-9]+)$') NOT VALID",
    # The audit keeps an id that is not plain hex as its digest, never as text.
    """CREATE OR REPLACE FUNCTION companion.audit_deletion() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF TG_TABLE_NAME = 'scorecards' THEN
                INSERT INTO companion.deletions (record_kind, record_id, record_owner)
                VALUES ('scorecard', CASE WHEN OLD.id ~ '^[0-9a-f]{32}$' THEN OLD.id
                                          ELSE md5(OLD.id) END, OLD.owner);
            ELSE
                INSERT INTO companion.deletions (record_kind, record_id, record_owner)
                VALUES ('decision', OLD.id::text, OLD.recorded_by);
            END IF;
            RETURN OLD;
        END $$""",
    # Member changes leave an audit row too (who, when, which login; no name).
    """CREATE TABLE companion.member_changes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        changed_at timestamptz NOT NULL DEFAULT now(),
        changed_by name NOT NULL DEFAULT session_user,
        action text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
        role_name name NOT NULL
    )""",
    """CREATE FUNCTION companion.audit_member() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            INSERT INTO companion.member_changes (action, role_name)
            VALUES (TG_OP, CASE WHEN TG_OP = 'DELETE' THEN OLD.role_name
                                ELSE NEW.role_name END);
            RETURN NULL;
        END $$""",
    "CREATE TRIGGER members_audit AFTER INSERT OR UPDATE OR DELETE ON companion.members "
    "FOR EACH ROW EXECUTE FUNCTION companion.audit_member()",
    "CREATE TRIGGER member_changes_append_only BEFORE UPDATE OR DELETE "
    "ON companion.member_changes FOR EACH ROW EXECUTE FUNCTION companion.refuse_change()",
    "CREATE TRIGGER member_changes_no_truncate BEFORE TRUNCATE ON companion.member_changes "
    "FOR EACH STATEMENT EXECUTE FUNCTION companion.refuse_change()",
]

ROLES = [
    f"""DO $$ DECLARE login name; BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{OWNER}') THEN
                CREATE ROLE {OWNER} NOLOGIN;
            END IF;
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles
                           WHERE rolname = {DB_ROLE_SQL}) THEN
                EXECUTE format('CREATE ROLE %I NOLOGIN', {DB_ROLE_SQL});
            END IF;
            -- Handing functions to the owner role needs membership in it.
            IF NOT pg_catalog.pg_has_role(current_user, '{OWNER}', 'MEMBER') THEN
                EXECUTE format('GRANT {OWNER} TO %I', current_user);
            END IF;
            -- Every member login of this database gets its CONNECT role.
            FOR login IN SELECT m.role_name FROM companion.members m
                           JOIN pg_catalog.pg_roles r ON r.rolname = m.role_name LOOP
                EXECUTE format('GRANT %I TO %I', {DB_ROLE_SQL}, login);
            END LOOP;
        END $$""",
    f"GRANT USAGE, CREATE ON SCHEMA companion TO {OWNER}",
    # The owner role reads and writes the tables only through the functions it owns;
    # row security lets it see every row (the functions apply the rules).
    f"GRANT SELECT, INSERT, DELETE ON companion.scorecards, companion.amendments, "
    f"companion.decisions TO {OWNER}",
    f"GRANT SELECT ON companion.members, companion.deletions TO {OWNER}",
    *(f"CREATE POLICY owner_role ON companion.{table} TO {OWNER} USING (true) "
      "WITH CHECK (true)" for table in ("scorecards", "amendments", "decisions")),
]

PRIVILEGES = [
    # People keep no table privilege at all: a plan can only count what a function returned.
    f"REVOKE ALL ON ALL TABLES IN SCHEMA companion FROM PUBLIC, {EVERYONE}",
    f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA companion FROM PUBLIC, {EVERYONE}",
    # A function a later revision forgets to revoke is still nobody's by default.
    "ALTER DEFAULT PRIVILEGES IN SCHEMA companion REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
    # Index and CHECK expressions on members call it when an admin adds someone.
    "GRANT EXECUTE ON FUNCTION companion.fold_name(text) TO companion_admin",
    # ... except the schema version, so an older app can say "update the app".
    f"GRANT SELECT ON companion.alembic_version TO {EVERYONE}",
    f"GRANT USAGE ON SCHEMA companion TO {EVERYONE}",
    # Admins still manage members with their own SQL (team add-interviewer ...);
    # each change is audited in member_changes.
    "GRANT SELECT, INSERT, UPDATE, DELETE ON companion.members TO companion_admin",
    "GRANT SELECT ON companion.member_changes TO companion_admin",
    # CONNECT: this database's role only (see above). Only the database's owner can
    # take it from PUBLIC; anyone else gets a notice and an administrator does it.
    f"""DO $$ BEGIN
            IF pg_catalog.pg_has_role(current_user, (SELECT datdba FROM pg_catalog.pg_database
                                                      WHERE datname = current_database()),
                                      'MEMBER') THEN
                EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC, '
                               '{EVERYONE}', current_database());
                EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(),
                               {DB_ROLE_SQL});
            ELSE
                RAISE NOTICE 'not the owner of database %: ask its owner to run REVOKE '
                             'CONNECT ON DATABASE % FROM PUBLIC', current_database(),
                             current_database();
            END IF;
        END $$""",
]

FUNCTIONS = [
    *api_function(
        "list_members()", "TABLE (role_name name, display_name text)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT m.role_name, m.display_name FROM companion.members m
                         ORDER BY m.role_name;
        END""", EVERYONE, "STABLE"),

    # The one way a scorecard is stored: by its interviewer (owner = the caller) or,
    # for a hand-carried file, by a panel lead for the member the file names.
    f"""CREATE FUNCTION companion.store_scorecard(p_owner name, p_id text,
                                                  p_format_version integer,
                                                  p_sha256 text, p_payload text)
        RETURNS text LANGUAGE plpgsql VOLATILE
        SET search_path = pg_catalog, pg_temp
        AS $$
        #variable_conflict use_column
        DECLARE doc jsonb; problem text; submitted timestamptz; held record;
        BEGIN
            IF p_id IS NULL OR p_id !~ '^[0-9a-f]{{32}}$' THEN
                RAISE EXCEPTION 'a scorecard id is 32 lower-case hex digits'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_sha256 IS NULL OR p_sha256 !~ '^[0-9a-f]{{64}}$' THEN
                RAISE EXCEPTION 'the content hash is 64 lower-case hex digits'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_format_version IS NULL OR p_format_version NOT IN {FORMAT_VERSIONS} THEN
                RAISE EXCEPTION 'scorecard format % is not one this team store keeps',
                    p_format_version USING ERRCODE = 'invalid_parameter_value';
            END IF;
            doc := companion.bounded_json(p_payload, 'the scorecard', {SCORECARD_BYTES},
                                          {SCORECARD_DEPTH});
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
            INSERT INTO companion.scorecards (id, owner, published_by, interviewer, candidate,
                                              submitted_at, format_version, content_sha256,
                                              payload, calibration)
            VALUES (p_id, p_owner, session_user, doc->>'interviewer', doc->>'candidate', submitted,
                    p_format_version, p_sha256, doc, companion.calibration_part(doc))
            ON CONFLICT (id) DO NOTHING;
            IF FOUND THEN
                RETURN 'stored';
            END IF;
            SELECT s.owner, s.payload = doc AS same INTO held
              FROM companion.scorecards s WHERE s.id = p_id;
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
        END $$""",
    f"ALTER FUNCTION companion.store_scorecard(name, text, integer, text, text) OWNER TO {OWNER}",

    *api_function(
        "publish_scorecard(p_id text, p_format_version integer, p_sha256 text, "
        "p_payload text)", "text", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN companion.store_scorecard(session_user, p_id, p_format_version, p_sha256,
                                             p_payload);
        END""", "companion_interviewer, companion_lead"),

    *api_function(
        "import_scorecard(p_interviewer text, p_id text, p_format_version integer, "
        "p_sha256 text, p_payload text)", "text", f"""
        DECLARE me text; owner_role name;
        BEGIN {CALLER}
            SELECT m.role_name INTO owner_role FROM companion.members m
             WHERE companion.fold_name(m.display_name) = companion.fold_name(p_interviewer)
               AND pg_catalog.pg_has_role(m.role_name, 'companion_interviewer', 'MEMBER');
            IF owner_role IS NULL THEN
                RAISE EXCEPTION 'scorecard % names %, who is not an interviewer of this team '
                                'store: an admin adds them first', p_id,
                                quote_literal(p_interviewer)
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN companion.store_scorecard(owner_role, p_id, p_format_version, p_sha256,
                                             p_payload);
        END""", "companion_lead"),

    *api_function(
        "stored_copy(p_id text)",
        "TABLE (owner name, published_by name, amendments_in_payload integer)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY
            SELECT s.owner, s.published_by,
                   coalesce(jsonb_array_length(CASE WHEN jsonb_typeof(s.payload->'amendments')
                                                   = 'array' THEN s.payload->'amendments'
                                               END), 0)
              FROM companion.scorecards s
             WHERE s.id = p_id AND (s.owner = session_user OR s.published_by = session_user
                                    OR {SEES_ALL});
        END""", EVERYONE, "STABLE"),

    *api_function(
        "append_amendment(p_scorecard_id text, p_seq integer, p_at timestamptz, "
        "p_change text)", "text", f"""
        DECLARE me text; doc jsonb; card record; newest integer; held record;
        BEGIN {CALLER}
            doc := companion.bounded_json(p_change, 'the amendment', {CHANGE_BYTES},
                                          {CHANGE_DEPTH});
            IF jsonb_typeof(doc->'change') IS DISTINCT FROM 'object'
               OR doc->'change'->>'type' IS NULL
               OR doc->'change'->>'type' NOT IN ({EDIT_TYPES})
               OR (doc->'reason' IS NOT NULL AND (jsonb_typeof(doc->'reason') <> 'string'
                   OR char_length(doc->>'reason') > 2000)) THEN
                RAISE EXCEPTION 'the amendment is not a rate, probe, flag, text or recommend edit'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_seq IS NULL OR p_seq < 1 OR p_seq > {AMENDMENTS} THEN
                RAISE EXCEPTION 'an amendment number is from 1 to {AMENDMENTS}'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT s.owner, s.submitted_at,
                   CASE WHEN jsonb_typeof(s.payload->'amendments') = 'array'
                        THEN jsonb_array_length(s.payload->'amendments') ELSE 0 END AS carried
              INTO card FROM companion.scorecards s WHERE s.id = p_scorecard_id;
            IF card.owner IS DISTINCT FROM session_user THEN
                RAISE EXCEPTION 'scorecard % is not one of yours in the team store',
                    p_scorecard_id USING ERRCODE = 'insufficient_privilege';
            END IF;
            SELECT a.at = p_at AND a.change = doc AS same INTO held FROM companion.amendments a
             WHERE a.scorecard_id = p_scorecard_id AND a.seq = p_seq;
            IF FOUND THEN
                IF NOT held.same THEN
                    RAISE EXCEPTION 'amendment % of scorecard % is already in the team store '
                                    'with different content; nothing was changed', p_seq,
                                    p_scorecard_id USING ERRCODE = 'unique_violation';
                END IF;
                RETURN 'same';
            END IF;
            IF p_at IS NULL OR p_at < card.submitted_at OR p_at > now() + {SKEW} THEN
                RAISE EXCEPTION 'an amendment''s time lies between its scorecard''s '
                                'submission (%) and now', card.submitted_at
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            -- numbered after those a hand-carried file brought inside its payload
            SELECT greatest(coalesce(max(a.seq), 0), card.carried) INTO newest
              FROM companion.amendments a WHERE a.scorecard_id = p_scorecard_id;
            IF p_seq <> newest + 1 THEN
                RAISE EXCEPTION 'amendment % of scorecard % comes after amendment %, which '
                                'the team store does not have', p_seq, p_scorecard_id,
                                p_seq - 1 USING ERRCODE = 'invalid_parameter_value';
            END IF;
            INSERT INTO companion.amendments (scorecard_id, seq, at, author, change)
            VALUES (p_scorecard_id, p_seq, p_at, me, doc);
            RETURN 'stored';
        END""", "companion_interviewer"),

    # What the caller may read: leads and admins everything; an interviewer their own,
    # and a colleague's of a candidate once their own of that candidate is stored.
    # For an interviewer in two steps, each an index scan (the planner settings are
    # pinned here, whatever the caller SETs): the candidates they published a scorecard
    # of, then those candidates' scorecards. The work, and so any plan's counts, time
    # and buffers, follows the rows the caller may read, not the table's.
    """CREATE FUNCTION companion.readable_own(p_candidate text)
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
        END $$""",
    f"ALTER FUNCTION companion.readable_own(text) OWNER TO {OWNER}",
    f"""CREATE FUNCTION companion.readable(p_candidate text)
        RETURNS SETOF companion.scorecards LANGUAGE plpgsql STABLE
        SET search_path = pg_catalog, pg_temp
        AS $$
        BEGIN
            IF {SEES_ALL} THEN
                RETURN QUERY SELECT * FROM companion.scorecards s
                 WHERE p_candidate IS NULL
                    OR s.candidate_key = companion.fold_name(p_candidate);
            ELSE
                RETURN QUERY SELECT * FROM companion.readable_own(p_candidate);
            END IF;
        END $$""",
    f"ALTER FUNCTION companion.readable(text) OWNER TO {OWNER}",

    *api_function(
        "list_candidates()",
        "TABLE (candidate text, scorecards bigint, last_submitted_at timestamptz)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT min(r.candidate), count(*), max(r.submitted_at)
                           FROM companion.readable(NULL) r GROUP BY r.candidate_key
                          ORDER BY max(r.submitted_at) DESC, min(r.candidate);
        END""", EVERYONE, "STABLE"),

    # Payloads leave as text: a client never has to trust a driver's JSON loader.
    *api_function(
        "read_scorecards(p_candidate text, p_since timestamptz)",
        "TABLE (id text, owner name, published_by name, published_at timestamptz, "
        "interviewer text, candidate text, submitted_at timestamptz, format_version integer, "
        "content_sha256 text, payload text)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT r.id, r.owner, r.published_by, r.published_at, r.interviewer,
                                r.candidate, r.submitted_at, r.format_version,
                                r.content_sha256, r.payload::text
                           FROM companion.readable(p_candidate) r
                          WHERE p_since IS NULL OR r.submitted_at >= p_since
                          ORDER BY r.submitted_at, r.id;
        END""", EVERYONE, "STABLE"),

    # What calibration needs of every readable scorecard, and nothing else: the
    # header, ratings, failure probes, flag states, the recommendation and the
    # amendments that change those (bench/team_store.py: reading whole payloads
    # made calibration over the team store ten times slower than over a laptop's).
    # Kept beside the payload when a scorecard is stored (column ``calibration``).
    *api_function(
        "read_calibration(p_since timestamptz)",
        "TABLE (id text, format_version integer, card text)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY
            SELECT r.id, r.format_version,
                   coalesce(r.calibration, companion.calibration_part(r.payload))::text
              FROM companion.readable(NULL) r
             WHERE p_since IS NULL OR r.submitted_at >= p_since
             ORDER BY r.submitted_at, r.id;
        END""", EVERYONE, "STABLE"),

    *api_function(
        "read_amendments(p_candidate text)",
        "TABLE (scorecard_id text, seq integer, at timestamptz, author text, "
        "author_role name, change text, recorded_at timestamptz)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT a.scorecard_id, a.seq, a.at, a.author, a.author_role,
                                a.change::text, a.recorded_at
                           FROM companion.amendments a
                           JOIN companion.readable(p_candidate) r ON r.id = a.scorecard_id
                          ORDER BY a.scorecard_id, a.seq;
        END""", EVERYONE, "STABLE"),

    *api_function(
        "record_decision(p_candidate text, p_outcome text, p_level text, "
        "p_decided_at timestamptz, p_note text)", "text", f"""
        DECLARE me text; held record;
        BEGIN {CALLER}
            IF p_candidate IS NULL OR companion.fold_name(p_candidate) = ''
               OR char_length(p_candidate) > {NAME_CHARS}
               OR p_outcome IS NULL OR p_outcome NOT IN ('hire', 'no_hire', 'withdrawn')
               OR char_length(p_level) > {NAME_CHARS}
               OR p_note IS NULL OR char_length(p_note) > {NOTE_CHARS} THEN
                RAISE EXCEPTION 'a decision names a candidate, an outcome of hire, no_hire '
                                'or withdrawn, and a note of at most {NOTE_CHARS} characters'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            IF p_decided_at IS NULL OR p_decided_at < '2000-01-01'
               OR p_decided_at > now() + {SKEW} THEN
                RAISE EXCEPTION 'a decision''s time lies between 2000 and now'
                    USING ERRCODE = 'invalid_parameter_value';
            END IF;
            SELECT d.candidate = p_candidate AND d.outcome = p_outcome
                   AND d.level IS NOT DISTINCT FROM p_level AND d.decided_by = me
                   AND d.note = p_note AS same INTO held
              FROM companion.decisions d
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
            INSERT INTO companion.decisions (candidate, outcome, level, decided_by,
                                             decided_at, note)
            VALUES (p_candidate, p_outcome, p_level, me, p_decided_at, p_note);
            RETURN 'stored';
        END""", "companion_lead"),

    *api_function(
        "read_decisions(p_candidate text)",
        "TABLE (candidate text, outcome text, level text, decided_by text, "
        "decided_at timestamptz, note text, recorded_by name, recorded_at timestamptz)", f"""
        DECLARE me text;
        BEGIN {CALLER}
            RETURN QUERY SELECT DISTINCT ON (d.candidate_key) d.candidate, d.outcome, d.level,
                                d.decided_by, d.decided_at, d.note, d.recorded_by,
                                d.recorded_at
                           FROM companion.decisions d
                          WHERE p_candidate IS NULL
                             OR d.candidate_key = companion.fold_name(p_candidate)
                          ORDER BY d.candidate_key, d.decided_at DESC, d.recorded_at DESC;
        END""", LEADS_AND_ADMINS, "STABLE"),

    *api_function(
        "delete_candidate(p_candidate text)",
        "TABLE (scorecards bigint, decisions bigint)", f"""
        DECLARE me text; cards bigint; made bigint;
        BEGIN {CALLER}
            IF NOT {_in_group('companion_admin')} THEN
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
        END""", "companion_admin"),
]

NEW_FUNCTIONS = (
    "list_members()", "publish_scorecard(text, integer, text, text)",
    "import_scorecard(text, text, integer, text, text)", "stored_copy(text)",
    "append_amendment(text, integer, timestamptz, text)", "list_candidates()",
    "read_scorecards(text, timestamptz)", "read_amendments(text)",
    "read_calibration(timestamptz)",
    "record_decision(text, text, text, timestamptz, text)", "read_decisions(text)",
    "delete_candidate(text)", "readable(text)", "readable_own(text)",
    "store_scorecard(name, text, integer, text, text)", "scorecard_problem(jsonb)",
    "bounded_json(text, text, integer, integer)", "too_deep(jsonb, integer)",
    "calibration_part(jsonb)",
    "audit_member()")


# Functions only other functions call: nobody else runs them; the owner role runs all.
INTERNAL = [
    *(f"REVOKE ALL ON FUNCTION companion.{fn} FROM PUBLIC"
      for fn in ("readable(text)", "readable_own(text)",
                 "store_scorecard(name, text, integer, text, text)")),
    f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA companion TO {OWNER}",
]


def upgrade() -> None:
    for statement in (*HELPERS, *TABLES, *ROLES, *PRIVILEGES, *FUNCTIONS, *INTERNAL):
        op.execute(statement)


# t0001's privileges, given back on the way down.
T0001_PRIVILEGES = [
    f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA companion TO {EVERYONE}",
    f"GRANT SELECT ON companion.members TO {EVERYONE}",
    "GRANT SELECT, INSERT ON companion.scorecards, companion.amendments "
    "TO companion_interviewer",
    "GRANT SELECT, INSERT ON companion.scorecards, companion.decisions TO companion_lead",
    "GRANT SELECT ON companion.amendments TO companion_lead",
    "GRANT SELECT, DELETE ON companion.scorecards, companion.decisions TO companion_admin",
    "GRANT SELECT ON companion.amendments, companion.deletions TO companion_admin",
    """DO $$ BEGIN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO PUBLIC', current_database());
        END $$""",
]


def downgrade() -> None:
    statements = [
        "DROP TABLE companion.member_changes",
        "DROP TRIGGER members_audit ON companion.members",
        *(f"DROP FUNCTION companion.{fn}" for fn in NEW_FUNCTIONS),
        *(f"DROP POLICY owner_role ON companion.{table}"
          for table in ("scorecards", "amendments", "decisions")),
        f"REVOKE ALL ON ALL TABLES IN SCHEMA companion FROM {OWNER}",
        f"REVOKE ALL ON SCHEMA companion FROM {OWNER}",
        "ALTER TABLE companion.scorecards DROP CONSTRAINT scorecard_id_is_hex",
        "ALTER TABLE companion.deletions DROP CONSTRAINT deletion_id_is_plain",
        "ALTER TABLE companion.scorecards DROP COLUMN calibration",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA companion GRANT EXECUTE ON FUNCTIONS TO PUBLIC",
        *T0001_PRIVILEGES,
    ]
    for statement in statements:
        op.execute(statement)
