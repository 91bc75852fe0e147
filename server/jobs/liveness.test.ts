import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { db } from "@/server/db/client";
import { withSystem } from "@/server/db/tenancy";
import { defineJob } from "./define";
import { releaseStaleWorkers, writeHeartbeat } from "./liveness";
import { enqueueJob } from "./queue";

const heldJob = defineJob({ name: "test:liveness-held", schema: z.object({ n: z.number() }), handle: async () => {} });

/** Queues a job and locks it as `workerId` would have when it fetched it. */
async function jobLockedBy(workerId: string, n: number): Promise<string> {
  await withSystem("test-enqueue", (tx) => enqueueJob(tx, heldJob, { n }));
  const [row] = await db.execute<{ id: string }>(sql`
    update graphile_worker._private_jobs j set locked_by = ${workerId}, locked_at = now(), attempts = 1
    from graphile_worker._private_tasks t
    where t.id = j.task_id and t.identifier = ${heldJob.name} and (j.payload->>'n')::int = ${n}
    returning j.id::text as id`);
  return row!.id;
}

async function lockOf(jobId: string) {
  const [row] = await db.execute<{ locked_by: string | null; locked: boolean }>(sql`
    select locked_by, locked_at is not null as locked from graphile_worker._private_jobs where id = ${jobId}::bigint`);
  return row;
}

describe("worker liveness", () => {
  it("releases the jobs of a worker whose heartbeat stopped, and only those", async () => {
    const dead = `dead-${Date.now()}`;
    const alive = `alive-${Date.now()}`;
    const deadJob = await jobLockedBy(dead, 1);
    const aliveJob = await jobLockedBy(alive, 2);
    await writeHeartbeat([dead, alive]);
    await db.execute(sql`update worker_heartbeats set heartbeat_at = now() - interval '31 seconds' where worker_id = ${dead}`);

    const released = await releaseStaleWorkers(30);

    expect(released).toContain(dead);
    expect(released).not.toContain(alive);
    expect(await lockOf(deadJob)).toEqual({ locked_by: null, locked: false });
    expect(await lockOf(aliveJob)).toEqual({ locked_by: alive, locked: true });
    const rows = await db.execute<{ worker_id: string }>(sql`select worker_id from worker_heartbeats where worker_id in (${dead}, ${alive})`);
    expect(rows.map((r) => r.worker_id)).toEqual([alive]);
    // Released once: a second sweep finds nothing more of it.
    expect(await releaseStaleWorkers(30)).not.toContain(dead);
  });

  it("refreshes a live worker's heartbeat instead of adding a row", async () => {
    const id = `refresh-${Date.now()}`;
    await writeHeartbeat([id]);
    await db.execute(sql`update worker_heartbeats set heartbeat_at = now() - interval '20 seconds' where worker_id = ${id}`);
    await writeHeartbeat([id]);
    const [row] = await db.execute<{ n: number; age: number }>(sql`
      select count(*)::int as n, max(extract(epoch from now() - heartbeat_at))::float as age from worker_heartbeats where worker_id = ${id}`);
    expect(row!.n).toBe(1);
    expect(row!.age).toBeLessThan(5);
  });
});
