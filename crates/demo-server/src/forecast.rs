//! The demo's second tool, `forecast_advice {city}`: it asks the client's LLM what to wear,
//! offering it a tool (`get_forecast`) — sampling with tools. When the model calls the tool,
//! the server runs it and asks again with the `tool_result`, until the model answers in text.
//! Up to 2025-11-25 the two requests travel on the call's stream; at 2026-07-28 they are two
//! rounds of `input_required`, the model's tool call carried in `requestState`.
// rmcp marks its sampling types deprecated (SEP-2577); this server exists to ask for sampling.
#![allow(deprecated)]

use std::collections::BTreeMap;
use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, CreateMessageRequest,
    CreateMessageRequestParams, CreateMessageResult, ErrorData, InputRequest, InputRequiredResult,
    Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{Value, json};

use crate::tool_error;

pub const NAME: &str = "forecast_advice";
const STATE_TURN_1: &str = "forecast/v1/turn1";
const STATE_TURN_2: &str = "forecast/v1/turn2:";

pub fn tool() -> Tool {
    let schema = json!({
        "type": "object",
        "properties": {"city": {"type": "string", "description": "Where the person is"}},
        "required": ["city"]
    });
    let Value::Object(schema) = schema else {
        unreachable!("a JSON object literal")
    };
    Tool::new(
        NAME,
        "Asks the client's LLM what to wear, letting it call get_forecast (sampling with tools).",
        Arc::new(schema),
    )
}

/// The forecast the server's own tool reports (deterministic, for demos).
pub fn forecast(city: &str) -> String {
    format!("{city}: sunny, 21 °C, light wind")
}

fn prompt(city: &str) -> Value {
    json!({"role": "user", "content": {"type": "text", "text": format!("What should I wear in {city} today? Check the forecast first.")}})
}

fn request(messages: Vec<Value>) -> CreateMessageRequestParams {
    serde_json::from_value(json!({
        "messages": messages,
        "maxTokens": 300,
        "systemPrompt": "You give short clothing advice.",
        "tools": [{
            "name": "get_forecast",
            "description": "Today's weather forecast for a city",
            "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
        }],
        "toolChoice": {"mode": "auto"}
    }))
    .expect("a valid sampling request")
}

/// The first request: the question, with the tool offered.
pub fn first_request(city: &str) -> CreateMessageRequestParams {
    request(vec![prompt(city)])
}

/// The follow-up: the question, the model's tool calls, and their results.
fn follow_up(city: &str, assistant_content: &Value) -> CreateMessageRequestParams {
    let calls: Vec<&Value> = match assistant_content {
        Value::Array(blocks) => blocks.iter().filter(|b| b["type"] == "tool_use").collect(),
        block if block["type"] == "tool_use" => vec![block],
        _ => Vec::new(),
    };
    let results: Vec<Value> = calls
        .iter()
        .map(|call| {
            let asked = call.pointer("/input/city").and_then(Value::as_str).unwrap_or(city);
            json!({"type": "tool_result", "toolUseId": call["id"], "content": [{"type": "text", "text": forecast(asked)}]})
        })
        .collect();
    request(vec![
        prompt(city),
        json!({"role": "assistant", "content": assistant_content}),
        json!({"role": "user", "content": results}),
    ])
}

/// The answer's content, and whether it calls a tool.
fn read(answer: &CreateMessageResult) -> (Value, bool, String) {
    let value = serde_json::to_value(answer).unwrap_or(Value::Null);
    let content = value["content"].clone();
    let blocks: Vec<Value> = match &content {
        Value::Array(b) => b.clone(),
        other => vec![other.clone()],
    };
    let calls_tool = blocks.iter().any(|b| b["type"] == "tool_use");
    let text = blocks
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (content, calls_tool, text)
}

fn advice(
    city: &str,
    text: &str,
    model: &str,
    used_tool: bool,
) -> Result<CallToolResponse, ErrorData> {
    let how = if used_tool {
        "after calling get_forecast"
    } else {
        "without calling get_forecast"
    };
    Ok(CallToolResult::success(vec![ContentBlock::text(format!(
        "Advice for {city} ({how}, by {model}): {text}"
    ))])
    .into())
}

fn city_of(request: &CallToolRequestParams) -> Result<String, ErrorData> {
    request
        .arguments
        .as_ref()
        .and_then(|a| a.get("city"))
        .and_then(Value::as_str)
        .filter(|c| !c.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ErrorData::invalid_params("forecast_advice needs {\"city\": string}", None))
}

/// Up to 2025-11-25: sampling requests on the call's stream, as many as the tool loop needs.
pub async fn call_2025(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, ErrorData> {
    let city = city_of(request)?;
    let first = match context.peer.create_message(first_request(&city)).await {
        Ok(a) => a,
        Err(e) => return tool_error(format!("Sampling failed: {e}")),
    };
    let (content, calls_tool, text) = read(&first);
    if !calls_tool {
        return advice(&city, &text, &first.model, false);
    }
    let second = match context
        .peer
        .create_message(follow_up(&city, &content))
        .await
    {
        Ok(a) => a,
        Err(e) => return tool_error(format!("Sampling failed: {e}")),
    };
    let (_, _, text) = read(&second);
    advice(&city, &text, &second.model, true)
}

fn ask(
    key: &str,
    params: CreateMessageRequestParams,
    state: String,
) -> Result<CallToolResponse, ErrorData> {
    let inputs = BTreeMap::from([(
        key.to_owned(),
        InputRequest::CreateMessage(CreateMessageRequest::new(params)),
    )]);
    Ok(InputRequiredResult::new(Some(inputs), Some(state)).into())
}

fn answer_in(
    request: &CallToolRequestParams,
    key: &str,
) -> Option<Result<CreateMessageResult, String>> {
    let value = request.input_responses.as_ref()?.get(key)?;
    Some(serde_json::from_value(value.clone()).map_err(|e| e.to_string()))
}

/// 2026-07-28: each turn of the tool loop is a round of `input_required`.
pub fn call_2026(request: &CallToolRequestParams) -> Result<CallToolResponse, ErrorData> {
    let city = city_of(request)?;
    let state = request.request_state.as_deref().unwrap_or_default();
    let bad_state = || {
        Err(ErrorData::invalid_params(
            "Invalid or expired requestState",
            Some(json!({"reason": "invalid_request_state"})),
        ))
    };
    if state.is_empty() {
        return ask("turn1", first_request(&city), STATE_TURN_1.to_owned());
    }
    if state == STATE_TURN_1 {
        let first = match answer_in(request, "turn1") {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                return tool_error(format!("Sampling failed: the answer is malformed: {e}"));
            }
            None => return bad_state(),
        };
        let (content, calls_tool, text) = read(&first);
        if !calls_tool {
            return advice(&city, &text, &first.model, false);
        }
        return ask(
            "turn2",
            follow_up(&city, &content),
            format!("{STATE_TURN_2}{content}"),
        );
    }
    let carries_the_tool_call = state
        .strip_prefix(STATE_TURN_2)
        .is_some_and(|c| serde_json::from_str::<Value>(c).is_ok());
    if !carries_the_tool_call {
        return bad_state();
    }
    match answer_in(request, "turn2") {
        Some(Ok(second)) => {
            let (_, _, text) = read(&second);
            advice(&city, &text, &second.model, true)
        }
        Some(Err(e)) => tool_error(format!("Sampling failed: the answer is malformed: {e}")),
        None => bad_state(),
    }
}
