import { handlers } from "@/server/auth";
import { instrumentRoute } from "@/server/observability/http";

export const GET = instrumentRoute("/api/auth/[...nextauth]", handlers.GET);
export const POST = instrumentRoute("/api/auth/[...nextauth]", handlers.POST);
