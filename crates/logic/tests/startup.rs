//! The URL keys of the UI contract, read the way the page reads them at start-up.

use mcp_desk_logic::startup::{StartupSettings, percent_decode};

#[test]
fn reads_every_contract_key_from_the_fragment() {
    let s = StartupSettings::parse(
        "#server=http%3A%2F%2F127.0.0.1%3A8787%2Fmcp&connect=1&provider=mock&base=http%3A%2F%2Flocalhost%3A11434&model=llama3&revision=2025-06-18",
        "",
    );
    assert_eq!(s.servers, ["http://127.0.0.1:8787/mcp"]);
    assert!(s.connect);
    assert_eq!(s.provider.as_deref(), Some("mock"));
    assert_eq!(s.base.as_deref(), Some("http://localhost:11434"));
    assert_eq!(s.model.as_deref(), Some("llama3"));
    assert_eq!(s.revision.as_deref(), Some("2025-06-18"));
}

#[test]
fn the_fragment_wins_over_the_query_string() {
    let s = StartupSettings::parse(
        "#provider=manual",
        "?provider=mock&server=http://a/mcp&connect=0",
    );
    assert_eq!(s.provider.as_deref(), Some("manual"));
    assert_eq!(s.servers, ["http://a/mcp"]);
    assert!(!s.connect);
}

#[test]
fn server_repeats_one_tab_each_and_the_fragment_replaces_the_query_list() {
    let s = StartupSettings::parse("#server=http://a/mcp&server=&server=http://b/mcp", "");
    assert_eq!(s.servers, ["http://a/mcp", "http://b/mcp"]);
    let s = StartupSettings::parse(
        "#server=http://c/mcp",
        "?server=http://a/mcp&server=http://b/mcp",
    );
    assert_eq!(s.servers, ["http://c/mcp"]);
    let s = StartupSettings::parse("#connect=1", "?server=http://a/mcp&server=http://b/mcp");
    assert_eq!(s.servers, ["http://a/mcp", "http://b/mcp"]);
}

#[test]
fn decoding_is_forgiving_and_plus_means_space_only_in_queries() {
    assert_eq!(percent_decode("a+b%20c", true), "a b c");
    assert_eq!(percent_decode("a+b", false), "a+b");
    assert_eq!(percent_decode("100%", false), "100%");
    assert_eq!(percent_decode("%zz%C3%A9", false), "%zzé");
}

#[test]
fn an_api_key_in_the_url_is_ignored() {
    let s = StartupSettings::parse("#key=sk-secret&api_key=sk-secret&provider=openai", "");
    assert!(!format!("{s:?}").contains("sk-secret"));
}

#[test]
fn presenter_mode_is_asked_for_with_present() {
    assert!(StartupSettings::parse("#present=1", "").present);
    assert!(StartupSettings::parse("", "?present=true").present);
    assert!(!StartupSettings::parse("#present=0", "?present=1").present);
    assert!(!StartupSettings::parse("#server=http://a/mcp", "").present);
}
