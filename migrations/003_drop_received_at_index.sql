-- 003: time ranges no longer need an index of their own. receivedAt never decreases with the
-- index (contract, "Entries"), so the store finds the first entry at or after a time by binary
-- search over idx (O(log n) point reads). Each index costs every append: this one about 6 us of
-- the ~40 us CPU a row spends in SQLite (docs/performance.md, `npm run bench -- --only indexes`),
-- and about 40 bytes per entry on disk.
DROP INDEX entries_by_received_at;
