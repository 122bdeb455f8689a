// chat: a chat room in one program. One port serves the page at / over plain
// HTTP and the WebSocket at /chat; every message goes to everyone.
//
// Shows: the server endpoint's config (limits and handlers in one struct),
// on_http next to WebSocket on one port, an Origin check in on_handshake (a
// page from another site must not use the room with your cookies), typed
// per-connection data (server<chatter>), broadcast.
//
// Run:  ./build/gcc/examples/chat --port 8080    then open http://127.0.0.1:8080/
#include <asiows/asiows.hpp>

#include <asio.hpp>

#include <cstdio>
#include <string>

namespace {

const char* const page = R"html(<!doctype html>
<html><head><meta charset="utf-8"><title>asiows chat</title>
<style>body{font:16px sans-serif;max-width:40em;margin:2em auto}#log{border:1px solid #ccc;height:20em;
overflow-y:auto;padding:.5em}#log p{margin:.2em 0}form{display:flex;gap:.5em;margin-top:.5em}input{flex:1}</style>
</head><body>
<h1>asiows chat</h1><p id="status">connecting...</p><div id="log"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="say something, or /nick name"><button>Send</button></form>
<script>
const log = document.getElementById('log'), text = document.getElementById('text');
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat');
ws.onopen = () => { document.getElementById('status').textContent = 'connected'; };
ws.onclose = (e) => { document.getElementById('status').textContent = 'disconnected (' + e.code + ')'; };
ws.onmessage = (e) => {
  const line = document.createElement('p');
  line.textContent = e.data;  // text, never HTML
  log.appendChild(line);
  log.scrollTop = log.scrollHeight;
};
document.getElementById('form').onsubmit = (e) => {
  e.preventDefault();
  if (text.value && ws.readyState === WebSocket.OPEN) ws.send(text.value);
  text.value = '';
};
</script></body></html>
)html";

// What the room keeps for each connection: c->data().
struct chatter {
  std::string name;
};

using room = asiows::server<chatter>;

// The room's limits and handlers. They broadcast through `server`, which they
// only use once it runs.
asiows::server_config<chatter> chat_config(room& server) {
  asiows::server_config<chatter> config;
  config.connection.max_message_size = 4096; // chat lines, not files
  config.connection.enable_deflate = true;   // browsers offer permessage-deflate

  config.on_http = [](const asiows::http_request& request) {
    if (request.method != "GET" && request.method != "HEAD") {
      asiows::http_reply refusal{405, "text/plain; charset=utf-8", "method not allowed\n", {}};
      refusal.fields.add("Allow", "GET, HEAD");
      return refusal;
    }
    if (request.path() == "/") return asiows::http_reply{200, "text/html; charset=utf-8", page, {}};
    return asiows::http_reply{404, "text/plain; charset=utf-8", "not found\n", {}};
  };
  config.on_handshake = [](const asiows::http_request& request, asiows::handshake_answer& answer) {
    if (request.path() != "/chat") {
      answer.refuse(404);
      return;
    }
    // Browsers always send Origin; it must be this server's own page.
    const auto origin = request.origin();
    const auto host = request.fields.find("Host").value_or("");
    if (origin && *origin != "http://" + std::string(host) && *origin != "https://" + std::string(host)) {
      answer.refuse(403, "cross-origin use of this chat is not allowed\n");
    }
  };
  config.on_open = [&server](const room::connection_ptr& c) {
    c->data().name = "guest-" + std::to_string(c->id());
    server.broadcast(c->data().name + " joined (" + std::to_string(server.statistics().open_connections) + " here)");
  };
  config.on_message = [&server](const room::connection_ptr& c, std::string_view text, asiows::message_kind kind) {
    if (kind != asiows::message_kind::text) return c->close(asiows::close_code::unsupported_data, "text only");
    if (text.rfind("/nick ", 0) == 0 && text.size() > 6 && text.size() <= 38) {
      const std::string old_name = c->data().name;
      c->data().name = std::string(text.substr(6));
      server.broadcast(old_name + " is now " + c->data().name);
      return;
    }
    server.broadcast(c->data().name + ": " + std::string(text));
  };
  config.on_close = [&server](const room::connection_ptr& c, std::uint16_t, std::string_view) {
    server.broadcast(c->data().name + " left");
  };
  return config;
}

} // namespace

int main(int argc, char** argv) {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    if (arg == "--port") port = static_cast<unsigned short>(std::stoi(argv[i + 1]));
    else if (arg == "--address") address = argv[i + 1];
  }

  asio::io_context io;
  room server(io, chat_config(server));

  if (auto failure = server.listen(address, port)) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), port, failure.message().c_str());
    return 1;
  }
  std::printf("chat running: open http://%s:%u/ in a browser (Ctrl-C stops it)\n", address.c_str(), server.port());
  std::fflush(stdout);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) { server.shutdown(); });
  io.run();
}
