"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { UsageOverview } from "@/server/domain/usage/overview";

const colors = ["#0f766e", "#f59e0b", "#6366f1", "#db2777"];

/** Daily usage of the period, one line per metric. */
export function UsageChart({ daily, metrics }: { daily: UsageOverview["daily"]; metrics: { metric: string; label: string }[] }) {
  return (
    <div className="h-72 w-full" role="img" aria-label="Usage per day this period, by metric">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={daily} margin={{ left: -10, right: 10 }}>
          <CartesianGrid strokeDasharray="3 3" className="stroke-border" />
          <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} fontSize={12} />
          <YAxis fontSize={12} />
          <Tooltip />
          <Legend />
          {metrics.map((m, i) => (
            <Line key={m.metric} type="monotone" dataKey={m.metric} name={m.label} stroke={colors[i % colors.length]} strokeWidth={2} dot={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
