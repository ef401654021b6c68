-- Carbon accounting: users' factor versions, their method profiles, statistical inputs, and closed (frozen) accounts.
-- The library's default factors and the shipped profiles live in code (src/modules/carbon/seed, profiles.ts): these
-- tables hold only what users add. Nothing here is ever edited in place: a factor, a profile or a statistical value
-- changes by a new version, and a trigger refuses UPDATE and DELETE on the versioned tables (except the deletes that
-- cascade from deleting the park: those run inside the foreign key's own trigger, at trigger depth 1).

CREATE FUNCTION lingtan_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never changed: add a new version instead', TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$;

-- A user's factor version, for a park ('' organisation) or one of its organisations.
CREATE TABLE factor_version (
  park_id         text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  organisation_id text NOT NULL DEFAULT '',
  key             text NOT NULL,
  version         integer NOT NULL CHECK (version >= 1),
  value           double precision NOT NULL,
  unit            text NOT NULL,
  valid_from      date NOT NULL,
  source          text NOT NULL CHECK (source <> ''),
  status          text NOT NULL CHECK (status IN ('verified', 'secondary', 'unverified', 'measured')),
  data_year       integer,
  evidence        text,
  note            text,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, organisation_id, key, version)
);
CREATE TRIGGER factor_version_frozen BEFORE UPDATE OR DELETE ON factor_version
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- A park's own method profiles (copies of a shipped profile, changed), each version whole.
CREATE TABLE method_profile (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id         text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  spec       jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id, version)
);
CREATE TRIGGER method_profile_frozen BEFORE UPDATE OR DELETE ON method_profile
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- Statistical inputs per organisation and month; a correction is a new version. `batch` groups the rows of one
-- import or form submission, whose raw text and rejected rows `statistic_batch` keeps.
CREATE TABLE statistic_batch (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id      text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  source       text NOT NULL,
  raw          text NOT NULL,
  sha256       text NOT NULL,
  received     integer NOT NULL,
  inserted     integer NOT NULL,
  unchanged    integer NOT NULL,
  rejected     jsonb NOT NULL DEFAULT '[]',
  actor        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE statistic_value (
  park_id         text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  organisation_id text NOT NULL,
  month           date NOT NULL CHECK (extract(day FROM month) = 1),
  kind            text NOT NULL,
  item            text NOT NULL DEFAULT '',
  version         integer NOT NULL CHECK (version >= 1),
  value           double precision NOT NULL,
  unit            text NOT NULL,
  factor          jsonb,
  evidence        text,
  note            text,
  batch_id        bigint REFERENCES statistic_batch (id),
  entered_by      text NOT NULL,
  entered_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, organisation_id, month, kind, item, version)
);
CREATE TRIGGER statistic_value_frozen BEFORE UPDATE OR DELETE ON statistic_value
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- A closed period: the account as computed at closing and the complete request it was computed from (energy lines,
-- statistics and factor versions, the profile), so that it can be recomputed identically. A later close of the same
-- scope, period and profile is a restatement: it names the close it supersedes and why.
CREATE TABLE account_close (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id         text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  organisation_id text NOT NULL DEFAULT '',
  from_month      date NOT NULL,
  to_month        date NOT NULL,
  profile_id      text NOT NULL,
  profile_version integer NOT NULL,
  request         jsonb NOT NULL,
  account         jsonb NOT NULL,
  supersedes      bigint REFERENCES account_close (id),
  reason          text,
  closed_by       text NOT NULL,
  closed_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (from_month <= to_month)
);
CREATE INDEX account_close_scope ON account_close (park_id, organisation_id, from_month, to_month, profile_id, id);
CREATE UNIQUE INDEX account_close_one_successor ON account_close (supersedes) WHERE supersedes IS NOT NULL;
CREATE TRIGGER account_close_frozen BEFORE UPDATE OR DELETE ON account_close
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();
