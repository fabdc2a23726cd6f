// A protected MCP server whose tool samples, made of the TypeScript SDK's own parts (the SDK
// ships no example that does both): its demo authorization server (`setupAuthServer` from its
// examples, `/authorize` sends the person straight back with a code), its Bearer middleware
// and metadata router, and a Streamable HTTP server with sessions whose `summarize` tool asks
// the client's model, as its `toolWithSampleServer` example does over stdio.
// Run: node --import cors_front.mjs oauth_sampler.mjs, with MCP_DESK_PEERS (the npm install),
// MCP_PORT and MCP_AUTH_PORT set.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const modules = `${process.env.MCP_DESK_PEERS}/node_modules`;
const load = (path) => import(pathToFileURL(`${modules}/${path}`).href);
const sdk = '@modelcontextprotocol/sdk/dist/esm';
const { McpServer } = await load(`${sdk}/server/mcp.js`);
const { StreamableHTTPServerTransport } = await load(`${sdk}/server/streamableHttp.js`);
const { createMcpExpressApp } = await load(`${sdk}/server/express.js`);
const { requireBearerAuth } = await load(`${sdk}/server/auth/middleware/bearerAuth.js`);
const { mcpAuthMetadataRouter, getOAuthProtectedResourceMetadataUrl } = await load(`${sdk}/server/auth/router.js`);
const { isInitializeRequest } = await load(`${sdk}/types.js`);
const { setupAuthServer } = await load(`${sdk}/examples/server/demoInMemoryOAuthProvider.js`);
const z = await load('zod/v4/index.js');

const port = Number(process.env.MCP_PORT);
const mcpServerUrl = new URL(`http://localhost:${port}/mcp`);
const authServerUrl = new URL(`http://localhost:${process.env.MCP_AUTH_PORT}`);
const oauthMetadata = setupAuthServer({ authServerUrl, mcpServerUrl, strictResource: true });

// Tokens are checked with the authorization server's introspection endpoint.
const verifier = {
    verifyAccessToken: async (token) => {
        const response = await fetch(oauthMetadata.introspection_endpoint, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ token }).toString(),
        });
        if (!response.ok) throw new Error(`invalid token: ${await response.text()}`);
        const data = await response.json();
        return {
            token,
            clientId: data.client_id,
            scopes: data.scope ? data.scope.split(' ') : [],
            expiresAt: data.exp,
            resource: data.aud ? new URL(data.aud) : undefined,
        };
    },
};

function server() {
    const mcp = new McpServer({ name: 'oauth-sampler', version: '1.0.0' });
    mcp.registerTool(
        'summarize',
        { description: 'Summarize text with the client\'s model', inputSchema: { text: z.string() } },
        async ({ text }) => {
            const answer = await mcp.server.createMessage({
                messages: [{ role: 'user', content: { type: 'text', text: `Summarize: ${text}` } }],
                maxTokens: 200,
            });
            const said = answer.content.type === 'text' ? answer.content.text : '(no text)';
            return { content: [{ type: 'text', text: `Summary: ${said}` }] };
        }
    );
    return mcp;
}

const app = createMcpExpressApp();
app.use(mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: mcpServerUrl, scopesSupported: ['mcp:tools'] }));
const auth = requireBearerAuth({
    verifier,
    resourceMetadataUrl: getOAuthProtectedResourceMetadataUrl(mcpServerUrl),
    expectedResource: mcpServerUrl,
});
const transports = new Map();
const session = (req) => transports.get(req.headers['mcp-session-id']);
app.post('/mcp', auth, async (req, res) => {
    let transport = session(req);
    if (!transport && isInitializeRequest(req.body)) {
        transport = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (id) => transports.set(id, transport),
        });
        await server().connect(transport);
    }
    if (!transport) {
        res.status(400).json({ jsonrpc: '2.0', error: { code: -32000, message: 'No session' }, id: null });
        return;
    }
    await transport.handleRequest(req, res, req.body);
});
for (const method of ['get', 'delete']) {
    app[method]('/mcp', auth, async (req, res) => {
        const transport = session(req);
        if (!transport) {
            res.status(400).send('No session');
            return;
        }
        await transport.handleRequest(req, res);
    });
}
app.listen(port, () => console.log(`oauth-sampler on ${port}`));
