-- Session ids now carry a MAC and their issue time (packages/session-store/src/ids.ts):
-- rows of the old 43-character ids can never be presented again, so they go.
DELETE FROM `php_session`;

-- AlterTable: session data inline (VARBINARY: NDB stores TEXT/BLOB as separate parts
-- and turns their reads into locking reads), a lineage kept through sign-in (op keys
-- are remembered per lineage), and tombstones for ended ids.
ALTER TABLE `php_session` MODIFY `session_data` VARBINARY(16384) NOT NULL,
    ADD COLUMN `lineage` BINARY(16) NOT NULL,
    ADD COLUMN `ended_at` DATETIME(3) NULL,
    ADD COLUMN `end_reason` VARCHAR(16) NULL;

-- CreateTable: applied idempotency keys, remembered for 24 h (configurable).
CREATE TABLE `php_session_op` (
    `lineage` BINARY(16) NOT NULL,
    `op_key` VARCHAR(100) NOT NULL,
    `fingerprint` BINARY(32) NOT NULL,
    `created_at` DATETIME(3) NOT NULL,
    `expires_at` DATETIME(3) NOT NULL,

    INDEX `php_session_op_expires_at_idx`(`expires_at`),
    PRIMARY KEY (`lineage`, `op_key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
