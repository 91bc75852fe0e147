import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { auditLog } from "@/server/db/schema";
import { callerFor, makeUser } from "@/test/factories";
import { callOverHttp, errorOf } from "@/test/http";

describe("users router", () => {
  it("returns the signed-in user without secrets", async () => {
    const user = await makeUser("Mia");
    const me = await callerFor(user.id).users.me();
    expect(me).toMatchObject({ id: user.id, name: "Mia", email: user.email, isPlatformAdmin: false });
    expect(me).not.toHaveProperty("passwordHash");
  });

  it("updates the profile and audits it", async () => {
    const user = await makeUser("Old Name");
    const updated = await callerFor(user.id).users.updateProfile({ name: "  New Name " });
    expect(updated.name).toBe("New Name");
    const rows = await db.select().from(auditLog).where(eq(auditLog.actorUserId, user.id));
    expect(rows.map((r) => r.action)).toContain("user.profile_updated");
  });

  it("rejects an empty name with a field message", async () => {
    const user = await makeUser("Kept");
    const res = await callOverHttp(user.id, "users.updateProfile", { name: "   " }, "mutation");
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data.fieldErrors).toEqual({ name: ["Enter your name"] });
    expect((await callerFor(user.id).users.me()).name).toBe("Kept");
  });

  it("requires sign-in", async () => {
    await expect(callerFor(null).users.updateProfile({ name: "X" })).rejects.toBeInstanceOf(TRPCError);
  });
});
