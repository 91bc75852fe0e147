import * as React from "react";
import { cn } from "@/lib/utils";

/** The table scrolls sideways on narrow screens; props go to the `<table>`, `containerClassName` to the scrolling box. */
export function Table({ className, containerClassName, ...props }: React.ComponentProps<"table"> & { containerClassName?: string }) {
  return (
    <div className={cn("overflow-x-auto", containerClassName)}>
      <table className={cn("w-full text-sm", className)} {...props} />
    </div>
  );
}

/** Header rows drop the rule that separates body rows. */
export function TableHeader({ className, ...props }: React.ComponentProps<"thead">) {
  return <thead className={cn("text-left text-muted-foreground [&_tr]:border-t-0", className)} {...props} />;
}

export function TableBody(props: React.ComponentProps<"tbody">) {
  return <tbody {...props} />;
}

export function TableRow({ className, ...props }: React.ComponentProps<"tr">) {
  return <tr className={cn("border-t", className)} {...props} />;
}

/** `numeric`: right-aligned, for columns of figures. */
export function TableHead({ className, numeric, ...props }: React.ComponentProps<"th"> & { numeric?: boolean }) {
  return <th className={cn("py-2 pr-3 font-medium", numeric && "text-right", className)} {...props} />;
}

/** `numeric`: right-aligned with digits of equal width, so figures line up. */
export function TableCell({ className, numeric, ...props }: React.ComponentProps<"td"> & { numeric?: boolean }) {
  return <td className={cn("py-2 pr-3", numeric && "text-right tabular-nums", className)} {...props} />;
}

type Column = string | { label: string; numeric?: boolean; srOnly?: boolean };

/**
 * The header of a table whose headings are plain labels: a string, or `{ label, numeric }` for
 * a column of figures, or `{ label, srOnly }` for one only screen readers announce (actions).
 */
export function TableColumns({ columns }: { columns: Column[] }) {
  return (
    <TableHeader>
      <TableRow>
        {columns.map((column, i) => {
          const { label, numeric, srOnly } = typeof column === "string" ? { label: column } : column;
          return (
            <TableHead key={i} numeric={numeric}>
              {srOnly ? <span className="sr-only">{label}</span> : label}
            </TableHead>
          );
        })}
      </TableRow>
    </TableHeader>
  );
}
