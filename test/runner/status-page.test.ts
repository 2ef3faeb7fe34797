import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir, startCliInProcess, waitFor } from '../support/cli.js';
import { chromiumBinary, launchChromium } from '../support/chromium.js';
import { writeConfdir } from '../support/confdir.js';
import { countColor, decodePng, distinctColors } from '../support/png.js';
import { freePort } from '../support/ports.js';

const chromium = chromiumBinary('status page in Chromium');

/** The badge colours of status-page.ts: what an operator sees at a glance. */
const AMBER = '#e69500';
const GREEN = '#2e7d32';

describe('the status page in a real headless Chromium', { skip: chromium.skip }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('shows the blocked template and what it waits for, then, refreshing itself, the rendered one', async () => {
    await writeConfdir(dir, {
      resources: {
        'app.toml': '[template]\nsrc = "app.tmpl"\ndest = "app.conf"\nflavor = "consul-template"\n',
        'static.toml': '[template]\nsrc = "static.tmpl"\ndest = "static.conf"\nflavor = "consul-template"\n',
      },
      templates: { 'app.tmpl': 'port {{ key "app/port" }}\n', 'static.tmpl': 'host {{ key "app/host" }}\n' },
      files: { 'data.yaml': 'app:\n  host: web1\n' },
    });
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const cli = startCliInProcess(['-confdir', dir, '-backend', 'file', '-file', join(dir, 'data.yaml'), '-watch', '-status-addr', `127.0.0.1:${port}`], { cwd: dir });
    const browser = await launchChromium(chromium.path!);
    try {
      const page = await browser.context.newPage();
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      await waitFor(async () => (await fetch(`${origin}/health`)).ok, 'the status server');
      await waitFor(async () => {
        await page.goto(`${origin}/`);
        return (await page.locator('tr.waiting').count()) === 1 && (await page.locator('tr.fine').count()) === 1;
      }, 'one waiting and one fine template on the page');

      const waiting = page.locator('tr.waiting');
      assert.match((await waiting.getAttribute('data-destination')) ?? '', /app\.conf$/);
      assert.match(await waiting.innerText(), /kv\.get\(\/app\/port\)\s+missing/);
      assert.match(await page.locator('.summary').innerText(), /1 waiting\s*0 failing\s*1 fine/);
      assert.match(await page.title(), /1 waiting, 0 failing, 1 fine/);
      assert.match(await page.locator('#backends').innerText(), /ok\s+file .*data\.yaml/);

      const blocked = decodePng(await page.screenshot({ fullPage: true }));
      assert.ok(blocked.width > 0 && blocked.height > 0);
      assert.ok(distinctColors(blocked) > 20, `the screenshot has content (${distinctColors(blocked)} colours)`);
      assert.ok(countColor(blocked, AMBER) > 200, 'the waiting badge is drawn in amber');

      await writeFile(join(dir, 'data.yaml'), 'app:\n  host: web1\n  port: 8080\n');
      // No reload from the test: the page's own <meta http-equiv=refresh> brings the new state.
      await waitFor(async () => (await page.locator('tr.fine').count()) === 2, 'the page refreshed itself with both templates fine', 20_000, 100);
      assert.equal(await page.locator('tr.waiting').count(), 0);
      const rendered = decodePng(await page.screenshot({ fullPage: true }));
      assert.equal(countColor(rendered, AMBER), 0, 'nothing amber once nothing waits');
      assert.ok(countColor(rendered, GREEN) > countColor(blocked, GREEN), 'more green than before');
      assert.ok(requested.length >= 2 && requested.every((url) => url.startsWith(`${origin}/`)), `only the status server was asked: ${requested.join(', ')}`);
    } finally {
      await browser.close();
      assert.equal(await cli.stop(), 0);
    }
  });
});
