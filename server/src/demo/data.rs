//! The demo's people, companies and projects: a believable alumni network of four Japanese
//! companies. Only data; `super::seed` plays it through the domain.
use entity::states::{CompanyRole, ProjectCategory};

/// The one password every demo login uses (printed with the logins).
pub const PASSWORD: &str = "boomerang-demo-2026";

pub struct Person {
    pub name: &'static str,
    pub email: &'static str,
}

pub struct Company {
    pub name: &'static str,
    pub staff: [(Person, CompanyRole); 3],
    /// Emails on the alumni roster (some never sign up: the roster shows it).
    pub roster: &'static [&'static str],
}

pub struct Project {
    /// Index into `COMPANIES`.
    pub company: usize,
    pub title: &'static str,
    pub description: &'static str,
    pub category: ProjectCategory,
    pub skills: &'static [&'static str],
    pub budget_jpy: u32,
    /// Visible to every verified alumnus, or only to the company's own.
    pub all_alumni: bool,
}

pub struct Bid {
    /// Index into `PROJECTS`.
    pub project: usize,
    /// Index into `ALUMNI`.
    pub alumnus: usize,
    pub amount_jpy: u32,
    pub days: i32,
    pub proposal: &'static str,
}

const fn p(name: &'static str, email: &'static str) -> Person {
    Person { name, email }
}

pub const COMPANIES: [Company; 4] = [
    Company {
        name: "みなと証券株式会社",
        staff: [
            (
                p("田中 浩", "tanaka.hiroshi@minato-sec.example.jp"),
                CompanyRole::Admin,
            ),
            (
                p("伊藤 美咲", "ito.misaki@minato-sec.example.jp"),
                CompanyRole::Member,
            ),
            (
                p("渡辺 誠", "watanabe.makoto@minato-sec.example.jp"),
                CompanyRole::Finance,
            ),
        ],
        roster: &[
            "nakamura.yui@mail.example.jp",
            "takahashi.ren@mail.example.jp",
            "yamamoto.saki@mail.example.jp",
            "kimura.takuya@mail.example.jp",
        ],
    },
    Company {
        name: "さくら銀行株式会社",
        staff: [
            (
                p("佐々木 健一", "sasaki.kenichi@sakura-bank.example.jp"),
                CompanyRole::Admin,
            ),
            (
                p("松本 彩", "matsumoto.aya@sakura-bank.example.jp"),
                CompanyRole::Member,
            ),
            (
                p("井上 隆", "inoue.takashi@sakura-bank.example.jp"),
                CompanyRole::Finance,
            ),
        ],
        roster: &[
            "nakamura.yui@mail.example.jp",
            "kobayashi.daisuke@mail.example.jp",
            "mori.haruka@mail.example.jp",
        ],
    },
    Company {
        name: "あおば生命保険株式会社",
        staff: [
            (
                p("山口 直樹", "yamaguchi.naoki@aoba-life.example.jp"),
                CompanyRole::Admin,
            ),
            (
                p("石川 由美", "ishikawa.yumi@aoba-life.example.jp"),
                CompanyRole::Member,
            ),
            (
                p("前田 聡", "maeda.satoshi@aoba-life.example.jp"),
                CompanyRole::Finance,
            ),
        ],
        roster: &[
            "kobayashi.daisuke@mail.example.jp",
            "yamamoto.saki@mail.example.jp",
        ],
    },
    Company {
        name: "株式会社ひのき家具",
        staff: [
            (
                p("岡田 陽子", "okada.yoko@hinoki-kagu.example.jp"),
                CompanyRole::Admin,
            ),
            (
                p("藤田 翔", "fujita.sho@hinoki-kagu.example.jp"),
                CompanyRole::Member,
            ),
            (
                p("後藤 恵", "goto.megumi@hinoki-kagu.example.jp"),
                CompanyRole::Finance,
            ),
        ],
        roster: &[
            "takahashi.ren@mail.example.jp",
            "mori.haruka@mail.example.jp",
        ],
    },
];

/// Alumni who signed up (each on one or more rosters above; `kimura.takuya` never does).
pub const ALUMNI: [Person; 5] = [
    p("中村 結衣", "nakamura.yui@mail.example.jp"),
    p("高橋 蓮", "takahashi.ren@mail.example.jp"),
    p("山本 咲", "yamamoto.saki@mail.example.jp"),
    p("小林 大輔", "kobayashi.daisuke@mail.example.jp"),
    p("森 遥", "mori.haruka@mail.example.jp"),
];

pub const PROJECTS: [Project; 8] = [
    Project {
        company: 0,
        title: "個人投資家向けアプリの利用ログ分析と解約要因の可視化",
        description: "当社の株式取引アプリ（月間利用者 約40万人）の利用ログを分析し、口座の休眠・解約に至る行動パターンを明らかにしていただきます。\n\n・BigQuery 上のログテーブル（匿名化済み）の集計\n・休眠予兆となる指標の提案\n・経営会議向けダッシュボード（Looker Studio）の作成\n\n週1回、オンラインで進捗共有の打ち合わせをお願いします。",
        category: ProjectCategory::DataAnalysis,
        skills: &["SQL", "BigQuery", "Python", "Looker Studio"],
        budget_jpy: 450_000,
        all_alumni: true,
    },
    Project {
        company: 0,
        title: "新NISA口座開設キャンペーンのLP改善とA/Bテスト設計",
        description: "新NISA口座開設キャンペーンのランディングページについて、現状の流入・離脱データをもとに改善案を作成し、A/Bテストの設計と効果検証までをご支援いただきます。金融商品取引法上の表示ルールは当社コンプライアンス部が確認します。",
        category: ProjectCategory::Marketing,
        skills: &["Google Analytics", "A/Bテスト", "LPO"],
        budget_jpy: 300_000,
        all_alumni: false,
    },
    Project {
        company: 1,
        title: "住宅ローン申込データを用いた審査リードタイムの要因分析",
        description: "住宅ローンの申込から融資実行までのリードタイムが長期化している要因を、過去3年分の申込データ（個人情報は除去済み）から分析していただきます。分析設計、要因分析、改善提案レポートの3段階で進めます。",
        category: ProjectCategory::DataAnalysis,
        skills: &["Python", "pandas", "統計分析"],
        budget_jpy: 600_000,
        all_alumni: false,
    },
    Project {
        company: 1,
        title: "法人向けメールマガジンの開封率改善",
        description: "中小企業の経営者さま向けに毎月配信しているメールマガジンの開封率・クリック率の改善施策をご提案ください。件名のテスト設計、配信セグメントの見直し、効果測定の仕組みづくりまでをお願いします。",
        category: ProjectCategory::Marketing,
        skills: &["メールマーケティング", "MA", "コピーライティング"],
        budget_jpy: 250_000,
        all_alumni: true,
    },
    Project {
        company: 2,
        title: "保険金請求データの不正検知モデルのPoC",
        description: "保険金請求データを用いて、不正請求の疑いがある案件を優先的に調査するためのスコアリングモデルを試作していただきます。モデルの精度だけでなく、査定担当者が理由を理解できる説明性を重視します。",
        category: ProjectCategory::DataAnalysis,
        skills: &["Python", "機械学習", "scikit-learn"],
        budget_jpy: 800_000,
        all_alumni: true,
    },
    Project {
        company: 2,
        title: "代理店向け月次営業レポートの集計自動化",
        description: "代理店ごとの月次営業実績レポートを Excel で手作業集計しています。これを Python で自動化し、担当者が毎月ボタン一つで作成できる状態にしていただきます。",
        category: ProjectCategory::DataAnalysis,
        skills: &["Python", "Excel", "業務自動化"],
        budget_jpy: 180_000,
        all_alumni: false,
    },
    Project {
        company: 3,
        title: "オンラインストアの購買データを用いた顧客セグメント分析",
        description: "オンラインストアの購買履歴（約2年分）から顧客をセグメントに分け、セグメントごとのおすすめ商品とクーポン施策をご提案ください。RFM 分析などの手法は問いません。",
        category: ProjectCategory::DataAnalysis,
        skills: &["SQL", "RFM分析", "Tableau"],
        budget_jpy: 350_000,
        all_alumni: true,
    },
    Project {
        company: 3,
        title: "新作ダイニングテーブルのInstagram広告運用",
        description: "春の新作ダイニングテーブルの発売に合わせ、Instagram 広告のクリエイティブ方針の策定から2か月間の運用・レポーティングまでをお任せします。広告費は別途当社が負担します。",
        category: ProjectCategory::Marketing,
        skills: &["Instagram広告", "SNSマーケティング", "広告運用"],
        budget_jpy: 400_000,
        all_alumni: true,
    },
];

/// Pending bids on open projects.
pub const BIDS: [Bid; 6] = [
    Bid {
        project: 0,
        alumnus: 1,
        amount_jpy: 420_000,
        days: 30,
        proposal: "前職ではみなと証券のリテール企画部で、アプリのKPI設計を担当しておりました。BigQuery と Looker Studio を用いた分析・可視化の実務経験が5年ございます。休眠予兆指標は3案ご提示のうえ、ご相談しながら絞り込む進め方をご提案します。",
    },
    Bid {
        project: 0,
        alumnus: 2,
        amount_jpy: 450_000,
        days: 40,
        proposal: "証券会社でのデータ分析経験を活かし、解約要因をロジスティック回帰と決定木で整理いたします。ダッシュボードは経営層の方が一目で把握できる構成にいたします。",
    },
    Bid {
        project: 1,
        alumnus: 2,
        amount_jpy: 280_000,
        days: 21,
        proposal: "金融機関のLP改善とA/Bテストを10件以上担当してまいりました。表示ルールに配慮したうえで、申込完了率の改善を目指します。",
    },
    Bid {
        project: 4,
        alumnus: 3,
        amount_jpy: 750_000,
        days: 60,
        proposal: "損害保険会社で不正請求検知モデルの開発に携わった経験がございます。SHAP を用いて査定担当者の方にも判断理由が分かる形でご提示します。",
    },
    Bid {
        project: 6,
        alumnus: 4,
        amount_jpy: 330_000,
        days: 30,
        proposal: "ECサイトの顧客分析を専門としております。RFM 分析に加え、購買間隔から次回購入時期を予測し、クーポン配信のタイミングまでご提案いたします。",
    },
    Bid {
        project: 7,
        alumnus: 1,
        amount_jpy: 380_000,
        days: 60,
        proposal: "インテリア・家具ブランドのSNS広告運用経験がございます。リール動画を中心に、保存数と来店予約を指標とした運用をご提案します。",
    },
];

/// The contract half-way through: project 2 (the bank's loan analysis) by alumnus 0, in three
/// milestones (paid; delivered and awaiting review; open).
pub const HALF_WAY: (usize, usize, &str) = (
    2,
    0,
    "さくら銀行の個人融資部に8年在籍し、住宅ローン審査の業務フローを熟知しております。Python（pandas）での分析と、現場の方にも伝わる報告資料の作成を得意としています。",
);
pub const HALF_WAY_MILESTONES: [(&str, u32); 3] = [
    ("現状データの把握と分析設計", 200_000),
    ("審査リードタイムの要因分析", 250_000),
    ("改善提案レポートの作成と報告会", 150_000),
];

/// A small contract whose one milestone is accepted and invoiced, the invoice awaiting
/// finance: project 5 (the insurer's report automation) by alumnus 3.
/// The registration number of the freelancer awaiting finance (an individual's, so it carries
/// no check digit to verify; made up).
pub const AWAITING_FINANCE_REGISTRATION: &str = "T4810123456789";

pub const AWAITING_FINANCE: (usize, usize, &str) = (
    5,
    3,
    "あおば生命の営業企画部で代理店実績の集計を担当していたため、現行の Excel の構成を把握しております。Python と openpyxl で、現在と同じ体裁のレポートを自動作成いたします。",
);
