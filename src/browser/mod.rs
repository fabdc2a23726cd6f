//! The thin browser layer: `fetch` with streamed bodies and aborts, the clocks,
//! randomness, web storage, downloads, the clipboard, the CORS doctor's probes, the window a
//! sign-in happens in, and the few page facts the app needs. Everything above
//! it deals in plain Rust data; nothing else in the app touches `web-sys` for these.

pub mod clipboard;
pub mod clock;
pub mod download;
pub mod http;
pub mod page;
pub mod probe;
pub mod random;
pub mod sign_in_window;
pub mod storage;
