-- Access control: users and their parks, sessions, gateway tokens, and the audit log of every write.
-- Secrets are never stored: passwords as scrypt hashes, session and gateway tokens as SHA-256 digests.

ALTER TABLE ingest_batch ADD COLUMN actor text;

CREATE TABLE app_user (
  username      text PRIMARY KEY,
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('park_admin', 'enterprise_user', 'auditor')),
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  revoked_at    timestamptz
);

-- A user's parks; an enterprise user has exactly one organisation in each of its parks.
CREATE TABLE user_park (
  username     text NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
  park_id      text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  organisation text,
  PRIMARY KEY (username, park_id),
  FOREIGN KEY (park_id, organisation) REFERENCES organisation (park_id, code)
);

CREATE TABLE user_session (
  token_hash bytea PRIMARY KEY,
  username   text NOT NULL REFERENCES app_user (username) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX user_session_username ON user_session (username);

CREATE TABLE gateway (
  park_id      text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id           text NOT NULL,
  name         text NOT NULL,
  meters       text[],
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  revoked_at   timestamptz,
  last_seen_at timestamptz,
  PRIMARY KEY (park_id, id)
);

CREATE TABLE audit_event (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,
  action  text NOT NULL,
  park_id text,
  target  text,
  detail  jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_event_park ON audit_event (park_id, id);
