-- accountaudit case database, schema version 2 (version 1 had no decisions, log, sheets or
-- comparisons; review/migrate.py adds them to a version-1 case in place).
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
  source_ids_json TEXT NOT NULL, selection_json TEXT NOT NULL DEFAULT '[]'
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

-- Every decision ever made; the latest row per finding is the current one. Purging blanks the
-- notes, nothing else changes a row.
CREATE TABLE IF NOT EXISTS decisions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, finding_id TEXT NOT NULL REFERENCES findings(id),
  decision TEXT NOT NULL CHECK (decision IN ('Not reviewed', 'No concern',
    'Advice / reflective practice', 'Management action', 'Refer for assessment')),
  note TEXT NOT NULL, reviewer TEXT NOT NULL, decided_at TEXT NOT NULL, origin TEXT NOT NULL,
  log_seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_finding ON decisions(finding_id, id);

-- The append-only case log: each entry's hash covers the previous hash and the entry itself.
CREATE TABLE IF NOT EXISTS log (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, tool_version TEXT NOT NULL,
  action TEXT NOT NULL, details_json TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS log_no_update BEFORE UPDATE ON log
BEGIN
  SELECT RAISE(ABORT, 'the case log is append-only: entries cannot be changed');
END;
CREATE TRIGGER IF NOT EXISTS log_no_delete BEFORE DELETE ON log
BEGIN
  SELECT RAISE(ABORT, 'the case log is append-only: entries cannot be deleted');
END;

-- Review sheets written from the case, so a returned sheet's age is known exactly.
CREATE TABLE IF NOT EXISTS sheets (
  id TEXT PRIMARY KEY, path TEXT NOT NULL, exported_at TEXT NOT NULL, sha256 TEXT NOT NULL,
  log_seq INTEGER NOT NULL
);

-- Re-captures of an account already in the case: which items were deleted, edited or added.
CREATE TABLE IF NOT EXISTS comparisons (
  id INTEGER PRIMARY KEY AUTOINCREMENT, run INTEGER NOT NULL REFERENCES runs(id),
  old_source TEXT NOT NULL REFERENCES sources(id), new_source TEXT NOT NULL REFERENCES sources(id),
  unchanged INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS changes (
  comparison INTEGER NOT NULL REFERENCES comparisons(id), change TEXT NOT NULL,
  old_key TEXT REFERENCES items(key), new_key TEXT REFERENCES items(key)
);
CREATE INDEX IF NOT EXISTS changes_comparison ON changes(comparison);
