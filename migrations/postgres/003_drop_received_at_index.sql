-- 003 (PostgreSQL twin of migrations/003_drop_received_at_index.sql): time ranges no longer need
-- an index of their own. receivedAt never decreases with the index (contract, "Entries"), so the
-- store finds the first entry at or after a time by binary search over idx. Kept as its own file
-- so both migration sets stay numbered in step.
DROP INDEX entries_by_received_at;
