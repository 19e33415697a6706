// Load editors/vscode/extension.js with stand-ins for `vscode` and `vscode-languageclient/node`, activate it,
// and print what it asked for: which server it starts, for which documents, with which options.
// usage: node activate.js EXTENSION.js [language]
"use strict";

const Module = require("module");

const started = [];
const settings = { "server.command": "perfdsl", "server.args": ["lsp"], language: process.argv[3] || "zh" };
const fakes = {
  vscode: {
    workspace: {
      getConfiguration: (section) => ({ get: (key, fallback) => (section === "perfdsl" && key in settings ? settings[key] : fallback) }),
      onDidChangeConfiguration: () => ({ dispose() {} }),
    },
  },
  "vscode-languageclient/node": {
    TransportKind: { stdio: 0 },
    LanguageClient: class {
      constructor(id, name, server, client) {
        Object.assign(this, { id, name, server, client });
        started.push(this);
      }
      async start() { this.running = true; }
      async stop() { this.running = false; }
    },
  },
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request in fakes ? fakes[request] : load.call(this, request, parent, isMain);
};

(async () => {
  const extension = require(require("path").resolve(process.argv[2]));
  const context = { subscriptions: [] };
  await extension.activate(context);
  const client = started[0];
  const report = { id: client.id, server: client.server, documentSelector: client.client.documentSelector,
    initializationOptions: client.client.initializationOptions, running: client.running,
    subscriptions: context.subscriptions.length };
  await extension.deactivate();
  report.stopped = !client.running;
  process.stdout.write(JSON.stringify(report) + "\n");
})().catch((error) => { process.stderr.write(String(error.stack || error) + "\n"); process.exit(1); });
