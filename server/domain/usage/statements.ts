import { and, desc, eq } from "drizzle-orm";
import { text } from "../text";
import { z } from "zod";
import { usageStatementLines, usageStatements, type UsageStatement, type UsageStatementLine } from "@/server/db/schema";
import type { TenantContext } from "@/server/domain/context";
import { DomainError } from "@/server/domain/errors";
import { parsePeriod } from "./periods";

/** A shop's usage statements, read through its own door (RLS): newest period first. */
export async function listUsageStatements(ctx: Pick<TenantContext, "tx">): Promise<UsageStatement[]> {
  return ctx.tx.select().from(usageStatements).orderBy(desc(usageStatements.period));
}

export const statementPeriodInput = z.object({
  period: text()
    .trim()
    .transform((v, c) => parsePeriod(v) ?? (c.addIssue({ code: "custom", message: "Give the period as a month, YYYY-MM" }), z.NEVER)),
});

export type UsageStatementWithLines = UsageStatement & { lines: UsageStatementLine[] };

export async function getUsageStatement(ctx: Pick<TenantContext, "tx">, input: z.output<typeof statementPeriodInput>): Promise<UsageStatementWithLines> {
  const [statement] = await ctx.tx.select().from(usageStatements).where(eq(usageStatements.period, input.period));
  if (!statement) throw new DomainError("not_found", `No usage statement for ${input.period.slice(0, 7)}`);
  const lines = await ctx.tx
    .select()
    .from(usageStatementLines)
    .where(and(eq(usageStatementLines.tenantId, statement.tenantId), eq(usageStatementLines.period, input.period)))
    .orderBy(usageStatementLines.metric);
  return { ...statement, lines };
}

const csvCell = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The statement as CSV, one line per metric plus a total; exact decimals as stored. */
export function usageStatementCsv(statement: UsageStatementWithLines): string {
  const rows = [
    ["period", "metric", "quantity", "included", "billable", "unit_price", "amount", "currency"],
    ...statement.lines.map((l) => [statement.period.slice(0, 7), l.metric, l.quantity, l.included, l.billable, l.unitPrice, l.amount, l.currency]),
    [statement.period.slice(0, 7), "total", "", "", "", "", statement.total, statement.currency],
  ];
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}
