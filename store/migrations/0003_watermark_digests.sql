-- 64-bit watermark payload digests of ProduceIDs too long to travel whole
-- (issue 6), so `scan --workspace` can name the ProduceID a digest stands for.
CREATE TABLE watermark_digests (
  digest     TEXT PRIMARY KEY,
  produce_id TEXT NOT NULL
) STRICT;
