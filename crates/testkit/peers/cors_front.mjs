// A CORS front for the TypeScript SDK's example servers, loaded with `node --import` before
// them, as a real deployment puts CORS in front of a server that has none: every Node HTTP
// server in the process answers preflights and lets the asking page read the answers,
// including the headers MCP needs (Mcp-Session-Id, WWW-Authenticate). The servers themselves
// run unchanged.
import http from 'node:http';

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
    if (event === 'request' && req.headers.origin) {
        res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, WWW-Authenticate');
        if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
            res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
            res.setHeader(
                'Access-Control-Allow-Headers',
                req.headers['access-control-request-headers'] || 'Content-Type'
            );
            res.setHeader('Access-Control-Max-Age', '600');
            res.statusCode = 204;
            res.end();
            return true;
        }
    }
    return emit.apply(this, arguments);
};
