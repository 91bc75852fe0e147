"use client";

import { useActionState } from "react";
import { isTooManyRequests } from "@/lib/rate-limit-message";
import type { FormState } from "./actions";

/**
 * useActionState for the account forms. A submission the per-address rate limit refused (the
 * proxy's 429 rejects the action with its message) shows as the form's error, keeping what was
 * typed except the password; any other failure goes to the error boundary as before.
 */
export function useFormAction(action: (prev: FormState, formData: FormData) => Promise<FormState>) {
  return useActionState<FormState, FormData>(async (prev, formData) => {
    try {
      return await action(prev, formData);
    } catch (error) {
      if (!isTooManyRequests(error)) throw error;
      const values: Record<string, string> = {};
      for (const name of ["name", "email"]) {
        const value = formData.get(name);
        if (typeof value === "string") values[name] = value;
      }
      return { error: error.message, values };
    }
  }, {});
}
