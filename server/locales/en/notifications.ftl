# notifications: the list, marking read, delivery settings and mail.
notification-unknown = You have a notification.
notification-project-published = A new project was published: { $title }.
notification-opening-published = A new opening was published: { $title }.
notification-news-posted = News was posted: { $title }.
notification-event-created = You are invited to an event: { $title }.
notification-invitation-bid = You are invited to bid on { $title }.
notification-invitation-speak = You are invited to speak at { $title }.
notification-bid-accepted = Your bid on { $title } was accepted.
notification-bid-rejected = Your bid on { $title } was not selected.
notification-delivery-accepted = Your delivery of { $title } was accepted.
notification-delivery-changes-requested = Changes were requested to your delivery of { $title }.
notification-invoice-approved = Your invoice { $title } was approved.
notification-invoice-rejected = Your invoice { $title } was rejected.
notification-payout-paid = The payment for { $title } was made.
notification-payout-failed = The payment for { $title } failed. Please check your bank details.
notification-invoice-awaiting-review = Invoice { $title } awaits review.
notification-invoice-due-soon = Invoice { $title } is due on { $dueDate }.
notification-application-received = Someone applied to the opening { $title }.
notification-application-moved = Your application to { $title } moved on.

notification-kind-project-published = New projects
notification-kind-opening-published = New openings
notification-kind-news-posted = Company news
notification-kind-event-created = Event invitations
notification-kind-invitation-bid = Invitations to bid
notification-kind-invitation-speak = Invitations to speak
notification-kind-bid-accepted = Bids accepted
notification-kind-bid-rejected = Bids not selected
notification-kind-delivery-accepted = Deliveries accepted
notification-kind-delivery-changes-requested = Changes requested
notification-kind-invoice-approved = Invoices approved
notification-kind-invoice-rejected = Invoices rejected
notification-kind-payout-paid = Payments made
notification-kind-payout-failed = Payments failed
notification-kind-invoice-awaiting-review = Invoices awaiting review (finance)
notification-kind-invoice-due-soon = Invoices due soon (finance)
notification-kind-application-received = Applications received (hiring)
notification-kind-application-moved = Application progress

notification-mail-greeting = Hello { $name },
notification-mail-open = See all your notifications here:
notification-mail-settings = You can choose how notifications reach you under Notification settings.
notification-digest-subject = Your notifications of { $date }
notification-digest-intro = { $count ->
    [one] You had one notification on { $date }:
   *[other] You had { $count } notifications on { $date }:
}

notifications-bell = Notifications
notifications-bell-count = ({ $count } unread)
notifications-title = Notifications
notifications-caption = Your notifications
notifications-empty = No notifications.
notifications-unread-only = Unread only
notifications-show-all = Show all
notifications-col-date = Date
notifications-col-message = Notification
notifications-col-status = Status
notifications-unread = Unread
notifications-read = Read
notifications-mark-read = Mark read
notifications-mark-read-named = Mark read: { $message }
notifications-mark-all-read = Mark all read
notifications-done-marked = { $count ->
    [one] Marked one notification read.
   *[other] Marked { $count } notifications read.
}
notifications-more = More
notifications-settings-link = Notification settings

notification-settings-title = Notification settings
notification-settings-intro = Choose, for each kind, how it reaches you by mail. Every notification also shows in your list here.
notification-settings-caption = Delivery per kind
notification-settings-col-kind = Kind
notification-settings-col-delivery = Delivery
notification-delivery-email = Mail at once
notification-delivery-daily-digest = Daily digest
notification-delivery-off = No mail
notification-settings-save = Save
notification-settings-done = Your notification settings were saved.
