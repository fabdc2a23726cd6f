//! MCP Desk's own logic, without a browser: what the page decides and keeps, as plain data.
//!
//! Rules (when not to ask), the audit trail, provider settings, the roots the person shares,
//! how saved settings name a server, what the URL asks for at start-up, how each server was
//! last reached, the person's edits of a sampling request, tool arguments pre-filled from a
//! schema, content shown as text, why a server could not be reached (the CORS doctor), the
//! bridge command for a stdio server, a form from an elicitation's schema and the answer checked
//! against it, and what to show before a server's URL is opened. Time, randomness and stored
//! text come in as arguments and saved text goes out as a return value: the page's browser
//! layer reads the clock and the storage, this crate never does — so every rule here is a plain
//! host test.
//!
//! What it is not: a protocol client (`mcp-desk-protocol`), an LLM client (`mcp-desk-llm`), or
//! anything that renders.

pub mod arguments;
pub mod audit;
pub mod content;
pub mod cors_doctor;
pub mod edits;
pub mod providers;
pub mod roots;
pub mod rules;
pub mod schema_check;
pub mod schema_form;
pub mod server_key;
pub mod server_url;
pub mod sign_in_words;
pub mod startup;
pub mod stdio_bridge;
pub mod time;
pub mod timeline;
pub mod transport_memory;
pub mod uri_template;
pub mod url_consent;
pub mod words;
