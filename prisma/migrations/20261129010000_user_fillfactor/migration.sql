-- Identity providers update users and groups far more often than they create them (PATCH, PUT,
-- deactivation; a group's version on every membership change). With free space left in each page,
-- an UPDATE that changes no indexed column is a heap-only tuple (HOT) update: no new entry in any
-- of the table's indexes. Existing pages keep their layout until rewritten; new pages use this.
ALTER TABLE "User" SET (fillfactor = 80);
ALTER TABLE "Group" SET (fillfactor = 80);
