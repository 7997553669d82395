# The console's English messages. Every id here must also be in ../ja/console.ftl
# (a unit test compares them).
app-name = Boomerang
skip-to-content = Skip to content
language-label = Language
language-ja = 日本語
language-en = English
nav-home = Home
nav-log-in = Log in
nav-sign-up = Sign up
log-out = Log out

home-title = Home
home-greeting = Signed in as { $name }
home-email = Email address
home-email-verified = Verified
home-email-unverified = Not verified yet
home-resend-verification = Send the verification link again
home-verification-sent = We sent a new verification link. Please check your inbox.
home-verification-not-needed = Your email address is already verified.
home-roles = Your roles
home-staff-of = Staff of
home-alumni-of = Alumnus or alumna of
home-no-staff = You are not on the staff of any company.
home-no-alumni = No company lists you as an alumnus or alumna yet.
home-next = What you can do
home-next-projects = Open projects
home-next-contracts = Contracts and invoices
home-next-finance = The invoice queue and payouts
home-next-payouts = Set up payouts
role-ADMIN = Administrator
role-FINANCE = Finance
role-MEMBER = Member

log-in-title = Log in
sign-up-title = Create an account
field-email = Email address
field-password = Password
field-new-password = New password
field-display-name = Name
password-hint = At least 12 characters.
log-in-submit = Log in
sign-up-submit = Create account
no-account = New to Boomerang?
have-account = Already have an account?
forgot-password-link = Forgot your password?
signed-up-check-mail = Your account is ready. We sent a link to { $email }; please open it to verify your address.

forgot-title = Reset your password
forgot-intro = Enter the email address of your account and we will send you a link to set a new password.
forgot-submit = Send the link
forgot-sent = If an account uses that address, we sent it a link. The link is valid for a limited time.

reset-title = Set a new password
reset-submit = Save the new password
reset-done = Your password has been changed. Please log in with the new password.
reset-missing-token = This link is incomplete. Please open the link from the mail again, or request a new one.

verify-title = Email verification
verify-done = Thank you. Your email address { $email } is verified.
verify-failed = We could not verify your email address.
verify-missing-token = This link is incomplete. Please open the link from the mail again.
verify-confirm-intro = Please confirm that this is your email address.
verify-confirm-submit = Verify my email address
home-member-since = Account created
home-time-zone = Time zone
home-time-zone-intro = Times on these pages are shown in this time zone.
home-time-zone-submit = Change the time zone
tz-Asia-Tokyo = Tokyo (Asia/Tokyo)
tz-UTC = UTC
tz-America-New_York = New York (America/New_York)
tz-Europe-London = London (Europe/London)
tz-Asia-Singapore = Singapore (Asia/Singapore)
continue-home = Go to the home page

onboarding-done-title = Payout setup
onboarding-done-body = Thank you. Stripe has received your details. It may take a few minutes until payouts are enabled.
onboarding-done-status = Payouts enabled
onboarding-refresh-title = Payout setup
onboarding-refresh-failed = We could not open the Stripe setup page.
onboarding-log-in-first = Please log in to continue your payout setup.

error-title = Something went wrong
error-refused = Your request was not accepted.
error-internal = Sorry, something went wrong on our side. Please try again later.
not-found-title = Page not found
not-found-body = The page does not exist, or you do not have access to it.
forbidden-title = Request refused
forbidden-body = The form had expired or did not come from this site. Please go back, reload the page and try again.
home-email-status = Verification
refused-BAD_USER_INPUT = Please check what you entered.
refused-CONFLICT = This cannot be done in the current state.
refused-FORBIDDEN = You do not have permission to do this.
refused-NOT_FOUND = What you asked for was not found.
refused-RATE_LIMITED = Too many attempts. Please wait a while and try again.
refused-UNAUTHENTICATED = We could not sign you in. Please check your email address and password.

nav-areas = Areas
nav-projects = Projects
nav-work = My work
nav-companies = Company
nav-finance = Finance
