import { Users } from "lucide-react";
import type { Metadata } from "next";
import { ComingSoon } from "@/components/dashboard/coming-soon";

export const metadata: Metadata = { title: "Team" };

export default function TeamPage() {
  return (
    <ComingSoon
      title="Team"
      icon={Users}
      description="Invite colleagues and choose what each of them may do."
      planned={["Invitations by email", "Roles: owner, admin, member, viewer"]}
    />
  );
}
