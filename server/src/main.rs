use clap::Parser;
use tracing_subscriber::EnvFilter;

use boomerang::config::{Cli, Command};
use boomerang::{App, db, graphql};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                seed_demo(&cli.config.database_url).await?;
            }
            let app = App::build(&cli.config).await?;
            tracing::info!(
                address = %app.local_addr()?,
                database = db::backend_name(&cli.config.database_url),
                "Boomerang is listening; GraphQL at /graphql"
            );
            app.run().await
        }
        Command::SeedDemo => seed_demo(&cli.config.database_url).await,
        Command::Migrate => {
            let conn = db::connect(&cli.config.database_url, 1).await?;
            db::migrate(&conn).await?;
            tracing::info!("migrations are up to date");
            Ok(())
        }
        Command::CheckLedger => {
            let conn = db::connect(&cli.config.database_url, 1).await?;
            let problems = boomerang::domain::ledger::check(&conn).await?;
            if problems.is_empty() {
                println!("ledger OK");
                return Ok(());
            }
            for problem in &problems {
                println!("{problem}");
            }
            anyhow::bail!("{} ledger invariant(s) broken", problems.len())
        }
        Command::Schema => {
            // The schema needs no live database; an unconnected handle is enough to build it.
            let schema = graphql::build_schema(
                sea_orm::DatabaseConnection::default(),
                graphql::ApiConfig::default(),
            );
            print!("{}", graphql::sdl(&schema));
            Ok(())
        }
    }
}

/// Migrates, seeds the demo network if the database is empty, and prints what it did.
async fn seed_demo(database_url: &str) -> anyhow::Result<()> {
    let conn = db::connect(database_url, 1).await?;
    db::migrate(&conn).await?;
    let outcome = boomerang::demo::seed(&conn).await?;
    print!("{}", boomerang::demo::describe(&outcome));
    conn.close().await?;
    Ok(())
}
