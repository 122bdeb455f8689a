// An interop peer built on Node's `ws` (npm install in this folder).
//   node node_peer.js client URL [COMBO]  checks an echo server at URL; exit 0 if all pass
//   node node_peer.js server [COMBO]      an echo server on 127.0.0.1 (a free port, printed first);
//                                         "fragments-please" gets a fragmented reply,
//                                         "close-please" gets a close with code 4001
// COMBO picks permessage-deflate parameters: default, takeover, window, all, cmwb8, cmwb9, cmwb15
// (client_max_window_bits asked of the client) or eight (server_max_window_bits=8).
'use strict';
const { WebSocket, WebSocketServer } = require('ws');

// permessage-deflate parameters per combination, and what the answer must then say.
// threshold 0: ws leaves messages under 1 KiB uncompressed by default; compress them all.
const takeover = { serverNoContextTakeover: true, clientNoContextTakeover: true };
const window = { serverMaxWindowBits: 10, clientMaxWindowBits: 11 };
const COMBOS = {
  default: [{}, []],
  takeover: [takeover, ['server_no_context_takeover', 'client_no_context_takeover']],
  window: [window, ['server_max_window_bits=10', 'client_max_window_bits=11']],
  all: [{ ...takeover, ...window }, ['server_no_context_takeover', 'client_no_context_takeover',
                                    'server_max_window_bits=10', 'client_max_window_bits=11']],
  // 8 bits: zlib has no 8-bit raw window, so ws compresses with 9 bits; asiows inflates that,
  // and where asiows is the side held to 8 bits it sends uncompressed.
  eight: [{ serverMaxWindowBits: 8 }, ['server_max_window_bits=8']],
  cmwb8: [{ clientMaxWindowBits: 8 }, ['client_max_window_bits=8']],
  cmwb9: [{ clientMaxWindowBits: 9 }, ['client_max_window_bits=9']],
  cmwb15: [{ clientMaxWindowBits: 15 }, ['client_max_window_bits=15']],
};
const deflateOptions = (combo) => ({ threshold: 0, ...COMBOS[combo][0] });

function runClient(url, combo) {
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, perMessageDeflate: deflateOptions(combo) });
  const failures = [];
  let passed = 0;
  const check = (name, condition) => {
    console.log((condition ? 'ok   ' : 'FAIL ') + name);
    if (condition) passed++; else failures.push(name);
  };
  const replies = [];
  let waiting = null;
  ws.on('message', (data, isBinary) => {
    replies.push({ data, isBinary });
    if (waiting) { const w = waiting; waiting = null; w(); }
  });
  const next = () => new Promise((resolve) => {
    if (replies.length) return resolve(replies.shift());
    waiting = () => resolve(replies.shift());
  });
  const timer = setTimeout(() => { console.log('FAIL timed out'); process.exit(1); }, 20000);
  let answer = '';
  ws.on('upgrade', (response) => { answer = response.headers['sec-websocket-extensions'] || 'none'; });

  ws.on('open', async () => {
    console.log('     (extensions in use: ' + answer + ')');
    check('permessage-deflate negotiated as ' + combo,
          answer.startsWith('permessage-deflate') && COMBOS[combo][1].every((p) => answer.includes(p)));
    const cases = [['text', 'hello from node', false], ['empty text', '', false],
                   ['binary', Buffer.from([...Array(1024).keys()].map((i) => i % 256)), true],
                   ['1 MiB binary', Buffer.alloc(1 << 20, 7), true], ['utf-8 text', 'κόσμε 😀', false]];
    for (const [name, message, binary] of cases) {
      ws.send(message, { binary });
      const reply = await next();
      check(name + ' echoed', reply.isBinary === binary && Buffer.compare(reply.data, Buffer.from(message)) === 0);
    }
    ws.send('frag', { fin: false });
    ws.send('ment', { fin: false });
    ws.send('ed', { fin: true });
    check('fragmented message echoed whole', (await next()).data.toString() === 'fragmented');
    ws.ping('are you there');
    ws.once('pong', (data) => {
      check('ping answered', data.toString() === 'are you there');
      ws.close(4000, 'node says bye');
    });
  });
  ws.on('close', (code) => {
    clearTimeout(timer);
    check('close code echoed', code === 4000);
    console.log(`${passed} passed, ${failures.length} failed`);
    process.exit(failures.length ? 1 : 0);
  });
  ws.on('error', (error) => { console.log('FAIL ' + error.message); process.exit(1); });
}

function runServer(combo) {
  // perMessageDeflate is off by default in ws servers: turn it on so compression is exercised.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024,
                                      perMessageDeflate: deflateOptions(combo) }, () => {
    console.log(server.address().port);
  });
  server.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? null : data.toString();
      if (text === 'fragments-please') {
        ws.send('frag', { fin: false });
        ws.send('ment', { fin: false });
        ws.send('ed', { fin: true });
      } else if (text === 'close-please') {
        ws.close(4001, 'as asked');
      } else {
        ws.send(data, { binary: isBinary });
      }
    });
  });
  setTimeout(() => process.exit(0), 60000); // the test ends us long before this
}

const [mode, ...rest] = process.argv.slice(2);
const combo = (mode === 'client' ? rest[1] : rest[0]) || 'default';
if (!(combo in COMBOS)) { console.error('unknown combination ' + combo); process.exit(2); }
if (mode === 'server') runServer(combo);
else if (mode === 'client' && rest[0]) runClient(rest[0], combo);
else { console.error('usage: node node_peer.js client URL [COMBO] | server [COMBO]'); process.exit(2); }
