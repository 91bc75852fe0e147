import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/dashboard/page-header";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";

export const metadata: Metadata = { title: "Platform admin" };

export default function AdminHome() {
  return (
    <>
      <PageHeader title="Platform admin" description="Operator tools for the whole platform." />
      <div className="grid gap-4 md:grid-cols-2">
        <Link href="/admin/billing-runs" className="block">
          <Card className="h-full hover:border-primary">
            <CardHeader>
              <CardTitle>Billing runs</CardTitle>
              <CardDescription>Bill a month&apos;s usage, watch a run&apos;s progress, see why one failed.</CardDescription>
            </CardHeader>
          </Card>
        </Link>
        <Link href="/admin/api-keys" className="block">
          <Card className="h-full hover:border-primary">
            <CardHeader>
              <CardTitle>API keys</CardTitle>
              <CardDescription>Platform service keys for the operator&apos;s own services.</CardDescription>
            </CardHeader>
          </Card>
        </Link>
      </div>
    </>
  );
}
