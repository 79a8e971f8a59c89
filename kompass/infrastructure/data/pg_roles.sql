-- What the database itself enforces on PostgreSQL (docs/postgres-roles.md). Run by
-- kompass.infrastructure.pg_roles as the owner role (SET ROLE), inside one transaction, after the
-- tables were handed to it. Idempotent: every object is created if missing or replaced.
-- Tokens: @OWNER@ @ADMIN@ @COORDINATOR@ @AUDITOR@ @ANALYST@ @PROJECTOR@ (role names, already quoted),
-- @EVENTS@ @SNAPSHOTS@ (table names, quoted; @EVENTS_LIT@ unquoted), @EVENTS_SEQ@ (the notification id sequence, quoted).

-- The log's own grants, derived from the role events as they are stored (only admins store those).
CREATE TABLE IF NOT EXISTS kompass_role_grants (
    login text NOT NULL,
    role text NOT NULL,
    region text NOT NULL DEFAULT '',
    PRIMARY KEY (login, role, region)
);

-- Each aggregate's kind, key and region, from its first event: what a coordinator's write is checked against.
CREATE TABLE IF NOT EXISTS kompass_aggregate_regions (
    originator_id uuid PRIMARY KEY,
    kind text NOT NULL,
    key text,
    region text
);
CREATE INDEX IF NOT EXISTS kompass_aggregate_regions_key ON kompass_aggregate_regions (kind, key);

-- PL/pgSQL rather than SQL: its plans are kept, where a SQL function that cannot be inlined is planned anew
-- at every call (once per statement on the events table).
CREATE OR REPLACE FUNCTION kompass_is_privileged(who name) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
BEGIN
    RETURN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = who AND rolsuper)
        OR pg_has_role(who, '@OWNER_LIT@', 'MEMBER')
        OR pg_has_role(who, '@ADMIN_LIT@', 'MEMBER');
END
$f$;

-- Remember what one stored event says about roles and regions.
CREATE OR REPLACE FUNCTION kompass_index_event(topic text, id uuid, version bigint, data jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
DECLARE
    who text := data->>'user';
    what text := data->>'role';
    regions text[] := ARRAY(SELECT jsonb_array_elements_text(COALESCE(data->'regions', '[]'::jsonb)));
BEGIN
    IF topic IN ('kompass.domain.user:User.Registered', 'kompass.domain.user:User.RoleGranted') THEN
        IF what = 'coordinator' AND cardinality(regions) > 0 THEN
            INSERT INTO kompass_role_grants (login, role, region)
                SELECT who, what, r FROM unnest(regions) AS r ON CONFLICT DO NOTHING;
        ELSE
            INSERT INTO kompass_role_grants (login, role, region) VALUES (who, what, '') ON CONFLICT DO NOTHING;
        END IF;
    ELSIF topic = 'kompass.domain.user:User.RoleRevoked' THEN
        DELETE FROM kompass_role_grants g
            WHERE g.login = who AND g.role = what AND (cardinality(regions) = 0 OR g.region = ANY (regions));
    END IF;
    IF topic LIKE 'kompass.domain.user:User.%' THEN
        PERFORM kompass_sync_membership(who, what);
    ELSIF topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged' THEN
        UPDATE kompass_aggregate_regions SET region = data->>'region' WHERE originator_id = id;
    ELSIF version = 1 AND data IS NOT NULL THEN
        INSERT INTO kompass_aggregate_regions (originator_id, kind, key, region)
            VALUES (id, split_part(split_part(topic, ':', 2), '.', 1),
                    COALESCE(data->>'ref', data->>'key', data->>'region'), data->>'region')
            ON CONFLICT DO NOTHING;
    END IF;
END
$f$;

-- Refuse, as one line, a change `who` may not make. SQLSTATE KP401 is kompass's "permission denied".
CREATE OR REPLACE FUNCTION kompass_check_region(who name, id uuid, version bigint, topic text, data jsonb) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
DECLARE
    agg kompass_aggregate_regions%ROWTYPE;
    actor_region text;
    mine text[] := ARRAY(SELECT region FROM kompass_role_grants WHERE login = who AND role = 'coordinator' AND region <> '');
BEGIN
    IF topic LIKE 'kompass.domain.user:User.%' THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format('%s may not grant or revoke roles: only an admin may', who);
    END IF;
    IF topic = 'kompass.domain.signing_key:SigningKey.KeyPublished' THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format(
            '%s may not publish a signing key for %s: a user publishes only their own key', who, COALESCE(data->>'user', 'someone else'));
    END IF;
    IF topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged' THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format(
            '%s may not move an initiative to another region: only an admin may', who);
    END IF;
    IF version = 1 THEN
        agg := ROW(id, split_part(split_part(topic, ':', 2), '.', 1),
                  COALESCE(data->>'ref', data->>'key', data->>'region'), data->>'region');
    ELSE
        SELECT * INTO agg FROM kompass_aggregate_regions WHERE originator_id = id;
    END IF;
    IF agg.region IS NOT NULL AND agg.region = ANY (mine) THEN
        RETURN;
    END IF;
    IF topic IN ('kompass.domain.initiative:Initiative.ActorJoined', 'kompass.domain.initiative:Initiative.ActorLeft') THEN
        SELECT region INTO actor_region FROM kompass_aggregate_regions WHERE kind = 'Actor' AND key = data->>'actor';
        IF actor_region = ANY (mine) THEN
            RETURN;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format(
            '%s may add to or remove from another region''s initiative only an actor of their own regions, not %s',
            who, COALESCE(data->>'actor', 'this one'));
    END IF;
    IF agg.kind IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format('%s may not change a record kompass does not know', who);
    END IF;
    IF agg.region IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format(
            '%s may not change %s %s: it has no region, so only an admin may', who, lower(agg.kind), agg.key);
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format(
        '%s may not change %s %s of region %s: only its region''s coordinators and admins may',
        who, lower(agg.kind), agg.key, agg.region);
END
$f$;

-- Checks and indexes a whole statement's rows at once (an import appends thousands per COPY): one privilege
-- check, one pass over the rows. AFTER the rows are in, so only rows the table accepted are indexed; an
-- exception still undoes the whole statement. JSON is parsed only where something is read from it.
CREATE OR REPLACE FUNCTION kompass_guard_events() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
DECLARE
    mine text[];
    bad record;
    r record;
    firsts boolean;
    specials boolean;
BEGIN
    SELECT bool_or(originator_version = 1), bool_or(topic LIKE 'kompass.domain.user:User.%'
                                                   OR topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged')
        INTO firsts, specials FROM kompass_new_events;
    IF firsts THEN
        INSERT INTO kompass_aggregate_regions (originator_id, kind, key, region)
            SELECT n.originator_id, split_part(split_part(n.topic, ':', 2), '.', 1),
                   COALESCE(d->>'ref', d->>'key', d->>'region'), d->>'region'
            FROM (SELECT originator_id, topic, convert_from(state, 'UTF8')::jsonb AS d FROM kompass_new_events
                  WHERE originator_version = 1 AND topic NOT LIKE 'kompass.domain.user:%') AS n
            ON CONFLICT DO NOTHING;
    END IF;
    IF NOT kompass_is_privileged(session_user) THEN
        mine := ARRAY(SELECT region FROM kompass_role_grants WHERE login = session_user AND role = 'coordinator' AND region <> '');
        SELECT n.* INTO bad FROM kompass_new_events n LEFT JOIN kompass_aggregate_regions a USING (originator_id)
            WHERE NOT (n.topic = 'kompass.domain.signing_key:SigningKey.KeyPublished' AND n.originator_version = 1
                       AND convert_from(n.state, 'UTF8')::jsonb->>'user' = session_user)  -- a writer's own key
            AND (n.topic LIKE 'kompass.domain.user:User.%' OR n.topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged'
               OR a.region IS NULL OR NOT (a.region = ANY (mine) OR (
                n.topic IN ('kompass.domain.initiative:Initiative.ActorJoined', 'kompass.domain.initiative:Initiative.ActorLeft')
                AND (SELECT b.region FROM kompass_aggregate_regions b WHERE b.kind = 'Actor'
                     AND b.key = convert_from(n.state, 'UTF8')::jsonb->>'actor') = ANY (mine))))
            ORDER BY n.notification_id LIMIT 1;
        IF FOUND THEN  -- says why, in one line
            PERFORM kompass_check_region(session_user, bad.originator_id, 2, bad.topic,
                                         CASE WHEN bad.topic LIKE '%.Actor%' OR bad.topic LIKE '%.KeyPublished'
                                              THEN convert_from(bad.state, 'UTF8')::jsonb END);
        END IF;
    END IF;
    IF NOT specials THEN
        RETURN NULL;
    END IF;
    FOR r IN SELECT topic, originator_id, originator_version, state FROM kompass_new_events
             WHERE topic LIKE 'kompass.domain.user:User.%' OR topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged'
             ORDER BY notification_id LOOP
        PERFORM kompass_index_event(r.topic, r.originator_id, r.originator_version, convert_from(r.state, 'UTF8')::jsonb);
    END LOOP;
    RETURN NULL;
END
$f$;

CREATE OR REPLACE FUNCTION kompass_guard_snapshot() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
BEGIN
    IF NOT kompass_is_privileged(session_user) THEN
        PERFORM kompass_check_region(session_user, NEW.originator_id, 2, NEW.topic, NULL);
    END IF;
    RETURN NEW;
END
$f$;

-- Writers append without the UPDATE privilege that LOCK TABLE … EXCLUSIVE asks for. A login that may not
-- append is told so about the table, as it would be by the INSERT that follows.
CREATE OR REPLACE FUNCTION kompass_lock_events() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
BEGIN
    IF NOT has_table_privilege(session_user, '@EVENTS@', 'INSERT') THEN
        RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE = 'permission denied for table @EVENTS_LIT@';
    END IF;
    LOCK TABLE @EVENTS@ IN EXCLUSIVE MODE;
END
$f$;

CREATE OR REPLACE FUNCTION kompass_group_role(kind text) RETURNS name
LANGUAGE sql IMMUTABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    SELECT CASE kind WHEN 'admin' THEN '@ADMIN_LIT@' WHEN 'coordinator' THEN '@COORDINATOR_LIT@'
        WHEN 'auditor' THEN '@AUDITOR_LIT@' WHEN 'analyst' THEN '@ANALYST_LIT@' WHEN 'projector' THEN '@PROJECTOR_LIT@' END::name
$f$;

-- The log decides: a login holds a group role exactly while the role events leave it that role. Called for
-- every stored role event; user ids that are no login of this server (yet) are left alone (`kompass init`
-- again, once the login exists, grants what the log says).
CREATE OR REPLACE FUNCTION kompass_sync_membership(p_login text, p_kind text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
DECLARE
    target name := kompass_group_role(p_kind);
    held boolean := EXISTS (SELECT 1 FROM kompass_role_grants g WHERE g.login = p_login AND g.role = p_kind);
    member boolean;
BEGIN
    IF target IS NULL OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login AND rolcanlogin AND NOT rolsuper) THEN
        RETURN;
    END IF;
    member := EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                      WHERE r.rolname = target AND u.rolname = p_login);
    IF held AND NOT member THEN
        EXECUTE format('GRANT %I TO %I', target, p_login);
    ELSIF member AND NOT held THEN
        EXECUTE format('REVOKE %I FROM %I', target, p_login);
    END IF;
END
$f$;

-- `kompass user grant/revoke` on PostgreSQL: an admin's login makes another login a member of a group role.
CREATE OR REPLACE FUNCTION kompass_set_membership(login name, kind text, member boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $f$
DECLARE
    target name := kompass_group_role(kind);
BEGIN
    IF NOT kompass_is_privileged(session_user) THEN
        RAISE EXCEPTION USING ERRCODE = 'KP401', MESSAGE = format('%s may not grant or revoke roles: only an admin may', session_user);
    END IF;
    IF target IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'KP400', MESSAGE = format('there is no kompass role %s', kind);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login AND rolcanlogin AND NOT rolsuper) THEN
        RAISE EXCEPTION USING ERRCODE = 'KP400', MESSAGE = format(
            'there is no database login %s (create it first: CREATE ROLE … LOGIN, as the database administrator)', login);
    END IF;
    IF member AND NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                              WHERE r.rolname = target AND u.rolname = login) THEN
        EXECUTE format('GRANT %I TO %I', target, login);
    ELSIF NOT member AND EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                                 WHERE r.rolname = target AND u.rolname = login) THEN
        EXECUTE format('REVOKE %I FROM %I', target, login);
    END IF;
END
$f$;

DROP TRIGGER IF EXISTS kompass_guard ON @EVENTS@;
CREATE TRIGGER kompass_guard AFTER INSERT ON @EVENTS@ REFERENCING NEW TABLE AS kompass_new_events
    FOR EACH STATEMENT EXECUTE FUNCTION kompass_guard_events();
DROP TRIGGER IF EXISTS kompass_guard ON @SNAPSHOTS@;
CREATE TRIGGER kompass_guard BEFORE INSERT ON @SNAPSHOTS@ FOR EACH ROW EXECUTE FUNCTION kompass_guard_snapshot();

-- Every trigger function on the store's tables (the recorder's and the append-only one included) runs as the
-- owner with a fixed search_path: a table a login creates elsewhere can never stand in for one of the store's.
DO $d$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT DISTINCT t.tgfoid::regprocedure FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal LOOP
        EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END
$d$;

-- What the log already holds (the reference data and first admin of `init`, or an older store).
LOCK TABLE @EVENTS@ IN EXCLUSIVE MODE;
DELETE FROM kompass_role_grants;
SELECT kompass_index_event(e.topic, e.originator_id, e.originator_version, convert_from(e.state, 'UTF8')::jsonb)
    FROM @EVENTS@ e WHERE e.originator_version = 1 OR e.topic LIKE 'kompass.domain.user:User.%'
        OR e.topic = 'kompass.domain.initiative:Initiative.LeadRegionChanged'
    ORDER BY e.notification_id;

-- Privileges: nothing for PUBLIC; SELECT for every kompass role except on the person register.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO @ADMIN@, @COORDINATOR@, @AUDITOR@, @ANALYST@, @PROJECTOR@;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO @ADMIN@, @COORDINATOR@, @AUDITOR@, @ANALYST@, @PROJECTOR@;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO @ADMIN@, @COORDINATOR@, @AUDITOR@, @ANALYST@, @PROJECTOR@;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- The write path: events, snapshots, the Merkle tree's nodes, the log's state and its checkpoints.
GRANT INSERT ON @EVENTS@, @SNAPSHOTS@, kompass_log_nodes, kompass_checkpoints TO @ADMIN@, @COORDINATOR@;
GRANT UPDATE (size, position, frontier) ON kompass_log TO @ADMIN@, @COORDINATOR@;
GRANT USAGE ON SEQUENCE @EVENTS_SEQ@ TO @ADMIN@, @COORDINATOR@;
GRANT EXECUTE ON FUNCTION kompass_lock_events() TO PUBLIC;
GRANT EXECUTE ON FUNCTION kompass_set_membership(name, text, boolean) TO @ADMIN@;

-- Read models: whoever brings them up to the log (a query catches up first); `verify` compares them with a
-- replay. The derived cache is checked by nothing, so only admins and the projector fill it (others go uncached).
DO $d$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'rm\_%' LOOP
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO @ADMIN@, @COORDINATOR@, @PROJECTOR@', t.tablename);
    END LOOP;
END
$d$;
REVOKE INSERT, UPDATE, DELETE ON kompass_network_cache FROM @COORDINATOR@;
GRANT INSERT, UPDATE, DELETE ON kompass_network_cache TO @ADMIN@, @PROJECTOR@;

-- The user register (configuration of the application) is the admins'.
GRANT INSERT, UPDATE, DELETE ON kompass_users TO @ADMIN@;

-- The person register: admins all of it; a coordinator only their own row; nobody else any of it.
REVOKE ALL ON kompass_persons FROM @COORDINATOR@, @AUDITOR@, @ANALYST@, @PROJECTOR@;
GRANT SELECT, INSERT, UPDATE, DELETE ON kompass_persons TO @ADMIN@;
GRANT SELECT, INSERT, UPDATE ON kompass_persons TO @COORDINATOR@;
ALTER TABLE kompass_persons ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS kompass_persons_admin ON kompass_persons;
CREATE POLICY kompass_persons_admin ON kompass_persons TO @ADMIN@ USING (true) WITH CHECK (true);
DROP POLICY IF EXISTS kompass_persons_self ON kompass_persons;
CREATE POLICY kompass_persons_self ON kompass_persons TO @COORDINATOR@
    USING (person_id = session_user) WITH CHECK (person_id = session_user);
