-- Lingtan schema, version 1: the park model, readings with their derived interval quantities, revisions,
-- rejected records, import bookkeeping and the hour/day/month rollups.
-- Keys lead with meter and time; `reading` and `reading_split` are range-partitioned by month on their time column
-- (created on demand), so the layout maps onto TimescaleDB hypertables or Citus distribution by meter_id.

CREATE TABLE park (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  province    text NOT NULL,
  timezone    text NOT NULL,
  grid_region text NOT NULL,
  latitude    double precision NOT NULL,
  longitude   double precision NOT NULL,
  spec        jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE organisation (
  park_id       text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  code          text NOT NULL,
  name          text NOT NULL,
  kind          text NOT NULL,
  uscc          text,
  industry_code text,
  spec          jsonb NOT NULL,
  position      integer NOT NULL,
  archived      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (park_id, code)
);

CREATE TABLE site (
  park_id           text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  code              text NOT NULL,
  organisation_code text NOT NULL,
  name              text NOT NULL,
  kind              text NOT NULL,
  spec              jsonb NOT NULL,
  position          integer NOT NULL,
  archived          boolean NOT NULL DEFAULT false,
  PRIMARY KEY (park_id, code)
);

CREATE TABLE meter (
  id                integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id           text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  code              text NOT NULL,
  name              text,
  organisation_code text NOT NULL,
  site_code         text,
  parent_code       text,
  carrier           text NOT NULL,
  role              text NOT NULL,
  technology        text,
  reading_kind      text NOT NULL CHECK (reading_kind IN ('cumulative', 'interval', 'power')),
  unit              text NOT NULL,
  quantity_unit     text NOT NULL,
  multiplier        double precision NOT NULL DEFAULT 1 CHECK (multiplier > 0),
  interval_minutes  integer NOT NULL DEFAULT 15,
  interval_stamp    text NOT NULL DEFAULT 'end',
  capacity          double precision,
  rollover_at       double precision,
  installed_at      timestamptz,
  removed_at        timestamptz,
  replacements      jsonb NOT NULL DEFAULT '[]',
  spec              jsonb NOT NULL,
  position          integer NOT NULL,
  archived          boolean NOT NULL DEFAULT false,
  -- Set when the meter's derivation settings changed while it held readings; cleared once they are derived again.
  needs_rederive    boolean NOT NULL DEFAULT false,
  UNIQUE (park_id, code)
);

-- One row per import or API/MQTT batch: where data came from, and what became of it.
CREATE TABLE ingest_batch (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id     text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  source      text NOT NULL,
  file_name   text,
  received    integer NOT NULL DEFAULT 0,
  inserted    integer NOT NULL DEFAULT 0,
  unchanged   integer NOT NULL DEFAULT 0,
  revised     integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- A reading as received (value in the meter's unit, before the multiplier) and the interval quantity derived
-- from it: `quantity` (engineering units, multiplier applied) covers a span of |span_ms| milliseconds that ends at
-- `at` (span_ms ≥ 0: registers, power, interval readings stamped at the end) or starts at `at` (span_ms < 0:
-- interval readings stamped at the start). One integer instead of two timestamps keeps rows narrow and COPY fast.
-- When the span is not exactly one aligned 15-minute slot, the SPLIT flag (256) is set and the slot contributions
-- are in reading_split.
CREATE TABLE reading (
  meter_id   integer NOT NULL,
  at         timestamptz NOT NULL,
  value      double precision NOT NULL,
  batch_id   integer NOT NULL,
  quantity   double precision,
  flags      integer NOT NULL DEFAULT 0,
  span_ms    bigint,
  PRIMARY KEY (meter_id, at)
) PARTITION BY RANGE (at);

CREATE TABLE reading_split (
  meter_id   integer NOT NULL,
  slot_at    timestamptz NOT NULL,
  reading_at timestamptz NOT NULL,
  quantity   double precision NOT NULL,
  slots      real NOT NULL,
  status     smallint NOT NULL,
  PRIMARY KEY (meter_id, slot_at, reading_at)
) PARTITION BY RANGE (slot_at);
CREATE INDEX reading_split_by_reading ON reading_split (meter_id, reading_at);

-- Every superseded value of a reading, with the batch that brought it and the batch that replaced it.
CREATE TABLE reading_revision (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meter_id         integer NOT NULL,
  at               timestamptz NOT NULL,
  value            double precision NOT NULL,
  batch_id         integer NOT NULL,
  superseded_by    integer NOT NULL,
  superseded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reading_revision_by_reading ON reading_revision (meter_id, at);

-- Records that could not be accepted, kept whole with the reason.
CREATE TABLE rejected_record (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id     text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  batch_id    integer NOT NULL,
  meter_code  text,
  meter_id    integer,
  line        integer,
  field       text NOT NULL,
  reason      text NOT NULL,
  raw         text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejected_record_by_meter ON rejected_record (park_id, meter_code, id);

-- CSV files being imported: resumable by line, and recognised again by their content hash.
CREATE TABLE import_file (
  park_id     text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  sha256      text NOT NULL,
  file_name   text NOT NULL,
  size_bytes  bigint NOT NULL,
  lines_done  integer NOT NULL DEFAULT 0,
  complete    boolean NOT NULL DEFAULT false,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (park_id, sha256)
);

-- Rollups in park-local buckets; bucket_at is the UTC instant at which the local hour/day/month starts.
-- Quantities by status: measured, estimated (a bridged gap), quarantined (a spike: kept, never counted).
-- *_slots count 15-minute slots (fractional when a slot is partly covered).
CREATE TABLE rollup_hour (
  meter_id          integer NOT NULL,
  bucket_at         timestamptz NOT NULL,
  measured          double precision NOT NULL,
  estimated         double precision NOT NULL,
  quarantined       double precision NOT NULL,
  measured_slots    real NOT NULL,
  estimated_slots   real NOT NULL,
  quarantined_slots real NOT NULL,
  PRIMARY KEY (meter_id, bucket_at)
);
CREATE TABLE rollup_day (LIKE rollup_hour INCLUDING ALL);
CREATE TABLE rollup_month (LIKE rollup_hour INCLUDING ALL);
