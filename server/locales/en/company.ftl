# company: creating a company, members, the alumni roster, settings; the verify-email
# confirmation, the time-zone choice and the demo's notes live in console.ftl.
company-tabs = Company pages
company-tab-dashboard = Dashboard
company-tab-members = Members
company-tab-alumni = Alumni roster
company-tab-settings = Settings
company-admin-only-title = For administrators only
company-admin-only = Only the company's administrators can use this page.

company-new-title = Create a company
company-new-intro = Register your company to publish projects for its alumni. You become its administrator.
company-field-name = Company name
company-new-submit = Create the company

company-members-title = Members of { $company }
company-members-caption = Staff and their roles
company-members-done-saved = The member was saved.
company-members-done-removed = The member was removed.
company-col-name = Name
company-col-email = Email address
company-col-role = Role
company-member-since = Since { $date }
company-col-actions = Actions
company-col-signed-up = Account
company-alumni-added-on = Added { $date }
company-role-of = Role of { $name }
company-change-role = Change role
company-remove-member = Remove
company-remove-member-named = Remove { $name }
company-add-member-title = Add a member
company-add-member-intro = The person needs an account with this email address. Administrators manage everything, members publish projects and review work, finance approves invoices and records payments.
company-add-member-submit = Add the member

company-alumni-title = Alumni roster of { $company }
company-alumni-add-title = Add alumni
company-alumni-add-intro = One person per line: an email address, or CSV columns with the email address first (for example "email,name"). A header row is optional. Up to 1,000 at a time.
company-alumni-paste = Paste email addresses or CSV
company-alumni-file = Or upload a CSV file
company-alumni-add-submit = Add to the roster
company-alumni-list-title = On the roster
company-alumni-count = { $count } on the roster, { $signedUp } of them signed up.
company-alumni-empty = The roster is empty.
company-alumni-signed-up = Signed up
company-alumni-not-signed-up = Not signed up yet
company-alumni-remove = Remove
company-alumni-remove-named = Remove { $email } from the roster
company-alumni-added = { $count ->
    [one] 1 email address is
   *[other] { $count } email addresses are
} on the roster.
company-alumni-removed = { $email } was removed from the roster.

company-settings-title = Settings of { $company }
company-settings-saved = The settings were saved.
company-field-provider = How alumni are paid
company-provider-MANUAL = Bank transfer (manual)
company-provider-MANUAL-hint = Finance pays each approved invoice by bank transfer and records the payment here.
company-provider-STRIPE = Stripe
company-provider-STRIPE-hint = Contracts are funded up front by card and paid out to the alumnus's Stripe account.
company-field-review-window = Review window (days)
company-review-window-hint = A delivered milestone is accepted automatically after this many days without review (1–60).
company-settings-submit = Save the settings
company-field-payment-terms = Payment terms (days after acceptance)
company-payment-terms-hint = How many days after a milestone's acceptance your finance pays (0–59). Without a setting, payment is due within 60 days counting the acceptance day. The Freelance Act (art. 4) forbids a due date later than that.
company-payment-terms-refused = Payment terms can be at most 59 days (Freelance Act art. 4: payment within 60 days counting the acceptance day).
company-tab-overdue = Overdue invoices
company-overdue-title = Overdue invoices of { $company }
company-overdue-intro = Invoices past their payment due date and not yet paid, earliest due first. The Freelance Act (art. 4) requires payment within 60 days counting the acceptance day.
company-overdue-none = No invoice is past its due date.
company-overdue-list = Overdue invoices
company-overdue-col-due = Due date
company-overdue-col-invoice = Invoice (project)
company-overdue-col-freelancer = Freelancer
company-overdue-col-amount = Amount
company-overdue-col-status = Status
company-overdue-forbidden-title = Not available to you
company-overdue-forbidden = Only the company's ADMIN and FINANCE staff see the overdue invoices.
