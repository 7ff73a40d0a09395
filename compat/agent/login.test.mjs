// Runs the official Node SDK's browser login, Lava.login(), against a Tollgate server. The
// SDK opens the approval page with `xdg-open`; bin/xdg-open stands in for the desktop opener
// and approves in a headless Chromium (approve.mjs).
//
// Environment: TOLLGATE_URL (http://127.0.0.1:PORT, no /v1) and TOLLGATE_SANDBOX_KEY.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lava } from '@lavapayments/nodejs';

const serverUrl = process.env.TOLLGATE_URL;
const sandboxKey = process.env.TOLLGATE_SANDBOX_KEY;
assert.ok(serverUrl && sandboxKey, 'set TOLLGATE_URL and TOLLGATE_SANDBOX_KEY');

const here = dirname(fileURLToPath(import.meta.url));
process.env.PATH = `${join(here, 'bin')}:${process.env.PATH}`;
process.env.TOLLGATE_APPROVE_KEY = sandboxKey;

async function exchange(code) {
  const response = await fetch(`${serverUrl}/v1/auth/callback`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { status: response.status, body: await response.json() };
}

describe('Lava.login against Tollgate', () => {
  it('returns a new key that lists meters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-login-'));
    process.env.TOLLGATE_LOGIN_MODE = 'approve';
    process.env.TOLLGATE_CALLBACK_LOG = join(dir, 'callback-url');
    try {
      const credentials = await Lava.login({ baseUrl: serverUrl });

      assert.match(credentials.secret_key, /^aks_test_/);
      assert.notEqual(credentials.secret_key, sandboxKey);
      assert.match(credentials.secret_key_id, /^sk_test_/);
      assert.match(credentials.merchant_id, /^mer_/);
      assert.ok(credentials.wallet_id);
      assert.ok(credentials.account_id);
      const lava = new Lava(credentials.secret_key, { baseUrl: `${serverUrl}/v1/` });
      const meters = await lava.meters.list();
      assert.ok(Array.isArray(meters.data));

      // The code in the callback URL was spent by the SDK; a second exchange is refused.
      // The opener writes the URL after the browser reached the callback, which can be after
      // the SDK already finished, so wait for the file.
      const callback = new URL(await readWhenWritten(process.env.TOLLGATE_CALLBACK_LOG));
      const reused = await exchange(callback.searchParams.get('code'));
      assert.equal(reused.status, 409);
      assert.equal(reused.body.error.code, 'login_code_used');
      assert.equal(reused.body.secret_key, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a callback with another state', async () => {
    process.env.TOLLGATE_LOGIN_MODE = 'wrong-state';
    delete process.env.TOLLGATE_CALLBACK_LOG;

    await assert.rejects(Lava.login({ baseUrl: serverUrl }), /State mismatch/);
  });

  it('refuses an unknown code', async () => {
    const unknown = await exchange('tlc_' + 'x'.repeat(40));

    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.param, 'code');
  });
});

async function readWhenWritten(path, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(path) && readFileSync(path, 'utf8').length > 0) {
      return readFileSync(path, 'utf8');
    }
    if (Date.now() > deadline) {
      throw new Error(`${path} was not written within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
