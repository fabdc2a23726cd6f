//! The roots the person shares with servers (S25 client/roots.mdx): each a `file://` URI (the
//! spec allows no other scheme) with an optional name, in the order added, no URI twice; kept
//! on the device as JSON text.
// rmcp marks its roots types deprecated (SEP-2577); MCP Desk still shares roots.
#![allow(deprecated)]

use mcp_desk_protocol::model::Root;

/// Adds a root typed by the person, or says why it cannot be shared.
pub fn add(roots: &[Root], uri: &str, name: &str) -> Result<Vec<Root>, String> {
    let uri = uri.trim();
    let Some(path) = uri.strip_prefix("file://") else {
        return Err(format!(
            "A root is a file:// URI, like file:///home/me/project; {uri:?} is not one."
        ));
    };
    if !path.starts_with('/') {
        return Err(format!(
            "{uri:?} names no absolute path: a root looks like file:///home/me/project."
        ));
    }
    if roots.iter().any(|r| r.uri == uri) {
        return Err(format!("{uri} is shared already."));
    }
    let mut root = Root::new(uri);
    if !name.trim().is_empty() {
        root = root.with_name(name.trim());
    }
    let mut roots = roots.to_vec();
    roots.push(root);
    Ok(roots)
}

/// The roots without `uri`.
pub fn remove(roots: &[Root], uri: &str) -> Vec<Root> {
    roots.iter().filter(|r| r.uri != uri).cloned().collect()
}

/// The saved roots (none if nothing or something unreadable was saved). Read by hand from
/// the JSON: rmcp's derived decoding of `Root` costs the page bytes for nothing here.
pub fn load(saved: Option<&str>) -> Vec<Root> {
    let Some(Ok(serde_json::Value::Array(items))) =
        saved.map(serde_json::from_str::<serde_json::Value>)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let root = Root::new(item.get("uri")?.as_str()?);
            Some(match item.get("name").and_then(|n| n.as_str()) {
                Some(name) => root.with_name(name),
                None => root,
            })
        })
        .collect()
}

/// The roots as saved text.
pub fn to_saved(roots: &[Root]) -> String {
    serde_json::to_string(roots).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_file_uris_are_shared_each_once() {
        let roots = add(&[], " file:///home/me/project ", " Project ").unwrap();
        assert_eq!(roots[0].uri, "file:///home/me/project");
        assert_eq!(roots[0].name.as_deref(), Some("Project"));
        let roots = add(&roots, "file:///srv", "").unwrap();
        assert_eq!(roots[1].name, None);
        assert_eq!(
            add(&roots, "file:///srv", "again").unwrap_err(),
            "file:///srv is shared already."
        );
        assert!(
            add(&roots, "https://example.com", "")
                .unwrap_err()
                .starts_with("A root is a file:// URI")
        );
        assert!(
            add(&roots, "file://relative/x", "")
                .unwrap_err()
                .contains("names no absolute path")
        );
        let left = remove(&roots, "file:///home/me/project");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].uri, "file:///srv");
    }

    #[test]
    fn saved_roots_read_back_and_bad_text_reads_as_none() {
        let roots = add(&[], "file:///a", "A").unwrap();
        assert_eq!(load(Some(&to_saved(&roots))), roots);
        assert!(load(Some("{not json")).is_empty());
        assert!(load(None).is_empty());
    }
}
