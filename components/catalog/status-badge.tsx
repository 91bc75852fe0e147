import { Badge } from "@/components/ui/badge";
import type { ProductStatus } from "@/server/db/schema";

const variant = { draft: "muted", published: "success", archived: "warning" } as const;

export function StatusBadge({ status }: { status: ProductStatus }) {
  return <Badge variant={variant[status]}>{status}</Badge>;
}
