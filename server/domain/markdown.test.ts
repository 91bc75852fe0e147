import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHtmlStripper } from "./markdown";

function strip(chunks: string[]): string {
  const s = createHtmlStripper();
  return chunks.map((c) => s.push(c)).join("") + s.end();
}

describe("createHtmlStripper", () => {
  it("removes tags, also when a tag is split across chunks, and keeps Markdown and a lone <", () => {
    expect(strip(["Soft **linen** <b>washed</b>."])).toBe("Soft **linen** washed.");
    expect(strip(["Soft <scr", "ipt>alert(1)</s", "cript> linen"])).toBe("Soft alert(1) linen");
    expect(strip(["<img src=x onerror=alert(1)", ">a"])).toBe("a");
    expect(strip(["2 < 3 and 4 <", " 5"])).toBe("2 < 3 and 4 < 5");
    expect(strip(["ends with an unclosed <a href='javascript:x'"])).toBe("ends with an unclosed ");
  });

  it("gives the same text however the stream is cut", () => {
    const text = "A <em>mug</em> for 2 < 3 people <script>x()</script>, **glazed**.<br/>";
    const whole = strip([text]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: 8 }), (cuts) => {
        const points = [0, ...[...new Set(cuts)].sort((a, b) => a - b), text.length];
        const chunks = points.slice(1).map((p, i) => text.slice(points[i], p));
        expect(strip(chunks)).toBe(whole);
      }),
    );
    expect(whole).toBe("A mug for 2 < 3 people x(), **glazed**.");
  });
});
