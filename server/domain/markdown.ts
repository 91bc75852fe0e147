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

/**
 * Removes raw HTML from Markdown written by someone else (a model's draft) as it streams in,
 * chunk by chunk: a tag may be split across chunks, so text from an unclosed `<` is held back
 * until its `>` arrives. What remains is Markdown that renderMarkdown shows like any description.
 */
export function createHtmlStripper(): { push(chunk: string): string; end(): string } {
  let pending = "";
  const TAG = /<\/?[A-Za-z!][^<>]*>/g;
  return {
    push(chunk) {
      pending += chunk;
      const open = pending.search(/<[A-Za-z!/]?[^<>]*$/);
      const ready = open === -1 ? pending : pending.slice(0, open);
      pending = open === -1 ? "" : pending.slice(open);
      // A held-back "<" that can no longer be a tag is text.
      if (pending.length > 1 && !/^<[A-Za-z!/]/.test(pending)) {
        const text = pending;
        pending = "";
        return ready.replace(TAG, "") + text;
      }
      return ready.replace(TAG, "");
    },
    end() {
      // An unclosed tag at the end is dropped with its attributes.
      const rest = /^<[A-Za-z!/]/.test(pending) ? "" : pending;
      pending = "";
      return rest;
    },
  };
}
