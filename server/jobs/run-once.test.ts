import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db/client";
import { withSystem } from "@/server/db/tenancy";
import { defineJob } from "./define";
import { enqueueJob } from "./queue";
import { runDueJobs } from "./run-once";

/**
 * A batch job whose entries fail when they say so. The failing entries' promises reject only
 * after a few turns of the event loop, like a real entry that waits on the database.
 */
const flakyBatchJob = defineJob({
  name: "test:run-once-batch",
  schema: z.array(z.object({ id: z.string(), fail: z.boolean() })),
  handle: async (payload) =>
    payload.map(async (entry) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (entry.fail) throw new Error(`entry ${entry.id} failed`);
    }),
});
const succeedingJob = defineJob({ name: "test:run-once-ok", schema: z.object({ n: z.number() }), handle: async () => {} });

async function jobsOf(task: string) {
  return db.execute<{ payload: unknown; attempts: number; locked: boolean }>(sql`
    select j.payload, j.attempts, j.locked_at is not null as locked from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = ${task} order by j.id`);
}

describe("runDueJobs", () => {
  it("returns only once every outcome is written: failed entries re-queued alone, finished jobs gone", async () => {
    // graphile-worker (0.17, default options) writes a job's failure or completion without awaiting
    // it and ends its pool without waiting, so runOnce could resolve while the job still sat locked
    // with its whole payload. A slow write (a loaded machine) makes that window wide and certain.
    await db.execute(sql`create function test_slow_job_write() returns trigger language plpgsql as
      $$ begin perform pg_sleep(0.3); return coalesce(new, old); end $$`);
    await db.execute(sql`create trigger slow_job_write before update or delete on graphile_worker._private_jobs
      for each row when (old.locked_at is not null) execute function test_slow_job_write()`);
    for (let round = 0; round < 3; round++) {
      await withSystem("test", async (tx) => {
        await enqueueJob(tx, flakyBatchJob, [{ id: "a", fail: false }, { id: "b", fail: true }, { id: "c", fail: false }]);
        for (let n = 0; n < 3; n++) await enqueueJob(tx, succeedingJob, { n });
      });
      await runDueJobs([flakyBatchJob, succeedingJob]);
      expect(await jobsOf(flakyBatchJob.name)).toEqual([{ payload: [{ id: "b", fail: true }], attempts: 1, locked: false }]);
      expect(await jobsOf(succeedingJob.name)).toEqual([]);
      await db.execute(sql`delete from graphile_worker._private_jobs`);
    }
    await db.execute(sql`drop trigger slow_job_write on graphile_worker._private_jobs`);
    await db.execute(sql`drop function test_slow_job_write()`);
  });
});
