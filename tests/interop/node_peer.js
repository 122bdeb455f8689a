// An interop peer built on Node's `ws` (npm install in this folder).
//   node node_peer.js client URL   checks an echo server at URL; exit 0 if all pass
//   node node_peer.js server       an echo server on 127.0.0.1 (a free port, printed first);
//                                  "fragments-please" gets a fragmented reply,
//                                  "close-please" gets a close with code 4001
'use strict';
const { WebSocket, WebSocketServer } = require('ws');

function runClient(url) {
  const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
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

  ws.on('open', async () => {
    console.log('     (extensions in use: ' + (ws.extensions || 'none') + ')');
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

function runServer() {
  // perMessageDeflate is off by default in ws servers: turn it on so compression is exercised.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024,
                                      perMessageDeflate: true }, () => {
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

if (process.argv[2] === 'server') runServer();
else if (process.argv[2] === 'client' && process.argv[3]) runClient(process.argv[3]);
else { console.error('usage: node node_peer.js client URL | server'); process.exit(2); }
