import { z } from "zod";
import { text } from "../text";
import { withSystem } from "@/server/db/tenancy";
import type { Actor } from "@/server/domain/context";
import { fieldError } from "@/server/domain/errors";
import { enqueueJob } from "@/server/jobs/queue";
import { billingRunJob } from "@/server/jobs/usage-billing";
import { getBillingRuns, listBillingRuns } from "./billing-run";
import { parsePeriod, periodBounds } from "./periods";

/** Platform admin: billing runs, started through the worker (a run outlives any web request). */

export const startBillingRunInput = z.object({ period: text().trim().min(1, "Give the period as a month, YYYY-MM") });
export const billingRunIdsInput = z.object({ ids: z.array(z.uuid()).max(100) });

/** Queues the run of a finished period; the job key makes a second click while it waits a no-op. */
export async function startBillingRun(actor: Actor, input: z.output<typeof startBillingRunInput>): Promise<{ period: string; queued: true }> {
  const period = parsePeriod(input.period);
  if (!period) throw fieldError("period", "Give the period as a month, YYYY-MM");
  if (periodBounds(period).end.getTime() > Date.now()) throw fieldError("period", `${period.slice(0, 7)} has not ended yet`);
  await withSystem("billing-run:queue", (tx) =>
    enqueueJob(tx, billingRunJob, { period, trigger: actor.userId ? `admin:${actor.userId}` : "platform-key" }, { jobKey: `billing-run:${period}` }),
  );
  return { period: period.slice(0, 7), queued: true };
}

export const listRuns = () => listBillingRuns();
export const getRuns = (input: z.output<typeof billingRunIdsInput>) => getBillingRuns(input.ids);
