# コンソールの日本語メッセージ。ここにある ID はすべて ../en/console.ftl にも必要です
# (単体テストで照合しています)。
app-name = Boomerang
skip-to-content = 本文へ移動
language-label = 言語
language-ja = 日本語
language-en = English
nav-home = ホーム
nav-log-in = ログイン
nav-sign-up = 新規登録
log-out = ログアウト

home-title = ホーム
home-greeting = { $name } さんとしてログイン中です
home-email = メールアドレス
home-email-verified = 確認済み
home-email-unverified = 未確認
home-resend-verification = 確認メールを再送する
home-verification-sent = 確認用のリンクを再送しました。メールをご確認ください。
home-verification-not-needed = メールアドレスは確認済みです。
home-roles = ご利用中の権限
home-staff-of = 所属企業（担当者）
home-alumni-of = 出身企業（アルムナイ）
home-no-staff = 担当者として登録されている企業はありません。
home-no-alumni = アルムナイとして登録されている企業はまだありません。
home-next = できること
home-next-projects = 募集中の案件
home-next-contracts = 契約と請求書
home-next-finance = 請求書の承認と支払い
home-next-payouts = 報酬の受け取り設定
role-ADMIN = 管理者
role-FINANCE = 経理担当
role-MEMBER = メンバー

log-in-title = ログイン
sign-up-title = 新規登録
field-email = メールアドレス
field-password = パスワード
field-new-password = 新しいパスワード
field-display-name = 氏名
password-hint = 12文字以上で入力してください。
log-in-submit = ログイン
sign-up-submit = 登録する
no-account = アカウントをお持ちでない方
have-account = すでにアカウントをお持ちの方
forgot-password-link = パスワードをお忘れの方
signed-up-check-mail = アカウントを作成しました。{ $email } 宛に確認用のリンクをお送りしましたので、メールアドレスの確認をお願いいたします。

forgot-title = パスワードの再設定
forgot-intro = ご登録のメールアドレスを入力してください。新しいパスワードを設定するためのリンクをお送りします。
forgot-submit = リンクを送信する
forgot-sent = ご入力のメールアドレスでアカウントが登録されている場合は、再設定用のリンクをお送りしました。リンクの有効期限にご注意ください。

reset-title = 新しいパスワードの設定
reset-submit = 新しいパスワードを保存する
reset-done = パスワードを変更しました。新しいパスワードでログインしてください。
reset-missing-token = リンクが正しくありません。メールのリンクをもう一度開くか、再設定をやり直してください。

verify-title = メールアドレスの確認
verify-done = メールアドレス（{ $email }）を確認しました。ありがとうございます。
verify-failed = メールアドレスを確認できませんでした。
verify-missing-token = リンクが正しくありません。メールのリンクをもう一度開いてください。
verify-confirm-intro = ご本人のメールアドレスであることを確認するため、下のボタンを押してください。
verify-confirm-submit = メールアドレスを確認する
home-member-since = アカウント登録日時
home-time-zone = タイムゾーン
home-time-zone-intro = このサイトの日時は、選択したタイムゾーンで表示されます。
home-time-zone-submit = タイムゾーンを変更する
tz-Asia-Tokyo = 東京（Asia/Tokyo）
tz-UTC = 協定世界時（UTC）
tz-America-New_York = ニューヨーク（America/New_York）
tz-Europe-London = ロンドン（Europe/London）
tz-Asia-Singapore = シンガポール（Asia/Singapore）
continue-home = ホームへ進む

onboarding-done-title = 報酬の受け取り設定
onboarding-done-body = ご登録ありがとうございます。Stripe で情報を受け付けました。受け取りが有効になるまで数分かかる場合があります。
onboarding-done-status = 受け取り可能
onboarding-refresh-title = 報酬の受け取り設定
onboarding-refresh-failed = Stripe の設定ページを開けませんでした。
onboarding-log-in-first = 受け取り設定を続けるには、ログインしてください。

error-title = エラーが発生しました
error-refused = ご依頼を受け付けられませんでした。
error-internal = 申し訳ありません。システムでエラーが発生しました。時間をおいて再度お試しください。
not-found-title = ページが見つかりません
not-found-body = お探しのページは存在しないか、閲覧する権限がありません。
forbidden-title = 受け付けられませんでした
forbidden-body = フォームの有効期限が切れたか、このサイト以外から送信されました。前のページに戻って再読み込みし、もう一度お試しください。
home-email-status = 確認状況
refused-BAD_USER_INPUT = 入力内容をご確認ください。
refused-CONFLICT = 現在の状態ではこの操作を行えません。
refused-FORBIDDEN = この操作を行う権限がありません。
refused-NOT_FOUND = 対象が見つかりません。
refused-RATE_LIMITED = 試行回数が上限に達しました。しばらく時間をおいてから再度お試しください。
refused-UNAUTHENTICATED = ログインできませんでした。メールアドレスとパスワードをご確認ください。

nav-areas = メニュー
nav-projects = 案件を探す
nav-work = お仕事
nav-companies = 企業の管理
nav-finance = 経理
