import { ImpersonationBanner } from "@/components/impersonation-banner";

export default function DashboardLayout({ children }: LayoutProps<"/dashboard">) {
  return (
    <>
      <ImpersonationBanner />
      {children}
    </>
  );
}
