-- Tables of @shopcluster/session-store (MySQL 8, MariaDB 10.6+, NDB, TiDB).
-- On MySQL NDB Cluster add ENGINE=NDBCLUSTER (or set default_storage_engine):
-- every column is inline (VARBINARY, not BLOB/TEXT), so NDB reads stay non-locking.

-- One row per session (and a tombstone per ended id until it can no longer come back).
CREATE TABLE IF NOT EXISTS `php_session` (
    `session_id` BINARY(32) NOT NULL,            -- SHA-256 of the cookie value; the id itself is never stored
    `user_id` INTEGER NULL,                      -- who is signed in: the authority on every node
    `date_created` DATETIME(3) NOT NULL,         -- the id's issue time: the absolute timeout counts from it
    `last_updated` DATETIME(3) NOT NULL,         -- the idle timeout counts from it
    `expires_at` DATETIME(3) NOT NULL,           -- what garbage collection scans
    `version` INTEGER UNSIGNED NOT NULL DEFAULT 0, -- optimistic concurrency: UPDATE … WHERE version = ?
    `last_node` VARCHAR(64) NOT NULL,            -- which node wrote last (for operators)
    `session_data` VARBINARY(16384) NOT NULL,    -- {"data": …, "ops": […]} as UTF-8 JSON
    `lineage` BINARY(16) NOT NULL,               -- kept through sign-in; op keys belong to it
    `ended_at` DATETIME(3) NULL,                 -- set on tombstones
    `end_reason` VARCHAR(16) NULL,               -- 'rotated' or 'destroyed'
    INDEX `php_session_user_id_idx`(`user_id`),
    INDEX `php_session_last_updated_idx`(`last_updated`),
    INDEX `php_session_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`session_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Applied idempotency keys, remembered for 24 h by default.
CREATE TABLE IF NOT EXISTS `php_session_op` (
    `lineage` BINARY(16) NOT NULL,
    `op_key` VARCHAR(100) NOT NULL,
    `fingerprint` BINARY(32) NOT NULL,
    `created_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    INDEX `php_session_op_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`lineage`, `op_key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- Leases: one node at a time runs garbage collection (Galera and NDB have no cluster-wide GET_LOCK).
CREATE TABLE IF NOT EXISTS `job_leases` (
    `name` VARCHAR(64) NOT NULL,
    `holder` VARCHAR(64) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,
    `token` INTEGER UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (`name`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
