"use client";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="grid max-w-lg gap-4">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <Alert variant="error">
        This page could not be loaded. Your data is safe; try again in a moment.
        {error.digest ? <span className="mt-1 block text-xs opacity-80">Reference: {error.digest}</span> : null}
      </Alert>
      <div>
        <Button onClick={reset}>Try again</Button>
      </div>
    </div>
  );
}
