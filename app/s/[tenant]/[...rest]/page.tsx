import { notFound } from "next/navigation";

/** Any other path under a shop gets the shop's own (branded) 404, inside its layout. */
export default function UnknownStorefrontPath() {
  notFound();
}
