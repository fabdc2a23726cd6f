// The reference for the sampling round-trip benchmark: a client written with the official
// TypeScript SDK that answers every sampling request at once. It calls the demo server's
// bench_sampling tool and prints the server's timing. Usage: node reference_client.mjs URL COUNT
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [url, count] = process.argv.slice(2);
const client = new Client({ name: "bench-reference", version: "1.0.0" }, { capabilities: { sampling: {} } });
client.setRequestHandler(CreateMessageRequestSchema, async () => ({
  role: "assistant",
  content: { type: "text", text: "ok" },
  model: "reference",
  stopReason: "endTurn",
}));
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
const result = await client.callTool(
  { name: "bench_sampling", arguments: { count: Number(count) } },
  undefined,
  { timeout: 600000 },
);
console.log(result.content[0].text);
await client.close();
