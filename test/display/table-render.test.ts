import { test } from "node:test";
import * as assert from "node:assert/strict";
import { tableToHtml } from "../../lib/display/table-html";
import { tableToText } from "../../lib/display/table-text";
import { showTable } from "../../lib/display/show-table";

test("HTML tables escape cell text and right-align numbers", () => {
  const html = tableToHtml([{ name: "<b>x</b> & y", acc: 0.5 }], { caption: "Dev <accuracy>" });
  assert.match(html, /<th [^>]*text-align:left[^>]*>name<\/th><th [^>]*text-align:right[^>]*>acc<\/th>/);
  assert.match(html, /<td [^>]*>&lt;b&gt;x&lt;\/b&gt; &amp; y<\/td><td [^>]*text-align:right[^>]*>0\.500<\/td>/);
  assert.match(html, /<caption[^>]*>Dev &lt;accuracy&gt;<\/caption>/);
  assert.doesNotMatch(html, /<b>x/);
});

test("long tables are cut at maxRows with a note of how many rows are hidden", async () => {
  const aq = await import("arquero");
  const t = aq.table({ i: Array.from({ length: 120 }, (_, k) => k) });
  const html = tableToHtml(t, { maxRows: 10 });
  assert.equal((html.match(/<tr>/g) ?? []).length, 11); // header + 10 rows
  assert.match(html, /… 110 more rows \(120 in all\)/);
  const text = tableToText(t, { maxRows: 3 });
  assert.deepEqual(text.split("\n"), ["i", "-", "0", "1", "2", "… 117 more rows (120 in all)"]);
});

test("text tables align columns", () => {
  const text = tableToText([{ lang: "en", acc: 0.812 }, { lang: "sw", acc: 0.5 }]);
  assert.deepEqual(text.split("\n"), ["lang    acc", "----  -----", "en    0.812", "sw    0.500"]);
});

test("outside a notebook showTable prints the text rendering", (t) => {
  const logged: string[] = [];
  t.mock.method(console, "log", (s: string) => logged.push(s));
  showTable([{ a: 1 }], { caption: "T" });
  assert.deepEqual(logged, ["T\na\n-\n1"]);
});
