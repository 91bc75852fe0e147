import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { makeTenant, makeUser } from "@/test/factories";
import { db } from "./client";
import { auditLog } from "./schema";

async function sqlstate(promise: Promise<unknown>) {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? "unknown";
  }
}

describe("audit_log", () => {
  it("is append-only, even for the connection's superuser", async () => {
    const owner = await makeUser();
    const tenant = await makeTenant(owner);
    const [row] = await db.select().from(auditLog).where(eq(auditLog.tenantId, tenant.id));
    expect(row).toBeDefined();
    expect(await sqlstate(db.update(auditLog).set({ action: "tampered" }).where(eq(auditLog.id, row!.id)))).toBe("42501");
    expect(await sqlstate(db.delete(auditLog).where(eq(auditLog.id, row!.id)))).toBe("42501");
    expect(await sqlstate(db.execute(sql`truncate audit_log`))).toBe("42501");
    const [after] = await db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(after!.action).toBe("tenant.created");
  });
});
