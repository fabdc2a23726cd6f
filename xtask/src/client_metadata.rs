//! The Client ID Metadata Document a hosted build serves (`client-metadata.json`, S25
//! basic/authorization.mdx "Client ID Metadata Documents"): an HTTPS URL with a path is the
//! page's `client_id`, so the document names itself by that URL exactly and lists the page as
//! its redirect URI. Written by `cargo xtask dist --site https://host/path/`.

use serde_json::json;

/// The document's name beside the page.
pub const FILE: &str = "client-metadata.json";

/// The document for a page served at `site` (`https://host/path/`, trailing slash added).
pub fn document(site: &str) -> Result<String, String> {
    let site = if site.ends_with('/') {
        site.to_owned()
    } else {
        format!("{site}/")
    };
    let rest = site.strip_prefix("https://").ok_or_else(|| {
        format!(
            "--site must be an https:// URL (the spec requires it of a client id), not {site:?}"
        )
    })?;
    if rest.starts_with('/') || rest.contains(['?', '#', ' ']) {
        return Err(format!(
            "--site is the page's address, like https://host/path/, not {site:?}"
        ));
    }
    let document = json!({
        "client_id": format!("{site}{FILE}"),
        "client_name": "MCP Desk",
        "client_uri": site,
        "redirect_uris": [site],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none",
        "application_type": "web",
    });
    serde_json::to_string_pretty(&document).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_itself_and_the_page_exactly() {
        let text = document("https://desk.example.org/app").unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value["client_id"],
            "https://desk.example.org/app/client-metadata.json"
        );
        assert_eq!(
            value["redirect_uris"],
            json!(["https://desk.example.org/app/"])
        );
        assert_eq!(value["token_endpoint_auth_method"], "none");
        assert!(document("http://desk.example.org/").is_err());
        assert!(document("https:///x").is_err());
    }
}
