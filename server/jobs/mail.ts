import { z } from "zod";
import { MAIL_JOBS, sendPasswordResetMailTo, sendVerificationMailTo } from "@/server/domain/users";
import { sendInvitationMail, TEAM_INVITATION_MAIL_JOB } from "@/server/domain/team";
import { SEND_MAIL_JOB } from "@/server/domain/usage/overview";
import { sendMail } from "@/server/integrations/mail";
import { defineJob } from "./define";

/**
 * Account mail, sent from the worker: the request that asked for it only queues the job,
 * so its answer time says nothing about whether an account exists.
 */
export const sendVerificationMailJob = defineJob({
  name: MAIL_JOBS.verifyEmail,
  schema: z.object({ userId: z.uuid() }),
  maxAttempts: 5,
  handle: ({ userId }) => sendVerificationMailTo(userId),
});

export const sendPasswordResetMailJob = defineJob({
  name: MAIL_JOBS.passwordReset,
  schema: z.object({ email: z.string().max(254) }),
  maxAttempts: 5,
  handle: ({ email }) => sendPasswordResetMailTo(email),
});

/** A composed message (usage alerts): the sender queues it in the transaction that decided to send it. */
export const sendMailJob = defineJob({
  name: SEND_MAIL_JOB,
  schema: z.object({ to: z.string().max(254), subject: z.string().max(500), text: z.string().max(20_000) }),
  maxAttempts: 10,
  handle: (message) => sendMail(message),
});

/** A team invitation's link, issued and mailed by the worker (the token never sits in the queue). */
export const sendTeamInvitationMailJob = defineJob({
  name: TEAM_INVITATION_MAIL_JOB,
  schema: z.object({ tenantId: z.uuid(), invitationId: z.uuid() }),
  maxAttempts: 5,
  handle: (payload) => sendInvitationMail(payload),
});

export const mailJobs = [sendVerificationMailJob, sendPasswordResetMailJob, sendMailJob, sendTeamInvitationMailJob];
