//! An incremental Server-Sent Events decoder, following the WHATWG "event stream
//! interpretation" rules: chunks may split lines, line endings and UTF-8 characters anywhere.
//!
//! It reports every dispatched event, including MCP's "priming" events whose data is empty
//! (they carry the id a client resumes from); skipping those is the caller's choice.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event` field, `"message"` when absent.
    pub event: String,
    /// The `data` lines joined with `\n`.
    pub data: String,
    /// The last event id in force when the event was dispatched.
    pub id: Option<String>,
}

/// Feed bytes in, take events out.
#[derive(Debug, Default)]
pub struct SseDecoder {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// The previous chunk ended in CR: an LF opening the next chunk belongs to it.
    after_cr: bool,
    /// Whether the stream's first bytes (and a BOM among them) were seen.
    started: bool,
    event_type: String,
    data: String,
    last_event_id: Option<String>,
    retry_ms: Option<u64>,
}

impl SseDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns the events completed by them, in order.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Vec<SseEvent> {
        if !self.started && !chunk.is_empty() {
            // Wait until three bytes decide whether a BOM opens the stream.
            if self.line.len() + chunk.len() < 3
                && b"\xEF\xBB\xBF".starts_with(&[&self.line[..], chunk].concat())
            {
                self.line.extend_from_slice(chunk);
                return Vec::new();
            }
            self.started = true;
            let mut head = std::mem::take(&mut self.line);
            head.extend_from_slice(chunk);
            let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head).to_vec();
            return self.feed_started(&head);
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        self.feed_started(chunk)
    }

    fn feed_started(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        let mut start = 0;
        let mut i = 0;
        while i < chunk.len() {
            match chunk[i] {
                b'\n' | b'\r' => {
                    self.line.extend_from_slice(&chunk[start..i]);
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.process_line(&line) {
                        events.push(event);
                    }
                    if chunk[i] == b'\r' {
                        match chunk.get(i + 1) {
                            Some(b'\n') => i += 1,
                            None => self.after_cr = true,
                            Some(_) => {}
                        }
                    }
                    i += 1;
                    start = i;
                }
                _ => i += 1,
            }
        }
        self.line.extend_from_slice(&chunk[start..]);
        events
    }

    /// End of stream: an event not closed by a blank line is discarded.
    pub fn finish(&mut self) {
        self.line.clear();
        self.data.clear();
        self.event_type.clear();
        self.after_cr = false;
    }

    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The last valid `retry` value in milliseconds, if any was received.
    pub fn retry_ms(&self) -> Option<u64> {
        self.retry_ms
    }

    fn process_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            return None;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.find(':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (&line[..], ""),
        };
        match field {
            "event" => self.event_type = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.last_event_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry_ms = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        if self.data.is_empty() {
            self.event_type.clear();
            return None;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        let event = std::mem::take(&mut self.event_type);
        Some(SseEvent {
            event: if event.is_empty() {
                "message".into()
            } else {
                event
            },
            data,
            id: self.last_event_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_at_once(stream: &[u8]) -> Vec<SseEvent> {
        SseDecoder::new().feed(stream)
    }

    fn byte_by_byte(stream: &[u8]) -> Vec<SseEvent> {
        let mut d = SseDecoder::new();
        stream.iter().flat_map(|b| d.feed(&[*b])).collect()
    }

    fn ev(event: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
        }
    }

    #[test]
    fn lf_crlf_and_cr_line_endings() {
        for stream in [
            "data: a\n\ndata: b\n\n",
            "data: a\r\n\r\ndata: b\r\n\r\n",
            "data: a\r\rdata: b\r\r",
        ] {
            let got = all_at_once(stream.as_bytes());
            assert_eq!(
                got,
                [ev("message", "a", None), ev("message", "b", None)],
                "{stream:?}"
            );
        }
    }

    #[test]
    fn a_crlf_split_across_chunks_is_one_line_ending() {
        let stream = b"data: a\r\n\r\ndata: b\r\n\r\n";
        for cut in 0..=stream.len() {
            let mut d = SseDecoder::new();
            let mut got = d.feed(&stream[..cut]);
            got.extend(d.feed(&stream[cut..]));
            assert_eq!(
                got,
                [ev("message", "a", None), ev("message", "b", None)],
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn byte_by_byte_equals_all_at_once() {
        let streams: [&[u8]; 4] = [
            b"id: 0\ndata: \n\nevent: message\ndata: {\"a\":1}\n\n",
            "id: 7\r\nevent: note\r\ndata: caf\u{e9} \u{1F600}\r\ndata: line two\r\n\r\n"
                .as_bytes(),
            b": comment\ndata\n\nretry: 3000\ndata:x\n\n",
            "\u{feff}data: bom\n\n".as_bytes(),
        ];
        for stream in streams {
            assert_eq!(byte_by_byte(stream), all_at_once(stream), "{stream:?}");
            assert!(!all_at_once(stream).is_empty());
        }
    }

    #[test]
    fn multibyte_characters_split_across_chunks_survive() {
        let stream = "data: é😀\n\n".as_bytes();
        let got = byte_by_byte(stream);
        assert_eq!(got, [ev("message", "é😀", None)]);
    }

    #[test]
    fn multi_line_data_is_joined_with_newlines() {
        let got = all_at_once(b"data: one\ndata: two\ndata:\n\n");
        assert_eq!(got, [ev("message", "one\ntwo\n", None)]);
    }

    #[test]
    fn comments_are_ignored() {
        let got = all_at_once(b": keep-alive\n\n:another\ndata: x\n\n");
        assert_eq!(got, [ev("message", "x", None)]);
    }

    #[test]
    fn ids_persist_and_an_id_with_nul_is_ignored() {
        let mut d = SseDecoder::new();
        let got = d.feed(b"id: 1\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\n");
        assert_eq!(
            got,
            [
                ev("message", "a", Some("1")),
                ev("message", "b", Some("1")),
                ev("message", "c", Some("1"))
            ]
        );
        assert_eq!(d.last_event_id(), Some("1"));
    }

    #[test]
    fn an_id_without_data_still_moves_the_cursor() {
        let mut d = SseDecoder::new();
        assert!(d.feed(b"id: 42\n\n").is_empty());
        assert_eq!(d.last_event_id(), Some("42"));
    }

    #[test]
    fn retry_takes_only_digits() {
        let mut d = SseDecoder::new();
        d.feed(b"retry: 3000\n\n");
        assert_eq!(d.retry_ms(), Some(3000));
        d.feed(b"retry: 12x\n\nretry:\n\nretry: -5\n\n");
        assert_eq!(d.retry_ms(), Some(3000));
        d.feed(b"retry:250\n\n");
        assert_eq!(d.retry_ms(), Some(250));
    }

    #[test]
    fn an_empty_priming_event_is_dispatched_with_its_id() {
        let got = all_at_once(b"id: 0\ndata: \n\n");
        assert_eq!(got, [ev("message", "", Some("0"))]);
    }

    #[test]
    fn an_event_without_data_dispatches_nothing() {
        let got = all_at_once(b"event: x\n\ndata: y\n\n");
        assert_eq!(
            got,
            [ev("message", "y", None)],
            "the event type does not leak"
        );
    }

    #[test]
    fn a_leading_bom_is_skipped_once() {
        let got = all_at_once("\u{feff}data: a\n\n".as_bytes());
        assert_eq!(got, [ev("message", "a", None)]);
        let mut d = SseDecoder::new();
        assert!(d.feed(b"\xEF").is_empty());
        assert!(d.feed(b"\xBB").is_empty());
        let got = d.feed(b"\xBFdata: b\n\n");
        assert_eq!(got, [ev("message", "b", None)]);
        // A second BOM is data for a field name, so the line is an unknown field.
        let got = all_at_once("\u{feff}\u{feff}data: c\n\n".as_bytes());
        assert!(got.is_empty());
    }

    #[test]
    fn fields_without_colon_and_value_spacing() {
        let got = all_at_once(b"data\n\n");
        assert_eq!(got, [ev("message", "", None)]);
        let got = all_at_once(b"data:nospace\n\ndata:  two spaces\n\n");
        assert_eq!(
            got,
            [
                ev("message", "nospace", None),
                ev("message", " two spaces", None)
            ]
        );
    }

    #[test]
    fn finish_discards_a_partial_event() {
        let mut d = SseDecoder::new();
        assert!(d.feed(b"data: half").is_empty());
        d.finish();
        assert_eq!(d.feed(b"data: whole\n\n"), [ev("message", "whole", None)]);
    }

    #[test]
    fn a_realistic_mcp_stream() {
        let stream = concat!(
            "id: 0/0\ndata: \nretry: 3000\n\n",
            "event: message\nid: 0/1\ndata: {\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"sampling/createMessage\",\"params\":{}}\n\n",
            "event: message\nid: 0/2\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
        );
        let got = byte_by_byte(stream.as_bytes());
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].data, "");
        assert!(got[1].data.contains("sampling/createMessage"));
        assert_eq!(got[2].id.as_deref(), Some("0/2"));
    }
}
