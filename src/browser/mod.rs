//! The thin browser layer: `fetch` with streamed bodies and aborts, a timer, and the few
//! page facts the app needs. Everything above it deals in plain Rust data.

pub mod download;
pub mod http;
pub mod page;
pub mod storage;
pub mod timer;
