-- Custom SQL migration file, put your code below! --
-- The tenant role reads memberships (role checks, team lists, the users policy) but writes none:
-- memberships are created with the shop and changed by platform code through the system door.
-- Write grants come back with invitations, when something needs them.
REVOKE INSERT, UPDATE, DELETE ON "memberships" FROM souk_tenant;--> statement-breakpoint
GRANT SELECT ON "memberships" TO souk_tenant;
