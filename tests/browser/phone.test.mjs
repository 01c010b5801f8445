// The procedure page on a 360×800 phone, as a citizen opens it: the first screen says
// whether it can be done online, the fee, the time and where to go; the checklist
// starts soon after; the place to submit is one tap away. Measured on every procedure
// of the example and on 50 real records spread over the national data.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { axeViolations, buildSite, launch, serve } from "./harness.mjs";
import { makeSample } from "./corpus.mjs";

const SCREEN = { width: 360, height: 800 };
let browser;
const sites = {};

before(async () => {
  browser = await launch();
  const example = buildSite();
  const sample = makeSample(50);
  sites.example = { out: example, server: await serve(example, "/") };
  const sampled = buildSite(sample.root);
  sites.sample = { out: sampled, server: await serve(sampled, "/") };
});

after(async () => {
  await browser?.close();
  for (const site of Object.values(sites)) await site.server.close();
});

function procedurePages(out) {
  return readdirSync(join(out, "thu-tuc")).map((slug) => `thu-tuc/${slug}/index.html`);
}

/** Where things start on the page, in screens of 800 px. */
async function measure(page) {
  return page.evaluate((height) => {
    const top = (css) => {
      const e = document.querySelector(css);
      return e ? (e.getBoundingClientRect().top + window.scrollY) / height : null;
    };
    const bottom = (css) => {
      const e = document.querySelector(css);
      return e ? (e.getBoundingClientRect().bottom + window.scrollY) / height : null;
    };
    return {
      checklist: top("#ho-so"),
      where: top("#noi-nop"),
      online: bottom(".before .fact-online .badge"),
      fee: bottom(".before .fact-fee .fact-line"),
      time: bottom(".before .fact-time .fact-line"),
      office: bottom(".before .fact-where .fact-line"),
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      titleLength: document.querySelector("h1").textContent.trim().length,
    };
  }, SCREEN.height);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const name of ["example", "sample"]) {
  describe(`phone, ${name}`, () => {
    test("the first screen answers before you go; the checklist follows within 1.5 screens", async () => {
      const { out, server } = sites[name];
      const page = await browser.newPage({ viewport: SCREEN });
      const starts = [];
      const wheres = [];
      const longTitles = [];
      for (const path of procedurePages(out)) {
        await page.goto(server.url + path);
        const m = await measure(page);
        const late = ["online", "fee", "time", "office"].filter((fact) => !(m[fact] !== null && m[fact] <= 1));
        // A national title can run to 400 characters, 15 lines on a phone: there the
        // summary starts lower. Every other page shows all four on the first screen.
        if (m.titleLength > 250) {
          if (late.length) longTitles.push(path);
        } else {
          assert.deepEqual(late, [], `${path}: not on the first screen: ${late.map((f) => `${f} ${m[f]?.toFixed(2)}`)}`);
        }
        assert.ok(m.overflow <= 0, `${path}: ${m.overflow}px wider than the screen`);
        if (m.checklist !== null) starts.push(m.checklist);
        wheres.push(m.where);
      }
      const report = (xs) => `median ${median(xs).toFixed(2)}, worst ${Math.max(...xs).toFixed(2)} screens (${xs.length} pages)`;
      console.log(
        `${name}: checklist starts at ${report(starts)}; place to submit at ${report(wheres)}; ` +
          `${longTitles.length} page(s) with a title over 250 characters push the summary past the first screen`,
      );
      assert.ok(median(starts) <= 1.5, `checklist: ${report(starts)}`);
      await page.close();
    });

    test("the place to submit is one tap away", async () => {
      const { out, server } = sites[name];
      const page = await browser.newPage({ viewport: SCREEN });
      await page.goto(server.url + procedurePages(out)[0]);
      const link = page.locator('.before a[href="#noi-nop"]').first();
      const box = await link.boundingBox();
      assert.ok(box && box.y + box.height <= SCREEN.height, "the link is on the first screen");
      await link.click();
      await page.waitForFunction(() => Math.abs(document.querySelector("#noi-nop").getBoundingClientRect().top) < 2);
      await page.close();
    });
  });
}

describe("phone, page parts", () => {
  test("channels are cards on a phone and a table on a wide screen", async () => {
    const { server } = sites.example;
    const path = "thu-tuc/1-010038-tach-ho/index.html";
    const phone = await browser.newPage({ viewport: SCREEN });
    await phone.goto(server.url + path);
    assert.equal(await phone.locator(".channel-card").count(), 2);
    assert.ok(await phone.locator(".channel-card").first().isVisible());
    assert.ok(!(await phone.locator(".channel-table").isVisible()));
    const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await wide.goto(server.url + path);
    assert.ok(await wide.locator(".channel-table").isVisible());
    assert.ok(!(await wide.locator(".channel-card").first().isVisible()));
    await phone.close();
    await wide.close();
  });

  test("guidance notes fold away without JavaScript and open on a tap", async () => {
    const { server } = sites.example;
    const context = await browser.newContext({ viewport: SCREEN, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(server.url + "thu-tuc/1-001695-thu-tuc-dang-ky-khai-sinh-ket-hop-dang-ky-nhan/index.html");
    const notes = page.locator(".documents details.doc-notes");
    assert.ok((await notes.count()) >= 1);
    assert.ok(!(await notes.first().locator(".doc-note").first().isVisible()));
    await notes.first().locator("summary").click();
    assert.ok(await notes.first().locator(".doc-note").first().isVisible());
    await context.close();
  });

  test("real pages with cases, notes and steps have no axe-core violations", async () => {
    const { out, server } = sites.sample;
    const page = await browser.newPage({ viewport: SCREEN });
    for (const path of procedurePages(out).slice(0, 8)) {
      await page.goto(server.url + path);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 2)}`);
    }
    await page.close();
  });
});
