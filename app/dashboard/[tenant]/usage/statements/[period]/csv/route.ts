import { TRPCError } from "@trpc/server";
import { getServerApi } from "@/server/api/server";
import { usageStatementCsv } from "@/server/domain/usage/statements";
import { instrumentRoute } from "@/server/observability/http";

/** The statement as a CSV download, behind the same membership check as the page (tRPC caller). */
export const GET = instrumentRoute("/dashboard/[tenant]/usage/statements/[period]/csv", async (_request: Request, { params }: RouteContext<"/dashboard/[tenant]/usage/statements/[period]/csv">) => {
  const { tenant, period } = await params;
  const api = await getServerApi();
  try {
    const statement = await api.usage.statement({ tenantSlug: tenant, period });
    return new Response(usageStatementCsv(statement), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="usage-${tenant}-${statement.period.slice(0, 7)}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (error) {
    if (error instanceof TRPCError) {
      const status = error.code === "UNAUTHORIZED" ? 401 : error.code === "BAD_REQUEST" ? 400 : error.code === "FORBIDDEN" ? 403 : 404;
      return new Response(status === 404 ? "Not found" : error.message, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    throw error;
  }
});
