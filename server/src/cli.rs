//! Command-line entry points. `locactive` alone serves; the subcommands run one task and exit.

use crate::config::Settings;
use crate::seed::{self, DEMO_LOGINS, DEMO_PASSWORD};
use crate::startup::{Application, open_database};
use app::ssr::search::SearchIndex;
use std::process::ExitCode;

pub const USAGE: &str = "\
Usage: locactive [COMMAND]

Commands:
  serve                  Serve the web application (default)
  migrate                Apply pending database migrations
  seed                   Load the demo territory (Doubs) if the database has none
  reindex                Rebuild the search index, with progress, and have running servers do the same
  import-units SIREN FILE [--dry-run]
                         Check a CSV file of units (columns: see the README) and, if it has no
                         error and --dry-run is absent, import it for that organisation at once
  create-admin EMAIL NAME
                         Create a platform administrator and print their invitation link
  backup FILE            Write a consistent copy of the SQLite database to FILE while serving
                         (PostgreSQL: use pg_dump, see the README)
  help                   Show this message

Configuration comes from locactive.toml (or LOCACTIVE_CONFIG) and LOCACTIVE_* variables;
see the README.";

pub async fn run(args: Vec<String>) -> ExitCode {
    let settings = match Settings::load() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("Configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(settings.log_format);
    let command = args.first().map(String::as_str).unwrap_or("serve");
    let outcome = match command {
        "serve" => serve(settings).await,
        "migrate" => migrate(settings).await,
        "seed" => seed_demo(settings).await,
        "reindex" => reindex(settings).await,
        "import-units" => match (args.get(1), args.get(2)) {
            (Some(siren), Some(file)) => {
                let dry_run = args.iter().skip(3).any(|a| a == "--dry-run");
                import_units(settings, siren, file, dry_run).await
            }
            _ => Err("import-units needs SIREN and FILE".into()),
        },
        "create-admin" => match (args.get(1), args.get(2)) {
            (Some(email), Some(name)) => create_admin(settings, email, name).await,
            _ => Err("create-admin needs EMAIL and NAME".into()),
        },
        "backup" => match args.get(1) {
            Some(file) => backup(settings, file).await,
            None => Err("backup needs FILE".into()),
        },
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command «{other}»\n\n{USAGE}").into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error}");
            ExitCode::FAILURE
        }
    }
}

type CliResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn serve(settings: Settings) -> CliResult {
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "listening");
    println!("locactive écoute sur http://127.0.0.1:{}", app.port());
    app.run_until_stopped().await?;
    Ok(())
}

async fn backup(settings: Settings, file: &str) -> CliResult {
    // Connect only: a backup never migrates, loads or creates the database it copies (read-write
    // without create: a missing SQLite file is an error, not an empty copy).
    let url = settings.database_url().replace("mode=rwc", "mode=rw");
    let db = app::ssr::db::Db::connect(&url, 1).await?;
    let started = std::time::Instant::now();
    db.backup_to(std::path::Path::new(file)).await?;
    // The copy holds what the database does (password hashes, households): for its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "Sauvegarde écrite dans {file} ({:.1} Mo, {:.1} s).",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn migrate(settings: Settings) -> CliResult {
    let db = open_database(&settings).await?;
    println!("Migrations applied ({}).", db.backend().name());
    Ok(())
}

async fn seed_demo(settings: Settings) -> CliResult {
    let db = open_database(&settings).await?;
    let base_url = crate::startup::public_base_url(&settings);
    let report = seed::seed(&db, &base_url, |step| println!("  … {step}")).await?;
    if report.already_seeded {
        println!("Demo data already present: nothing to do.");
    } else {
        println!(
            "Demo territory loaded: {} organisations, {} units ({} published offers), {} applicants.",
            report.organisations, report.units, report.published_offers, report.applicants
        );
    }
    println!("\nDemo logins (password: {DEMO_PASSWORD}):");
    for login in &DEMO_LOGINS {
        println!("  {:<34} {}", login.email, login.role.label());
    }
    Ok(())
}

async fn reindex(settings: Settings) -> CliResult {
    use std::io::Write;
    let db = open_database(&settings).await?;
    let started = std::time::Instant::now();
    println!("Reading published offers…");
    let offers = app::ssr::store::listings::published_offer_docs(db.pool()).await?;
    let total = offers.len();
    let index = SearchIndex::in_memory()?;
    // Building is CPU work: keep it off the async runtime, and draw the bar as it goes.
    let built = tokio::task::spawn_blocking(move || {
        let result = index.replace_all_blocking(offers, &mut |done, total| {
            let width = 30;
            let filled = if total == 0 {
                width
            } else {
                done * width / total
            };
            print!(
                "\rIndexing [{}{}] {done}/{total}",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            let _ = std::io::stdout().flush();
        });
        println!();
        result.map(|()| index.num_docs())
    })
    .await??;
    println!(
        "Indexed {total} offers ({built} searchable documents) in {:.1} s.",
        started.elapsed().as_secs_f64()
    );
    app::ssr::store::offers::bump_search_generation(db.pool()).await?;
    println!("Running servers were asked to rebuild their own index; they do within a second.");
    Ok(())
}

fn progress_bar(label: &str, done: usize, total: usize) {
    use std::io::Write;
    let width = 30;
    let filled = if total == 0 {
        width
    } else {
        (done * width / total).min(width)
    };
    print!(
        "\r{label} [{}{}] {done}/{total}",
        "#".repeat(filled),
        " ".repeat(width - filled)
    );
    let _ = std::io::stdout().flush();
}

async fn import_units(settings: Settings, siren: &str, file: &str, dry_run: bool) -> CliResult {
    use app::ssr::import;
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let db = open_database(&settings).await?;
    let siren = app::domain::identifiers::normalize_siren(siren);
    let organisation = app::ssr::store::organisations::id_by_siren(db.pool(), &siren)
        .await?
        .ok_or_else(|| {
            format!("no organisation with SIREN {siren}: create it first (admin page)")
        })?;
    // Lines are roughly rows: good enough for a progress bar while reading.
    let total_lines = bytes
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        .saturating_sub(1);
    let context = import::OwnedUnitContext::of(db.pool(), organisation).await?;
    let checked = tokio::task::spawn_blocking(move || {
        let checked = import::check(&bytes, &context.get(), &mut |done| {
            progress_bar("Checking ", done, total_lines)
        });
        println!();
        checked
    })
    .await?;
    if !checked.errors.is_empty() {
        println!("{} error(s); nothing was imported:", checked.errors.len());
        for error in checked.errors.iter().take(50) {
            let column = error
                .column
                .as_deref()
                .map(|c| format!(" [{c}]"))
                .unwrap_or_default();
            println!("  line {}{column}: {}", error.line, error.message);
        }
        if checked.errors.len() > 50 {
            println!("  … and {} more.", checked.errors.len() - 50);
        }
        return Err("fix the file and run the command again".into());
    }
    let (new_units, updates) = import::count_new(db.pool(), organisation, &checked.rows).await?;
    println!(
        "{} row(s) valid: {new_units} new unit(s), {updates} update(s).",
        checked.rows.len()
    );
    if dry_run {
        println!("Dry run: nothing was written.");
        return Ok(());
    }
    let total = checked.rows.len();
    let mut tx = app::ssr::db::begin_write(db.pool()).await?;
    let (created, updated) = import::apply(&mut tx, organisation, &checked.rows, &mut |done| {
        progress_bar("Importing", done, total)
    })
    .await?;
    tx.commit().await?;
    println!(
        "\nImported: {created} created, {updated} updated. Running servers pick the changes up within a second."
    );
    Ok(())
}

async fn create_admin(settings: Settings, email: &str, name: &str) -> CliResult {
    use app::domain::account::{display_name_problem, email_problem, normalize_email};
    use app::model::Role;
    use app::ssr::store::accounts::{self, NewUser, TokenPurpose};
    let email = normalize_email(email);
    if let Some(problem) = email_problem(&email).or_else(|| display_name_problem(name)) {
        return Err(problem.into());
    }
    let base = settings
        .public_base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", settings.listen_addr));
    let db = open_database(&settings).await?;
    let token = app::ssr::secrets::new_token();
    let mut tx = app::ssr::db::begin_write(db.pool()).await?;
    let user_id = accounts::insert_user(
        &mut tx,
        NewUser {
            email: &email,
            password_hash: None,
            display_name: name.trim(),
            role: Role::Admin,
            organisation_id: None,
            commission_id: None,
            epci_siren: None,
            active: false,
        },
    )
    .await
    .map_err(|e| {
        if app::ssr::db::is_unique_violation(&e) {
            "an account with this e-mail already exists".into()
        } else {
            Box::new(e) as Box<dyn std::error::Error + Send + Sync>
        }
    })?;
    accounts::insert_token(&mut tx, user_id, TokenPurpose::Invitation, &token).await?;
    tx.commit().await?;
    println!("Administrator created. Send them this link (valid 7 days) to choose a password:");
    println!("{}/invitation?jeton={token}", base.trim_end_matches('/'));
    Ok(())
}
