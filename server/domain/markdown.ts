import { marked } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * Product descriptions are Markdown written by merchants and shown to the
 * public, so the HTML is sanitized with a strict allow list after rendering:
 * no script/style/iframe, no event handlers, no inline styles, and links and
 * images only over http(s) (javascript: and data: URLs are dropped).
 */
const allowList: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "em", "b", "i", "u", "s", "del", "ul", "ol", "li", "blockquote", "code", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "a", "img", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "title"], img: ["src", "alt", "title"], th: ["align"], td: ["align"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Headings in a description sit below the product title (h1).
  transformTags: {
    h1: "h2",
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow noopener noreferrer", target: "_blank" }),
  },
};
allowList.allowedAttributes = { ...allowList.allowedAttributes, a: ["href", "title", "rel", "target"] };

export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown, { async: false, gfm: true, breaks: false });
  return sanitizeHtml(html, allowList);
}

/** Plain text (for meta descriptions): the rendered HTML with every tag removed. */
export function markdownToText(markdown: string, maxLength = 160): string {
  const text = sanitizeHtml(marked.parse(markdown, { async: false }), { allowedTags: [], allowedAttributes: {} })
    .replace(/\s+/g, " ")
    .trim();
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
