import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { proxy } from "@/proxy";
import { serviceUnavailableProblem, toTRPCError } from "@/server/api/errors";
import { DatabaseUnavailableError, databaseUnavailable, isConnectionError, markDatabaseAvailable, markDatabaseUnavailable } from "./availability";
import { withTenant } from "./tenancy";

const codeError = (code: string) => Object.assign(new Error(code), { code });
const never = () => new Promise<never>(() => {});

afterEach(() => markDatabaseAvailable());

describe("database availability breaker", () => {
  it("tells a database out of reach from a failed statement", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECT_TIMEOUT", "CONNECTION_CLOSED", "57P01", "57P03", "08006"]) {
      expect({ code, unavailable: isConnectionError(codeError(code)) }).toEqual({ code, unavailable: true });
    }
    // drizzle wraps the driver's error as the cause of its own.
    expect(isConnectionError(new Error("Failed query", { cause: codeError("ECONNREFUSED") }))).toBe(true);
    for (const code of ["23505", "42601", "57014", "40001"]) expect(isConnectionError(codeError(code))).toBe(false);
    expect(isConnectionError(new Error("plain"))).toBe(false);
  });

  it("stays open until its probe reaches the database, then closes", async () => {
    let calls = 0;
    markDatabaseUnavailable(async () => {
      if (++calls < 3) throw codeError("ECONNREFUSED");
    });
    expect(databaseUnavailable()).toBe(true);
    await vi.waitFor(() => expect(databaseUnavailable()).toBe(false), { timeout: 5_000, interval: 50 });
    expect(calls).toBe(3);
  });

  it("fails a door at once while open, without touching the pool, and works again once closed", async () => {
    markDatabaseUnavailable(never);
    const work = vi.fn(async () => "ran");
    await expect(withTenant("00000000-0000-4000-8000-000000000000", work)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(work).not.toHaveBeenCalled();
    markDatabaseAvailable();
    await expect(withTenant("00000000-0000-4000-8000-000000000000", async () => "ran")).resolves.toBe("ran");
  });

  it("answers 503 with Retry-After: tRPC, REST and pages", async () => {
    expect(toTRPCError(new DatabaseUnavailableError())).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    const rest = serviceUnavailableProblem(new DatabaseUnavailableError())!;
    expect(rest.status).toBe(503);
    expect(rest.headers.get("retry-after")).toBe("2");
    expect(await rest.json()).toMatchObject({ status: 503, code: "service_unavailable" });
    expect(serviceUnavailableProblem(new Error("other"))).toBeNull();

    markDatabaseUnavailable(never);
    for (const path of ["/dashboard", "/s/some-shop/p/a-product"]) {
      const page = await proxy(new NextRequest(`http://localhost:3000${path}`));
      expect({ path, status: page.status, retryAfter: page.headers.get("retry-after") }).toEqual({ path, status: 503, retryAfter: "2" });
    }
    // API routes answer in their own format; health must still run.
    const health = await proxy(new NextRequest("http://localhost:3000/api/health"));
    expect(health.status).toBe(200);
  });
});
