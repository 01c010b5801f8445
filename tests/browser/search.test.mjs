// Search in a real browser, on the example handbook and on a site of the 864 real
// records: the query tables citizens would type, filters in the URL, the back button,
// highlighting, suggestions, file:// and a subfolder.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { makeSite } from "./corpus.mjs";
import { buildSite, launch, serve } from "./harness.mjs";

let browser, example, real;

before(async () => {
  browser = await launch();
  example = await serve(buildSite(), "/so-tay/");
  real = await serve(buildSite(makeSite()), "/tthc/");
});

after(async () => {
  await browser?.close();
  await example?.close();
  await real?.close();
});

/** Opens the search page at `query` (the part after `?`) and reads the results. */
async function search(page, site, query) {
  await page.goto(`${site.url}search/index.html?${query}`);
  return read(page);
}

async function read(page) {
  await page.waitForFunction(() => window.sotaySearchDone);
  await page.evaluate(() => window.sotaySearchDone);
  return page.evaluate(() => ({
    status: document.getElementById("search-status").textContent,
    codes: [...document.querySelectorAll("#search-results ol > li")].map((li) => li.dataset.code),
    text: document.getElementById("search-results").innerText,
  }));
}

const q = (text) => "q=" + encodeURIComponent(text);
const nfd = (text) => text.normalize("NFD");

/**
 * [query, expected code, how many top results may share it]. 1: must be first;
 * 3: several records share the words, so the expected one must be in the top 3.
 */
const exampleTable = [
  ["tach ho", "1.010038", 1],
  ["TÁCH HỘ", "1.010038", 1],
  [nfd("Tách hộ"), "1.010038", 1],
  ["gia han tam tru", "1.002755", 1],
  ["xoa dang ky tam tru", "1.010028", 1],
  ["cap lai the can cuoc", "1.014064", 1],
  ["cấp đổi giấy chứng nhận căn cước", "1.014067", 1],
  ["giay phep lai xe", "3.000346", 1],
  ["giay phep lai xe quoc te", "3.000353", 1],
  ["lai xe quoc t", "3.000353", 1],
  ["1.014064", "1.014064", 1],
  ["1014064", "1.014064", 1],
  ["om dau", "1.001667", 1],
  ["che do tu tuat", "2.000821", 1],
  ["cham dut tro giup phap ly", "2.000840", 1],
  ["ban sao tu so goc", "2.000908", 1],
  ["nha o xa hoi", "1.014632", 1],
  ["thanh lap cong ty co phan", "2.002043", 1],
  ["van phong cong chung", "1.013835", 1],
  ["ho ngheo", "6.001435", 1],
  ["dang ky xe", "1.013066", 3],
  // Since 1.000689 (the same title without "có yếu tố nước ngoài") joined the example, it ranks first.
  ["khai snh", "1.001695", 2],
  ["cap doi giay chung nhan hop tac xa", "1.004901", 1],
  ["trong rung go lon", "1.012531", 1],
  ["phoi giong nhan tao", "1.012836", 1],
  ["chung thuc ban sao", "2.000815", 1],
  ["huy bo giao dich", "2.000913", 1],
  ["khang chien chong my", "1.013160", 1],
  ["mien hoc phi", "2.002765", 1],
  ["xac nhan thong tin ve cu tru", "1.010041", 1],
  ["điều chỉnh thông tin cư trú", "1.010039", 1],
  ["phong chay chua chay", "3.000509", 1],
  ["ban nha o cu", "1.012893", 1],
  // kí/ký, lí/lý written either way.
  ["dang ki khai sinh", "1.000689", 2],
  // Everyday names: the official words they stand for, in titles first.
  ["cccd", "1.014064", 3],
  ["bang lai xe", "3.000346", 2],
  // The handbook's own everyday names (content/synonyms.yaml).
  ["tach khau", "1.010038", 1],
  ["ct07", "1.010041", 1],
  // A slip of typing without Telex in a long query ("tuc" for "thực").
  ["cap lai chung nhan dang ky xe bien so xe tuc hien", "1.013082", 1],
];

const realTable = [
  ["dang ky ket hon", "1.000894", 1],
  ["đăng ký kết hôn", "1.000894", 1],
  ["DANG KY KET HON", "1.000894", 1],
  [nfd("Thủ tục đăng ký kết hôn"), "1.000894", 1],
  ["dang ky ket ho", "1.000894", 1],
  ["dang ky ket h", "1.000894", 1],
  ["dang ky kett hon", "1.000894", 1],
  ["dang ky lai ket hon", "1.004746", 1],
  ["dang ky khai tu", "1.000656", 1],
  ["khai tu co yeu to nuoc ngoai", "1.001766", 1],
  ["khai sinh co yeu to nuoc ngoai", "1.000110", 3],
  ["đăng ký lại khai sinh có yếu tố nước ngoài", "2.000522", 1],
  ["cap giay phep lai xe", "3.000346", 1],
  ["Cấp giấy phép lái xe", "3.000346", 1],
  ["giay phep lai xe quoc te", "3.000353", 1],
  ["1.000894", "1.000894", 1],
  ["1000894", "1.000894", 1],
  ["3.000346", "3.000346", 1],
  ["cham dut hoat dong ho kinh doanh", "1.001266", 1],
  ["ho kinh doanh", "1.001266", 1],
  ["cham dut hieu luc ma so thue", "1.007607", 1],
  ["nhap quoc tich viet nam o trong nuoc", "2.002039", 1],
  ["tro lai quoc tich", "2.002038", 1],
  ["cap lai so thuyen vien", "1.002787", 1],
  ["giam dinh tien gia", "1.001803", 1],
  ["giam dinhh tien gia", "1.001803", 1],
  ["cong nhan lang nghe", "1.003695", 1],
  ["lang nghe", "1.003695", 1],
  ["bo nhiem lai cong chung vien", "1.013804", 1],
  ["thu hoi chung chi hanh nghe luat su", "1.008614", 1],
  ["khai tien thue dat", "1.011006", 1],
  ["gia han nop thue", "1.013490", 1],
  ["gia han giay phep flegt", "3.000156", 1],
  ["CITES", "1.014020", 1],
  ["dang ky tai khoan dien tu", "1.000236", 1],
  ["tai khoan dien t", "1.000236", 1],
  ["cap the can cuoc cho nguoi duoi 14 tuoi", "1.012549", 1],
  ["giấy phép khảo nghiệm thuốc thú y", "1.003537", 1],
  ["Bán cổ phiếu quỹ", "3.000520", 1],
  ["co phieu quy", "3.000520", 1],
  ["cang can", "1.004284", 1],
  ["mo cang ca loai III", "1.004478", 1],
  ["tau lan", "1.013466", 1],
  ["nhan sinh thai", "2.002469", 1],
  ["tham dinh gia", "2.002634", 3],
  ["khai thac nuoc duoi dat", "1.001662", 1],
  ["tieu huy bien lai", "1.013657", 1],
  ["neo đậu", "1.009448", 1],
  ["tai nhap hang hoá tam quan", "1.008616", 1],
  ["ma ngan hang", "2.000630", 1],
  // kí/ký, lí/lý, kĩ/kỹ written either way.
  ["dang ki ket hon", "1.000894", 1],
  ["đăng kí kết hôn", "1.000894", 1],
  // Everyday names and abbreviations.
  ["cccd", "1.014064", 3],
  ["cap lai cccd", "1.014064", 1],
  ["bang lai xe", "3.000346", 2],
  ["gplx quoc te", "3.000353", 1],
  ["so do", "1.011441", 5],
  // One slip in a long query: an h dropped ("tong" for "thông", "tuong" for
  // "thương", "nge" for "nghề"), even where the slip is itself a word.
  ["dang ky thay doi tong tin su dung chung tu dien tu", "1.011042", 2],
  ["chap thuan ngan hang tuong mai lam ngan hang thanh toan", "1.014842", 1],
  ["cong nhan lang nge", "1.003695", 1],
];

// Records what the results list shows each time it changes, before the final
// results: the first results a lead file gives must be the top of the final ones.
function recordShown() {
  window.__shown = [];
  new MutationObserver(() => {
    const ol = document.querySelector("#search-results ol");
    if (!ol) return;
    const codes = [...ol.children].map((li) => li.dataset.code);
    const status = document.getElementById("search-status").textContent;
    const last = window.__shown[window.__shown.length - 1];
    if (!last || last.codes.join() !== codes.join() || last.status !== status) window.__shown.push({ status, codes });
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

function runTable(name, site, table) {
  describe(name, () => {
    let early = 0;
    for (const [query, code, top] of table) {
      test(`“${query}” → ${code}${top > 1 ? ` in the top ${top}` : ""}`, async () => {
        const page = await browser.newPage();
        await page.addInitScript(recordShown);
        const { codes, status } = await search(page, site(), q(query));
        const shown = await page.evaluate(() => window.__shown);
        await page.close();
        const rank = codes.indexOf(code) + 1;
        assert.ok(rank >= 1 && rank <= top, `${code} is at rank ${rank || "—"} (${status}); got ${codes.slice(0, 5)}`);
        for (const before of shown.filter((s) => /đang tìm thêm/.test(s.status))) {
          early++;
          assert.deepEqual(before.codes, codes.slice(0, before.codes.length), `first shown (${before.status}) is not the top of the final results`);
        }
      });
    }
    test("some queries show their first results from a lead file", () => {
      assert.ok(early >= table.length / 4, `${early} of ${table.length}`);
    });
  });
}

runTable("example handbook queries", () => example, exampleTable);
runTable("864 real records queries", () => real, realTable);

describe("what a result shows", () => {
  test("title, code, field, time, fee and badge, matched words highlighted", async () => {
    const page = await browser.newPage();
    await search(page, example, q("giay phep lai xe quoc te"));
    const first = page.locator("#search-results ol > li").first();
    assert.equal(await first.getAttribute("data-code"), "3.000353");
    assert.equal(await first.locator("a.title").innerText(), "Cấp giấy phép lái xe quốc tế");
    const marks = await first.locator("a.title mark").allInnerTexts();
    assert.deepEqual(marks, ["giấy", "phép", "lái", "xe", "quốc", "tế"]);
    assert.match(await first.locator(".code").innerText(), /3\.000353/);
    assert.equal(await first.locator(".field").innerText(), "Sát hạch, cấp giấy phép lái xe");
    assert.ok((await first.locator(".time").innerText()).length > 0);
    assert.ok((await first.locator(".fee").innerText()).length > 0);
    assert.ok((await first.locator(".badge").innerText()).length > 0);
    // The link leads to the procedure page.
    await Promise.all([page.waitForLoadState("load"), first.locator("a.title").click()]);
    assert.equal(await page.locator("h1").innerText(), "Cấp giấy phép lái xe quốc tế");
    await page.close();
  });

  test("a word found nowhere is named, with the closest procedures and a suggestion", async () => {
    const page = await browser.newPage();
    const { status, codes, text } = await search(page, real, q("dang ky ket hon xyzw"));
    assert.match(status, /Không có thủ tục nào chứa tất cả các từ/);
    assert.match(text, /Không thủ tục nào có từ: “xyzw”/);
    assert.match(text, /Các thủ tục gần nhất/);
    assert.equal(codes[0], "1.000894");
    // Two letters off is more than search corrects by itself, so it asks.
    const { text: typo } = await search(page, real, q("giam dinh tien giaaa"));
    assert.match(typo, /Có phải bạn muốn tìm: giam dinh tien gia/);
    // One letter off is corrected without asking.
    const { codes: fixed } = await search(page, real, q("giam dinh tienn gia"));
    assert.equal(fixed[0], "1.001803");
    await page.close();
  });

  test("every word must match: no result silently drops one", async () => {
    const page = await browser.newPage();
    const { codes } = await search(page, real, q("ket hon"));
    const withTram = await search(page, real, q("ket hon tàu biển"));
    assert.ok(codes.includes("1.000894"));
    assert.ok(!withTram.codes.includes("1.000894"), "a marriage procedure does not mention ships");
    await page.close();
  });
});

describe("filters", () => {
  test("a field filter from the URL, with no query, lists that field with counts", async () => {
    const page = await browser.newPage();
    const { codes, status } = await search(page, real, "field=" + encodeURIComponent("Công chứng"));
    assert.ok(codes.length >= 5, status);
    // Ten at a time; the button shows more.
    const total = Number(status.match(/\d+/)[0]);
    if (total > 10) {
      await page.getByRole("button", { name: "Xem thêm kết quả" }).click();
      await page.waitForFunction((n) => document.querySelectorAll("#search-results ol > li").length === n, Math.min(total, 20));
    }
    const fields = await page.locator("#search-results ol > li .field").allInnerTexts();
    assert.ok(fields.every((f) => f === "Công chứng"), fields.join(", "));
    const option = await page.locator('#f-field option[value="Công chứng"]').textContent();
    assert.match(option, /^Công chứng \(\d+\)$/);
    await page.close();
  });

  test("query and filters combine, live in the URL, and the back button restores them", async () => {
    const page = await browser.newPage();
    const all = await search(page, real, q("dang ky"));
    await page.getByText("Lọc kết quả").click();
    await page.locator("#f-field").selectOption("Hộ tịch");
    await page.waitForFunction(() => location.search.includes("field="));
    const filtered = await read(page);
    const found = (r) => Number(r.status.match(/\d+/)[0]);
    assert.ok(filtered.codes.length > 0 && found(filtered) < found(all), `${filtered.status} / ${all.status}`);
    assert.match(page.url(), /q=dang\+ky&field=H%E1%BB%99\+t%E1%BB%8Bch/);
    const fields = await page.locator("#search-results ol > li .field").allInnerTexts();
    assert.ok(fields.every((f) => f === "Hộ tịch"), fields.join(", "));
    // The count beside the option is the number of results it leaves.
    const option = await page.locator('#f-field option[value="Hộ tịch"]').textContent();
    assert.match(option, new RegExp(`\\(${filtered.status.match(/\d+/)[0]}\\)$`));
    await page.locator("#f-level").selectOption("commune");
    await page.waitForFunction(() => location.search.includes("level=commune"));
    await page.goBack();
    await page.waitForFunction(() => !location.search.includes("level="));
    assert.equal(await page.locator("#f-level").inputValue(), "");
    assert.equal(await page.locator("#f-field").inputValue(), "Hộ tịch");
    await page.goBack();
    await page.waitForFunction(() => !location.search.includes("field="));
    assert.equal(await page.locator("#f-field").inputValue(), "");
    assert.equal(found(await read(page)), found(all));
    await page.close();
  });

  test("when the filters leave nothing, it says the filters did, not the words", async () => {
    const page = await browser.newPage();
    const { status, codes } = await search(page, example, q("tach ho") + "&online=none");
    assert.deepEqual(codes, []);
    assert.match(status, /có đủ các từ bạn tìm nhưng không khớp bộ lọc/);
    assert.doesNotMatch(status, /chứa tất cả các từ/);
    await page.close();
  });

  test("on a 360 px phone the filters are full width, tall enough to tap, and the page stays 360 px", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await search(page, real, q("giay phep"));
    await page.getByText("Lọc kết quả").click();
    const sizes = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      selects: [...document.querySelectorAll(".filters select")].map((s) => s.getBoundingClientRect()),
    }));
    assert.equal(sizes.page, 360);
    assert.ok(sizes.selects.length === 4);
    for (const box of sizes.selects) {
      assert.ok(box.height >= 44, `a select ${box.height} px tall`);
      assert.ok(box.right <= 360 - 8 && box.width >= 300, `a select ${box.width} px wide`);
    }
    await context.close();
  });

  test("level, audience and online filters keep only matching records", async () => {
    const page = await browser.newPage();
    const { codes } = await search(page, example, "online=full");
    const badges = await page.locator("#search-results ol > li .badge").allInnerTexts();
    assert.ok(codes.length > 0 && badges.every((b) => b === "Toàn trình"), badges.join(", "));
    const commune = await search(page, example, "level=commune&audience=citizen");
    assert.ok(commune.codes.length > 0 && commune.codes.length < 62);
    await page.close();
  });
});

describe("typing", () => {
  test("results follow each keystroke and stay stable while a word is completed", async () => {
    const page = await browser.newPage();
    await page.goto(`${real.url}search/index.html`);
    await page.locator("#q").pressSequentially("dang ky ket hon", { delay: 20 });
    await page.waitForFunction(() => document.querySelector("#search-results li")?.dataset.code === "1.000894");
    assert.match(page.url(), /q=dang\+ky\+ket\+hon/);
    await page.close();
  });
});

describe("where it runs", () => {
  test("from disk (file://), results load and link to procedure pages", async () => {
    const page = await browser.newPage();
    const out = buildSite();
    await page.goto(pathToFileURL(`${out}/search/index.html`).href + "?" + q("tach ho"));
    const { codes } = await read(page);
    assert.equal(codes[0], "1.010038");
    await Promise.all([page.waitForLoadState("load"), page.locator("#search-results a.title").first().click()]);
    assert.equal(await page.locator("h1").innerText(), "Tách hộ");
    await page.close();
  });

  test("under a subfolder, every request stays inside it", async () => {
    const page = await browser.newPage();
    const requested = [];
    page.on("request", (r) => requested.push(r.url()));
    await search(page, example, q("cap lai the can cuoc"));
    assert.ok(requested.some((u) => /\/search\/i\d+\.js/.test(u)));
    for (const url of requested) assert.ok(url.startsWith(example.url), `left the subfolder: ${url}`);
    await page.close();
  });

  test("a page and index from different sotay versions say so instead of misreading", async () => {
    const page = await browser.newPage();
    await page.route("**/search/index.html*", async (route) => {
      const response = await route.fetch();
      const body = await response.text();
      const format = body.match(/\{"format":(\d+),/);
      assert.ok(format, "the manifest states its format first");
      await route.fulfill({ response, body: body.replace(format[0], `{"format":${Number(format[1]) + 1},`) });
    });
    await page.goto(`${example.url}search/index.html?${q("tach ho")}`);
    await page.waitForFunction(() => document.getElementById("search-status").textContent !== "");
    assert.match(await page.locator("#search-status").innerText(), /không khớp với trang này/);
    assert.equal(await page.locator("#search-results li").count(), 0);
    await page.close();
  });

  test("without JavaScript the search page leads to the indexes", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${example.url}search/index.html?${q("khai sinh")}`);
    assert.match(await page.locator("main").innerText(), /Tìm kiếm cần JavaScript/);
    for (const name of ["Thủ tục A–Z", "Lĩnh vực", "Tra theo mã"]) {
      assert.ok((await page.getByRole("link", { name, exact: true }).count()) > 0, name);
    }
    await context.close();
  });
});
