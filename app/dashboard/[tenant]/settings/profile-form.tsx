"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { fieldErrorsOf } from "@/lib/trpc/errors";
import { useTRPC } from "@/lib/trpc/client";

export function ProfileForm({ initialName, email }: { initialName: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [name, setName] = useState(initialName);
  const save = useMutation(
    trpc.users.updateProfile.mutationOptions({
      onSuccess: () => {
        toast.success("Profile saved");
        router.refresh();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  return (
    <form
      className="grid max-w-lg gap-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ name });
      }}
    >
      <FormField id="profile-name" label="Your name" value={name} onChange={(e) => setName(e.target.value)} error={fe.name} />
      <FormField id="profile-email" label="Email" value={email} readOnly disabled hint="Contact support to change your email." />
      <div>
        <Button type="submit" variant="outline" disabled={save.isPending}>
          Save profile
        </Button>
      </div>
    </form>
  );
}
