// The reference for the sampling round-trip benchmark: reference_client.mjs for the browser,
// bundled (with the official TypeScript SDK) for browser_reference.html, so it runs in the same
// headless Chromium as MCP Desk. It answers every sampling request at once, calls the demo
// server's bench_sampling tool and shows the server's timing in [data-testid=reference-result]
// (or the failure in [data-testid=reference-error]).
// Open as browser_reference.html#url=<percent-encoded URL>&count=<n>.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const output = document.getElementById("output");

function show(testid, text) {
  output.textContent = text;
  output.dataset.testid = testid;
}

async function run() {
  const params = new URLSearchParams(location.hash.slice(1));
  const url = params.get("url");
  const count = Number(params.get("count"));
  if (!url || !Number.isInteger(count) || count < 1) {
    throw new Error("open as browser_reference.html#url=<encoded URL>&count=<n>");
  }
  const client = new Client({ name: "bench-reference", version: "1.0.0" }, { capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, async () => ({
    role: "assistant",
    content: { type: "text", text: "ok" },
    model: "reference",
    stopReason: "endTurn",
  }));
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const result = await client.callTool(
    { name: "bench_sampling", arguments: { count } },
    undefined,
    { timeout: 600000 },
  );
  const text = result.content[0].text;
  if (result.isError) {
    throw new Error(text);
  }
  await client.close();
  show("reference-result", text);
}

run().catch((e) => show("reference-error", String(e?.stack ?? e)));
