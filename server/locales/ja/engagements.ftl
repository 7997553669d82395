# engagements
