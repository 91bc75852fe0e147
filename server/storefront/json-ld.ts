import { amountInCurrencyDigits } from "@/lib/format-price";

type JsonLdProduct = { name: string; sku: string | null; price: string; currency: string; images: { url: string }[] };

/**
 * schema.org Product markup for a storefront product page, as the script
 * element's text: the price in its currency's own digits ("12.50" EUR, "1200"
 * JPY, "12.500" KWD, not the stored NUMERIC(12,3)), and "<" escaped so the
 * text cannot close the script element.
 */
export function productJsonLd(product: JsonLdProduct): string {
  return JSON.stringify({
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.name,
    sku: product.sku ?? undefined,
    image: product.images.map((i) => i.url),
    offers: { "@type": "Offer", price: amountInCurrencyDigits(product.price, product.currency), priceCurrency: product.currency },
  }).replace(/</g, "\\u003c");
}
