// A real browser against examples/chat: two tabs chat through it, and a page
// from another origin is refused. Uses Debian's Chromium through playwright-core.
//   node chat_test.js path/to/chat [screenshot.png]
'use strict';
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');

const results = { passed: 0, failed: 0 };
function check(name, ok) {
  console.log((ok ? 'ok   ' : 'FAIL ') + name);
  results[ok ? 'passed' : 'failed']++;
}

function startChat(binary) {
  const chat = spawn(binary, ['--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    chat.stdout.on('data', (data) => {
      output += data;
      const match = output.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (match) resolve({ chat, port: match[1] });
    });
    chat.on('exit', (code) => reject(new Error('chat exited with ' + code)));
  });
}

async function main() {
  const { chat, port } = await startChat(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    const [alice, bob] = [await browser.newPage(), await browser.newPage()];
    for (const page of [alice, bob]) {
      await page.goto(url);
      await page.waitForFunction(() => document.getElementById('status').textContent === 'connected');
    }
    check('both tabs connected', true);
    // Chromium offers permessage-deflate; the chat server accepts it.
    const extensions = await alice.evaluate(() => new Promise((resolve) => {
      const probe = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat');
      probe.onopen = () => { resolve(probe.extensions); probe.close(); };
      probe.onerror = () => resolve('error');
    }));
    check('permessage-deflate negotiated with the browser', extensions.startsWith('permessage-deflate'));
    const say = async (page, text) => {
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
    };
    const sees = (page, text) => page.waitForFunction(
      (t) => document.getElementById('log').textContent.includes(t), text, { timeout: 5000 })
      .then(() => true, () => false);
    await say(alice, '/nick alice');
    await say(bob, '/nick bob');
    await say(alice, 'hello from tab one');
    check('bob sees alice', await sees(bob, 'alice: hello from tab one'));
    check('alice sees herself', await sees(alice, 'alice: hello from tab one'));
    await say(bob, 'hi alice, ünïcödé ✓');
    check('alice sees bob', await sees(alice, 'bob: hi alice, ünïcödé ✓'));
    await bob.close();
    check('alice sees bob leave', await sees(alice, 'bob left'));
    if (process.argv[3]) await alice.screenshot({ path: process.argv[3] });

    // A page from another origin (localhost is not 127.0.0.1) may not join.
    const other = await browser.newPage();
    await other.goto(`http://localhost:${port}/nothing-here`);
    const refused = await other.evaluate((p) => new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${p}/chat`);
      ws.onopen = () => resolve(false);
      ws.onclose = () => resolve(true);
    }), port);
    check('cross-origin WebSocket refused', refused);
  } finally {
    await browser.close();
    chat.kill('SIGTERM');
  }
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

setTimeout(() => { console.log('FAIL timed out'); process.exit(1); }, 60000).unref();
main().catch((error) => { console.log('FAIL ' + error.message); process.exit(1); });
