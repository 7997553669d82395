//! The demo's company news and rehire openings (issue 13 §4, §5): at the first company, two of
//! its alumni consent to news and rehire, its MEMBER posts two news items (one pinned) and
//! publishes two openings, and one alumna's application is in screening. All through the
//! domain, so consents, audit events and notifications are as in real use.
use anyhow::Context;
use entity::application::ApplicationStatus;
use entity::news_post::NewsCategory;
use entity::opening::EmploymentType;
use entity::states::ConsentPurpose;
use sea_orm::DatabaseConnection;

use super::access;
use crate::domain::consents;
use crate::domain::news::{self, NewPost};
use crate::domain::rehire::{self, NewOpening};

pub async fn seed(
    db: &DatabaseConnection,
    company_id: i64,
    member_id: i64,
    alumni_ids: &[i64],
) -> anyhow::Result<()> {
    let mut consenting = Vec::new();
    for &id in alumni_ids {
        let alumna = access(db, id).await?;
        if alumna.alumni_of.contains(&company_id) && consenting.len() < 2 {
            for purpose in [ConsentPurpose::News, ConsentPurpose::Rehire] {
                consents::grant(db, &alumna, company_id, purpose).await?;
            }
            consenting.push(alumna);
        }
    }
    let member = access(db, member_id).await?;
    for (title, body, category, pinned) in [
        (
            "アルムナイ交流会を開催します",
            "**12月12日（金）19時**から本社にて、アルムナイ交流会を開催します。\n\n- 近況のご報告\n- 新しい事業のご紹介\n\nお気軽にご参加ください。",
            NewsCategory::Event,
            true,
        ),
        (
            "上期決算のお知らせ",
            "上期の決算を公表いたしました。詳しくは[IR情報](https://example.jp/ir)をご覧ください。",
            NewsCategory::Business,
            false,
        ),
    ] {
        news::post(
            db,
            &member,
            NewPost {
                company_id,
                title: title.into(),
                body: body.into(),
                category,
                pinned,
            },
        )
        .await
        .with_context(|| format!("posting {title}"))?;
    }
    let mut openings = Vec::new();
    for (title, department, kind) in [
        (
            "リテール営業（経験者）",
            "リテール営業部",
            EmploymentType::FullTime,
        ),
        (
            "データアナリスト（契約）",
            "デジタル戦略部",
            EmploymentType::Contract,
        ),
    ] {
        openings.push(
            rehire::publish(
                db,
                &member,
                NewOpening {
                    company_id,
                    title: title.into(),
                    department: department.into(),
                    employment_type: kind,
                    location: "東京都千代田区".into(),
                    remote: kind == EmploymentType::Contract,
                    description: "当社での経験を活かして、再びご活躍いただける方を歓迎します。"
                        .into(),
                },
            )
            .await
            .with_context(|| format!("publishing {title}"))?,
        );
    }
    if let (Some(alumna), Some(opening)) = (consenting.first(), openings.first()) {
        let applied = rehire::apply(
            db,
            alumna,
            opening.id,
            Some("再び貢献できればうれしいです。"),
        )
        .await
        .context("the demo application")?;
        rehire::move_application(db, &member, applied.id, ApplicationStatus::Screening, None)
            .await
            .context("moving the demo application")?;
    }
    Ok(())
}
