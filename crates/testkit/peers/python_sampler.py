"""A real MCP server on the official Python SDK (PyPI `mcp` 2.x), for MCP Desk's tests.

Tools that ask the client for something:
- `summarize_2025` sends a `sampling/createMessage` request on the tool call's stream (the
  2025-11-25 way; at 2026-07-28 the SDK refuses it for lack of a back channel);
- `summarize_mrtr` returns `input_required` with a sampling input request (2026-07-28's
  multi-round-trip way), then finishes when the client calls again with the answer;
- `summarize_within` is `summarize_2025` with a deadline: the SDK cancels the request
  (`notifications/cancelled`) when the client has not answered in `seconds`;
- `roots_mrtr` asks for the client's roots inside `input_required` (2026-07-28) and lists them;
- `signup_mrtr` asks the person a form question inside `input_required` (2026-07-28), beside
  the roots, and says what came back (the action, and the content when accepted);
- the resource `note://today` and the tool `touch_note`, which changes it and tells the
  `subscriptions/listen` streams that asked for its updates (2026-07-28);
- the resource template `vault://{item}`, whose read asks the person why first, and the prompt
  `toast_mrtr`, which has the client's LLM write a line first: `input_required` answering
  `resources/read` and `prompts/get` (2026-07-28).

How a page on another origin may reach it (the second argument): `full` wraps the app in
Starlette's CORSMiddleware exposing the session id, as our README says to; `no-expose` does so
without `expose_headers` (a common mistake: the page cannot read `Mcp-Session-Id`); `none`
serves `streamable_http_app()` under uvicorn as people start it, with no CORS at all.

Usage: python_sampler.py PORT [full|no-expose|none], or python_sampler.py stdio to speak MCP
on stdin and stdout (as people write servers first; reached through a bridge).
"""

import sys

import uvicorn
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.message import ServerMessageMetadata
from mcp_types import (
    CreateMessageRequest,
    ElicitRequest,
    ElicitRequestFormParams,
    ListRootsRequest,
    CreateMessageRequestParams,
    CreateMessageResult,
    InputRequiredResult,
    SamplingMessage,
    TextContent,
)
from starlette.middleware.cors import CORSMiddleware

server = MCPServer("python-sampler")


def summary_prompt(text: str) -> list[SamplingMessage]:
    return [SamplingMessage(role="user", content=TextContent(type="text", text=f"Summarise in one sentence. {text}"))]


@server.tool()
async def summarize_2025(text: str, ctx: Context) -> str:
    """Summarises text by a sampling request on the tool call's stream (2025-11-25 and older)."""
    result = await ctx.session.create_message(
        messages=summary_prompt(text),
        max_tokens=120,
        system_prompt="You summarise.",
        related_request_id=ctx.request_id,
    )
    return f"Summary by {result.model} at {ctx.protocol_version}: {result.content.text}"


@server.tool()
async def summarize_within(text: str, seconds: float, ctx: Context) -> str:
    """Like summarize_2025, but gives up on the client after `seconds` (the SDK cancels it)."""
    request = CreateMessageRequest(
        params=CreateMessageRequestParams(messages=summary_prompt(text), max_tokens=120, system_prompt="You summarise.")
    )
    try:
        result = await ctx.session.send_request(
            request,
            CreateMessageResult,
            request_read_timeout_seconds=seconds,
            metadata=ServerMessageMetadata(related_request_id=ctx.request_id),
        )
    except NoBackChannelError:
        raise  # at 2026-07-28: the call is refused, as summarize_2025's is
    except Exception as e:  # the SDK's timeout error
        return f"No summary: the client did not answer within {seconds:g} s ({e})"
    return f"Summary by {result.model}: {result.content.text}"


@server.tool()
async def summarize_mrtr(text: str, ctx: Context) -> str | InputRequiredResult:
    """Summarises text by an input_required result (2026-07-28), in two rounds."""
    responses = ctx.input_responses or {}
    if "summary" in responses:
        answer = responses["summary"]
        return (
            f"Summary by {answer.model} at {ctx.protocol_version} "
            f"(state {ctx.request_state}): {answer.content.text}"
        )
    request = CreateMessageRequest(
        params=CreateMessageRequestParams(messages=summary_prompt(text), max_tokens=120, system_prompt="You summarise.")
    )
    return InputRequiredResult(input_requests={"summary": request}, request_state="round-1")


@server.tool()
async def roots_mrtr(ctx: Context) -> str | InputRequiredResult:
    """Lists the client's roots, asked inside an input_required result (2026-07-28)."""
    responses = ctx.input_responses or {}
    if "roots" in responses:
        roots = responses["roots"].roots
        listed = ", ".join(f"{r.name or 'unnamed'} at {r.uri}" for r in roots) or "none"
        return f"{len(roots)} root(s) at {ctx.protocol_version}: {listed}"
    return InputRequiredResult(input_requests={"roots": ListRootsRequest()}, request_state="roots-1")


@server.tool()
async def signup_mrtr(ctx: Context) -> str | InputRequiredResult:
    """Asks the person for a name and a plan, and the client for its roots, in one round."""
    responses = ctx.input_responses or {}
    if "who" in responses:
        answer = responses["who"]
        roots = len(responses["roots"].roots) if "roots" in responses else "no"
        content = ", ".join(f"{k}={v}" for k, v in sorted((answer.content or {}).items()))
        return f"{answer.action} at {ctx.protocol_version} with {roots} root(s): {content or 'no content'}"
    question = ElicitRequest(
        params=ElicitRequestFormParams(
            message="Who is signing up?",
            requested_schema={
                "type": "object",
                "properties": {
                    "name": {"type": "string", "title": "Name", "minLength": 2},
                    "plan": {"type": "string", "oneOf": [{"const": "free", "title": "Free"}, {"const": "team", "title": "Team"}]},
                    "seats": {"type": "integer", "minimum": 1, "maximum": 50, "default": 1},
                },
                "required": ["name", "plan"],
            },
        )
    )
    return InputRequiredResult(input_requests={"who": question, "roots": ListRootsRequest()}, request_state="signup-1")


NOTE = {"edits": 0}


@server.resource("note://today", name="today", mime_type="text/plain")
def today_note() -> str:
    """Today's note, edited by touch_note."""
    return f"Edited {NOTE['edits']} time(s)."


@server.tool()
async def touch_note(ctx: Context) -> str:
    """Edits today's note and says so to the clients listening for its updates."""
    NOTE["edits"] += 1
    await ctx.notify_resource_updated("note://today")
    return f"Edited {NOTE['edits']} time(s)."


@server.resource("vault://{item}", name="vault", mime_type="text/plain")
async def vault(item: str, ctx: Context) -> str | InputRequiredResult:
    """A vault item, read once the person says why (input_required on resources/read)."""
    responses = ctx.input_responses or {}
    if "why" in responses:
        answer = responses["why"]
        reason = (answer.content or {}).get("reason", "none given")
        return f"{item} opened ({answer.action}, reason: {reason}, state {ctx.request_state})"
    question = ElicitRequest(
        params=ElicitRequestFormParams(
            message=f"Why open {item}?",
            requested_schema={
                "type": "object",
                "properties": {"reason": {"type": "string", "title": "Reason"}},
                "required": ["reason"],
            },
        )
    )
    return InputRequiredResult(input_requests={"why": question}, request_state="vault-1")


@server.prompt()
async def toast_mrtr(guest: str, ctx: Context) -> str | InputRequiredResult:
    """A toast to guest, its line written by the client's LLM (input_required on prompts/get)."""
    responses = ctx.input_responses or {}
    if "line" in responses:
        answer = responses["line"]
        return f"To {guest}! {answer.content.text} (by {answer.model}, state {ctx.request_state})"
    request = CreateMessageRequest(
        params=CreateMessageRequestParams(messages=summary_prompt(f"A toast to {guest}."), max_tokens=60)
    )
    return InputRequiredResult(input_requests={"line": request}, request_state="toast-1")


def main() -> None:
    if sys.argv[1:2] == ["stdio"]:
        server.run("stdio")
        return
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 3003
    cors = sys.argv[2] if len(sys.argv) > 2 else "full"
    app = server.streamable_http_app()
    if cors != "none":
        app = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["mcp-session-id", "mcp-protocol-version"] if cors == "full" else [],
        )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
