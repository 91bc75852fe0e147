import { z } from "zod";
import { cleanupPendingUploads, sweepStagedUploads } from "@/server/domain/media";
import { logger } from "@/server/logger";
import { defineJob } from "./define";

/** Hourly: delete uploads left pending for more than a day (objects and rows), in bounded batches, and day-old staged uploads. */
export const cleanupPendingMediaJob = defineJob({
  name: "media.cleanup-pending",
  schema: z.object({}).loose(),
  cron: "17 * * * *",
  maxAttempts: 3,
  async handle() {
    let total = 0;
    for (let removed = await cleanupPendingUploads(); removed > 0; removed = await cleanupPendingUploads()) total += removed;
    const staged = await sweepStagedUploads();
    if (total || staged) logger.info({ removed: total, staged }, "removed stale pending uploads");
  },
});
