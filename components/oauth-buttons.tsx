import { signIn } from "@/server/auth";
import { Button } from "@/components/ui/button";

/** GitHub/Google buttons, shown only for providers configured in the environment. */
export function OAuthButtons({ providers, callbackUrl }: { providers: { id: string; name: string }[]; callbackUrl: string }) {
  if (providers.length === 0) return null;
  return (
    <div className="grid gap-2">
      {providers.map((p) => (
        <form
          key={p.id}
          action={async () => {
            "use server";
            await signIn(p.id, { redirectTo: callbackUrl });
          }}
        >
          <Button type="submit" variant="outline" className="w-full">
            Continue with {p.name}
          </Button>
        </form>
      ))}
      <p className="my-2 text-center text-xs uppercase text-muted-foreground">or</p>
    </div>
  );
}
