import { z } from "zod";
import { MAIL_JOBS, sendPasswordResetMailTo, sendVerificationMailTo } from "@/server/domain/users";
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

export const mailJobs = [sendVerificationMailJob, sendPasswordResetMailJob];
