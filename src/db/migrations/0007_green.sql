-- Green electricity: the certificate ledger (append-only events; the current ranges derived from them in the same
-- transaction), green-power trades and their settlements (versioned), the grid's green share as data sets (versioned),
-- and the raw files every import came from, with the rows it refused.

-- Every change of the ledger, as resolved by the pure ledger (amounts turned into exact serial spans).
CREATE TABLE green_event (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id         bigint GENERATED ALWAYS AS IDENTITY,
  kind       text NOT NULL CHECK (kind IN ('import', 'transfer', 'claim', 'expire')),
  body       jsonb NOT NULL,
  evidence   text NOT NULL DEFAULT '',
  actor      text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id)
);
CREATE TRIGGER green_event_frozen BEFORE UPDATE OR DELETE ON green_event
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- The ledger now: disjoint runs of certificates of a series in one state. Derived from green_event (rewritten for
-- the series an event touched, under the park's ledger lock); `event_id` is the event that set the state.
CREATE TABLE green_range (
  park_id          text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  series           text NOT NULL,
  first_serial     bigint NOT NULL,
  last_serial      bigint NOT NULL,
  project_id       text NOT NULL,
  project_name     text NOT NULL,
  technology       text NOT NULL,
  production_month text NOT NULL,
  tradable         boolean NOT NULL,
  state            text NOT NULL CHECK (state IN ('held', 'transferred', 'claimed', 'expired')),
  holder           text NOT NULL,
  trade_id         text,
  claim_consumer   text,
  claim_from       text,
  claim_to         text,
  claim_event      bigint,
  event_id         bigint NOT NULL,
  PRIMARY KEY (park_id, series, first_serial),
  CHECK (first_serial <= last_serial),
  CHECK ((state = 'claimed') = (claim_event IS NOT NULL))
);
CREATE INDEX green_range_claims ON green_range (park_id, claim_consumer, claim_from) WHERE state = 'claimed';

-- A file of certificates, trades, settlements or grid green shares as received, and the rows it refused.
CREATE TABLE green_import (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id     text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('certificates', 'trades', 'settlements', 'grid_share')),
  file        text NOT NULL,
  raw         text NOT NULL,
  sha256      text NOT NULL,
  received    integer NOT NULL,
  accepted    integer NOT NULL,
  unchanged   integer NOT NULL,
  rejected    jsonb NOT NULL DEFAULT '[]',
  event_id    bigint,
  actor       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TRIGGER green_import_frozen BEFORE UPDATE OR DELETE ON green_import
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- Green-power trade contracts (绿电交易); a change is a new version.
CREATE TABLE green_trade (
  park_id        text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id             text NOT NULL,
  version        integer NOT NULL CHECK (version >= 1),
  buyer          text NOT NULL,
  counterparty   text NOT NULL,
  technology     text NOT NULL,
  period_from    text NOT NULL,
  period_to      text NOT NULL,
  contracted_mwh double precision NOT NULL CHECK (contracted_mwh >= 0),
  settlement     text NOT NULL CHECK (settlement IN ('month', 'hour')),
  evidence       text NOT NULL,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id, version)
);
CREATE TRIGGER green_trade_frozen BEFORE UPDATE OR DELETE ON green_trade
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- Settled volumes of a trade per month (`at` = YYYY-MM) or per hour (`at` = the hour's start, ISO UTC); versioned.
CREATE TABLE green_trade_settlement (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  trade_id   text NOT NULL,
  at         text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  mwh        double precision NOT NULL CHECK (mwh >= 0),
  import_id  bigint REFERENCES green_import (id),
  entered_by text NOT NULL,
  entered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, trade_id, at, version)
);
CREATE TRIGGER green_trade_settlement_frozen BEFORE UPDATE OR DELETE ON green_trade_settlement
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- The grid's green share as a data set: per hour or per month, with its source; a new upload is a new version.
CREATE TABLE grid_share_set (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id         text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  label      text NOT NULL,
  source     text NOT NULL,
  status     text NOT NULL CHECK (status IN ('published', 'estimated', 'traced', 'unverified')),
  resolution text NOT NULL CHECK (resolution IN ('hour', 'month')),
  import_id  bigint REFERENCES green_import (id),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id, version)
);
CREATE TRIGGER grid_share_set_frozen BEFORE UPDATE OR DELETE ON grid_share_set
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();

-- Values of a data set version: `at` is the hour's start (ISO UTC) or the month YYYY-MM; share in [0, 1].
CREATE TABLE grid_share_value (
  park_id text NOT NULL,
  set_id  text NOT NULL,
  version integer NOT NULL,
  at      text NOT NULL,
  share   double precision NOT NULL CHECK (share >= 0 AND share <= 1),
  PRIMARY KEY (park_id, set_id, version, at),
  FOREIGN KEY (park_id, set_id, version) REFERENCES grid_share_set (park_id, id, version) ON DELETE CASCADE
);
CREATE TRIGGER grid_share_value_frozen BEFORE UPDATE OR DELETE ON grid_share_value
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();
