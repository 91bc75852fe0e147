import Link from "next/link";
import { BarChart3, CreditCard, Globe, Image as ImageIcon, ShieldCheck, Users } from "lucide-react";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/theme-toggle";
import { Button } from "@/components/ui/button";

const features = [
  { icon: ImageIcon, title: "Catalog", text: "Products with exact prices in any currency, categories and images." },
  { icon: Globe, title: "Storefront", text: "A fast, branded public shop on your own address." },
  { icon: BarChart3, title: "Analytics", text: "See where visitors come from, by campaign and source." },
  { icon: Users, title: "Team", text: "Invite colleagues as admins, members or viewers." },
  { icon: CreditCard, title: "Billing", text: "Simple plans through Stripe; usage metered fairly." },
  { icon: ShieldCheck, title: "Isolation", text: "Every shop's data is fenced off in the database itself." },
];

export default function LandingPage() {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="mx-auto flex w-full max-w-6xl items-center justify-between px-6 py-4">
        <Logo />
        <nav className="flex items-center gap-2" aria-label="Account">
          <ThemeToggle />
          <Button variant="ghost" asChild>
            <Link href="/sign-in">Sign in</Link>
          </Button>
          <Button asChild>
            <Link href="/sign-up">Start free</Link>
          </Button>
        </nav>
      </header>
      <main className="mx-auto flex w-full max-w-6xl flex-1 flex-col px-6">
        <section className="py-20 text-center sm:py-28">
          <h1 className="text-4xl font-bold tracking-tight sm:text-6xl">Your shop, open in minutes.</h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-muted-foreground">
            Souk gives shops, museums and small brands a catalog, a public storefront and billing that just works — without a
            developer.
          </p>
          <div className="mt-10 flex justify-center gap-3">
            <Button size="lg" asChild>
              <Link href="/sign-up">Create your shop</Link>
            </Button>
            <Button size="lg" variant="outline" asChild>
              <Link href="/sign-in">I have an account</Link>
            </Button>
          </div>
        </section>
        <section aria-labelledby="features" className="pb-24">
          <h2 id="features" className="sr-only">
            Features
          </h2>
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {features.map(({ icon: Icon, title, text }) => (
              <li key={title} className="rounded-xl border bg-card p-6">
                <Icon className="size-5 text-primary" aria-hidden />
                <h3 className="mt-3 font-semibold">{title}</h3>
                <p className="mt-1 text-sm text-muted-foreground">{text}</p>
              </li>
            ))}
          </ul>
        </section>
      </main>
      <footer className="border-t py-6 text-center text-sm text-muted-foreground">© Souk</footer>
    </div>
  );
}
