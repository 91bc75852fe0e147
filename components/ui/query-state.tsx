"use client";

import * as React from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { messageOf } from "@/lib/trpc/errors";

type QueryLike<T> = { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };

/**
 * What a list shows for its query: loading, the error with a Retry, `empty` when the data is an
 * empty array, else `children(data)`. `what` names the data: "Loading members…".
 */
export function QueryState<T>({ query, what, empty, children }: { query: QueryLike<T>; what: string; empty?: React.ReactNode; children: (data: T) => React.ReactNode }) {
  if (query.isError) {
    return (
      <Alert variant="error">
        Could not load the {what}: {messageOf(query.error)}{" "}
        <Button type="button" size="sm" variant="outline" onClick={() => void query.refetch()}>
          Retry
        </Button>
      </Alert>
    );
  }
  // Pending, or (never in practice) settled without data: still loading either way.
  if (query.isPending || query.data === undefined) {
    return (
      <p aria-busy="true" className="text-sm text-muted-foreground">
        Loading {what}…
      </p>
    );
  }
  if (empty !== undefined && Array.isArray(query.data) && query.data.length === 0) return <p className="text-sm text-muted-foreground">{empty}</p>;
  return children(query.data);
}
