//! The way through the house, checked on the source: store modules never import one another,
//! pages import one another without a circle, and no page opens a transaction.
//!
//! `cargo test -p locactive --test it -- architecture --nocapture` prints both import graphs.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's files: the module's name (its top-level file or folder under `root`) and, for each
/// file, how deep below `root` it sits and its text up to its tests.
fn modules(root: &Path) -> BTreeMap<String, Vec<(usize, String)>> {
    let mut found: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("source folder readable") {
            let path = entry.expect("source entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(root).expect("under root");
            let parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if parts == ["mod"] {
                continue;
            }
            // A folder's `mod.rs` sits at the folder's own level.
            let depth = parts.len()
                - if parts.len() > 1 && parts[parts.len() - 1] == "mod" {
                    2
                } else {
                    1
                };
            let text = fs::read_to_string(&path).expect("source readable");
            // Test modules may reach anywhere.
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            found
                .entry(parts[0].clone())
                .or_default()
                .push((depth, without_comments(&code)));
        }
    }
    found
}

fn without_comments(code: &str) -> String {
    code.lines()
        .map(|line| {
            let mut in_string = false;
            let mut previous = ' ';
            for (i, c) in line.char_indices() {
                match c {
                    '"' if previous != '\\' => in_string = !in_string,
                    '/' if !in_string && previous == '/' => return &line[..i - 1],
                    _ => {}
                }
                previous = c;
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names that follow each occurrence of `prefix` in `code`: `prefix name` or
/// `prefix {a, b::c, d}`.
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let (before, rest) = (&code[..at], &code[at + prefix.len()..]);
        // `super::` is not the head nor the tail of `super::super::`; `store::` is not the tail
        // of another path's segment (`datastore::`).
        let glued = before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if glued
            || (prefix == "super::" && (before.ends_with("super::") || rest.starts_with("super::")))
        {
            continue;
        }
        match rest.strip_prefix('{') {
            Some(group) => names.extend(group_heads(group)),
            None => names.push(identifier(rest)),
        }
    }
    names
}

/// The first segment of each item of a `{…}` group (its text after the brace), nested groups
/// included: `a::{b, c}, d}` gives `a` and `d`.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && !c.is_whitespace() => {
                heads.push(identifier(&group[i..]));
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Which modules under `root` each module uses, through `<path>::` (the last segment of the
/// folder's path, however it is reached), or `super::` from a top-level file, or
/// `super::super::` from a file one folder down.
fn import_graph(root: &Path, path: &str) -> BTreeMap<String, BTreeSet<String>> {
    let found = modules(root);
    let names: BTreeSet<String> = found.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, files) in &found {
        let mut uses = BTreeSet::new();
        for (depth, code) in files {
            let mut referenced = names_after(code, &format!("{path}::"));
            match depth {
                0 => referenced.extend(names_after(code, "super::")),
                _ => referenced.extend(names_after(code, "super::super::")),
            }
            uses.extend(
                referenced
                    .into_iter()
                    .filter(|n| n != module && names.contains(n)),
            );
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

fn print(title: &str, graph: &BTreeMap<String, BTreeSet<String>>) {
    println!("{title}");
    for (module, uses) in graph {
        let list: Vec<&str> = uses.iter().map(String::as_str).collect();
        println!("  {module} -> {}", list.join(", "));
    }
}

/// A circle in the graph, as the modules along it, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut found = path[start..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn app_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src")
}

#[test]
fn store_modules_never_import_one_another() {
    let graph = import_graph(&app_src().join("ssr/store"), "store");
    print("store modules and the store modules they use:", &graph);
    let crossing: Vec<String> = graph
        .iter()
        .flat_map(|(module, uses)| uses.iter().map(move |u| format!("{module} -> {u}")))
        .collect();
    assert!(
        crossing.is_empty(),
        "store modules import one another (move the orchestration into a use case, or a helper \
         several need into store/mod.rs): {crossing:?}"
    );
}

#[test]
fn pages_import_one_another_without_a_circle() {
    let graph = import_graph(&app_src().join("pages"), "pages");
    print("pages and the pages they use:", &graph);
    assert_eq!(circle(&graph), None, "pages import one another in a circle");
}

#[test]
fn no_page_opens_a_transaction() {
    let mut opening = Vec::new();
    for folder in ["pages", "components"] {
        for (module, files) in modules(&app_src().join(folder)) {
            let opens = files.iter().any(|(_, code)| {
                ["begin_write", ".begin()", "Work::begin"]
                    .iter()
                    .any(|call| code.contains(call))
            });
            if opens {
                opening.push(format!("{folder}/{module}"));
            }
        }
    }
    assert!(
        opening.is_empty(),
        "pages that open a transaction instead of calling a use case: {opening:?}"
    );
}

#[test]
fn the_checks_see_what_they_look_for() {
    // A group import, a path and a parent's sibling are all seen; comments are not.
    let code = without_comments(
        "use crate::ssr::store::{cotation, profiles::{load, members}, audit};\n\
         // crate::ssr::store::units\n\
         use crate::ssr::{db, store::offers}; let url = \"https://x\"; // store::photos\n\
         let x = super::super::rankings::status_of(); datastore::listings();",
    );
    assert_eq!(
        names_after(&code, "store::"),
        vec!["cotation", "profiles", "audit", "offers"]
    );
    assert_eq!(names_after(&code, "super::super::"), vec!["rankings"]);
    assert!(names_after(&code, "super::").is_empty());
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert!(circle(&graph).is_some());
}
