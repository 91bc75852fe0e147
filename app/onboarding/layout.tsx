import { ImpersonationBanner } from "@/components/impersonation-banner";

export default function OnboardingLayout({ children }: LayoutProps<"/onboarding">) {
  return (
    <>
      <ImpersonationBanner />
      {children}
    </>
  );
}
