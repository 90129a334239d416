-- CreateTable
CREATE TABLE `sign_in_throttle` (
    `throttle_key` BINARY(32) NOT NULL,
    `failures` INTEGER UNSIGNED NOT NULL DEFAULT 0,
    `window_started` DATETIME(3) NOT NULL,
    `updated_at` DATETIME(3) NOT NULL,

    INDEX `sign_in_throttle_updated_at_idx`(`updated_at`),
    PRIMARY KEY (`throttle_key`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
