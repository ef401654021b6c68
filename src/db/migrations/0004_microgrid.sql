-- Source-grid-load-storage: scenarios saved per park (the file as written, parsed), and their runs with results.

CREATE TABLE microgrid_scenario (
  park_id    text NOT NULL REFERENCES park (id) ON DELETE CASCADE,
  id         text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('sizing', 'dispatch')),
  name       text NOT NULL,
  source     text NOT NULL,
  spec       jsonb NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (park_id, id)
);

CREATE TABLE microgrid_run (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  park_id     text NOT NULL,
  scenario_id text NOT NULL,
  spec        jsonb NOT NULL,
  status      text NOT NULL CHECK (status IN ('running', 'optimal', 'infeasible', 'error')),
  started_by  text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  summary     jsonb,
  result      jsonb,
  FOREIGN KEY (park_id, scenario_id) REFERENCES microgrid_scenario (park_id, id) ON DELETE CASCADE
);
CREATE INDEX microgrid_run_scenario ON microgrid_run (park_id, scenario_id, id);
