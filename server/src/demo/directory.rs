//! The directory's demo records (issue 13 §2, §3): tenure on みなと証券's roster, three
//! alumni profiles, and two of them listed in its directory (DIRECTORY consent), through the
//! domain functions.
use anyhow::Context;
use entity::profile::Availability;
use entity::states::ConsentPurpose;
use sea_orm::DatabaseConnection;

use crate::domain::access::Access;
use crate::domain::alumni::{self, Tenure};
use crate::domain::consents;
use crate::domain::profiles::{self, ProfileInput};

struct Demo {
    email: &'static str,
    department: &'static str,
    left_year: i32,
    headline: &'static str,
    bio: &'static str,
    skills: &'static [&'static str],
    availability: Availability,
    listed: bool,
}

const PEOPLE: [Demo; 3] = [
    Demo {
        email: "nakamura.yui@mail.example.jp",
        department: "リテール営業部",
        left_year: 2022,
        headline: "データ分析コンサルタント（金融）",
        bio: "みなと証券でリテール営業の分析を8年担当しました。現在は独立し、顧客分析を支援しています。",
        skills: &["SQL", "Python", "顧客分析"],
        availability: Availability::OpenToSideJobs,
        listed: true,
    },
    Demo {
        email: "takahashi.ren@mail.example.jp",
        department: "システム部",
        left_year: 2020,
        headline: "業務システムエンジニア",
        bio: "基幹システムの保守と自動化が専門です。",
        skills: &["Java", "SQL", "業務自動化"],
        availability: Availability::OpenToRehire,
        listed: true,
    },
    Demo {
        email: "yamamoto.saki@mail.example.jp",
        department: "広報部",
        left_year: 2023,
        headline: "広報・IR ライター",
        bio: "IR 資料と広報記事の執筆をしています。",
        skills: &["IR", "ライティング"],
        availability: Availability::NotNow,
        listed: false,
    },
];

/// `company_id`'s ADMIN records tenure; each person writes her profile; the listed ones agree
/// to the directory.
pub async fn seed(
    db: &DatabaseConnection,
    company_id: i64,
    admin_id: i64,
    people: &[i64],
) -> anyhow::Result<()> {
    let admin = Access::load(db, admin_id, true).await?;
    let emails: Vec<String> = PEOPLE.iter().map(|p| p.email.to_string()).collect();
    let tenure: Vec<Tenure> = PEOPLE
        .iter()
        .map(|p| Tenure {
            department: Some(p.department.to_string()),
            left_year: Some(p.left_year),
        })
        .collect();
    alumni::add_with_tenure(db, &admin, company_id, &emails, &tenure)
        .await
        .context("the roster's tenure")?;
    for (p, user_id) in PEOPLE.iter().zip(people) {
        let her = Access::load(db, *user_id, true).await?;
        profiles::update(
            db,
            &her,
            ProfileInput {
                headline: p.headline.into(),
                bio: p.bio.into(),
                skills: p.skills.iter().map(|s| (*s).to_string()).collect(),
                languages: vec!["日本語".into(), "English".into()],
                availability: p.availability,
                links: vec![],
            },
        )
        .await
        .with_context(|| format!("the profile of {}", p.email))?;
        if p.listed {
            consents::grant(db, &her, company_id, ConsentPurpose::Directory)
                .await
                .with_context(|| format!("the directory consent of {}", p.email))?;
        }
    }
    Ok(())
}
