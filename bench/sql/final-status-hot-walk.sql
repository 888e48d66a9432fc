-- rh_walk: the reconciler's walk over rh_new (ADR 0062) in pages of 5,000; microseconds per row read (docs/benchmarks.md, 2026-12-07 10:18).
CREATE TABLE IF NOT EXISTS rh_cursor (single boolean PRIMARY KEY DEFAULT true CHECK (single), accepted_through timestamptz NOT NULL, after_id uuid NOT NULL);
INSERT INTO rh_cursor VALUES (true, '-infinity', '00000000-0000-0000-0000-000000000000') ON CONFLICT DO NOTHING;
UPDATE rh_cursor SET accepted_through = '-infinity', after_id = '00000000-0000-0000-0000-000000000000';
CREATE OR REPLACE PROCEDURE rh_walk(pages int, INOUT us_per_row float8 DEFAULT 0)
LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp(); n int; total int := 0;
BEGIN
  FOR i IN 1 .. pages LOOP
    WITH cursor AS (
      SELECT accepted_through, after_id FROM rh_cursor FOR UPDATE SKIP LOCKED
    ), page AS (
      SELECT d.id, d.accepted_at, d.accepted_at <= now() - make_interval(secs => 60::double precision) AS passed,
             d.status = ANY('{accepted,sent,deferred,answered}'::text[]) AND d.reconcile_outcome IS NULL AND d.reconcile_at IS NULL AND d.provider_id IS NOT NULL
               AND (d.accepted_at <= now() - make_interval(secs => 60::double precision) OR d.updated_at <= now() - make_interval(secs => 60::double precision)) AS opens
        FROM rh_new d
       WHERE d.channel IN ('sms', 'voice') AND d.accepted_at IS NOT NULL
         AND (d.accepted_at, d.id) > ((SELECT accepted_through FROM cursor), (SELECT after_id FROM cursor))
       ORDER BY d.accepted_at, d.id LIMIT 5000
    ), last AS (
      SELECT accepted_at, id FROM page WHERE passed ORDER BY accepted_at DESC, id DESC LIMIT 1
    ), moved AS (
      UPDATE rh_cursor SET accepted_through = last.accepted_at, after_id = last.id FROM last RETURNING 1
    )
    SELECT count(*) INTO n FROM page;
    total := total + n;
    COMMIT;
  END LOOP;
  us_per_row := extract(epoch FROM clock_timestamp() - t0) * 1e6 / total;
END $$;
