-- The scratch tables of docs/benchmarks.md, 2026-12-07 10:18 (ADR 0062): main's deliveries (rh_cur) and the same rows
-- with ADR 0062's generated columns and indexes (rh_new). Run on a scratch database migrated before 1765810000000.
\set ON_ERROR_STOP 1
DROP TABLE IF EXISTS rh_cur, rh_new;
CREATE TABLE rh_cur (LIKE deliveries INCLUDING ALL) WITH (fillfactor = 80);
CREATE TABLE rh_new (LIKE deliveries INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 80);
ALTER TABLE rh_new DROP COLUMN due, DROP COLUMN due_since,
  ADD COLUMN due text GENERATED ALWAYS AS (CASE
          WHEN status IN ('planned', 'sending') AND deferred_until IS NULL THEN 'send'
          WHEN status = 'planned' AND deferred_until IS NOT NULL THEN 'release'
          WHEN channel = 'sms' AND status IN ('failed', 'undelivered') AND fallback IS NULL THEN 'fallback'
          WHEN channel = 'voice' AND status IN ('no_answer', 'busy') THEN 'redial' END) STORED,
  ADD COLUMN due_since timestamptz GENERATED ALWAYS AS (CASE
          WHEN channel = 'sms' AND status IN ('failed', 'undelivered') AND fallback IS NULL THEN updated_at
          WHEN channel = 'voice' AND status IN ('no_answer', 'busy') THEN status_updated_at END) STORED;
ALTER TABLE rh_new ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON rh_new (alert_id, channel, member_id);
CREATE INDEX ON rh_new (alert_id, channel, job_partition, member_id) WHERE due = 'send';
CREATE INDEX ON rh_new (channel, deferred_until) WHERE due = 'release';
CREATE INDEX ON rh_new (due_since) WHERE due = 'fallback';
CREATE INDEX ON rh_new (due_since) WHERE due = 'redial';
CREATE INDEX ON rh_new (created_at) WHERE member_id IS NOT NULL;
CREATE INDEX ON rh_new (accepted_at, id) WHERE channel IN ('sms', 'voice') AND accepted_at IS NOT NULL;
CREATE INDEX ON rh_new (reconcile_at) WHERE reconcile_at IS NOT NULL AND reconcile_outcome IS NULL;
-- 1M SMS deliveries accepted and 'sent' (in the reconcile set), 24 partitions, as the tracker finds them before `delivered`.
INSERT INTO rh_cur (id, alert_id, member_id, channel, status, provider_id, attempts, created_at, updated_at, accepted_at, claimed_at, job_partition, route, status_updated_at, provider_status)
SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'sms', 'sent', 'SM' || md5(g::text), 1, now(), now(), now(), now(), g % 24, 'primary', now(), 'sent'
  FROM generate_series(1, 1000000) g;
INSERT INTO rh_new (id, alert_id, member_id, channel, status, provider_id, attempts, created_at, updated_at, accepted_at, claimed_at, job_partition, route, status_updated_at, provider_status)
SELECT id, alert_id, member_id, channel, status, provider_id, attempts, created_at, updated_at, accepted_at, claimed_at, job_partition, route, status_updated_at, provider_status FROM rh_cur;
VACUUM ANALYZE rh_cur; VACUUM ANALYZE rh_new;
SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname IN ('rh_cur','rh_new');
SELECT count(*) FILTER (WHERE due = 'reconcile') FROM rh_cur;
