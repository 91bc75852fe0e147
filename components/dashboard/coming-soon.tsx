import type { LucideIcon } from "lucide-react";
import { PageHeader } from "./page-header";

/** An honest placeholder for an area that is planned but not built yet. */
export function ComingSoon({ title, icon: Icon, description, planned }: { title: string; icon: LucideIcon; description: string; planned: string[] }) {
  return (
    <>
      <PageHeader title={title} />
      <section className="grid place-items-center rounded-xl border border-dashed px-6 py-16 text-center">
        <Icon className="size-10 text-muted-foreground" aria-hidden />
        <h2 className="mt-4 text-lg font-semibold">Coming soon</h2>
        <p className="mt-2 max-w-md text-sm text-muted-foreground">{description}</p>
        <ul className="mt-4 grid gap-1 text-sm text-muted-foreground">
          {planned.map((p) => (
            <li key={p}>• {p}</li>
          ))}
        </ul>
      </section>
    </>
  );
}
