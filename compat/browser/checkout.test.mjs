// Browser tests of the embedded checkout: headless Chromium, driven by playwright-core, opens
// checkouts from the demo merchant site (examples/checkout-demo) against a Tollgate server.
// Environment: TOLLGATE_URL (server origin ending in "/"), TOLLGATE_SANDBOX_KEY,
// DEMO_PORT, EXPIRED_CHECKOUT_TOKEN (an expired session opened from the demo's origin),
// SCREENSHOT_DIR, CHROMIUM_PATH.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Lava } from "@lavapayments/nodejs";
import { startDemo } from "../../examples/checkout-demo/server.mjs";

const tollgateUrl = required("TOLLGATE_URL");
const secretKey = required("TOLLGATE_SANDBOX_KEY");
const expiredToken = required("EXPIRED_CHECKOUT_TOKEN");
const screenshotDir = process.env.SCREENSHOT_DIR ?? "screenshots";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Flags that keep Chromium from contacting any host by itself.
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
const WAIT_MS = 15_000;
const PHONE_WIDTH = { width: 360, height: 740 };

const lava = new Lava(secretKey, { baseUrl: new URL("v1/", tollgateUrl).href });
let browser;
let demo;
let plan;
let subscriber;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}; the JUnit test CheckoutBrowserTest sets it.`);
  return value;
}

before(async () => {
  await mkdir(screenshotDir, { recursive: true });
  plan = await lava.subscriptions.createPlan({
    name: "Writer Pro",
    period_amount: "25.00",
    included_credit: "20.00",
    billing_interval: "month",
    credit_bundles: [{ name: "Extra 10", cost: "10.00", credit_amount: "12.00" }],
  });
  demo = await startDemo({
    tollgateUrl,
    secretKey,
    planId: plan.plan_id,
    port: Number(process.env.DEMO_PORT ?? 0),
  });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
});

after(async () => {
  await browser?.close();
  await demo?.close();
});

async function newPage(viewport = PHONE_WIDTH) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
  return page;
}

async function shot(page, name) {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

function checkoutFrame(page) {
  return page.frameLocator("#lava-checkout-overlay iframe");
}

async function events(page) {
  return page.evaluate(() => window.checkoutEvents);
}

async function waitForEvent(page, type) {
  await page.waitForFunction((t) => window.checkoutEvents.some((e) => e.type === t), type,
    { timeout: WAIT_MS });
  return (await events(page)).find((e) => e.type === type);
}

/** Opens a subscription checkout from the demo page and returns the token it used. */
async function openSubscription(page) {
  await page.goto(demo.url);
  const tokenResponse = page.waitForResponse((r) => r.url().endsWith("/api/checkout"));
  await page.locator("#subscribe").focus();
  await page.keyboard.press("Enter");
  const { token } = await (await tokenResponse).json();
  await checkoutFrame(page).locator("#step-phone").waitFor({ timeout: WAIT_MS });
  return token;
}

/** Enters a phone number and the sandbox code, using the keyboard only. */
async function verifyPhone(page, phone, name) {
  const frame = checkoutFrame(page);
  if (phone) {
    await frame.locator("#phone").focus();
    await page.keyboard.type(phone);
  } else {
    await frame.locator("#step-phone button[type=submit]").focus();
  }
  if (name) await shot(page, `${name}-1-phone`);
  await page.keyboard.press("Enter");
  await frame.locator("#code").waitFor({ timeout: WAIT_MS });
  await frame.locator("#code").focus();
  await page.keyboard.type("000000");
  if (name) await shot(page, `${name}-2-code`);
  await page.keyboard.press("Enter");
  await frame.locator("#card").waitFor({ timeout: WAIT_MS });
}

/** Enters a card and confirms the payment with the keyboard. */
async function payWith(page, card, name) {
  const frame = checkoutFrame(page);
  await frame.locator("#card").focus();
  await page.keyboard.type(card);
  if (name) await shot(page, `${name}-3-card`);
  await page.keyboard.press("Enter");
  await frame.locator("#pay").waitFor({ timeout: WAIT_MS });
  // The step heading takes focus, so one Tab reaches the Pay button.
  await page.keyboard.press("Tab");
  assert.equal(await frame.locator("#pay").evaluate((b) => b === document.activeElement), true);
  if (name) await shot(page, `${name}-4-confirm`);
  await page.keyboard.press("Enter");
}

async function finish(page, name) {
  const frame = checkoutFrame(page);
  await frame.locator("#done").waitFor({ timeout: WAIT_MS });
  if (name) await shot(page, `${name}-5-result`);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  return waitForEvent(page, "success");
}

test("new customer subscribes with keyboard", async () => {
  const page = await newPage();
  const token = await openSubscription(page);
  const frame = checkoutFrame(page);
  const scrollWidth = await frame.locator("body").evaluate(() =>
    document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= PHONE_WIDTH.width, `page is ${scrollWidth}px wide at 360px`);
  assert.match(await frame.locator("#price").textContent(), /\$25\.00/);
  assert.match(await frame.locator("#expiry").textContent(), /expires at/);

  await verifyPhone(page, "+1 202 555 0142", "subscribe");
  await payWith(page, "4242 4242 4242 4242", "subscribe");
  const success = await finish(page, "subscribe");

  assert.match(success.customerId, /^con_test_/);
  assert.equal(success.connectionId, success.customerId);
  assert.match(success.checkoutSessionId, /^cs_test_/);
  assert.equal(await page.locator("#lava-checkout-overlay").count(), 0);
  await shot(page, "subscribe-6-merchant");
  const { subscription } = await lava.customers.getSubscription(success.customerId);
  assert.equal(subscription.status, "active");
  assert.equal(subscription.plan_id, plan.plan_id);
  assert.equal(Number(subscription.credits.total_remaining), 20);
  const customer = await lava.customers.retrieve(success.customerId);
  assert.equal(customer.contact.phone, "+12025550142");
  subscriber = { page, customerId: success.customerId, token };
});

test("returning customer buys credit bundle", async () => {
  assert.ok(subscriber, "needs the subscription test to run first");
  const { page, customerId } = subscriber;
  await page.locator("#buy-credit").click();
  const frame = checkoutFrame(page);
  await frame.locator("#phone-on-file").waitFor({ timeout: WAIT_MS });
  assert.equal(await frame.locator("#phone-ending").textContent(), "42");
  assert.match(await frame.locator("#item-name").textContent(), /Extra 10/);

  await verifyPhone(page, null, "bundle");
  assert.match(await frame.locator("#status").textContent(), /Welcome back/);
  await payWith(page, "4242424242424242", null);
  const successes = async () => (await events(page)).filter((e) => e.type === "success");
  await frame.locator("#done").click();
  await page.waitForFunction(() =>
    window.checkoutEvents.filter((e) => e.type === "success").length === 2, null,
    { timeout: WAIT_MS });

  const second = (await successes())[1];
  assert.equal(second.customerId, customerId);
  const { subscription } = await lava.customers.getSubscription(customerId);
  assert.equal(Number(subscription.credits.bundle_remaining), 12);
  assert.equal(Number(subscription.credits.total_remaining), 32);
});

test("declined card allows another card", async () => {
  const page = await newPage();
  await openSubscription(page);
  const frame = checkoutFrame(page);
  await verifyPhone(page, "+1 202 555 0143", null);

  await payWith(page, "4000 0000 0000 0002", null);
  await frame.locator("#card").waitFor({ timeout: WAIT_MS });
  assert.match(await frame.locator("#status").textContent(), /declined/);
  await shot(page, "declined");
  await payWith(page, "4242 4242 4242 4242", null);
  const success = await finish(page, null);

  assert.match(success.customerId, /^con_test_/);
});

test("cancel calls onCancel", async () => {
  const page = await newPage();
  await openSubscription(page);
  await checkoutFrame(page).locator("#cancel").click();

  const cancel = await waitForEvent(page, "cancel");

  assert.match(cancel.checkoutSessionId, /^cs_test_/);
  assert.equal(await page.locator("#lava-checkout-overlay").count(), 0);
  assert.equal((await events(page)).some((e) => e.type === "success"), false);
});

test("expired session shows an error", async () => {
  const page = await newPage();
  await page.goto(demo.url);
  await page.evaluate((token) => window.openCheckoutToken(token), expiredToken);
  const frame = checkoutFrame(page);

  await frame.locator("#checkout-error").waitFor({ timeout: WAIT_MS });

  assert.match(await frame.locator("h1").textContent(), /expired/);
  await shot(page, "expired");
  await frame.locator("#close").click();
  await waitForEvent(page, "cancel");
});

test("completed session shows an error", async () => {
  assert.ok(subscriber, "needs the subscription test to run first");
  const page = await newPage();
  await page.goto(demo.url);
  await page.evaluate((token) => window.openCheckoutToken(token), subscriber.token);
  const frame = checkoutFrame(page);

  await frame.locator("#checkout-error").waitFor({ timeout: WAIT_MS });

  assert.match(await frame.locator("h1").textContent(), /already complete/);
});

test("invalid token calls onError", async () => {
  const page = await newPage();
  await page.goto(demo.url);

  await page.evaluate(() => window.openCheckoutToken("not-a-token"));
  const error = await waitForEvent(page, "error");

  assert.match(error.message, /Invalid checkout token/);
  assert.equal(await page.locator("#lava-checkout-overlay").count(), 0);
});

test("other origin cannot frame checkout", async () => {
  const { checkout_session_token: token } = await lava.checkoutSessions.create({
    checkout_mode: "subscription",
    origin_url: demo.url,
    plan_id: plan.plan_id,
  });
  const secret = JSON.parse(Buffer.from(token, "base64").toString("utf8")).secret;
  const checkoutUrl = new URL(`embed/checkout/${secret}`, tollgateUrl).href;
  const other = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/html" });
    response.end(`<!DOCTYPE html><title>Other</title><iframe id="f" src="${checkoutUrl}"></iframe>`);
  });
  await new Promise((resolve) => other.listen(0, "127.0.0.1", resolve));
  try {
    const page = await newPage();
    const violations = [];
    page.on("console", (message) => {
      if (/frame-ancestors/.test(message.text())) violations.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${other.address().port}/`);
    await page.waitForFunction(() => document.readyState === "complete", null,
      { timeout: WAIT_MS });
    await page.waitForTimeout(500);

    const framed = page.frames().find((frame) => frame !== page.mainFrame());
    const rendered = await framed.locator("#checkout").count().catch(() => 0);
    assert.equal(rendered, 0, "the checkout rendered inside another origin's frame");
    assert.ok(violations.length > 0, "Chromium reported no frame-ancestors violation");

    await page.goto(checkoutUrl);
    assert.equal(await page.locator("#checkout").count(), 1);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
