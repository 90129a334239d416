<?php
// The seed articles' session handler (seed 003, "PHP SQL Session Storage",
// with seed 004's table): open() begins a transaction, read() locks the row
// with SELECT … FOR UPDATE, write() stores it with INSERT … ON DUPLICATE KEY
// UPDATE and commits. One row per session, the lock held for the whole
// request: the design the shop is measured against (issue 14). Only the
// bench runs it (bench/php-seed.ts); it is not part of the shop.
//
// Written as its best version, so the comparison flatters PHP rather than
// the shop: prepared statements instead of string escaping, one persistent
// PDO connection per php-fpm child to its own Galera node's unix socket,
// opcache on, no garbage collection on the request path (Debian's php.ini
// leaves that to a cron job).

final class SeedSessionHandler implements SessionHandlerInterface
{
    private ?PDO $db = null;

    public function open(string $path, string $name): bool
    {
        $this->db ??= new PDO(
            getenv('SEED_DB_DSN'),
            getenv('SEED_DB_USER'),
            getenv('SEED_DB_PASSWORD'),
            [PDO::ATTR_PERSISTENT => true, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION],
        );
        // A persistent connection left inside a transaction by a failed request starts clean.
        if ($this->db->inTransaction()) $this->db->rollBack();
        $this->db->beginTransaction();
        return true;
    }

    public function read(string $id): string|false
    {
        $select = $this->db->prepare('SELECT session_data FROM php_seed_session WHERE session_id = ? FOR UPDATE');
        $select->execute([$id]);
        $data = $select->fetchColumn();
        return $data === false ? '' : $data;
    }

    public function write(string $id, string $data): bool
    {
        $this->db->prepare(
            'INSERT INTO php_seed_session (session_id, date_created, last_updated, session_data) VALUES (?, NOW(), NOW(), ?)
             ON DUPLICATE KEY UPDATE last_updated = NOW(), session_data = VALUES(session_data)',
        )->execute([$id, $data]);
        $this->db->commit();
        return true;
    }

    public function close(): bool
    {
        if ($this->db?->inTransaction()) $this->db->rollBack();
        return true;
    }

    public function destroy(string $id): bool
    {
        $this->db->prepare('DELETE FROM php_seed_session WHERE session_id = ?')->execute([$id]);
        $this->db->commit();
        return true;
    }

    public function gc(int $max_lifetime): int|false
    {
        $delete = $this->db->prepare('DELETE FROM php_seed_session WHERE last_updated < NOW() - INTERVAL ? SECOND');
        $delete->execute([$max_lifetime]);
        return $delete->rowCount();
    }

    public function pdo(): PDO
    {
        return $this->db;
    }
}
