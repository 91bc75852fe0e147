/** A URL slug suggested from a display name ("Café Atlas" → "cafe-atlas"). Shared by forms and the domain. */
export function slugify(name: string, maxLength = 40): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, maxLength)
    .replace(/-+$/g, "");
}
