import GRDB

/// The database's schema, as the migrations that built it. Migrations are append-only: a
/// released one never changes, so every older database upgrades in place.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: conversations, messages, usage ledger") { db in
            try db.execute(sql: """
                CREATE TABLE conversation (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    source TEXT NOT NULL,
                    system TEXT,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX conversation_updated ON conversation(updated_at);
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id TEXT NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
                    role TEXT NOT NULL,
                    provider TEXT,
                    model TEXT,
                    served_version TEXT,
                    content TEXT NOT NULL,
                    parameters TEXT,
                    status TEXT NOT NULL,
                    finish_reason TEXT,
                    error TEXT,
                    input_tokens INTEGER,
                    output_tokens INTEGER,
                    cost_nanos INTEGER,
                    latency_ms INTEGER,
                    ttft_ms INTEGER,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX message_conversation ON message(conversation_id, id);
                CREATE TABLE usage (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id TEXT NOT NULL,
                    time REAL NOT NULL,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    served_version TEXT,
                    key_id TEXT,
                    input_tokens INTEGER NOT NULL,
                    output_tokens INTEGER NOT NULL,
                    tokens_estimated INTEGER NOT NULL,
                    cost_nanos INTEGER,
                    cost_estimated INTEGER NOT NULL,
                    latency_ms INTEGER NOT NULL,
                    ttft_ms INTEGER,
                    outcome TEXT NOT NULL,
                    error_type TEXT,
                    status INTEGER,
                    conversation_id TEXT
                );
                CREATE INDEX usage_time ON usage(time);
                CREATE INDEX usage_provider_time ON usage(provider, time);
                """)
        }
        migrator.registerMigration("v2: prompt history, persistent cache, filter matches") { db in
            try db.execute(sql: """
                ALTER TABLE usage ADD COLUMN filter_matches TEXT;
                CREATE TABLE prompt_history (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    text TEXT NOT NULL,
                    time REAL NOT NULL
                );
                CREATE TABLE cache (
                    digest TEXT PRIMARY KEY,
                    canonical TEXT NOT NULL,
                    result TEXT NOT NULL,
                    expires_at REAL NOT NULL
                );
                CREATE INDEX cache_expires ON cache(expires_at);
                """)
        }
        migrator.registerMigration("v3: the model that served an answer after a fallback") { db in
            try db.execute(sql: "ALTER TABLE message ADD COLUMN served_by TEXT")
        }
        migrator.registerMigration("v4: evaluation runs and results") { db in
            try db.execute(sql: """
                CREATE TABLE eval_run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    suite TEXT,
                    file TEXT,
                    repeats INTEGER NOT NULL
                );
                CREATE TABLE eval_result (
                    run_id INTEGER NOT NULL REFERENCES eval_run(id) ON DELETE CASCADE,
                    provider TEXT NOT NULL,
                    model TEXT NOT NULL,
                    versions TEXT,
                    case_key TEXT NOT NULL,
                    case_name TEXT NOT NULL,
                    passed INTEGER NOT NULL,
                    pass_rate REAL NOT NULL,
                    score REAL NOT NULL,
                    latency_ms INTEGER NOT NULL,
                    cost_nanos INTEGER,
                    error TEXT,
                    detail TEXT NOT NULL
                );
                CREATE INDEX eval_result_run ON eval_result(run_id, provider, model);
                """)
        }
        migrator.registerMigration("v5: arena votes") { db in
            try db.execute(sql: """
                CREATE TABLE arena_vote (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    model_a TEXT NOT NULL,
                    model_b TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    conversation_id TEXT
                );
                """)
        }
        migrator.registerMigration("v6: deployment log") { db in
            try db.execute(sql: """
                CREATE TABLE deployment_event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    environment TEXT NOT NULL,
                    action TEXT NOT NULL,
                    event TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v7: reasoning beside each answer") { db in
            try db.execute(sql: """
                ALTER TABLE message ADD COLUMN reasoning TEXT NOT NULL DEFAULT '';
                ALTER TABLE message ADD COLUMN reasoning_tokens INTEGER;
                ALTER TABLE message ADD COLUMN reasoning_ms INTEGER;
                ALTER TABLE message ADD COLUMN cached_input_tokens INTEGER;
                """)
        }
        migrator.registerMigration("v8: judge verdicts") { db in
            try db.execute(sql: """
                CREATE TABLE judge_verdict (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    conversation_id TEXT,
                    judge TEXT NOT NULL,
                    model_a TEXT NOT NULL,
                    model_b TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    verdicts TEXT NOT NULL
                );
                CREATE INDEX judge_verdict_conversation ON judge_verdict (conversation_id);
                """)
        }
        migrator.registerMigration("v9: branch points") { db in
            try db.execute(sql: """
                CREATE TABLE branch_point (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    conversation_id TEXT NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
                    after_message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    time REAL NOT NULL
                );
                CREATE INDEX branch_point_conversation ON branch_point (conversation_id);
                """)
        }
        return migrator
    }
}
