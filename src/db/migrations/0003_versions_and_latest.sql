-- What lets every process keep a park's definition and its dashboard answers in memory and still see any change at
-- once (docs/adr/0008-versions-for-in-memory-caches.md): two version numbers on each park, and each meter's latest
-- reading time so that the silent-meter check does not probe every monthly partition of `reading`.

-- One sequence for both versions of every park: a number is never used twice, not even by a park deleted and
-- created again under the same id, so a cache can never mistake an old definition or answer for a current one.
CREATE SEQUENCE park_version_seq;

-- definition_version: set anew by every `park apply` that changes the park, its organisations, sites or meters
-- (in the same transaction). data_version: set anew by every commit of readings or rejections and every
-- re-derivation or rollup rebuild (in the same transaction), so that an answer computed from the data is current
-- while it stands.
ALTER TABLE park
  ADD COLUMN definition_version bigint NOT NULL DEFAULT nextval('park_version_seq'),
  ADD COLUMN data_version bigint NOT NULL DEFAULT nextval('park_version_seq');

-- The time of each meter's latest reading (max(reading.at)), kept by the group commit with one statement per
-- commit. A meter without readings has no row.
CREATE TABLE meter_latest (
  meter_id integer PRIMARY KEY REFERENCES meter (id) ON DELETE CASCADE,
  last_at  timestamptz NOT NULL
);

-- Backfill: one backward index probe per meter (max over the partitions), not a scan of the readings.
INSERT INTO meter_latest (meter_id, last_at)
SELECT m.id, l.last_at
FROM meter m
CROSS JOIN LATERAL (SELECT max(r.at) AS last_at FROM reading r WHERE r.meter_id = m.id) l
WHERE l.last_at IS NOT NULL;
