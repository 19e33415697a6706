// The VS Code side of perfdsl: starts `perfdsl lsp` for .perf files and hands it the editor's requests.
// Everything a spec needs (diagnostics, formatting, completion, hover, outline) is answered by the server.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions(config) {
  return {
    command: config.get("server.command", "perfdsl"),
    args: [...config.get("server.args", ["lsp"])],
    transport: TransportKind.stdio,
  };
}

function clientOptions(config) {
  return {
    documentSelector: [
      { scheme: "file", language: "perfdsl" },
      { scheme: "untitled", language: "perfdsl" },
    ],
    initializationOptions: { lang: config.get("language", "zh") },
  };
}

async function start() {
  const config = vscode.workspace.getConfiguration("perfdsl");
  client = new LanguageClient("perfdsl", "perfdsl", serverOptions(config), clientOptions(config));
  await client.start();
}

async function activate(context) {
  await start();
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      // the server reads its command line and language once: restart it with the new settings
      if (event.affectsConfiguration("perfdsl")) {
        await deactivate();
        await start();
      }
    }),
  );
}

function deactivate() {
  const running = client;
  client = undefined;
  return running ? running.stop() : undefined;
}

module.exports = { activate, deactivate, serverOptions, clientOptions };
