//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must build the same
//! schema: a migration written for one engine only, a column forgotten or nullable on one side,
//! fails here rather than in production on the other engine.

use crate::common::{Backend, fresh_database_url};
use app::ssr::db::Db;
use std::collections::BTreeMap;

/// A column as both engines can state it: its kind of value and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    kind: &'static str,
    nullable: bool,
}

type Schema = BTreeMap<String, BTreeMap<String, Column>>;

/// The one mapping of the engines' type names to the kinds the application reads: every integer
/// width is an integer (SQLite stores any), text of any length is text, bytes are bytes.
fn kind(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    match declared.as_str() {
        "integer" | "bigint" | "int" | "smallint" | "int8" | "int4" => "integer",
        "text" | "character varying" | "varchar" => "text",
        "blob" | "bytea" => "bytes",
        "real" | "double precision" | "float8" => "real",
        "boolean" | "bool" => "boolean",
        _ => "unknown",
    }
}

/// Tables the migrator keeps for itself.
fn ours(table: &str) -> bool {
    !table.starts_with("_sqlx") && !table.starts_with("sqlite_")
}

async fn sqlite_schema(db: &Db) -> Schema {
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(db.pool())
            .await
            .expect("list SQLite tables");
    let mut schema = Schema::new();
    for (table,) in tables.into_iter().filter(|(t,)| ours(t)) {
        let columns: Vec<(String, String, i64, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(db.pool())
        .await
        .expect("read SQLite columns");
        let entry = schema.entry(table).or_default();
        for (name, declared, not_null, primary_key) in columns {
            entry.insert(
                name,
                Column {
                    kind: kind(&declared),
                    // A primary key is never NULL, whatever SQLite's table info says.
                    nullable: not_null == 0 && primary_key == 0,
                },
            );
        }
    }
    schema
}

async fn postgres_schema(db: &Db) -> Schema {
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns WHERE table_schema = 'public'
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(db.pool())
    .await
    .expect("read PostgreSQL columns");
    let mut schema = Schema::new();
    for (table, name, declared, nullable) in columns.into_iter().filter(|c| ours(&c.0)) {
        schema.entry(table).or_default().insert(
            name,
            Column {
                kind: kind(&declared),
                nullable: nullable == "YES",
            },
        );
    }
    schema
}

async fn migrated(backend: Backend, dir: &std::path::Path) -> Db {
    let url = fresh_database_url(backend, dir).await;
    let db = Db::connect(&url, 2).await.expect("connect");
    db.migrate().await.expect("migrate");
    db
}

#[test]
fn both_migration_trees_build_the_same_schema() {
    crate::common::run_test(both_migration_trees_agree());
}

async fn both_migration_trees_agree() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = sqlite_schema(&migrated(Backend::Sqlite, dir.path()).await).await;
    let postgres = postgres_schema(&migrated(Backend::Postgres, dir.path()).await).await;
    assert!(
        sqlite.len() > 20,
        "the SQLite schema was not read: {sqlite:?}"
    );

    let mut differences = Vec::new();
    for table in sqlite.keys().chain(postgres.keys()) {
        let (Some(left), Some(right)) = (sqlite.get(table), postgres.get(table)) else {
            differences.push(format!("table {table} exists on one engine only"));
            continue;
        };
        for column in left.keys().chain(right.keys()) {
            match (left.get(column), right.get(column)) {
                (Some(l), Some(r)) if l == r && l.kind != "unknown" => {}
                (Some(l), Some(r)) => {
                    differences.push(format!("{table}.{column}: SQLite {l:?}, PostgreSQL {r:?}"))
                }
                _ => differences.push(format!("{table}.{column} exists on one engine only")),
            }
        }
    }
    differences.sort();
    differences.dedup();
    assert!(
        differences.is_empty(),
        "the migration trees disagree:\n{}",
        differences.join("\n")
    );
}

#[test]
fn the_type_mapping_is_written_once_and_covers_both_engines() {
    assert_eq!(kind("INTEGER"), kind("bigint"));
    assert_eq!(kind("TEXT"), kind("character varying"));
    assert_eq!(kind("BLOB"), kind("bytea"));
    assert_eq!(kind("jsonb"), "unknown");
}
