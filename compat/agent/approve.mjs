// Approves a Tollgate login in a headless Chromium, as a merchant would in a browser: opens the
// URL it is given, pastes the secret key into the form, presses Approve and waits for the
// redirect to the agent's loopback callback.
//
// Environment:
//   TOLLGATE_APPROVE_KEY   the secret key to approve with (required)
//   TOLLGATE_LOGIN_MODE    "approve" (default) or "wrong-state", which changes the state
//                          parameter before opening the page, as a forged link would
//   TOLLGATE_CALLBACK_LOG  file that receives the callback URL the browser was sent to
//   CHROMIUM_PATH          the browser binary (default /usr/bin/chromium)
import { writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
const TIMEOUT_MS = 30_000;

const target = new URL(process.argv[2]);
const key = process.env.TOLLGATE_APPROVE_KEY;
if (!key) {
  console.error('approve.mjs: set TOLLGATE_APPROVE_KEY to the secret key to approve with');
  process.exit(2);
}
if (process.env.TOLLGATE_LOGIN_MODE === 'wrong-state') {
  target.searchParams.set('state', 'f'.repeat(32));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: CHROMIUM_FLAGS,
  timeout: TIMEOUT_MS,
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  await page.goto(target.toString());
  await page.fill('#secret_key', key);
  await Promise.all([
    page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/),
    page.click('#approve'),
  ]);
  if (process.env.TOLLGATE_CALLBACK_LOG) {
    writeFileSync(process.env.TOLLGATE_CALLBACK_LOG, page.url());
  }
} finally {
  await browser.close();
}
