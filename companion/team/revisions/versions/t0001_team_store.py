"""The team store: members, published scorecards, amendments, decisions, deletion audit.

Revision ID: t0001
Revises: (none)

Frozen once released: a later change is a new revision. The rules of the team
store live here, in the database, so that no client can skip them:

* an interviewer publishes only as themselves (the row's owner is the login role,
  the scorecard's interviewer name is that role's name in ``members``), and reads a
  colleague's scorecard of a candidate only once their own scorecard of that
  candidate is published;
* nothing published is ever updated; later changes are appended amendments;
* panel leads read everything and record the panel's decision;
* only admins delete, and each deleted scorecard or decision leaves an audit row
  that holds no candidate data.

Group roles are cluster-wide and made here when missing, so ``team setup`` needs
CREATEROLE only the first time. Every function used by a policy or a trigger pins
its search_path, so no role can slip its own objects in front of ours.
"""

from __future__ import annotations

from alembic import op

revision = "t0001"
down_revision = None
branch_labels = None
depends_on = None

GROUPS = ("companion_interviewer", "companion_lead", "companion_admin")

UPGRADE = [
    "CREATE SCHEMA IF NOT EXISTS companion",
    *(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '{group}') THEN
                CREATE ROLE {group} NOLOGIN;
            END IF;
        END $$""" for group in GROUPS),
    # The one place names are compared: case- and space-insensitive.
    """CREATE FUNCTION companion.fold_name(name text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        SET search_path = pg_catalog, pg_temp
        AS $$ SELECT pg_catalog.lower(pg_catalog.btrim(
                  pg_catalog.regexp_replace(name, '\\s+', ' ', 'g'))) $$""",
    """CREATE TABLE companion.members (
        role_name name PRIMARY KEY,
        display_name text NOT NULL CHECK (companion.fold_name(display_name) <> ''),
        added_at timestamptz NOT NULL DEFAULT now(),
        added_by name NOT NULL DEFAULT session_user
    )""",
    "CREATE UNIQUE INDEX members_display_name ON companion.members "
    "(companion.fold_name(display_name))",
    """CREATE TABLE companion.scorecards (
        id text PRIMARY KEY CHECK (id <> ''),
        owner name NOT NULL DEFAULT session_user,
        published_by name NOT NULL DEFAULT session_user,
        published_at timestamptz NOT NULL DEFAULT now(),
        interviewer text NOT NULL,
        candidate text NOT NULL,
        candidate_key text GENERATED ALWAYS AS (companion.fold_name(candidate)) STORED,
        submitted_at timestamptz NOT NULL,
        -- the exchange file's format version of the payload, and the hash such a
        -- file would carry: what comes back is checked exactly like a file
        format_version integer NOT NULL CHECK (format_version >= 1),
        content_sha256 text NOT NULL CHECK (content_sha256 ~ '^[0-9a-f]{64}$'),
        payload jsonb NOT NULL,
        CONSTRAINT payload_matches_row CHECK (
            jsonb_typeof(payload) = 'object'
            AND payload->>'id' = id
            AND payload->>'candidate' = candidate
            AND payload->>'interviewer' = interviewer
            AND payload->>'submitted_at' IS NOT NULL)
    )""",
    "CREATE INDEX scorecards_candidate ON companion.scorecards (candidate_key)",
    "CREATE INDEX scorecards_owner_candidate ON companion.scorecards (owner, candidate_key)",
    """CREATE TABLE companion.amendments (
        scorecard_id text NOT NULL
            REFERENCES companion.scorecards (id) ON DELETE CASCADE,
        seq integer NOT NULL CHECK (seq >= 1),
        at timestamptz NOT NULL,
        author text NOT NULL,
        author_role name NOT NULL DEFAULT session_user,
        change jsonb NOT NULL CHECK (jsonb_typeof(change) = 'object'),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scorecard_id, seq)
    )""",
    """CREATE TABLE companion.decisions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        candidate text NOT NULL,
        candidate_key text GENERATED ALWAYS AS (companion.fold_name(candidate)) STORED,
        outcome text NOT NULL CHECK (outcome IN ('hire', 'no_hire', 'withdrawn')),
        level text,
        decided_by text NOT NULL,
        decided_at timestamptz NOT NULL,
        note text NOT NULL DEFAULT '',
        recorded_by name NOT NULL DEFAULT session_user,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (candidate_key, decided_at)
    )""",
    # Who deleted what and when; never a name, a note or a score.
    """CREATE TABLE companion.deletions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        deleted_at timestamptz NOT NULL DEFAULT now(),
        deleted_by name NOT NULL DEFAULT session_user,
        record_kind text NOT NULL CHECK (record_kind IN ('scorecard', 'decision')),
        record_id text NOT NULL,
        record_owner name NOT NULL
    )""",

    # ---- helpers for the policies
    # SECURITY DEFINER: it reads the scorecards table from inside that table's own
    # policy; as the table's owner it is not subject to the policy (no recursion),
    # and it only ever answers about the caller's own rows.
    """CREATE FUNCTION companion.has_published_for(key text) RETURNS boolean
        LANGUAGE sql STABLE SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp
        AS $$ SELECT EXISTS (SELECT 1 FROM companion.scorecards s
                             WHERE s.owner = session_user AND s.candidate_key = key) $$""",
    """CREATE FUNCTION companion.is_member_named(role name, name text) RETURNS boolean
        LANGUAGE sql STABLE
        SET search_path = pg_catalog, pg_temp
        AS $$ SELECT EXISTS (SELECT 1 FROM companion.members m
                             WHERE m.role_name = role
                               AND companion.fold_name(m.display_name)
                                   = companion.fold_name(name)) $$""",

    # ---- triggers: append-only, the amendment's author, the audit trail
    """CREATE FUNCTION companion.refuse_change() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            RAISE EXCEPTION 'companion.% is append-only: % is not allowed',
                TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege',
                      HINT = 'a published scorecard changes only by an amendment';
        END $$""",
    """CREATE FUNCTION companion.stamp_amendment() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            NEW.author_role := session_user;
            SELECT m.display_name INTO NEW.author
              FROM companion.members m WHERE m.role_name = session_user;
            IF NEW.author IS NULL THEN
                RAISE EXCEPTION 'role % is not a member of this team store', session_user
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$""",
    """CREATE FUNCTION companion.audit_deletion() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
        BEGIN
            IF TG_TABLE_NAME = 'scorecards' THEN
                INSERT INTO companion.deletions (record_kind, record_id, record_owner)
                VALUES ('scorecard', OLD.id, OLD.owner);
            ELSE
                INSERT INTO companion.deletions (record_kind, record_id, record_owner)
                VALUES ('decision', OLD.id::text, OLD.recorded_by);
            END IF;
            RETURN OLD;
        END $$""",
    *(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON companion.{table} "
      "FOR EACH ROW EXECUTE FUNCTION companion.refuse_change()"
      for table in ("scorecards", "amendments", "decisions", "deletions")),
    # TRUNCATE would delete without a row trigger, so without an audit row.
    *(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON companion.{table} "
      "FOR EACH STATEMENT EXECUTE FUNCTION companion.refuse_change()"
      for table in ("scorecards", "amendments", "decisions", "deletions")),
    "CREATE TRIGGER deletions_keep BEFORE DELETE ON companion.deletions "
    "FOR EACH ROW EXECUTE FUNCTION companion.refuse_change()",
    "CREATE TRIGGER amendments_author BEFORE INSERT ON companion.amendments "
    "FOR EACH ROW EXECUTE FUNCTION companion.stamp_amendment()",
    *(f"CREATE TRIGGER {table}_audit AFTER DELETE ON companion.{table} "
      "FOR EACH ROW EXECUTE FUNCTION companion.audit_deletion()"
      for table in ("scorecards", "decisions")),

    # ---- row-level security
    "ALTER TABLE companion.scorecards ENABLE ROW LEVEL SECURITY",
    """CREATE POLICY interviewer_reads ON companion.scorecards FOR SELECT
        TO companion_interviewer
        USING (owner = session_user OR companion.has_published_for(candidate_key))""",
    """CREATE POLICY interviewer_publishes ON companion.scorecards FOR INSERT
        TO companion_interviewer
        WITH CHECK (owner = session_user AND published_by = session_user
                    AND companion.is_member_named(session_user, interviewer))""",
    """CREATE POLICY lead_reads ON companion.scorecards FOR SELECT
        TO companion_lead, companion_admin USING (true)""",
    # A panel lead stores a hand-carried file for an interviewer who was offline:
    # the row still belongs to that interviewer's role, under their own name.
    """CREATE POLICY lead_imports ON companion.scorecards FOR INSERT
        TO companion_lead
        WITH CHECK (published_by = session_user
                    AND pg_catalog.pg_has_role(owner, 'companion_interviewer', 'MEMBER')
                    AND companion.is_member_named(owner, interviewer))""",
    """CREATE POLICY admin_deletes ON companion.scorecards FOR DELETE
        TO companion_admin USING (true)""",

    "ALTER TABLE companion.amendments ENABLE ROW LEVEL SECURITY",
    # Visible exactly when its scorecard is visible to the caller (that table's
    # policies apply inside the subquery).
    """CREATE POLICY follows_scorecard ON companion.amendments FOR SELECT
        TO companion_interviewer, companion_lead, companion_admin
        USING (EXISTS (SELECT 1 FROM companion.scorecards s WHERE s.id = scorecard_id))""",
    """CREATE POLICY owner_amends ON companion.amendments FOR INSERT
        TO companion_interviewer
        WITH CHECK (author_role = session_user
                    AND EXISTS (SELECT 1 FROM companion.scorecards s
                                WHERE s.id = scorecard_id AND s.owner = session_user))""",

    "ALTER TABLE companion.decisions ENABLE ROW LEVEL SECURITY",
    """CREATE POLICY lead_reads ON companion.decisions FOR SELECT
        TO companion_lead, companion_admin USING (true)""",
    """CREATE POLICY lead_decides ON companion.decisions FOR INSERT
        TO companion_lead
        WITH CHECK (recorded_by = session_user
                    AND companion.is_member_named(session_user, decided_by))""",
    """CREATE POLICY admin_deletes ON companion.decisions FOR DELETE
        TO companion_admin USING (true)""",

    # ---- privileges: nothing by default, then exactly what each group needs
    "REVOKE ALL ON SCHEMA companion FROM PUBLIC",
    "REVOKE ALL ON ALL TABLES IN SCHEMA companion FROM PUBLIC",
    "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA companion FROM PUBLIC",
    f"GRANT USAGE ON SCHEMA companion TO {', '.join(GROUPS)}",
    f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA companion TO {', '.join(GROUPS)}",
    f"GRANT SELECT ON companion.members TO {', '.join(GROUPS)}",
    # Alembic made its version table before this step ran; clients read it to
    # refuse writing to a schema newer than they know.
    f"GRANT SELECT ON companion.alembic_version TO {', '.join(GROUPS)}",
    "GRANT INSERT, UPDATE, DELETE ON companion.members TO companion_admin",
    "GRANT SELECT, INSERT ON companion.scorecards, companion.amendments "
    "TO companion_interviewer",
    "GRANT SELECT, INSERT ON companion.scorecards, companion.decisions TO companion_lead",
    "GRANT SELECT ON companion.amendments TO companion_lead",
    "GRANT SELECT, DELETE ON companion.scorecards, companion.decisions TO companion_admin",
    "GRANT SELECT ON companion.amendments, companion.deletions TO companion_admin",
    # Logins need CONNECT; a managed server may have taken it from PUBLIC.
    f"""DO $$ BEGIN
            EXECUTE format('GRANT CONNECT ON DATABASE %I TO {', '.join(GROUPS)}',
                           current_database());
        END $$""",
]

DOWNGRADE = [
    *(f"DROP TABLE IF EXISTS companion.{table} CASCADE"
      for table in ("amendments", "scorecards", "decisions", "deletions", "members")),
    *(f"DROP FUNCTION IF EXISTS companion.{fn} CASCADE"
      for fn in ("has_published_for(text)", "is_member_named(name, text)",
                 "refuse_change()", "stamp_amendment()", "audit_deletion()",
                 "fold_name(text)")),
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    # Group roles stay: they are cluster-wide and may serve another database.
    for statement in DOWNGRADE:
        op.execute(statement)
