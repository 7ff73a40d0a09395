// Browser tests of live checkout: headless Chromium, driven by playwright-core, buys through the
// demo merchant site (examples/checkout-demo) with a live key. The server's Twilio and Stripe
// clients point at stand-ins on 127.0.0.1, and its page loads a stand-in Stripe.js whose card
// Element is a plain input. The JUnit test LiveCheckoutBrowserTest starts all of them and then
// checks what the Stripe stand-in received.
// Environment: TOLLGATE_URL (server origin ending in "/"), TOLLGATE_LIVE_KEY,
// TOLLGATE_SANDBOX_KEY, PLAN_ID (a live plan of $25.00), SUBSCRIBER_PHONE, DECLINED_PHONE,
// TWILIO_STANDIN_URL, STRIPE_PUBLISHABLE_KEY, STRIPE_JS_URL, DEMO_PORT, SCREENSHOT_DIR,
// CHROMIUM_PATH.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { Lava } from "@lavapayments/nodejs";
import { startDemo } from "../../examples/checkout-demo/server.mjs";

const tollgateUrl = required("TOLLGATE_URL");
const liveKey = required("TOLLGATE_LIVE_KEY");
const sandboxKey = required("TOLLGATE_SANDBOX_KEY");
const planId = required("PLAN_ID");
const subscriberPhone = required("SUBSCRIBER_PHONE");
const declinedPhone = required("DECLINED_PHONE");
const twilioUrl = required("TWILIO_STANDIN_URL");
const publishableKey = required("STRIPE_PUBLISHABLE_KEY");
const stripeJsUrl = required("STRIPE_JS_URL");
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
const CARD_SUCCEEDS = "4242 4242 4242 4242";
// The Stripe stand-in saves this card and then declines the charge, as Stripe's test card does.
const CARD_DECLINED_ON_CHARGE = "4000 0000 0000 0341";
const stripeJsOrigin = new URL(stripeJsUrl).origin;

const live = new Lava(liveKey, { baseUrl: new URL("v1/", tollgateUrl).href });
let browser;
let demo;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name}; the JUnit test LiveCheckoutBrowserTest sets it.`);
  return value;
}

before(async () => {
  await mkdir(screenshotDir, { recursive: true });
  demo = await startDemo({
    tollgateUrl,
    secretKey: liveKey,
    planId,
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

/**
 * Opens a page that records policy violations, page errors, the URLs it requested and the
 * bodies of its payment requests.
 */
async function newPage() {
  const context = await browser.newContext({ viewport: PHONE_WIDTH });
  const page = await context.newPage();
  const record = { violations: [], errors: [], payments: [], requestUrls: [] };
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) record.violations.push(message.text());
  });
  page.on("pageerror", (error) => record.errors.push(error.message));
  page.on("request", (request) => {
    record.requestUrls.push(request.url());
    if (request.method() === "POST" && request.url().endsWith("/payment")) {
      record.payments.push(request.postData() ?? "");
    }
  });
  return { page, record };
}

async function shot(page, name) {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

function checkoutFrame(page) {
  return page.frameLocator("#lava-checkout-overlay iframe");
}

async function waitForEvent(page, type) {
  await page.waitForFunction((t) => window.checkoutEvents.some((e) => e.type === t), type,
    { timeout: WAIT_MS });
  return (await page.evaluate(() => window.checkoutEvents)).find((e) => e.type === type);
}

/** Returns the code in the latest text message the Twilio stand-in received for `phone`. */
async function smsCode(phone, previous) {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${twilioUrl}/standin/messages?to=${encodeURIComponent(phone)}`);
    const bodies = await response.json();
    if (bodies.length > previous) {
      const match = /\b([0-9]{6})\b/.exec(bodies[bodies.length - 1]);
      if (match) return match[1];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No text message reached ${phone}`);
}

async function messageCount(phone) {
  const response = await fetch(`${twilioUrl}/standin/messages?to=${encodeURIComponent(phone)}`);
  return (await response.json()).length;
}

async function openSubscription(page) {
  await page.goto(demo.url);
  await page.locator("#subscribe").focus();
  await page.keyboard.press("Enter");
  await checkoutFrame(page).locator("#step-phone").waitFor({ timeout: WAIT_MS });
}

/** Enters the phone number and the texted code with the keyboard only. */
async function verifyPhone(page, phone, name) {
  const frame = checkoutFrame(page);
  const sentBefore = await messageCount(phone);
  await frame.locator("#phone").focus();
  await page.keyboard.type(phone);
  await page.keyboard.press("Enter");
  await frame.locator("#code").waitFor({ timeout: WAIT_MS });
  const code = await smsCode(phone, sentBefore);
  await frame.locator("#code").focus();
  await page.keyboard.type(code);
  if (name) await shot(page, `${name}-2-code`);
  await page.keyboard.press("Enter");
  await frame.locator("#standin-card").waitFor({ timeout: WAIT_MS });
}

/** Types a card into the focused card Element and confirms the payment with the keyboard. */
async function payWith(page, card, name) {
  const frame = checkoutFrame(page);
  const focused = await frame.locator("#standin-card")
    .evaluate((input) => input === document.activeElement);
  assert.equal(focused, true, "the card step did not focus the card Element");
  await page.keyboard.type(card);
  if (name) await shot(page, `${name}-3-card`);
  await page.keyboard.press("Enter");
  await frame.locator("#pay").waitFor({ timeout: WAIT_MS });
  assert.equal(await frame.locator("#confirm-last4").textContent(), card.slice(-4));
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

// The stand-in's payment method ids carry the card digits, so only the field names show that
// the page sent no card number of its own.
function assertOnlyPaymentMethodSent(record) {
  assert.ok(record.payments.length > 0, "the page sent no payment request");
  for (const body of record.payments) {
    const fields = JSON.parse(body);
    assert.deepEqual(Object.keys(fields), ["payment_method_id"], body);
    assert.match(fields.payment_method_id, /^pm_/);
  }
}

test("live customer subscribes with keyboard", async () => {
  const { page, record } = await newPage();
  await openSubscription(page);
  const frame = checkoutFrame(page);
  const scrollWidth = await frame.locator("body").evaluate(() =>
    document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= PHONE_WIDTH.width, `page is ${scrollWidth}px wide at 360px`);
  assert.equal(await frame.locator("#sandbox-badge").isVisible(), false);
  await shot(page, "live-1-phone");

  await verifyPhone(page, subscriberPhone, "live");
  assert.equal(await frame.locator("#card").isVisible(), false);
  assert.equal(await frame.locator("body").evaluate(() => window.stripeStandIn.publishableKey),
    publishableKey);
  await payWith(page, CARD_SUCCEEDS, "live");
  const success = await finish(page, "live");

  assert.match(success.customerId, /^con_/);
  assert.doesNotMatch(success.customerId, /_test_/);
  assert.equal(success.connectionId, success.customerId);
  assert.match(success.checkoutSessionId, /^cs_/);
  const { subscription } = await live.customers.getSubscription(success.customerId);
  assert.equal(subscription.status, "active");
  assert.equal(subscription.plan_id, planId);
  assertOnlyPaymentMethodSent(record);
  assert.ok(record.requestUrls.some((url) => url.startsWith(stripeJsOrigin)),
    "the page did not load Stripe.js");
  assert.deepEqual(record.violations, []);
  assert.deepEqual(record.errors, []);
});

test("declined live card allows another card", async () => {
  const { page, record } = await newPage();
  await openSubscription(page);
  const frame = checkoutFrame(page);
  await verifyPhone(page, declinedPhone, null);

  await payWith(page, CARD_DECLINED_ON_CHARGE, null);
  await frame.locator("#step-card").waitFor({ timeout: WAIT_MS });
  assert.match(await frame.locator("#status").textContent(), /declined/);
  assert.equal(await frame.locator("#standin-card").inputValue(), "");
  await shot(page, "live-declined");
  await payWith(page, CARD_SUCCEEDS, null);
  const success = await finish(page, null);

  assert.match(success.customerId, /^con_/);
  assert.equal(record.payments.length, 2);
  assertOnlyPaymentMethodSent(record);
  assert.deepEqual(record.violations, []);
});

test("sandbox page loads no Stripe.js", async () => {
  const sandbox = new Lava(sandboxKey, { baseUrl: new URL("v1/", tollgateUrl).href });
  const plan = await sandbox.subscriptions.createPlan({
    name: "Sandbox Pro",
    period_amount: "25.00",
    billing_interval: "month",
  });
  const { checkout_session_token: token } = await sandbox.checkoutSessions.create({
    checkout_mode: "subscription",
    origin_url: demo.url,
    plan_id: plan.plan_id,
  });
  const secret = JSON.parse(Buffer.from(token, "base64").toString("utf8")).secret;
  const { page, record } = await newPage();

  await page.goto(new URL(`embed/checkout/${secret}`, tollgateUrl).href);
  await page.locator("#step-phone").waitFor({ timeout: WAIT_MS });

  assert.equal(await page.evaluate(() => typeof window.Stripe), "undefined");
  assert.ok(!record.requestUrls.some((url) => url.startsWith(stripeJsOrigin)),
    "the sandbox page requested Stripe.js");
  assert.equal(await page.locator("#sandbox-badge").isVisible(), true);
});
