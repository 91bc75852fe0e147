-- usage_events: RLS applies to owners too; the tenant role reads and records its own usage only
-- (no update or delete: events are facts, retention drops whole partitions).
ALTER TABLE "usage_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT ON "usage_events" TO souk_tenant;--> statement-breakpoint
-- One partition per UTC calendar month, created on demand by whoever records an event for it.
-- SECURITY DEFINER so the tenant role can ask for a partition without owning the table; it only
-- ever creates month-aligned partitions of usage_events.
CREATE FUNCTION usage_events_ensure_partition(p_period date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
DECLARE
  first_day date := date_trunc('month', p_period)::date;
  part_name text := 'usage_events_' || to_char(first_day, 'YYYY_MM');
BEGIN
  IF to_regclass(part_name) IS NOT NULL THEN
    RETURN;
  END IF;
  -- Two sessions may race to create the same month: serialise on a lock keyed by the month.
  PERFORM pg_advisory_xact_lock(hashtext('usage_events_ensure_partition'), (first_day - date '2000-01-01'));
  IF to_regclass(part_name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
      part_name, first_day, (first_day + interval '1 month')::date);
  END IF;
END $$;--> statement-breakpoint
REVOKE ALL ON FUNCTION usage_events_ensure_partition(date) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION usage_events_ensure_partition(date) TO souk_tenant;--> statement-breakpoint
SELECT usage_events_ensure_partition((date_trunc('month', now()) + make_interval(months => m))::date)
FROM generate_series(-1, 2) AS m;
