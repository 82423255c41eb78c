-- accountaudit case database, schema version 1.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, platform TEXT NOT NULL, layout TEXT NOT NULL,
  sha256 TEXT NOT NULL, size INTEGER NOT NULL, loader TEXT NOT NULL, account TEXT,
  counts_json TEXT NOT NULL, warnings_json TEXT NOT NULL, first_run INTEGER NOT NULL,
  last_run INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL, tool_version TEXT NOT NULL,
  include_messages INTEGER NOT NULL, checks_json TEXT NOT NULL, failures_json TEXT NOT NULL,
  source_ids_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
  key TEXT PRIMARY KEY, source_id TEXT NOT NULL REFERENCES sources(id), id TEXT NOT NULL,
  platform TEXT NOT NULL, kind TEXT NOT NULL, created_at TEXT, created_raw TEXT, author TEXT,
  url TEXT, reply_to TEXT, audience TEXT NOT NULL, text TEXT NOT NULL, text_raw TEXT,
  media_json TEXT NOT NULL, provenance_json TEXT NOT NULL, extra_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
  id TEXT PRIMARY KEY, item_key TEXT NOT NULL REFERENCES items(key), check_id TEXT NOT NULL,
  category TEXT NOT NULL, severity TEXT NOT NULL, confidence REAL NOT NULL, evidence TEXT NOT NULL,
  explanation TEXT NOT NULL, standard TEXT NOT NULL, span_start INTEGER, span_end INTEGER,
  check_version TEXT NOT NULL, details_json TEXT NOT NULL, first_run INTEGER NOT NULL,
  last_run INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_item ON findings(item_key);
CREATE INDEX IF NOT EXISTS items_source ON items(source_id);
