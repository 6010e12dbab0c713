//! The database handle: one pool, SQLite or PostgreSQL behind sqlx's Any driver.
//!
//! Queries are written once, in the SQL both engines accept (`$n` placeholders, integer flags,
//! Unix-second timestamps); the test suite runs against both to keep it that way.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Once;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Backup(String),
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

static DRIVERS: Once = Once::new();

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        let backend = Backend::from_url(url).ok_or(DbError::UnsupportedUrl)?;
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers proceed during a write; the busy timeout makes a writer
                        // wait for the lock instead of failing at once; foreign keys are off by
                        // default in SQLite.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend })
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("../migrations/sqlite")
                    .run(&self.pool)
                    .await?;
                self.widen_user_roles().await?;
            }
            Backend::Postgres => {
                sqlx::migrate!("../migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Rebuilds SQLite's `users` table once so that its role CHECK admits every role
    /// (`migrations/sqlite-rebuilds/users_roles.sql` says why this cannot be a migration).
    async fn widen_user_roles(&self) -> Result<(), DbError> {
        let mut conn = self.pool.acquire().await?;
        let (schema,): (String,) =
            sqlx::query_as("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
                .fetch_one(&mut *conn)
                .await?;
        if schema.contains("'reservataire'") {
            return Ok(());
        }
        conn.execute("PRAGMA foreign_keys = OFF").await?;
        let rebuilt = async {
            conn.execute("BEGIN IMMEDIATE").await?;
            let result = async {
                sqlx::raw_sql(include_str!(
                    "../../../migrations/sqlite-rebuilds/users_roles.sql"
                ))
                .execute(&mut *conn)
                .await?;
                let dangling: Vec<(String,)> =
                    sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                        .fetch_all(&mut *conn)
                        .await?;
                if dangling.is_empty() {
                    Ok(())
                } else {
                    Err(sqlx::Error::Protocol(format!(
                        "foreign keys broken by the users rebuild in {dangling:?}"
                    )))
                }
            }
            .await;
            match result {
                Ok(()) => conn.execute("COMMIT").await.map(|_| ()),
                Err(error) => {
                    let _ = conn.execute("ROLLBACK").await;
                    Err(error)
                }
            }
        }
        .await;
        // The connection goes back to the pool: foreign keys must be on again whatever happened.
        conn.execute("PRAGMA foreign_keys = ON").await?;
        rebuilt?;
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `target` while it keeps serving: SQLite's
    /// `VACUUM INTO` reads one snapshot (writers go on meanwhile) and writes a compact file that
    /// opens as the database itself. PostgreSQL is copied with its own tool, `pg_dump`.
    pub async fn backup_to(&self, target: &std::path::Path) -> Result<(), DbError> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::Backup(
                "this database is PostgreSQL: copy it with pg_dump (see the README)".into(),
            ));
        }
        if target.exists() {
            return Err(DbError::Backup(format!(
                "{} exists already: a backup never overwrites a file",
                target.display()
            )));
        }
        let target = target
            .to_str()
            .ok_or_else(|| DbError::Backup("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Whether an error is a unique-constraint violation, so callers can turn it into a form error.
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            db.is_unique_violation()
                || db.code().as_deref() == Some("23505")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

/// The bind markers of an `IN (…)` list of `n` values: `$1, $2, …, $n`. The values are always
/// bound, never spliced into the statement.
pub fn bind_list(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The bind markers of a multi-row `VALUES` list: `($1, $2), ($3, $4)` for two rows of two.
pub fn bind_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Values per `IN` list: two statements read 500 applicants' profiles, where reading them one
/// by one took 1,000.
pub const BATCH_ROWS: usize = 500;

/// Bound values per multi-row statement. SQLite finds each parameter's name by walking a list
/// (`sqlite3_bind_parameter_name`), so binding costs the square of a statement's parameters: at
/// 5,500 (500 rows of 11), that walk took a quarter of the time of ranking 10,000 candidates.
/// A thousand keeps it negligible while a statement still carries dozens of rows.
const BINDS_PER_STATEMENT: usize = 1_000;

/// Rows per multi-row `INSERT` of `columns` values each.
pub const fn rows_per_statement(columns: usize) -> usize {
    let rows = BINDS_PER_STATEMENT / columns;
    if rows == 0 { 1 } else { rows }
}

/// Seconds since the Unix epoch: the one clock of the store.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that reads and then writes fails with "database is
/// locked" when another writer committed in between, whereas an immediate one simply waits its
/// turn (busy timeout). PostgreSQL's row locks need no such care.
pub async fn begin_write(
    pool: &AnyPool,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if pool.connect_options().database_url.scheme() == "sqlite" {
        pool.begin_with("BEGIN IMMEDIATE").await
    } else {
        pool.begin().await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bind_markers_number_every_value_once() {
        assert_eq!(super::bind_list(3), "$1, $2, $3");
        assert_eq!(super::bind_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
