-- Teams. team_invitations is a tenant table like the others: RLS forced, and the shop's
-- owners and admins create, resend (new link, new expiry) and revoke invitations through the
-- tenant door. Nothing deletes one (they stay for the audit trail); accepting is written by the
-- system door (the invitee is not yet a member), so accepted_at/accepted_by_user_id and email
-- are not writable by the tenant role.
ALTER TABLE "team_invitations" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
GRANT SELECT, INSERT ON "team_invitations" TO souk_tenant;--> statement-breakpoint
GRANT UPDATE ("role", "token_hash", "invited_by_user_id", "expires_at", "sent_at", "requested_at", "revoked_at", "updated_at") ON "team_invitations" TO souk_tenant;--> statement-breakpoint
-- memberships: a shop changes roles and removes members (or a member leaves) through the tenant
-- door; a membership is created only with the shop or by accepting an invitation (system door).
GRANT UPDATE ("role", "updated_at") ON "memberships" TO souk_tenant;--> statement-breakpoint
GRANT DELETE ON "memberships" TO souk_tenant;
