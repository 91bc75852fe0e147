"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { InlineConfirm } from "@/components/ui/inline-confirm";
import { FormField } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { QueryState } from "@/components/ui/query-state";
import { Table, TableBody, TableCell, TableColumns, TableRow } from "@/components/ui/table";
import { useTRPC } from "@/lib/trpc/client";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";
import type { MembershipRole } from "@/server/db/schema";
import type { InvitationSummary, TeamMember } from "@/server/domain/team";

const roles: MembershipRole[] = ["owner", "admin", "member", "viewer"];
const rank: Record<MembershipRole, number> = { viewer: 1, member: 2, admin: 3, owner: 4 };
const atLeast = (role: MembershipRole, min: MembershipRole) => rank[role] >= rank[min];
const roleHelp: Record<MembershipRole, string> = {
  owner: "Owner — everything, including billing and the team's owners",
  admin: "Admin — everything but owners: team, API keys, billing",
  member: "Member — edits the catalog and storefront",
  viewer: "Viewer — reads everything, changes nothing",
};
const selectClass = "h-9 rounded-md border border-border bg-background px-2 text-sm";
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** One pending confirmation at a time: which action on which row. */
type Pending =
  | { kind: "remove"; member: TeamMember }
  | { kind: "transfer"; member: TeamMember }
  | { kind: "leave"; member: TeamMember }
  | { kind: "role"; member: TeamMember; role: MembershipRole }
  | { kind: "revoke"; invitation: InvitationSummary }
  | null;

/**
 * The Team page: members with their roles, invitations by email, and the changes the caller's
 * role allows (the server checks every rule again: nobody above their own role, always an owner).
 * Destructive changes ask for confirmation first.
 */
export function TeamManager({ tenantSlug, role }: { tenantSlug: string; role: MembershipRole }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const canManage = atLeast(role, "admin");
  const members = useQuery(trpc.team.members.queryOptions({ tenantSlug }));
  const invitations = useQuery({ ...trpc.team.invitations.queryOptions({ tenantSlug }), enabled: canManage });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.team.members.queryKey({ tenantSlug }) }),
      queryClient.invalidateQueries({ queryKey: trpc.team.invitations.queryKey({ tenantSlug }) }),
    ]);
  const [pending, setPending] = useState<Pending>(null);
  const onError = (e: unknown) => toast.error(messageOf(e));
  const done = (message: string) => () => {
    toast.success(message);
    setPending(null);
    void refresh();
  };

  const [email, setEmail] = useState("");
  const [inviteRole, setInviteRole] = useState<MembershipRole>("member");
  const invite = useMutation(
    trpc.team.invite.mutationOptions({
      onSuccess: (inv) => {
        toast.success(`Invitation sent to ${inv.email}`);
        setEmail("");
        void refresh();
      },
    }),
  );
  const resend = useMutation(trpc.team.resendInvitation.mutationOptions({ onSuccess: (inv) => toast.success(`Invitation sent again to ${inv.email}`), onError }));
  const revoke = useMutation(trpc.team.revokeInvitation.mutationOptions({ onSuccess: done("Invitation revoked"), onError }));
  const changeRole = useMutation(trpc.team.changeRole.mutationOptions({ onSuccess: done("Role changed"), onError }));
  const remove = useMutation(trpc.team.remove.mutationOptions({ onSuccess: done("Member removed"), onError }));
  const transfer = useMutation(
    trpc.team.transferOwnership.mutationOptions({
      onSuccess: (m) => {
        done(`${m.name ?? m.email} is now an owner; you are an admin`)();
        router.refresh();
      },
      onError,
    }),
  );
  const leave = useMutation(
    trpc.team.leave.mutationOptions({
      onSuccess: () => {
        toast.success("You left the shop");
        router.push("/dashboard");
      },
      onError,
    }),
  );
  const fe = fieldErrorsOf(invite.error);
  const grantable = roles.filter((r) => atLeast(role, r));

  function confirm() {
    if (!pending) return;
    if (pending.kind === "revoke") revoke.mutate({ tenantSlug, invitationId: pending.invitation.id });
    else if (pending.kind === "remove") remove.mutate({ tenantSlug, userId: pending.member.userId });
    else if (pending.kind === "transfer") transfer.mutate({ tenantSlug, userId: pending.member.userId });
    else if (pending.kind === "leave") leave.mutate({ tenantSlug });
    else changeRole.mutate({ tenantSlug, userId: pending.member.userId, role: pending.role });
  }
  const busy = revoke.isPending || remove.isPending || transfer.isPending || leave.isPending || changeRole.isPending;

  function confirmation(label: string, action: string) {
    return <InlineConfirm label={label} ask action={action} pending={busy} onConfirm={confirm} onCancel={() => setPending(null)} />;
  }

  function memberActions(m: TeamMember) {
    const who = m.name ?? m.email;
    if (pending && pending.kind !== "revoke" && pending.member.userId === m.userId) {
      if (pending.kind === "role") return confirmation(`Make ${who} ${pending.role}`, "Confirm role");
      if (pending.kind === "remove") return confirmation(`Remove ${who} from the shop`, "Confirm remove");
      if (pending.kind === "transfer") return confirmation(`Make ${who} an owner and yourself an admin`, "Confirm transfer");
      return confirmation("Leave this shop", "Confirm leave");
    }
    if (m.isYou) {
      return (
        <Button type="button" size="sm" variant="outline" onClick={() => setPending({ kind: "leave", member: m })}>
          Leave
        </Button>
      );
    }
    return (
      <span className="inline-flex flex-wrap justify-end gap-1">
        {role === "owner" && m.role !== "owner" ? (
          <Button type="button" size="sm" variant="outline" onClick={() => setPending({ kind: "transfer", member: m })} aria-label={`Transfer ownership to ${who}`}>
            Transfer ownership
          </Button>
        ) : null}
        {canManage && atLeast(role, m.role) ? (
          <Button type="button" size="sm" variant="outline" onClick={() => setPending({ kind: "remove", member: m })} aria-label={`Remove ${who}`}>
            Remove
          </Button>
        ) : null}
      </span>
    );
  }

  return (
    <div className="grid gap-10">
      {canManage ? (
        <form
          className="grid max-w-xl gap-4"
          noValidate
          aria-labelledby="invite-heading"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate({ tenantSlug, email, role: inviteRole });
          }}
        >
          <h2 id="invite-heading" className="text-lg font-semibold">
            Invite a teammate
          </h2>
          <FormField
            id="invite-email"
            type="email"
            label="Email address"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fe.email}
            hint="They get a link valid for 7 days, usable once."
            required
          />
          <div className="grid gap-1.5">
            <Label htmlFor="invite-role">Role</Label>
            <select
              id="invite-role"
              className={selectClass + " h-10 w-full"}
              value={inviteRole}
              onChange={(e) => setInviteRole(e.target.value as MembershipRole)}
              aria-invalid={fe.role ? true : undefined}
              aria-describedby={fe.role ? "invite-role-error" : undefined}
            >
              {grantable.map((r) => (
                <option key={r} value={r}>
                  {roleHelp[r]}
                </option>
              ))}
            </select>
            {fe.role ? (
              <p id="invite-role-error" className="text-xs text-destructive">
                {fe.role}
              </p>
            ) : null}
          </div>
          {invite.error && !Object.keys(fe).length ? <Alert variant="error">{messageOf(invite.error)}</Alert> : null}
          <div>
            <Button type="submit" pending={invite.isPending}>
              Send invitation
            </Button>
          </div>
        </form>
      ) : null}

      <section aria-labelledby="members-heading" className="grid gap-3">
        <h2 id="members-heading" className="text-lg font-semibold">
          Members
        </h2>
        <QueryState query={members} what="members">
          {(rows) => (
            <Table data-testid="team-members">
              <TableColumns columns={["Name", "Email", "Role", "Joined", { label: "Actions", srOnly: true }]} />
              <TableBody>
                {rows.map((m) => {
                  const who = m.name ?? m.email;
                  const editable = canManage && atLeast(role, m.role);
                  return (
                    <TableRow key={m.userId} className="align-middle">
                      <TableCell>
                        {m.name ?? "—"} {m.isYou ? <Badge variant="muted">you</Badge> : null}
                      </TableCell>
                      <TableCell>{m.email}</TableCell>
                      <TableCell>
                        {editable ? (
                          <select
                            className={selectClass}
                            aria-label={`Role of ${who}`}
                            value={pending?.kind === "role" && pending.member.userId === m.userId ? pending.role : m.role}
                            onChange={(e) => setPending({ kind: "role", member: m, role: e.target.value as MembershipRole })}
                          >
                            {grantable.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <Badge variant={m.role === "owner" ? "default" : "muted"}>{m.role}</Badge>
                        )}
                      </TableCell>
                      <TableCell className="text-xs">{dateFormat.format(m.joinedAt)}</TableCell>
                      <TableCell className="text-right">{memberActions(m)}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </QueryState>
      </section>

      {canManage ? (
        <section aria-labelledby="invitations-heading" className="grid gap-3">
          <h2 id="invitations-heading" className="text-lg font-semibold">
            Pending invitations
          </h2>
          <QueryState query={invitations} what="invitations" empty="No pending invitations. Invite a teammate above.">
            {(rows) => (
              <Table data-testid="team-invitations">
                <TableColumns columns={["Email", "Role", "Status", "Expires", { label: "Actions", srOnly: true }]} />
                <TableBody>
                  {rows.map((inv) => (
                    <TableRow key={inv.id} className="align-middle">
                      <TableCell>{inv.email}</TableCell>
                      <TableCell>{inv.role}</TableCell>
                      <TableCell>
                        {inv.status === "expired" ? <Badge variant="warning">expired</Badge> : inv.sentAt ? <Badge variant="success">sent</Badge> : <Badge variant="muted">sending…</Badge>}
                      </TableCell>
                      <TableCell className="text-xs">{dateFormat.format(inv.expiresAt)}</TableCell>
                      <TableCell className="text-right">
                        {pending?.kind === "revoke" && pending.invitation.id === inv.id ? (
                          confirmation(`Revoke the invitation for ${inv.email}`, "Confirm revoke")
                        ) : atLeast(role, inv.role) ? (
                          <span className="inline-flex gap-1">
                            <Button type="button" size="sm" variant="outline" pending={resend.isPending && resend.variables?.invitationId === inv.id} onClick={() => resend.mutate({ tenantSlug, invitationId: inv.id }, { onSettled: () => void refresh() })} aria-label={`Resend the invitation for ${inv.email}`}>
                              Resend
                            </Button>
                            <Button type="button" size="sm" variant="outline" onClick={() => setPending({ kind: "revoke", invitation: inv })} aria-label={`Revoke the invitation for ${inv.email}`}>
                              Revoke
                            </Button>
                          </span>
                        ) : null}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </QueryState>
        </section>
      ) : null}
    </div>
  );
}
