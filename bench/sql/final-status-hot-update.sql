-- rh_final: batches of `delivered` as the tracker writes them, a COMMIT each; microseconds per row (docs/benchmarks.md, 2026-12-07 10:18).
CREATE OR REPLACE PROCEDURE rh_final(tbl text, round int, batches int, per int, INOUT us_per_row float8 DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE ids uuid[]; t0 timestamptz; spent interval := '0'; i int;
BEGIN
  FOR i IN 0 .. batches - 1 LOOP
    EXECUTE format('SELECT array_agg(id) FROM (SELECT id FROM %I ORDER BY id OFFSET $1 LIMIT $2) s', tbl) INTO ids USING (round * batches + i) * per, per;
    t0 := clock_timestamp();
    EXECUTE format($q$UPDATE %I SET status = 'delivered', provider_status = 'delivered', status_updated_at = now(), delivered_at = now(), updated_at = now(), reason = NULL WHERE id = ANY($1)$q$, tbl) USING ids;
    spent := spent + (clock_timestamp() - t0);
    COMMIT;
  END LOOP;
  us_per_row := extract(epoch FROM spent) * 1e6 / (batches * per);
END $$;
