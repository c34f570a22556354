// kfq in a real browser: Debian's Chromium, driven by playwright-core. A city user signs in,
// filters projects, opens and edits one, meets the conflict of a second session, clicks through
// a dashboard chart and switches to English; a provincial user creates a round, enrols a project
// and locks the round, then finds a planted duplicate by city, sets it aside with a reason and
// sets the dashboard back to the figures as reported; the three administrators of 三员分立 create,
// grant and audit an account; a zone raises an overdue blocker and escalates it to its city;
// the monthly cycle goes round once; a zone's dispatch meeting opens a blocker by decision; a
// project's A角 goes away and its B角 finds the work in 我的工作; a zone signs a lead into a
// project; a reminder shows in kfq, and the webhook's outbox survives a hard restart. Screenshots of the main pages go to KFQ_SCREENSHOTS (default ../screenshots).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const kfqBin = resolve(process.env.KFQ_BIN || "../target/debug/kfq");
const shots = resolve(process.env.KFQ_SCREENSHOTS || "../screenshots");
const dir = mkdtempSync(join(tmpdir(), "kfq-e2e-"));
const env = { ...process.env, KFQ_DATABASE_URL: `sqlite://${join(dir, "kfq.db")}`, KFQ_LANG: "zh" };
const CITY = ["city.e2e", "Lvliang-e2e-2024"];
const PROVINCE = ["province.e2e", "Shanxi-e2e-2024"];
const ZONE = ["zone.e2e", "Zone-e2e-2024"];
const DEPT = ["dept.e2e", "Dept-e2e-2024"];
const ADMINS = { sysadmin: ["xitong.e2e", "Xitong-e2e-2024"], secadmin: ["anquan.e2e", "Anquan-e2e-2024"], auditadmin: ["shenji.e2e", "Shenji-e2e-2024"] };
let server, base, browser, demoUsers;

function kfq(args, input) {
  const run = spawnSync(kfqBin, args, { env, input, encoding: "utf8" });
  assert.equal(run.status, 0, `kfq ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  demoUsers = kfq(["demo"]);
  kfq(["user", "add", "--username", CITY[0], "--role", "city", "--region", "141100", "--password-stdin"], CITY[1] + "\n");
  kfq(["user", "add", "--username", PROVINCE[0], "--role", "province", "--region", "140000", "--password-stdin"], PROVINCE[1] + "\n");
  kfq(["user", "add", "--username", ZONE[0], "--role", "zone", "--region", "吕梁经济技术开发区", "--password-stdin"], ZONE[1] + "\n");
  kfq(["user", "add", "--username", DEPT[0], "--role", "department", "--region", "吕梁经济技术开发区", "--password-stdin"], DEPT[1] + "\n");
  for (const [role, [name, password]] of Object.entries(ADMINS)) {
    kfq(["user", "add", "--username", name, "--role", role, "--region", "140000", "--password-stdin"], password + "\n");
  }
  server = spawn(kfqBin, ["serve", "--addr", "127.0.0.1:0"], { env, stdio: ["ignore", "ignore", "pipe"] });
  base = await new Promise((done, fail) => {
    let seen = "";
    server.stderr.on("data", (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) done(`http://${m[1]}`);
    });
    server.on("exit", () => fail(new Error(`kfq serve stopped: ${seen}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function signedIn([username, password], landing = "/") {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(base + "/login");
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(base + landing), page.click("#sign-in")]);
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

test("a city user filters, opens and edits a project, and a stale second save is refused", async () => {
  const page = await signedIn(CITY);
  assert.match(await page.textContent("#user"), /city\.e2e/);
  await page.waitForSelector("[data-chart='round-chart'][data-drawn='yes']");
  await shot(page, "dashboard");

  await page.goto(base + "/projects");
  await page.selectOption("#f-zone", "吕梁经济技术开发区");
  await page.selectOption("#f-stage", "started");
  await Promise.all([page.waitForURL(/stage=started/), page.click("#f-search")]);
  const zones = await page.$$eval("#project-table tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
  assert.ok(zones.length > 0, "the filter finds projects under construction");
  assert.ok(zones.every((z) => z === "吕梁经济技术开发区"), "every row is in the chosen zone");
  const stages = await page.$$eval("#project-table .stage", (cells) => cells.map((c) => c.textContent));
  assert.ok(stages.every((s) => s === "在建"));
  await shot(page, "projects");

  await Promise.all([page.waitForURL(/\/projects\/\d+$/), page.click("#project-table tbody tr:first-child a")]);
  const url = page.url();
  const name = (await page.textContent("#project-name")).trim();
  await shot(page, "project");

  // A second session opens the same project before the first one saves.
  const other = await signedIn(CITY);
  await other.goto(url);

  await page.fill("#field-total_investment_wan", "12345");
  await Promise.all([page.waitForURL(/saved=1/), page.click("#save")]);
  assert.match(await page.textContent("#saved"), /已保存/);
  assert.match(await page.textContent("#project-amount"), /1\.23亿元/);

  await other.fill("#field-name", "另一个会话改的名字");
  await other.click("#save");
  await other.waitForSelector("#conflict");
  const conflict = await other.textContent("#conflict");
  assert.match(conflict, /已被他人修改/);
  assert.match(conflict, /总投资/);
  assert.match(conflict, /12345/);
  await shot(other, "conflict");
  await other.goto(url);
  assert.ok(!(await other.textContent("#project-name")).includes("另一个会话改的名字"), "the refused save changed nothing");
  assert.ok((await other.textContent("#project-name")).includes(name.split(" ")[0]));
});

test("a provincial user creates a round, enrols a project and locks the round", async () => {
  const page = await signedIn(PROVINCE);
  await page.goto(base + "/rounds");
  await page.fill("#new-round", "2026-4");
  await page.fill("#new-held-on", "2026-11-20");
  await page.fill("#new-venue", "太原");
  await Promise.all([page.waitForURL(/\/rounds\/2026-4$/), page.click("#create-round-button")]);
  assert.match(await page.textContent("#round-title"), /2026年第四次/);

  const code = await page.$eval("#project-options option", (o) => o.value);
  await page.fill("#enrol-project", code);
  await page.selectOption("#enrol-batch", "sign");
  await Promise.all([page.waitForURL(/\/rounds\/2026-4$/), page.click("#enrol-button")]);
  assert.match(await page.textContent("#batch-sign"), new RegExp(code));
  await shot(page, "round");

  await Promise.all([page.waitForURL(/\/rounds\/2026-4$/), page.click("#lock-button")]);
  assert.match(await page.textContent("#round-title"), /已锁定/);
  assert.equal(await page.$("#enrol-form"), null, "a locked round takes no more entries");
});

test("通报: the city downloads the round's bulletin as PDF from the round's page, and the monthly report as Word from the monthly page", async () => {
  const city = await signedIn(CITY);
  await city.goto(base + "/rounds/2024-4");
  const [pdf] = await Promise.all([city.waitForEvent("download"), city.click("#bulletin-pdf")]);
  assert.match(pdf.suggestedFilename(), /^关于2024年第四次“三个一批”活动情况的通报\.pdf$/);
  const bytes = readFileSync(await pdf.path());
  assert.equal(bytes.subarray(0, 4).toString(), "%PDF");

  await city.goto(base + "/monthly?month=2024-10");
  const [docx] = await Promise.all([city.waitForEvent("download"), city.click("#bulletin-docx")]);
  assert.match(docx.suggestedFilename(), /^2024年10月.*开发区投资统计月报\.docx$/);
  const word = readFileSync(await docx.path());
  assert.equal(word.subarray(0, 2).toString(), "PK");
  assert.ok(word.includes("word/media/image1.png"), "the chart travels in the file");
  await city.context().close();
});

test("a bar of the dashboard chart opens the projects that make it up, and English is a click away", async () => {
  const page = await signedIn(CITY);
  await page.goto(base + "/?round=2024-4");
  await page.waitForSelector("[data-chart='round-chart'][data-drawn='yes']");
  const target = await page.evaluate(() => {
    const chart = window.kfqCharts["round-chart"];
    const data = chart.getOption().series[0].data;
    let i = 0;
    data.forEach((v, j) => { if (v > data[i]) i = j; });
    // The drawn rectangle of the signing batch's bar for that category.
    const bar = chart.getModel().getSeriesByIndex(0).getData().getItemLayout(i);
    const box = document.querySelector("[data-chart='round-chart']").getBoundingClientRect();
    const name = chart.getOption().xAxis[0].data[i];
    return { x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2, name };
  });
  const row = await page.$$eval("#round-table tbody tr", (rows, name) => {
    const r = rows.find((tr) => tr.cells[0].textContent.trim() === name);
    return r ? r.cells[1].textContent.trim() : null;
  }, target.name);
  await Promise.all([page.waitForURL(/\/projects\?round=.*batch=sign/), page.mouse.click(target.x, target.y)]);
  const found = await page.textContent("#found");
  assert.match(found, new RegExp(`共找到 ${row} `), `the list holds the ${row} projects the bar counts`);
  await shot(page, "click-through");

  await Promise.all([page.waitForLoadState("load"), page.click("#switch-lang")]);
  await page.waitForSelector("html[lang='en']");
  assert.match(await page.textContent("header nav"), /Projects/);
  assert.match(await page.textContent("#found"), /Found/);
  await page.goto(base + "/");
  assert.match(await page.textContent("h1"), /Dashboard/);
  await shot(page, "english");
});

test("the province sees findings by city, opens a suspected duplicate and sets it aside with a reason", async () => {
  const page = await signedIn(PROVINCE);
  const cities = await page.$$eval("#findings-table tbody tr td:first-child a", (cells) => cells.map((c) => c.textContent));
  // The demo plants one duplicate in each of these cities (other tests may have added findings).
  for (const city of ["太原市", "大同市", "阳泉市", "长治市"]) assert.ok(cities.includes(city), `${city} in ${cities}`);
  await Promise.all([page.waitForURL(/\/checks\?region=140100/), page.click("#findings-table a:text('太原市')")]);
  const rows = page.locator("#findings tbody tr[data-rule='duplicate_project']");
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), /名称相似度 1\.00/);
  await shot(page, "checks");

  // The pair's first project shows the warning on its own page too.
  const [first] = await rows.first().locator("td:nth-child(2) a").all();
  await Promise.all([page.waitForURL(/\/projects\/\d+$/), first.click()]);
  assert.match(await page.textContent("#findings"), /疑似重复项目/);

  // A reason is required; with one, the finding is set aside and leaves the open list.
  await page.fill("#findings input[name='reason']", "核实为两个独立项目：清徐为一期，示范区为配套");
  await Promise.all([page.waitForURL(/done=1/), page.click("#findings .dismiss-form button")]);
  assert.equal(await page.locator("#findings").count(), 0, "no open finding left on the project");
  await page.goto(base + "/checks?region=140100&all=1");
  assert.match(await page.textContent("#findings"), /已处理：province\.e2e .*核实为两个独立项目/);
  await page.goto(base + "/");
  const after = await page.$$eval("#findings-table tbody tr td:first-child a", (cells) => cells.map((c) => c.textContent));
  assert.ok(!after.includes("太原市") && after.includes("大同市"), `${after}`);

  // The whole dashboard can be set back to the figures as reported when 2023-4 was locked.
  await page.fill("#reported-form input[name='reported_on']", "2023-4");
  await Promise.all([page.waitForURL(/reported_on=2023-4/), page.click("#reported-form button")]);
  assert.match(await page.textContent("#reported"), /按上报口径：2023-4/);
  await page.waitForSelector("#funnel-table");
  await shot(page, "as-reported");
});

test("a demo user's initial password opens only the page to change it", async () => {
  const line = demoUsers.split("\n").find((l) => l.trim().startsWith("lingdao "));
  const initial = line.trim().split(/\s+/).pop();
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(base + "/login");
  await page.fill("#username", "lingdao");
  await page.fill("#password", initial);
  await Promise.all([page.waitForURL(base + "/password"), page.click("#sign-in")]);
  await page.goto(base + "/projects");
  assert.equal(page.url(), base + "/password", "every page leads to the password change first");
  await page.fill("input[name='old']", initial);
  await page.fill("input[name='new']", "Lingdao-own-2026");
  await page.click("form[action='/password'] button");
  await page.waitForSelector("p.ok");
  await page.goto(base + "/projects");
  assert.equal(page.url(), base + "/projects");
  await context.close();
});

test("三员分立: one administrator creates an account, another grants its role, the third reads both in the audit log", async () => {
  const sys = await signedIn(ADMINS.sysadmin, "/users");
  assert.equal(await sys.$("a[href='/projects']"), null, "no project pages in an administrator's menu");
  await sys.fill("#new-username", "clerk.e2e");
  await sys.fill("#new-display-name", "新办事员");
  await sys.click("#create-account-button");
  const initial = (await sys.textContent("#initial-password-value")).trim();
  assert.match(await sys.textContent("#account-clerk\\.e2e .role"), /待授权/);
  assert.equal(await sys.$("#account-clerk\\.e2e form.grant"), null, "granting is not the system administrator's work");
  await sys.context().close();

  const sec = await signedIn(ADMINS.secadmin, "/users");
  await sec.selectOption("#account-clerk\\.e2e form.grant select[name='role']", "zone");
  await sec.fill("#account-clerk\\.e2e form.grant input[name='region']", "吕梁经济技术开发区");
  await sec.click("#account-clerk\\.e2e form.grant button");
  await sec.waitForSelector("#saved");
  assert.match(await sec.textContent("#account-clerk\\.e2e .role"), /开发区/);
  await sec.context().close();

  const audit = await signedIn(ADMINS.auditadmin, "/audit");
  assert.match(await audit.textContent("#chain"), /审计链完整/);
  await audit.fill("#audit-object", "clerk.e2e");
  await Promise.all([audit.waitForURL(/object=clerk.e2e/), audit.click("#audit-search-button")]);
  const actions = await audit.$$eval("#audit tbody tr td:nth-child(5)", (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(actions.sort(), ["create", "grant"], "who created and who granted the account");
  await shot(audit, "audit");
  await audit.context().close();

  // The new clerk changes the initial password and then sees the zone's projects.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "zh-CN" });
  const clerk = await context.newPage();
  await clerk.goto(base + "/login");
  await clerk.fill("#username", "clerk.e2e");
  await clerk.fill("#password", initial);
  await Promise.all([clerk.waitForURL(base + "/password"), clerk.click("#sign-in")]);
  await clerk.fill("input[name='old']", initial);
  await clerk.fill("input[name='new']", "Clerk-own-2026");
  await clerk.click("form[action='/password'] button");
  await clerk.waitForSelector("p.ok");
  await clerk.goto(base + "/projects");
  const zones = await clerk.$$eval("#project-table tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
  assert.ok(zones.length > 0 && zones.every((z) => z === "吕梁经济技术开发区"), "only the granted zone");
  await context.close();
});

test("a zone raises an overdue blocker on its project and escalates it; the city finds it in its ledger", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/projects?stage=started");
  await Promise.all([zone.waitForURL(/\/projects\/\d+$/), zone.click("#project-table tbody tr:first-child td a")]);
  await zone.click("#raise-blocker summary");
  await zone.fill("#rb-description", "施工用电增容未批复（测试）");
  await zone.selectOption("#rb-category", "utilities");
  await zone.fill("#rb-owner-unit", "供电公司");
  await zone.fill("#rb-owner", "赵六");
  await zone.fill("#rb-due-on", "2025-01-31");
  await Promise.all([zone.waitForURL(/\/blockers\/\d+$/), zone.click("#rb-save")]);
  assert.match(await zone.textContent("#overdue"), /逾期/);
  const blockerUrl = zone.url();
  await zone.fill("#escalate-note", "开发区协调无果，请市里协调供电公司");
  await zone.click("#escalate");
  await zone.waitForSelector("#saved");
  assert.equal((await zone.textContent("#blocker-level")).trim(), "市级");
  await zone.context().close();

  const city = await signedIn(CITY);
  await city.goto(base + "/blockers");
  await city.check("#b-overdue");
  await city.selectOption("#b-level", "city");
  await Promise.all([city.waitForURL(/overdue=1/), city.click("#b-search")]);
  const rows = await city.$$eval("#blocker-table tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
  assert.ok(rows.includes("施工用电增容未批复（测试）"), "the city sees what was escalated to it, overdue");
  await shot(city, "blockers");
  await city.goto(blockerUrl);
  const notes = await city.$$eval("#notes tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
  assert.deepEqual(notes, ["开发区协调无果，请市里协调供电公司"]);
  await city.context().close();
});

test("the monthly cycle: the zone fills and submits, the city sends it back, the zone fixes it, the city approves and the province total moves", async () => {
  const amount = (text) => Number(text.replace(/[^\d.]/g, ""));
  const province = await signedIn(PROVINCE);
  await province.goto(base + "/monthly");
  const before = amount(await province.textContent("#approved-total"));

  const zone = await signedIn(ZONE);
  await zone.goto(base + "/monthly");
  await Promise.all([zone.waitForURL(/\/monthly\/\d+\/\d{4}-\d{2}$/), zone.click("#returns tbody tr:first-child a")]);
  const sheetUrl = zone.url();
  assert.equal((await zone.textContent("#return-status")).trim(), "填报中");
  // A figure that is no amount is refused, naming the project; nothing is saved.
  const first = zone.locator("input[name^='invested_']").first();
  await first.fill("一百");
  await zone.click("#save-figures");
  await zone.waitForSelector("#error");
  assert.match(await zone.textContent("#error"), /一百/);
  // Every line filled with 100 万元 and saved; then submitted.
  await zone.$$eval("input[name^='invested_']", (inputs) => inputs.forEach((i) => { i.value = "100"; }));
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#save-figures")]);
  const lines = await zone.locator("input[name^='invested_']").count();
  assert.equal(amount(await zone.textContent("#sheet-total")), lines * 100);
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#submit-return")]);
  assert.equal((await zone.textContent("#return-status")).trim(), "已报送");
  await shot(zone, "monthly");

  const city = await signedIn(CITY);
  await city.goto(sheetUrl);
  await city.fill("#return-note", "第一个项目本月投资偏大，请核实");
  await Promise.all([city.waitForURL(/saved=1/), city.click("#send-back")]);
  // (The city user chose English in an earlier test: states are read by their codes.)
  assert.equal(await city.getAttribute("#return-status", "data-status"), "returned");

  await zone.goto(sheetUrl);
  assert.match(await zone.textContent("#return-comment"), /投资偏大/);
  await zone.locator("input[name^='invested_']").first().fill("80");
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#save-figures")]);
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#submit-return")]);
  const reported = lines * 100 - 20;

  await city.goto(sheetUrl);
  await Promise.all([city.waitForURL(/saved=1/), city.click("#approve-return")]);
  assert.equal(await city.getAttribute("#return-status", "data-status"), "approved");
  const history = await city.$$eval("#history tbody tr", (rows) => rows.map((r) => r.dataset.action));
  assert.deepEqual(history, ["submit", "return", "submit", "approve"]);

  await province.goto(base + "/monthly");
  const after = amount(await province.textContent("#approved-total"));
  assert.equal(Math.round((after - before) * 100) / 100, reported, "the province total grows by what was approved");
  for (const page of [province, zone, city]) await page.context().close();
});

test("a dispatch meeting: the zone holds it on the proposed agenda, a decision opens a blocker that shows as overdue, and the minutes come as Word", async () => {
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/meetings");
  await zone.fill("#m-title", "开发区项目调度会（测试）");
  await zone.fill("#m-held-on", day(-10));
  await zone.fill("#m-chair", "李明");
  await Promise.all([zone.waitForURL(/\/meetings\/\d+$/), zone.click("#hold-meeting")]);
  const meetingUrl = zone.url();
  assert.equal((await zone.textContent("#meeting-title")).trim(), "开发区项目调度会（测试）");
  const item = zone.locator(".agenda-item").first();
  assert.ok((await item.locator(".reason").count()) > 0, "each proposed item says why it is on the agenda");
  const code = await item.getAttribute("data-project");

  await item.locator("textarea[name=decision]").fill("限期打通配套道路，规划建设部牵头（测试）");
  await Promise.all([zone.waitForURL(/saved=1/), item.locator(".save-decision").click()]);
  await item.locator(".open-blocker summary").click();
  const form = item.locator(".open-blocker-form");
  await form.locator("input[name=description]").fill("配套道路未接通（测试）");
  await form.locator("select[name=category]").selectOption("construction");
  await form.locator("input[name=owner_unit]").fill("规划建设部");
  await form.locator("input[name=owner]").fill("王建军");
  await form.locator("input[name=due_on]").fill(day(-3));
  await Promise.all([zone.waitForURL(/saved=1/), form.locator(".open-blocker-button").click()]);
  const opened = zone.locator(`.agenda-item[data-project="${code}"] .item-blocker[data-decided="opened"]`);
  assert.equal(await opened.getAttribute("data-overdue"), "true", "due three days ago: overdue at once");

  // The minutes download as a Word document (a zip holding word/document.xml).
  const response = await zone.request.get(base + (await zone.getAttribute("#minutes", "href")));
  assert.equal(response.status(), 200);
  const body = await response.body();
  assert.equal(body.subarray(0, 2).toString(), "PK");
  assert.ok(body.includes("word/document.xml"));
  await shot(zone, "meeting");

  // Final minutes take no more decisions.
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#close-minutes")]);
  assert.equal(await zone.getAttribute("#meeting-status", "data-closed"), "true");
  assert.equal(await zone.locator(".decision-form").count(), 0);
  await zone.context().close();

  // The city finds the decided blocker among the overdue ones of its ledger.
  const city = await signedIn(CITY);
  await city.goto(base + "/blockers?overdue=1");
  const rows = await city.$$eval("#blocker-table tbody tr td:nth-child(3)", (cells) => cells.map((c) => c.textContent));
  assert.ok(rows.includes("配套道路未接通（测试）"), "the decision's blocker is overdue in the city's ledger");
  await city.goto(meetingUrl);
  assert.equal(await city.getAttribute("#meeting-status", "data-closed"), "true");
  await city.context().close();
});

test("包联责任: the zone names a project's A角 and B角; when the A角 marks themselves away, the B角 finds the project in 我的工作", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/projects?stage=started");
  await Promise.all([zone.waitForURL(/\/projects\/\d+$/), zone.click("#project-table tbody tr:first-child td a")]);
  const projectUrl = zone.url();
  await zone.selectOption("#as-a_role", ZONE[0]);
  await zone.selectOption("#as-b_role", DEPT[0]);
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#assignment-save")]);
  assert.equal((await zone.textContent("#responsible")).trim(), ZONE[0]);
  await zone.goto(base + "/work");
  const code = await zone.locator("#my-projects tbody tr").first().getAttribute("data-code");
  assert.ok(code, "the A角 has the project in their work");
  await Promise.all([zone.waitForURL(base + "/work"), zone.click("#toggle-away")]);
  assert.equal(await zone.getAttribute("#away-form", "data-away"), "true");
  await zone.context().close();

  const dept = await signedIn(DEPT);
  await dept.goto(base + "/work");
  const row = dept.locator(`#my-projects tbody tr[data-code="${code}"]`);
  assert.equal(await row.getAttribute("data-covering"), ZONE[0], "the B角 stands in for the away A角");
  await shot(dept, "work");
  await dept.goto(projectUrl);
  assert.equal((await dept.textContent("#responsible")).trim(), DEPT[0]);
  await dept.context().close();

  const back = await signedIn(ZONE);
  await back.goto(base + "/work");
  await Promise.all([back.waitForURL(base + "/work"), back.click("#toggle-away")]);
  assert.equal(await back.getAttribute("#away-form", "data-away"), "false");
  await back.context().close();
});

test("审批事项: the zone records a procedure of its project and 领办代办 counts it", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/agency");
  const before = Number(await zone.textContent("#handled"));
  await zone.goto(base + "/projects?stage=signed");
  await Promise.all([zone.waitForURL(/\/projects\/\d+$/), zone.click("#project-table tbody tr:first-child td a")]);
  const pending = zone.locator('#procedure-table tbody tr[data-status="pending"]').first();
  const name = await pending.getAttribute("data-name");
  await Promise.all([zone.waitForURL(/\/procedures\//), pending.locator("a").click()]);
  const today = new Date().toISOString().slice(0, 10);
  await zone.fill("#pr-accepted", today);
  await zone.check("#pr-commitment");
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#procedure-save")]);
  const row = zone.locator(`#procedure-table tbody tr[data-name="${name}"]`);
  assert.equal(await row.getAttribute("data-status"), "accepted");
  await zone.goto(base + "/agency");
  assert.equal(Number(await zone.textContent("#handled")), before + 1, "this year's matters handled grow by one");
  await shot(zone, "agency");
  await zone.context().close();
});

test("招商线索: the zone registers a lead, logs a visit and signs it into a project; the conversion counts it", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/leads");
  const worked = Number(await zone.textContent("#leads-worked"));
  const signed = Number(await zone.textContent("#leads-signed"));
  await zone.fill("#n-name", "e2e年产2万吨碳纤维项目");
  await zone.fill("#n-investor", "江苏e2e新材料有限公司");
  await zone.selectOption("#n-source", "referral");
  await zone.fill("#n-chain", "碳基新材料");
  await zone.fill("#n-amount", "85000");
  await Promise.all([zone.waitForURL(/\/leads\/\d+$/), zone.click("#lead-create")]);
  assert.equal(await zone.getAttribute("#lead-status", "data-status"), "contact");
  await zone.selectOption("#v-kind", "inspection");
  await zone.fill("#v-note", "投资方来区考察东区地块");
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#add-visit")]);
  assert.equal(await zone.locator('#visits tbody tr[data-kind="inspection"]').count(), 1);
  // Dropping without a reason is refused, with the field named as the form names it.
  await zone.selectOption("#f-status", "dropped");
  await zone.click("#lead-save");
  assert.match(await zone.textContent("#error"), /放弃原因/);
  await zone.selectOption("#f-status", "negotiation");
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#lead-save")]);
  const leadUrl = zone.url().replace(/\?.*$/, "");
  await shot(zone, "lead");
  await Promise.all([zone.waitForURL(/\/projects\/\d+$/), zone.click("#sign")]);
  assert.match(await zone.textContent("h1"), /e2e年产2万吨碳纤维项目/);
  assert.equal(await zone.getAttribute("#project-lead", "href"), leadUrl.replace(base, ""));
  await zone.goto(leadUrl);
  assert.equal(await zone.getAttribute("#lead-status", "data-status"), "signed");
  await zone.goto(base + "/leads");
  assert.equal(Number(await zone.textContent("#leads-worked")), worked + 1, "one more lead worked this year");
  assert.equal(Number(await zone.textContent("#leads-signed")), signed + 1, "and signed");
  await shot(zone, "leads");
  await zone.context().close();
});

test("提醒: a blocker due tomorrow is a reminder with a badge; opening it marks it read", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/projects?stage=started");
  await Promise.all([zone.waitForURL(/\/projects\/\d+$/), zone.click("#project-table tbody tr:first-child td a")]);
  await zone.click("#raise-blocker summary");
  await zone.fill("#rb-description", "明日须完成的用地报批（提醒测试）");
  await zone.selectOption("#rb-category", "land");
  await zone.fill("#rb-owner", ZONE[0]);
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
  await zone.fill("#rb-due-on", tomorrow);
  await Promise.all([zone.waitForURL(/\/blockers\/\d+$/), zone.click("#rb-save")]);
  const blockerPath = new URL(zone.url()).pathname;
  await zone.goto(base + "/notifications");
  const row = zone.locator('#notifications tbody tr[data-kind="due_soon"]', { hasText: "明日须完成的用地报批" });
  assert.equal(await row.count(), 1, "told once");
  assert.equal(await row.getAttribute("data-read"), "false");
  const unread = Number(await zone.textContent("#unread-badge"));
  assert.ok(unread >= 1);
  await shot(zone, "notifications");
  await Promise.all([zone.waitForURL(base + blockerPath), row.locator("button").click()]);
  const after = await zone.locator("#unread-badge").count() ? Number(await zone.textContent("#unread-badge")) : 0;
  assert.equal(after, unread - 1, "the badge counts one fewer");
  await zone.goto(base + "/notifications");
  assert.equal(await zone.locator('#notifications tbody tr', { hasText: "明日须完成的用地报批" }).getAttribute("data-read"), "true");
  await zone.context().close();
});

/** Starts `kfq serve` with `extra` in its environment; its process and address. */
async function serveWith(extra) {
  const proc = spawn(kfqBin, ["serve", "--addr", "127.0.0.1:0"], { env: { ...env, ...extra }, stdio: ["ignore", "ignore", "pipe"] });
  const address = await new Promise((done, fail) => {
    let seen = "";
    proc.stderr.on("data", (chunk) => {
      seen += chunk;
      const m = seen.match(/http:\/\/(127\.0\.0\.1:\d+)\//);
      if (m) done(m[1]);
    });
    proc.on("exit", () => fail(new Error(`kfq serve stopped: ${seen}`)));
  });
  return { proc, address };
}

/** The outbox as `kfq reminders --no-sweep` shows it (a sweep of its own would tell the
 * reminders before the server could queue them). */
function outbox(extra) {
  const run = spawnSync(kfqBin, ["reminders", "--no-sweep", "--format", "json", "--limit", "1000"], { env: { ...env, ...extra }, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout).outbox;
}

async function until(what, check, seconds = 60) {
  for (let i = 0; i < seconds * 4; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`waited ${seconds} s for ${what}`);
}

test("提醒 out of kfq: what the webhook could not take survives a hard restart and arrives once the receiver is up, once each", async () => {
  const dir2 = mkdtempSync(join(tmpdir(), "kfq-hook-"));
  const db = { KFQ_DATABASE_URL: `sqlite://${join(dir2, "kfq.db")}` };
  const demo = spawnSync(kfqBin, ["demo"], { env: { ...env, ...db }, encoding: "utf8" });
  assert.equal(demo.status, 0, demo.stderr);
  // A port nobody listens on yet.
  const probe = createServer();
  await new Promise((r) => probe.listen(0, "127.0.0.1", r));
  const port = probe.address().port;
  await new Promise((r) => probe.close(r));
  const hook = { ...db, KFQ_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, KFQ_WEBHOOK_TOKEN: "e2e-token", KFQ_WEBHOOK_RETRY_SECS: "1" };

  const first = await serveWith(hook);
  let queued = [];
  await until("every queued reminder to fail once", () => {
    queued = outbox(db);
    return queued.length > 0 && queued.every((m) => m.attempts >= 1 && !m.delivered_at);
  });
  first.proc.kill("SIGKILL");
  await new Promise((r) => first.proc.on("exit", r));

  const received = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ auth: req.headers.authorization, path: req.url, message: JSON.parse(body) });
      res.end("ok");
    });
  });
  await new Promise((r) => receiver.listen(port, "127.0.0.1", r));
  const second = await serveWith(hook);
  await until("the outbox to be delivered", () => outbox(db).every((m) => m.delivered_at));
  second.proc.kill("SIGKILL");
  await new Promise((r) => receiver.close(r));

  const ids = received.map((r) => r.message.id);
  assert.equal(new Set(ids).size, ids.length, "none delivered twice");
  assert.deepEqual([...ids].sort((a, b) => a - b), queued.map((m) => m.notification_id).sort((a, b) => a - b), "every queued reminder arrived");
  for (const { auth, path, message } of received) {
    assert.equal(auth, "Bearer e2e-token");
    assert.equal(path, "/hook");
    assert.ok(message.username && message.title && message.link.startsWith("/"), JSON.stringify(message));
    assert.ok(["due_soon", "overdue", "returned", "review"].includes(message.kind));
  }
});

test("招商活动: the zone records a trip, registers the lead it brought from the trip's page, and the year's figures count both", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/activities");
  const trips = Number(await zone.textContent("#trips"));
  const found = Number((await zone.textContent("#leads-found")).split("/")[0]);
  await zone.selectOption("#na-kind", "trip");
  await zone.fill("#na-name", "赴苏州新材料企业招商（e2e）");
  await zone.fill("#na-place", "苏州");
  await zone.fill("#na-leader", "王伟");
  await zone.fill("#na-met", "华晟新材料有限公司");
  await Promise.all([zone.waitForURL(/\/activities\/\d+$/), zone.click("#activity-create")]);
  const activityPath = new URL(zone.url()).pathname;
  assert.equal(await zone.getAttribute("#activity-kind", "data-kind"), "trip");
  await zone.fill("#la-name", "e2e碳纤维复合材料项目");
  await zone.fill("#la-investor", "华晟新材料有限公司");
  await Promise.all([zone.waitForURL(/\/leads\/\d+$/), zone.click("#lead-from-activity-save")]);
  assert.equal(await zone.getAttribute("#lead-activity", "href"), activityPath);
  await zone.goto(base + activityPath);
  assert.equal(await zone.locator("#activity-leads tbody tr[data-id]").count(), 1);
  await zone.goto(base + "/activities");
  assert.equal(Number(await zone.textContent("#trips")), trips + 1);
  assert.equal(Number((await zone.textContent("#leads-found")).split("/")[0]), found + 1);
  await shot(zone, "activities");
  await zone.context().close();
});

test("专项台账: the zone records a delegated power from the book's page and takes it up; a book uploaded with a wrong cell is refused by row and column, a right one imports", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/books");
  await Promise.all([zone.waitForURL(base + "/powers"), zone.click("#book-powers")]);
  const takenUp = Number(await zone.textContent("#taken-up"));
  await zone.selectOption("#bf-field-level", "city");
  await zone.fill("#bf-field-name", "e2e建设工程规划许可证核发");
  await zone.fill("#bf-field-granted_on", "2024-02-01");
  await Promise.all([zone.waitForURL(/\/powers\/\d+$/), zone.click("#book-create")]);
  assert.equal(await zone.textContent("#record-name"), "e2e建设工程规划许可证核发");
  await zone.fill("#bf-field-taken_up_on", "2024-01-05");
  await zone.click("#record-save");
  assert.match(await zone.textContent("#error"), /承接日期/);
  await zone.fill("#bf-field-taken_up_on", "2024-03-05");
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#record-save")]);
  await zone.goto(base + "/powers");
  assert.equal(Number(await zone.textContent("#taken-up")), takenUp + 1);

  const upload = async (text) => {
    await zone.setInputFiles("#bi-file", { name: "赋权事项.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
    await Promise.all([zone.waitForURL(base + "/books/import"), zone.click("#bi-send")]);
  };
  await upload("开发区,赋权层级,事项名称,承接日期\n吕梁经济技术开发区,市级,e2e排污许可证核发,\n吕梁经济技术开发区,乡级,e2e取水许可,2024-13-01\n");
  const faults = await zone.locator("#faults tbody tr").allTextContents();
  assert.equal(faults.length, 2, faults.join(" | "));
  assert.match(faults[0], /3.*B.*赋权层级.*乡级/);
  assert.match(faults[1], /3.*D.*承接日期/);
  await zone.goto(base + "/powers?q=e2e排污");
  assert.equal(await zone.textContent("#book-count"), "0", "nothing of the refused file was written");
  await upload("开发区,赋权层级,事项名称,承接日期\n吕梁经济技术开发区,市级,e2e排污许可证核发,2024-04-01\n");
  assert.match(await zone.textContent("#imported"), /新增 1/);
  await zone.click("#import-back");
  await zone.goto(base + "/powers?q=e2e排污");
  assert.equal(await zone.textContent("#book-count"), "1");
  await shot(zone, "powers");
  await zone.context().close();
});

test("导入台账: the zone uploads its own ledger, says in the preview what an unknown column holds, and imports it on its word", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/projects");
  await Promise.all([zone.waitForURL(base + "/import"), zone.click("#import-ledger")]);
  const ledger = "吕梁经开区重点项目台账\n单位：亿元\n序号,项目名称,项目类别,投资额度,签约日期\n1,e2e台账导入项目,产业类,2.5,2024.6.18\n,合计,,2.5,\n";
  await zone.setInputFiles("#up-file", { name: "吕梁经开区台账.csv", mimeType: "text/csv", buffer: Buffer.from(ledger) });
  await zone.selectOption("#up-zone", "吕梁经济技术开发区");
  await Promise.all([zone.waitForURL(base + "/import"), zone.click("#up-preview")]);
  // 投资额度 is not a header kfq knows: the preview refuses for want of 总投资 and asks.
  assert.match(await zone.textContent("#faults"), /总投资/);
  assert.equal(await zone.locator("#up-import").count(), 0, "no import while the preview has faults");
  await zone.selectOption('select[data-header="投资额度"]', "total_investment_wan");
  await Promise.all([zone.waitForURL(base + "/import"), zone.click("#up-again")]);
  assert.match(await zone.textContent("#plan-counts"), /将新增 1/);
  assert.match(await zone.textContent("#to-add"), /e2e台账导入项目.*25000/);
  assert.match(await zone.textContent("#readings"), /金额单位亿元/);
  await shot(zone, "import-preview");
    const look = await zone.context().newPage();
  await look.goto(base + "/projects?q=e2e台账导入");
  assert.equal(await look.locator("#project-table tbody tr td.empty").count(), 1, "nothing written by the preview");
  await Promise.all([zone.waitForURL(base + "/import"), zone.click("#up-import")]);
  assert.match(await zone.textContent("#imported"), /新增 1/);
    await look.reload();
  assert.match(await look.textContent("#project-table"), /e2e台账导入项目/);
  await zone.context().close();
});

test("承诺制 + 标准地: the zone files a commitment for its project and records it kept; it sells a standard parcel to the project and the year's figures count both", async () => {
  const zone = await signedIn(ZONE);
  const project = (await zone.request.get(base + "/api/v1/projects?zone=" + encodeURIComponent("吕梁经济技术开发区")).then((r) => r.json())).items[0].code;
  await zone.goto(base + "/commitments");
  const kept = Number(await zone.textContent("#commitments-kept"));
  await zone.fill("#bf-field-project", project);
  await zone.fill("#bf-field-item", "e2e施工许可");
  await zone.fill("#bf-field-content", "竣工前提交竣工验收材料");
  await zone.fill("#bf-field-filed_on", new Date().toISOString().slice(0, 10));
  await Promise.all([zone.waitForURL(/\/commitments\/\d+$/), zone.click("#book-create")]);
  await zone.selectOption("#bf-field-result", "kept");
  await zone.click("#record-save");
  assert.match(await zone.textContent("#error"), /核查日期/);
  await zone.fill("#bf-field-verified_on", new Date().toISOString().slice(0, 10));
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#record-save")]);
  await zone.goto(base + "/commitments");
  assert.equal(Number(await zone.textContent("#commitments-kept")), kept + 1);

  await zone.goto(base + "/parcels");
  const sold = Number(await zone.textContent("#parcels-sold"));
  await zone.fill("#bf-field-code", "e2e-2026-01");
  await zone.fill("#bf-field-area_mu", "120.5");
  await zone.fill("#bf-field-intensity_wan", "1");
  await zone.fill("#bf-field-project", project);
  await zone.fill("#bf-field-allocated_on", new Date().toISOString().slice(0, 10));
  await Promise.all([zone.waitForURL(/\/parcels\/\d+$/), zone.click("#book-create")]);
  await zone.goto(base + "/parcels");
  assert.equal(Number(await zone.textContent("#parcels-sold")), sold + 1);
  await shot(zone, "parcels");
  await zone.context().close();
});

test("入库入统: a project on the zone's 应入未入 list of last month leaves it once the zone records it registered that month, from the list's link", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/registrations");
  const listed = zone.locator("#should-register-list tbody tr[data-link]");
  const before = await listed.count();
  assert.ok(before > 0, "the demo leaves projects to register");
  const now = new Date();
  const lastOfMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const today = lastOfMonth.toISOString().slice(0, 10);
  await listed.first().locator("a.act").click();
  await zone.waitForLoadState();
  await zone.selectOption("#bf-field-status", "registered");
  await zone.fill("#bf-field-registered_on", today);
  await zone.fill("#bf-field-stats_code", "e2e-" + today);
  if (/\/registrations\/\d+/.test(zone.url())) {
    await Promise.all([zone.waitForURL(/saved=1/), zone.click("#record-save")]);
  } else {
    assert.notEqual(await zone.inputValue("#bf-field-project"), "", "the link fills in the project");
    await Promise.all([zone.waitForURL(/\/registrations\/\d+$/), zone.click("#book-create")]);
  }
  await zone.goto(base + "/registrations");
  assert.equal(await zone.locator("#should-register-list tbody tr[data-link]").count(), before - 1);
  await shot(zone, "registrations");
  await zone.context().close();
});

test("化工园区安全风险复核: the zone scores an item with a rectification past its day, it counts as overdue until the zone records it done", async () => {
  const zone = await signedIn(ZONE);
  await zone.goto(base + "/chemical-review");
  const overdue = Number(await zone.textContent("#rectifications-overdue"));
  const yesterday = new Date(Date.now() - 86400000).toISOString().slice(0, 10);
  await zone.fill("#bf-field-item", "4.3");
  await zone.fill("#bf-field-score", "3.5");
  await zone.click("#book-create");
  assert.match(await zone.textContent("#error"), /得分/);
  await zone.fill("#bf-field-score", "1");
  await zone.fill("#bf-field-problem", "e2e消防站尚未建成");
  await zone.fill("#bf-field-owner", "园区应急管理局");
  await zone.fill("#bf-field-due_on", yesterday);
  await Promise.all([zone.waitForURL(/\/chemical-review\/\d+$/), zone.click("#book-create")]);
  const page = zone.url();
  await zone.goto(base + "/chemical-review");
  assert.equal(Number(await zone.textContent("#rectifications-overdue")), overdue + 1);
  assert.ok((await zone.locator("#open-rectifications").textContent()).includes("e2e消防站尚未建成"));
  await shot(zone, "chemical-review");
  await zone.goto(page);
  await zone.fill("#bf-field-rectified_on", yesterday);
  await Promise.all([zone.waitForURL(/saved=1/), zone.click("#record-save")]);
  await zone.goto(base + "/chemical-review");
  assert.equal(Number(await zone.textContent("#rectifications-overdue")), overdue);
  await zone.context().close();
});

test("目标任务 and 综合考核: the zone enters this month's 规上工业增加值, its progress on the year's target counts it, and the ranking ranks the zone", async () => {
  const zone = await signedIn(ZONE);
  const progressOf = async () => {
    await zone.goto(base + "/targets?zone=" + encodeURIComponent("吕梁经济技术开发区"));
    const row = zone.locator("#progress tbody tr", { hasText: "规上工业增加值" });
    return Number((await row.locator("td").nth(3).textContent()).trim());
  };
  const before = await progressOf();
  await zone.goto(base + "/indicators");
  await zone.fill("#bf-field-indicator", "规上工业增加值");
  await zone.fill("#bf-field-value", "1000");
  await Promise.all([zone.waitForURL(/\/indicators\/\d+$/), zone.click("#book-create")]);
  assert.equal(await progressOf(), before + 1000);
  await shot(zone, "targets");
  await zone.goto(base + "/assessment");
  assert.ok(await zone.locator("table.ranking tr[data-zone='吕梁经济技术开发区'] td.rank").count() > 0);
  await zone.context().close();
});
