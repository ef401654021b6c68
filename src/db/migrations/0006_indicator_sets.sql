-- A park's configured versions of the indicator sets (thresholds that are not published to us, filled in by the park
-- with their source). Each version whole, never changed: configuring again adds the next version.
CREATE TABLE indicator_set_version (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id         text NOT NULL,
  version    integer NOT NULL CHECK (version >= 1),
  spec       jsonb NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id, version)
);
CREATE TRIGGER indicator_set_version_frozen BEFORE UPDATE OR DELETE ON indicator_set_version
  FOR EACH ROW WHEN (pg_trigger_depth() = 0)
  EXECUTE FUNCTION lingtan_refuse_change();
