//! The harness cleans up after itself: a test that panics leaves no database behind, and
//! leftovers of killed runs are swept when the suite starts.

use boomerang_tests::flow::*;
use boomerang_tests::{
    LEFTOVER_AGE, TestDb, TestServer, postgres_admin_url, sweep_leftover_databases,
    test_database_name,
};
use sea_orm::{ConnectionTrait, Database, Statement};

/// Whether PostgreSQL lists a database called `name`.
async fn exists(admin_url: &str, name: &str) -> bool {
    let admin = Database::connect(admin_url).await.unwrap();
    let row = admin
        .query_one_raw(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    admin.close().await.ok();
    row.try_get_by_index::<i64>(0).unwrap() == 1
}

#[tokio::test]
async fn a_test_that_panics_leaves_no_database_behind() {
    let db = TestDb::new().await;
    let postgres = db.postgres_name().map(str::to_string);
    let sqlite_dir = db.sqlite_dir();
    if let (Some(name), Some(admin)) = (&postgres, postgres_admin_url()) {
        assert!(exists(&admin, name).await);
    }

    // A test body that fails halfway, with its server running and connections open.
    let failed = tokio::spawn(async move {
        let s = TestServer::start_with(db).await;
        sign_up(&s, "doomed@example.jp").await;
        panic!("a deliberate failure inside a test (expected; see test_databases.rs)");
    })
    .await;
    assert!(failed.unwrap_err().is_panic());

    match (postgres, postgres_admin_url()) {
        (Some(name), Some(admin)) => {
            assert!(!exists(&admin, &name).await, "{name} was left behind");
        }
        _ => {
            eprintln!(
                "SQLite: no server-side database to drop; checking that the temporary \
                 directory holding the file is gone"
            );
            let dir = sqlite_dir.expect("an SQLite test database lives in a temporary directory");
            assert!(!dir.exists(), "{} was left behind", dir.display());
        }
    }
}

#[tokio::test]
async fn leftover_test_databases_older_than_a_day_are_swept_and_fresh_ones_kept() {
    let Some(admin_url) = postgres_admin_url() else {
        eprintln!(
            "\n*** SKIPPED on SQLite: sweeping leftover test databases concerns PostgreSQL only \
             (SQLite test files live in temporary directories). Run with \
             DATABASE_URL=postgres://… to test it.\n"
        );
        return;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let old = test_database_name(now - LEFTOVER_AGE.as_secs() - 3600);
    let fresh = test_database_name(now - LEFTOVER_AGE.as_secs() + 3600);
    let admin = Database::connect(&admin_url).await.unwrap();
    for name in [&old, &fresh] {
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
    }

    let swept = sweep_leftover_databases(&admin_url, LEFTOVER_AGE)
        .await
        .unwrap();

    // Another test binary sweeping at the same moment may have dropped it first.
    assert!(
        swept.contains(&old) || !exists(&admin_url, &old).await,
        "{swept:?}"
    );
    assert!(!exists(&admin_url, &old).await, "{old} survived the sweep");
    assert!(!swept.contains(&fresh), "{swept:?}");
    assert!(exists(&admin_url, &fresh).await, "{fresh} was swept");
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{fresh}\" WITH (FORCE)"))
        .await
        .unwrap();
    admin.close().await.ok();
}
