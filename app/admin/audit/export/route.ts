import { z } from "zod";
import { contextFromHeaders, sessionIdentity } from "@/server/api/request-context";
import { auth } from "@/server/auth";
import { auditCsvHeader, auditCsvLine, auditFilterInput, auditRowsForExport } from "@/server/domain/admin-audit";
import { getUser } from "@/server/domain/users";
import { instrumentRoute } from "@/server/observability/http";

/**
 * GET /admin/audit/export?shop=&actor=&action=&from=&to= — the audit rows of a filter as CSV,
 * streamed in batches. Platform admins only (not while impersonating); anyone else gets a 404, as
 * for the console's pages. A filter that does not parse is a 400 with the reason.
 */
export const GET = instrumentRoute(
  "/admin/audit/export",
  auth(async (req) => {
    const ctx = await contextFromHeaders(req.headers, async () => sessionIdentity(req.auth));
    const user = ctx.userId && !ctx.apiKey ? await getUser(ctx.userId) : null;
    if (!user?.isPlatformAdmin || ctx.impersonatorUserId) return new Response("Not found", { status: 404 });
    const url = new URL(req.url);
    const parsed = auditFilterInput.safeParse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
    if (!parsed.success) {
      return Response.json({ code: "bad_request", message: "Invalid filter", fieldErrors: z.flattenError(parsed.error).fieldErrors }, { status: 400 });
    }
    const encoder = new TextEncoder();
    const batches = auditRowsForExport(parsed.data);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(auditCsvHeader.join(",") + "\r\n"));
      },
      async pull(controller) {
        const next = await batches.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.map(auditCsvLine).join("")));
      },
      async cancel() {
        await batches.return(undefined);
      },
    });
    const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  }),
);
