import { runOnce } from "graphile-worker";
import { env } from "@/server/env";
import type { JobDefinition } from "./define";
import { jobs, taskList } from "./index";
import { workerLogger } from "./worker-logger";

/** Processes every job that is due now, then returns. For tests and one-off commands. */
export async function runDueJobs(definitions: JobDefinition[] = jobs): Promise<void> {
  await runOnce({ connectionString: env.DATABASE_URL, taskList: taskList(definitions), noHandleSignals: true, logger: workerLogger });
}
