// Tokenize a file with a TextMate grammar exactly as VS Code does (vscode-textmate + the Oniguruma regex
// engine compiled to WebAssembly), and print one JSON object per line: {"line": N, "tokens": [[text, scopes]]}.
// usage: node tokenize.js GRAMMAR.json FILE
"use strict";

const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

async function main() {
  const [grammarPath, filePath] = process.argv.slice(2);
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath),
  });
  const grammar = await registry.loadGrammar("source.perfdsl");
  let stack = vsctm.INITIAL;
  const lines = fs.readFileSync(filePath, "utf8").split(/\r\n|\r|\n/);
  const out = [];
  lines.forEach((line, index) => {
    const result = grammar.tokenizeLine(line, stack);
    const tokens = result.tokens.map((t) => [line.substring(t.startIndex, t.endIndex), t.scopes.slice(1)]);
    out.push(JSON.stringify({ line: index + 1, tokens }));
    stack = result.ruleStack;
  });
  process.stdout.write(out.join("\n") + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
