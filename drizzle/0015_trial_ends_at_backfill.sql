-- Shops that were on the free trial before trials ended: their trial runs from their
-- creation for the trial plan's trial_days, as for new shops. Pending shops chose a paid
-- plan (they wait for Checkout) and are not trials.
UPDATE "tenants" AS t
SET "trial_ends_at" = t."created_at" + make_interval(days => p."trial_days")
FROM "plans" AS p
WHERE p."id" = 'trial'
  AND p."trial_days" IS NOT NULL
  AND t."plan" = 'trial'
  AND t."status" <> 'pending'
  AND t."trial_ends_at" IS NULL;
